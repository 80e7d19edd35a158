"""A real browser (Debian's chromium through Playwright) on a real `archive serve`.

The path a reader takes: home → search a Chinese quote → open the hit in its interview
(the passage is the target and in view) → its speaker → back → copy the passage link →
open it. Screenshots of each page at 1280 and 390 px go to tests/output/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "output" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"browser tests need {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield browser
        browser.close()


def target_in_view(page) -> str:
    """The id of the :target element, asserting that it is visible inside the viewport."""
    return page.evaluate("""() => {
        const el = document.querySelector(':target');
        if (!el) return '';
        const box = el.getBoundingClientRect();
        const visible = box.height > 0 && box.top < window.innerHeight && box.bottom > 0;
        return visible ? el.id : 'not visible: ' + el.id;
    }""")


def shoot(page, name: str, width: int) -> None:
    """The whole page, or only the viewport for long texts (where the target passage is)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"{name}-{width}.png"),
        full_page=name not in ("interview", "speaker", "switched"),
    )


def test_reader_path(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(f"{server}/")
    shoot(page, "home", 1280)

    page.fill("#q-home", "数据中心")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.input_value("#q") == "数据中心"
    assert page.locator(".hit mark").first.inner_text() == "数据中心"
    shoot(page, "search", 1280)

    page.locator(".hit-link").first.click()
    page.wait_for_url("**/interviews/**")
    passage_id = page.evaluate("location.hash.slice(1)")
    assert passage_id and target_in_view(page) == passage_id
    target = page.locator(f'[id="{passage_id}"]')
    assert "数据中心" in target.locator("mark").first.inner_text()
    assert target.locator("blockquote").get_attribute("lang") == "zh"
    interview_url = page.url
    shoot(page, "interview", 1280)

    speaker = target.locator("a.speaker")
    name = speaker.inner_text()
    speaker.click()
    page.wait_for_url("**/speakers/**")
    assert page.locator("h1").inner_text() == name
    shoot(page, "speaker", 1280)

    page.go_back()
    page.wait_for_url(interview_url)
    assert target_in_view(page) == passage_id

    page.locator(f'[id="{passage_id}"] button.copy').click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{server}/p/{passage_id}"
    page.goto(link)
    assert "数据中心" in page.locator("figure.quote blockquote").inner_text()
    assert page.locator('meta[property="og:description"]').get_attribute("content")
    shoot(page, "passage", 1280)
    context.close()


def test_phone_width_screenshots(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/search?q=数据中心")
    hit = page.locator(".hit-link").first.get_attribute("href")
    passage_id = hit.rsplit("#", 1)[1]
    pages = {
        "home": "/",
        "search": "/search?q=数据中心",
        "interview": hit,
        "speaker": "/speakers/benjamin-mann",
        "passage": f"/p/{passage_id}",
    }
    for name, path in pages.items():
        page.goto(f"{server}{path}")
        # nothing may be wider than the phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        shoot(page, name, 390)
    context.close()


GERMAN, CHINESE = "000_120461cb871c2243.txt", "001_18a6d7e100dca724.txt"


def in_view(page, pid: str) -> bool:
    return page.evaluate(
        """(id) => {
        const box = document.getElementById(id).getBoundingClientRect();
        return box.height > 0 && box.top < window.innerHeight && box.bottom > 0;
    }""",
        pid,
    )


def test_switching_versions_keeps_the_place(browser, server):
    import httpx

    lenny = next(
        i
        for i in httpx.get(f"{server}/api/interviews").json()
        if {"de", "zh"} <= set(i["languages"])
    )
    slug = lenny["slug"]
    de = httpx.get(f"{server}/api/interviews/{slug}", params={"version": GERMAN}).json()
    reading = de["passages"][16]  # deep in the German text, well below the first screen
    counterpart = reading["counterparts"][0]["id"]

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/interviews/{slug}?version={GERMAN}")
    page.evaluate(
        "(id) => document.getElementById(id).scrollIntoView({block: 'start'})", reading["id"]
    )
    switch = page.locator("nav.versions a[data-keep-place]")
    page.wait_for_function(
        "(id) => document.querySelector('nav.versions a[data-keep-place]').href.includes('near=' + id)",
        arg=reading["id"],
    )
    switch.click()
    page.wait_for_url(f"**near={reading['id']}**")
    page.wait_for_function(
        "(id) => document.getElementById(id).classList.contains('focus')", arg=counterpart
    )
    assert in_view(page, counterpart)
    assert page.evaluate("window.scrollY") > 500  # not at the top of the page
    shoot(page, "switched", 1280)

    # and back: the Chinese passage's own link to the German one lands on it
    page.locator(f'[id="{counterpart}"] a.counterpart').click()
    page.wait_for_url(f"**#{reading['id']}")
    assert target_in_view(page) == reading["id"]

    page.goto(f"{server}/interviews/{slug}/compare?a={GERMAN}&b={CHINESE}")
    row = page.locator(".columns .row:not(.unmatched):not(.head)").first
    left, right = (
        row.locator(".cell").nth(0).bounding_box(),
        row.locator(".cell").nth(1).bounding_box(),
    )
    assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + 300  # side by side
    shoot(page, "compare", 1280)
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{server}/interviews/{slug}/compare?a={GERMAN}&b={CHINESE}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator(".columns .row:not(.unmatched):not(.head)").first
    left, right = (
        row.locator(".cell").nth(0).bounding_box(),
        row.locator(".cell").nth(1).bounding_box(),
    )
    assert right["y"] >= left["y"] + left["height"] - 1  # stacked
    shoot(page, "compare", 390)
    phone.close()

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
        full_page=not name.startswith(("interview", "speaker", "switched")),
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
        for i in httpx.get(f"{server}/api/interviews").json()["items"]
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


def match_state(page) -> tuple[str, str]:
    """(the "3 of 17" count, the id of the passage holding the current match)."""
    return page.evaluate("""() => {
        const mark = document.querySelector('mark.current-match');
        const box = mark && mark.getBoundingClientRect();
        const seen = box && box.top >= 0 && box.bottom <= window.innerHeight;
        return [document.querySelector('.match-count').textContent,
                mark ? (seen ? mark.closest('.passage').id : 'not visible') : ''];
    }""")


def test_match_navigation_and_versions(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/search?q=Talentdichte")
    first = page.locator(".hit-link").first
    passage_id = first.get_attribute("href").rsplit("#", 1)[1]
    first.click()
    page.wait_for_url("**/interviews/**")
    page.wait_for_function("document.querySelector('.match-count').textContent !== ''")
    marks = page.locator(".text mark").count()
    assert marks > 2
    count, at = match_state(page)
    assert count.endswith(f" of {marks}") and at == passage_id  # the first match is in view
    start = int(count.split()[0])
    page.keyboard.press("n")
    assert match_state(page)[0] == f"{start % marks + 1} of {marks}"
    assert match_state(page)[1] not in ("", "not visible")
    page.keyboard.press("p")
    page.keyboard.press("p")
    assert match_state(page)[0] == f"{(start - 2) % marks + 1} of {marks}"
    page.locator("button.next-match").click()
    assert match_state(page)[0] == f"{(start - 1) % marks + 1} of {marks}"
    shoot(page, "interview-matches", 1280)

    # typing n in the search box types n; / focuses the box from anywhere
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.type("n")
    assert match_state(page)[0] == f"{(start - 1) % marks + 1} of {marks}"

    # the Lenny interview: its versions link each other and say what they are
    page.goto(f"{server}/search?q=数据中心")
    page.locator(".hit-link").first.click()
    page.wait_for_url("**/interviews/**")
    assert page.locator(".version-line .version-label").inner_text() == "Chinese · translation"
    assert (
        page.locator(".version-line a")
        .first.get_attribute("href")
        .startswith("https://mp.weixin.qq.com/")
    )
    other = page.locator(".versions a[hreflang='de']")
    other.click()
    page.wait_for_url("**version=000*")
    assert page.locator(".version-line .version-label").inner_text() == "German · translation"
    assert page.locator(".versions strong[aria-current='page']").inner_text() == "German version"
    context.close()


def test_moments_open_the_recording(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/speakers/lex-fridman")
    page.locator(".appearances a").first.click()
    page.wait_for_url("**/interviews/**")
    moment = page.locator("a.time").first
    assert moment.inner_text().startswith("▶ 01:38:25")
    assert moment.get_attribute("href") == "https://www.youtube.com/watch?v=ugvHCXCOmm4&t=5905s"
    assert page.locator("a[href*='watch?v=lexfridman']").count() == 0
    shoot(page, "interview-moments", 1280)
    context.close()


def test_search_tools_at_1280(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/search?q=KI+speaker:达里奥&group=interview")
    panel = page.locator("details.filters")
    assert panel.get_attribute("open") is not None
    assert "达里奥" in panel.locator(".typed").inner_text()
    boxes = page.evaluate("""() => [...document.querySelectorAll('.filter-grid > label')].map(l => {
        const b = l.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(l).lineHeight) || 20;
        const control = l.querySelector('select, input').getBoundingClientRect();
        return {left: b.left, right: b.right, top: b.top, bottom: b.bottom,
                wrapped: control.top - b.top > line * 1.6};
    })""")
    assert len(boxes) >= 8 and not any(b["wrapped"] for b in boxes)  # labels on one line
    for i, a in enumerate(boxes):  # no two fields touch
        for b in boxes[i + 1 :]:
            apart = a["right"] + 8 <= b["left"] or b["right"] + 8 <= a["left"]
            apart = apart or a["bottom"] + 8 <= b["top"] or b["bottom"] + 8 <= a["top"]
            assert apart, (a, b)
    assert " in 1 interview" in page.locator("#results-h").inner_text()
    link = page.locator(".hit .self-link").first
    assert link.is_visible() and link.inner_text().startswith("/p/")
    shoot(page, "search-grouped", 1280)
    page.goto(f"{server}/search?q=Talent+speaker:KI")
    assert "No speaker called “KI”" in page.locator(".filter-notes").inner_text()
    shoot(page, "search-nothing", 1280)
    context.close()


def test_interview_filter_suggests_titles(browser, server):
    """The interview filter suggests titles as they are typed (site.js fills the field's
    datalist from /api/suggest/interviews); the chosen title filters the search. Without
    scripts the field takes the title as typed."""
    import httpx

    titles = httpx.get(f"{server}/api/interviews", params={"page_size": 100}).json()["items"]
    item = next(i for i in titles if len(i["title"]) > 12)
    typed = item["title"].split()[0]
    for scripts in (True, False):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=scripts
        )
        page = context.new_page()
        page.goto(f"{server}/search?q=")
        page.locator("details.filters summary").click()
        field = page.locator('input[name="interview"]')
        if scripts:
            field.press_sequentially(typed, delay=30)
            options = page.locator("#interview-titles option")
            options.first.wait_for(state="attached")
            suggested = options.evaluate_all("os => os.map(o => o.value)")
            assert item["title"] in suggested or len(suggested) == 10, suggested
            assert all(typed.casefold() in t.casefold() for t in suggested)
            field.fill(item["title"])  # as choosing the suggestion does
        else:
            field.fill(item["title"])
            assert page.locator("#interview-titles option").count() == 0
        page.locator("details.filters button[type=submit]").click()
        page.wait_for_url("**/search?*interview=*")
        assert page.locator(".hit").count() > 0
        heading = page.get_by_role("heading", name="Interview", exact=True)
        interviews = page.locator("aside.facets section").filter(has=heading)
        assert interviews.locator("li").count() == 1  # every hit of that one interview
        assert interviews.locator("li strong").inner_text() == item["title"]  # chosen
        assert page.locator('input[name="interview"]').input_value() == item["title"]
        context.close()


def test_phone_layout(browser, server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{server}/search?q=KI")
    facets = page.locator("aside.facets")
    results = page.locator("#results-h")
    # the facets stand above the results, folded; the filters are reachable too
    assert facets.bounding_box()["y"] < results.bounding_box()["y"]
    assert page.locator("details.facet-box").get_attribute("open") is None
    assert page.locator("details.filters summary").is_visible()
    page.locator("details.facet-box summary").click()
    assert page.locator("aside.facets h2", has_text="Year").is_visible()
    small = page.evaluate("""() => [...document.querySelectorAll(
            'main a, main button, main summary, main select, main input, header.site a')]
        .filter(e => e.offsetParent !== null && !e.closest('blockquote, p.people, .nothing li'))
        .map(e => [e.getBoundingClientRect().height, e.outerHTML.slice(0, 80)])
        .filter(([h]) => h < 44)""")
    assert not small, small[:5]
    shoot(page, "search-phone", 390)

    page.goto(f"{server}/search?q=数据中心")
    page.locator(".hit-link").first.click()
    page.wait_for_url("**/interviews/**")
    page.goto(page.url.split("#")[0].split("?")[0])  # the interview as a reader opens it
    first = page.locator(".text .passage").first.bounding_box()
    assert first["y"] + 120 < 844, first  # the first turn is on the first screen, readable
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "interview-top", 390)
    context.close()


def test_print_stylesheet(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/search?q=数据中心")
    passage_id = page.locator(".hit-link").first.get_attribute("href").rsplit("#", 1)[1]
    page.goto(f"{server}/p/{passage_id}")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll('button, header.site nav, .search-box')]
        .every(e => getComputedStyle(e).display === 'none')""")
    assert hidden
    after = page.evaluate("""() => {
        const a = document.querySelector('.cite .tools a');
        return getComputedStyle(a, '::after').content;
    }""")
    assert "http" in after  # the address follows the link
    assert page.locator(".cite .print-only").is_visible()  # the citation is printed
    unsplit = page.evaluate(
        """() => getComputedStyle(document.querySelector('.passage')).breakInside"""
    )
    assert unsplit == "avoid"
    page.pdf(path=str(SHOTS / "passage-print.pdf"))
    shoot(page, "passage-print", 1280)
    page.emulate_media(media="screen", color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 25, 30)"
    shoot(page, "passage-dark", 1280)
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    context.close()

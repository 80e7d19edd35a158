"""HTML pages on the real seed archive: status, content type, key content, odd input."""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import quote

import pytest
from conftest import build_archive, copy_archive
from fastapi.testclient import TestClient

from app.config import settings_for
from app.web.app import create_app

HTML = "text/html; charset=utf-8"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"] == HTML
    return response.text


def interview_of(client, speaker: str) -> str:
    return client.get(f"/api/interviews?speaker={speaker}").json()["items"][0]["slug"]


def test_home_shows_search_box_stats_interviews_and_speakers(client):
    html = page(client, "/")
    assert 'action="/search"' in html and 'name="q"' in html
    stats = client.get("/api/interviews").json()
    assert f'<a href="/interviews">{stats["total"]}</a>' in html
    assert "Latest interviews" in html and "Benjamin Mann" in html and "Zack Kass" in html
    assert "German" in html and "Chinese" in html  # the languages it holds


def test_interview_000_lists_people_headings_and_anchored_passages(client, lenny):
    html = page(client, f"/interviews/{lenny['interview']['slug']}")
    assert "Lenny Rachitsky" in html and "Benjamin Mann" in html
    assert 'href="/speakers/lenny-rachitsky"' in html and 'href="/speakers/benjamin-mann"' in html
    for heading in (
        "Der Rekrutierungskampf um KI - Talente",
        "Definition von AGI und der Wirtschaftliche Turing - Test",
    ):
        assert re.search(rf'<h2 class="section" id="sec-\w+" lang="de">{heading}</h2>', html)
        assert re.search(rf'<a href="#sec-\w+" lang="de">{heading}</a>', html)  # contents
    first = lenny["passages"][0]["id"]
    assert f'id="{first}"' in html and f'href="#{first}"' in html and f'href="/p/{first}"' in html
    assert "German translation" in html
    assert '<blockquote lang="de"' in html


def test_interview_001_version_links_to_the_german_version(client, lenny):
    slug = lenny["interview"]["slug"]
    keys = {v["language"]: v["key"] for v in lenny["versions"]}
    html = page(client, f"/interviews/{slug}?version={quote(keys['zh'])}")
    assert f'href="/interviews/{slug}?version={quote(keys["de"])}"' in html
    assert "German version" in html and '<blockquote lang="zh"' in html
    assert "数据中心" in html


def test_arriving_from_a_search_marks_the_words(client, lenny):
    slug = lenny["interview"]["slug"]
    keys = {v["language"]: v["key"] for v in lenny["versions"]}
    html = page(client, f"/interviews/{slug}?version={quote(keys['zh'])}&q=数据中心")
    assert "<mark>数据中心</mark>" in html
    assert "marked" in html and 'href="/search?q=' in html


def test_seed_003_shows_zack_kass_answers(client):
    html = page(client, f"/interviews/{interview_of(client, 'zack-kass')}")
    assert "Wahrscheinlich als GPT-3 veröffentlicht wurde" in html
    assert '<a class="speaker" href="/speakers/zack-kass">Zack Kass</a>' in html
    assert "WirtschaftsWoche" in html


def test_seed_002_is_marked_ai_generated_and_shows_timestamps(client):
    slug = interview_of(client, "lex-fridman")
    html = page(client, f"/interviews/{slug}")
    assert "AI-generated summary: quotes may not be verbatim" in html
    # the page names its recording (a YouTube link in the source): 1:38:25 opens it there
    moment = "https://www.youtube.com/watch?v=ugvHCXCOmm4&amp;t=5905s"
    assert f'<a class="time" href="{moment}"' in html and "▶ 01:38:25</a>" in html


def test_interviews_list_newest_first_and_filters(client):
    html = page(client, "/interviews")
    dates = re.findall(r'<time datetime="([\d-]+)">', html)
    assert dates == sorted(dates, reverse=True) and len(dates) >= 5
    chinese = page(client, "/interviews?lang=zh")
    assert "Benjamin Mann" in chinese and "Kinnlade" not in chinese
    assert "Kinnlade" in page(client, "/interviews?speaker=zack-kass")
    essays = page(client, "/interviews?kind=essay")
    assert essays.count('class="card"') == 3
    assert "No interview matches" in page(client, "/interviews?lang=xx&kind=<b>")


def test_search_page_shows_hits_filters_facets_and_keeps_the_query(client):
    html = page(client, "/search?q=数据中心")
    assert 'value="数据中心"' in html
    assert "<mark>数据中心</mark>" in html
    assert re.search(r'href="/interviews/[\w-]+\?version=001_[\w.]+&amp;q=%E6%95%B0', html)
    assert '<a href="/speakers/benjamin-mann">Benjamin Mann</a>' in html
    for name in ("speaker", "interview", "lang", "kind", "date_from", "date_to"):
        assert f'name="{name}"' in html
    assert "Speaker</h2>" in html and "Language</h2>" in html  # facets with counts


def test_search_filters_and_pagination(client):
    html = page(client, "/search?q=KI&lang=de&speaker=zack-kass")
    assert "<strong>Zack Kass</strong>" in html and "Remove this filter" in html
    many = page(client, "/search?q=KI")  # about 60 passages: more than one page of 20
    assert 'rel="next"' in many and 'href="/search?q=KI&amp;page=2"' in many
    second = page(client, "/search?q=KI&page=2")
    assert 'rel="prev"' in second and '<ol class="hits" start="21">' in second


def test_search_without_matches_helps(client):
    html = page(client, "/search?q=Quantenbäckerei&speaker=zack-kass")
    assert "Nothing found" in html and "without the filters" in html
    assert 'href="/interviews"' in html


def test_did_you_mean(client):
    html = page(client, "/search?q=Talentdichtte")
    assert "Did you mean" in html and "talentdichte" in html.lower()


def test_speaker_page(client):
    html = page(client, "/speakers/dario-amodei")
    assert "<h1>Dario Amodei</h1>" in html
    assert '<span class="alias" lang="zh">达里奥·阿莫迪</span>' in html
    assert "as guest" in html and "as author" in html
    assert '<input type="hidden" name="speaker" value="dario-amodei">' in html
    # his words and, since essays are their author's, his essays' paragraphs
    pages = "".join(page(client, f"/speakers/dario-amodei?page={n}") for n in range(1, 8))
    assert "Das ist eine dieser Aussagen" in pages and "主要观点 AI 发展可引导" in pages
    page(client, "/speakers/dario-amodei?page=999")
    page(client, "/speakers/dario-amodei?page=-1")
    page(client, "/speakers/dario-amodei?page=abc")


def test_speaker_passages_are_paginated(client):
    html = page(client, "/speakers/benjamin-mann")
    assert 'rel="next"' in html
    second = page(client, "/speakers/benjamin-mann?page=2")
    assert "Page 2 of" in second and 'rel="prev"' in second


def test_speakers_list(client):
    html = page(client, "/speakers")
    for name in ("Dario Amodei", "Benjamin Mann", "Lenny Rachitsky", "Zack Kass"):
        assert name in html


def test_passage_page_has_context_citation_and_open_graph(client, lenny):
    passage = next(
        p for p in lenny["passages"] if p["speaker"] and p["speaker"]["slug"] == "benjamin-mann"
    )
    html = page(client, f"/p/{passage['id']}")
    assert '<meta property="og:title" content="Benjamin Mann — ' in html
    assert '<meta property="og:description"' in html and 'name="twitter:card"' in html
    assert f"/p/{passage['id']}" in html and 'id="citation"' in html
    assert "Lenny&#39;s Podcast" in html and "2025-07-22" in html
    assert '<div class="current">' in html and html.count('class="passage ') >= 3
    assert "<cite" in html and '<blockquote lang="de"' in html


def test_unknown_records_answer_404_with_a_search_box(client):
    for url in (
        "/interviews/nope",
        "/speakers/nope",
        "/p/nope",
        "/no/such/page",
        "/interviews/%3Cscript%3E",
    ):
        html = page(client, url, 404)
        assert 'action="/search"' in html


@pytest.fixture()
def redirected(archive, tmp_path, lenny):
    settings = copy_archive(archive, tmp_path / "copy")
    slug = lenny["interview"]["slug"]
    with sqlite3.connect(settings.db_path) as con:
        con.execute(
            "insert into passageredirect values ('oldmoved', ?, ?, '')",
            (lenny["passages"][5]["id"], slug),
        )
        con.execute("insert into passageredirect values ('oldgone', NULL, ?, '')", (slug,))
    with TestClient(create_app(settings)) as client:
        yield client, lenny["passages"][5]["id"], slug


@pytest.mark.slow
def test_moved_passages_answer_301_and_removed_ones_410(redirected):
    client, new_id, slug = redirected
    moved = client.get("/p/oldmoved", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/p/{new_id}"
    gone = client.get("/p/oldgone")
    assert gone.status_code == 410 and f'href="/interviews/{slug}"' in gone.text
    api = client.get("/api/passages/oldmoved", follow_redirects=False)
    assert api.status_code == 301 and api.headers["location"] == f"/api/passages/{new_id}"
    assert client.get("/api/passages/oldgone").json()["interview"] == f"/api/interviews/{slug}"


@pytest.mark.slow
def test_pages_need_no_seed_files(redirected):
    client, passage_id, slug = redirected  # an archive copy whose seeds folder is missing
    for url in (
        "/",
        f"/interviews/{slug}",
        f"/p/{passage_id}",
        "/search?q=Talent",
        "/speakers/benjamin-mann",
    ):
        assert client.get(url).status_code == 200, url


def test_a_missing_archive_is_reported_not_crashed(tmp_path):
    with TestClient(create_app(settings_for(tmp_path / "none.db"))) as client:
        assert client.get("/healthz").status_code == 503
        page = client.get("/interviews")
        assert page.status_code == 503 and "not available" in page.text


@pytest.mark.parametrize(
    "url",
    [
        "/search?page=abc&q=KI",
        "/search?page=-5&q=KI",
        "/search?page=99999999999999999999&q=KI",
        "/search?q=KI&lang=xx&kind=nope&speaker=%00&interview=..%2F..",
        "/search?q=KI&date_from=notadate&date_to=2024-13-99",
        "/search?q=&speaker=zack-kass",
        "/search?foo=bar",
        "/search?q=%ff%fe",
        "/interviews?lang=%00&speaker=x&kind=y",
        "/interviews/x?version=nope&q=NOT%20OR",
        "/speakers/zack-kass?page=1e9",
        "/search?q=KI&q=AI",
        "/search?page=",
        "/?q=x",
    ],
)
def test_odd_query_strings_never_fail(client, url):
    assert client.get(url).status_code in (200, 404)


def test_sitemap_robots_healthz_static(client, lenny):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap.headers["content-type"].startswith(
        "application/xml"
    )
    assert f"/interviews/{lenny['interview']['slug']}</loc>" in sitemap.text
    assert f"/p/{lenny['passages'][0]['id']}</loc>" in sitemap.text
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Sitemap:" in robots.text
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["passages"] > 100 and health["indexed"]
    assert client.get("/static/site.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/site.js").status_code == 200


def test_pages_put_no_inline_script_or_style(client, lenny):
    for url in (
        "/",
        "/search?q=KI",
        f"/interviews/{lenny['interview']['slug']}",
        "/speakers/dario-amodei",
        f"/p/{lenny['passages'][0]['id']}",
    ):
        html = page(client, url)
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/site.js" defer>']
        assert "<style" not in html and " style=" not in html and " onclick=" not in html


EVIL = """Interview <script>alert(1)</script> mit Zack Kass

Zack Kass spricht über KI und <script>alert(1)</script> Sicherheit im Netz.

WirtschaftsWoche: Was halten Sie von <script>alert(1)</script> in Webseiten?

Zack Kass: Ein Skript wie <script>alert(1)</script> gehört nie ungeprüft auf eine Seite.

WirtschaftsWoche: Und was ist mit <img src=x onerror=alert(2)> Bildern?

Zack Kass: Auch die gehören escaped, damit nichts ausgeführt wird.
"""


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    (folder / "src").mkdir()
    (folder / "src" / "evil.txt").write_text(EVIL, encoding="utf-8")
    settings = build_archive(folder, [folder / "src"])
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.slow
def test_script_from_a_source_page_is_escaped_everywhere(evil_client):
    interview = evil_client.get("/api/interviews").json()["items"][0]
    detail = evil_client.get(f"/api/interviews/{interview['slug']}").json()
    urls = [
        "/",
        "/interviews",
        f"/interviews/{interview['slug']}",
        f"/interviews/{interview['slug']}?q=alert",
        "/search?q=alert",
        "/search?q=Skript",
        "/speakers/zack-kass",
        "/sitemap.xml",
    ]
    urls += [f"/p/{p['id']}" for p in detail["passages"]]
    for url in urls:
        html = evil_client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
    assert "&lt;script&gt;" in evil_client.get(f"/interviews/{interview['slug']}").text
    assert "&lt;img src=x" in evil_client.get("/search?q=Bildern").text


def test_script_in_a_query_is_escaped(client):
    for url in (
        "/search?q=<script>alert(1)</script>",
        "/search?q=KI&speaker=<script>alert(1)</script>",
        "/interviews/x?q=<script>alert(1)</script>",
        '/search?q="><script>alert(1)</script>',
    ):
        html = client.get(url).text
        assert "<script>alert" not in html, url
    lenny_slug = client.get("/api/interviews?lang=zh").json()["items"][-1]["slug"]
    html = client.get(f"/interviews/{lenny_slug}?q=<script>alert(1)</script>").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.slow
def test_headings_are_in_order_and_source_text_has_its_language(client, lenny):
    slug = lenny["interview"]["slug"]
    urls = [
        "/",
        "/interviews",
        "/speakers",
        "/search?q=数据中心",
        "/search?q=nichtsdergleichen",
        f"/interviews/{slug}",
        "/speakers/dario-amodei",
        f"/p/{lenny['passages'][12]['id']}",
        "/nope",
        "/api",
    ]
    for url in urls:
        html = client.get(url).text
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
        assert levels[0] == 1 and levels.count(1) == 1, url
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (url, levels)
        assert '<html lang="en">' in html
    assert '<blockquote lang="zh"' in client.get("/search?q=数据中心").text


@pytest.mark.slow
def test_a_huge_query_is_capped_on_the_search_and_interview_pages(client, lenny):
    """The search page repeated the raw q in every link: a 100 KB query made an 11 MB page."""
    q = "Talent " + "x" * 20_000
    normal = len(page(client, "/search?q=Talent"))
    html = page(client, f"/search?q={quote(q)}&speaker={'y' * 20_000}")
    assert len(html) < normal + 40_000 and "x" * 501 not in html and "y" * 501 not in html
    slug = lenny["interview"]["slug"]
    html = page(client, f"/interviews/{slug}?q={quote(q)}")
    assert "x" * 501 not in html and len(html) < len(page(client, f"/interviews/{slug}")) + 40_000


def test_the_page_a_hit_links_marks_the_fragment_and_the_quote(client):
    for q, marked in (
        ("天才国", "<mark>天才国</mark>"),
        ('"Wirtschaftlichen Turing"', "<mark>Wirtschaftlichen Turing</mark>"),
    ):
        hit = client.get("/api/search", params={"q": q}).json()["hits"][0]
        html = page(client, "/search?q=" + quote(q))
        link = re.search(r'class="hit-link" href="([^"]+)"', html).group(1)
        shown = page(client, link.replace("&amp;", "&"))
        assert f'id="{hit["id"]}"' in shown and marked in shown

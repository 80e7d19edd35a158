"""JSON routes: each the twin of a page, the OpenAPI description, odd queries."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from malformed_queries import MALFORMED_QUERIES


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"] == "application/json"
    return response.json()


@pytest.mark.slow
def test_stats_twin_of_the_home_page(client):
    stats = get(client, "/api/stats")
    assert stats["passages"] > 100 and set(stats["languages"]) == {"de", "zh"}
    assert f'<a href="/speakers">{stats["speakers"]}</a>' in client.get("/").text


def test_interviews_newest_first_with_filters(client):
    interviews = get(client, "/api/interviews")["items"]
    dated = [i["date"] for i in interviews if i["date"]]
    assert dated == sorted(dated, reverse=True) and len(interviews) >= 5
    assert all("zh" in i["languages"] for i in get(client, "/api/interviews?lang=zh")["items"])
    essays = get(client, "/api/interviews?kind=essay")["items"]
    assert len(essays) == 3 and all(i["kind"] == "essay" for i in essays)
    kass = get(client, "/api/interviews?speaker=zack-kass")["items"]
    names = [p["speaker"]["name"] for p in kass[0]["participants"]]
    assert names == ["WirtschaftsWoche", "Zack Kass"]
    assert get(client, "/api/interviews?lang=xx")["items"] == []


def test_interview_twin_of_seed_000(client, lenny):
    slug = lenny["interview"]["slug"]
    roles = {(p["role"], p["speaker"]["name"]) for p in lenny["interview"]["participants"]}
    assert {("host", "Lenny Rachitsky"), ("guest", "Benjamin Mann")} <= roles
    assert [v["language"] for v in lenny["versions"]] == ["de", "zh"]
    assert "translation" in lenny["version"]["provenance"] and lenny["version"]["notes"]
    assert [s["title"] for s in lenny["sections"]][:2] == [
        "Der Rekrutierungskampf um KI - Talente",
        "Definition von AGI und der Wirtschaftliche Turing - Test",
    ]
    chinese = get(client, f"/api/interviews/{slug}?version={quote(lenny['versions'][1]['key'])}")
    assert chinese["version"]["language"] == "zh"
    assert any("数据中心" in p["text"] for p in chinese["passages"])
    page = client.get(f"/interviews/{slug}").text
    assert all(f'id="{p["id"]}"' in page for p in lenny["passages"])  # same records


def test_speakers_and_speaker(client):
    speakers = get(client, "/api/speakers")["items"]
    assert {"dario-amodei", "benjamin-mann", "zack-kass"} <= {s["slug"] for s in speakers}
    dario = get(client, "/api/speakers/dario-amodei")
    assert "达里奥·阿莫迪" in dario["speaker"]["aliases"]
    assert {"guest", "author"} <= {r for a in dario["appearances"]["items"] for r in a["roles"]}
    assert dario["passages"]["items"] and all(
        p["speaker"]["slug"] == "dario-amodei" for p in dario["passages"]["items"]
    )
    get(client, "/api/speakers/dario-amodei?page=zzz", 422)
    get(client, "/api/speakers/nobody", 404)


def test_passage_with_context(client, lenny):
    middle = lenny["passages"][12]
    found = get(client, f"/api/passages/{middle['id']}")
    assert found["passage"]["text"] == middle["text"]
    assert [p["id"] for p in found["before"]] == [p["id"] for p in lenny["passages"][10:12]]
    assert [p["id"] for p in found["after"]] == [p["id"] for p in lenny["passages"][13:15]]
    assert found["interview"]["slug"] == lenny["interview"]["slug"]
    get(client, "/api/passages/nope", 404)


def shown_citation(client, passage_id: str) -> str:
    page = client.get(f"/p/{passage_id}").text
    return html.unescape(re.search(r'<textarea id="citation"[^>]*>(.*?)</textarea>', page, re.S)[1])


@pytest.mark.slow
def test_passage_citation_twin_of_the_page(client, lenny):
    """The JSON gives the citation the page offers for copying, in every version."""
    slug = lenny["interview"]["slug"]
    chinese = get(client, f"/api/interviews/{slug}?version={quote(lenny['versions'][1]['key'])}")
    listed = get(client, "/api/interviews")["items"]
    others = [get(client, f"/api/interviews/{i['slug']}") for i in listed]
    passages = lenny["passages"][:3] + chinese["passages"][:3] + [o["passages"][0] for o in others]
    for passage in passages:
        cited = get(client, f"/api/passages/{passage['id']}")["citation"]["plain"]
        assert cited == shown_citation(client, passage["id"])
        assert cited.endswith(f"/p/{passage['id']}")
    zh = chinese["passages"][0]["id"]
    assert "(Chinese version). " in get(client, f"/api/passages/{zh}")["citation"]["plain"]
    originals = [o for o in others if "translation" not in o["version"]["provenance"]]
    assert originals  # the essays: no version named
    for o in originals:
        assert "version)" not in shown_citation(client, o["passages"][0]["id"])


def test_timestamps_of_seed_002(client):
    slug = get(client, "/api/interviews?speaker=lex-fridman")["items"][0]["slug"]
    passages = get(client, f"/api/interviews/{slug}")["passages"]
    assert "01:38:25" in {p["time"] for p in passages}
    # how each speaker was known travels with the passage: the page's labels here
    assert {p["evidence"] for p in passages if p["speaker"]} == {"label"}
    assert {p["evidence"] for p in passages if not p["speaker"]} == {""}


def test_search_finds_a_chinese_quote(client):
    result = get(client, "/api/search?q=数据中心")
    assert result["total"] >= 1
    hit = result["hits"][0]
    assert "<mark>数据中心</mark>" in hit["snippet_html"]
    assert hit["speaker"] == {"slug": "benjamin-mann", "name": "Benjamin Mann"}
    assert hit["language"] == "zh"
    assert result["speaker_names"]["benjamin-mann"] == "Benjamin Mann"


def test_search_filters_and_pages(client):
    only = get(client, "/api/search?q=KI&speaker=zack-kass")
    assert only["total"] and {h["speaker"]["slug"] for h in only["hits"]} == {"zack-kass"}
    get(client, "/api/search?q=KI&page=abc", 422)
    assert get(client, "/api/search?q=KI&page=2")["page"] == 2


def test_openapi_documents_every_route(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/stats",
        "/api/search",
        "/api/interviews",
        "/api/interviews/{slug}",
        "/api/speakers",
        "/api/speakers/{slug}",
        "/api/passages/{passage_id}",
    ):
        operation = spec["paths"][path]["get"]
        assert operation["summary"], path
    ok = spec["paths"]["/api/interviews/{slug}"]["get"]["responses"]["200"]
    assert "InterviewPage" in str(ok)
    assert not any(p.startswith(("/interviews", "/p/")) for p in spec["paths"])
    for url in ("/api", "/docs"):  # /docs: our own page, Swagger UI needs what the CSP forbids
        listing = client.get(url)
        assert listing.status_code == 200 and "GET /api/search" in listing.text
        assert "swagger" not in listing.text.lower()


@pytest.mark.parametrize("q", MALFORMED_QUERIES, ids=range(len(MALFORMED_QUERIES)))
def test_malformed_queries_answer_200(client, q):
    api = client.get("/api/search", params={"q": q})
    assert api.status_code == 200 and "hits" in api.json()
    html = client.get("/search", params={"q": q})
    assert html.status_code == 200 and "<main" in html.text


# ---------------------------------------------------------------- conventions


ERROR_KEYS = {"status", "title", "detail", "parameter", "interview"}


def error(client, url: str, status: int, method: str = "GET", **kw) -> dict:
    response = client.request(method, url, **kw)
    assert response.status_code == status, (url, response.text[:300])
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == ERROR_KEYS and body["status"] == status and body["detail"], body
    return body


@pytest.mark.parametrize("url", ["/api/interviews", "/api/speakers", "/api/speakers/dario-amodei"])
@pytest.mark.slow
def test_lists_are_paginated_alike(client, url):
    def listing(u):
        body = get(client, u)
        return body.get("passages", body)

    first = listing(f"{url}?page_size=1")
    assert {"items", "page", "page_size", "total", "next", "prev"} <= set(first)
    assert first["page"] == 1 and first["page_size"] == 1 and first["prev"] is None
    assert len(first["items"]) == 1 and first["total"] > 1
    second = listing(first["next"])
    assert second["page"] == 2 and "page_size=1" in second["prev"]
    assert not {i.get("slug") or i.get("id") for i in first["items"]} & {
        i.get("slug") or i.get("id") for i in second["items"]
    }
    walked, page = [], first
    while True:
        walked += page["items"]
        if not page["next"]:
            break
        page = listing(page["next"])
    assert len(walked) == first["total"]


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/interviews?page=abc", "page"),
        ("/api/interviews?page_size=0", "page_size"),
        ("/api/speakers?page_size=101", "page_size"),
        ("/api/speakers/dario-amodei?page=-1", "page"),
        ("/api/search?q=KI&date_from=yesterday", "date_from"),
        ("/api/search?q=KI&date_to=2024-13", "date_to"),
        ("/api/search?q=KI&page_size=x", "page_size"),
        ("/api/interviews?kind=podcast", "kind"),
    ],
)
def test_bad_parameters_are_422_with_a_message(client, url, parameter):
    body = error(client, url, 422)
    assert body["parameter"] == parameter and parameter in body["detail"]


def test_unknown_version_is_422(client, lenny):
    body = error(client, f"/api/interviews/{lenny['interview']['slug']}?version=nope.txt", 422)
    assert body["parameter"] == "version" and lenny["versions"][1]["key"] in body["detail"]
    # the page is forgiving: a stale version link still shows the text
    assert (
        client.get(f"/interviews/{lenny['interview']['slug']}?version=nope.txt").status_code == 200
    )


def test_errors_have_one_shape(client):
    error(client, "/api/nothing-here", 404)
    error(client, "/api/speakers/nobody", 404)
    error(client, "/api/passages/nope", 404)
    assert error(client, "/api/search", 405, method="POST")["title"] == "Method Not Allowed"
    error(client, "/api/stats", 405, method="DELETE")
    error(client, "/api/stats", 400, headers={"host": "evil.example"})
    # pages keep their own: an HTML 404, a plain 405
    assert "text/html" in client.get("/nope").headers["content-type"]
    assert client.post("/").status_code == 405


def test_a_speaker_is_slug_and_name_everywhere(client, lenny):
    refs = []
    refs += [p["speaker"] for p in lenny["interview"]["participants"]]
    refs += [p["speaker"] for p in lenny["passages"] if p["speaker"]]
    refs += [h["speaker"] for h in get(client, "/api/search?q=KI")["hits"] if h["speaker"]]
    passage = get(client, f"/api/passages/{lenny['passages'][3]['id']}")
    refs += [p["speaker"] for p in passage["before"] + passage["after"] if p["speaker"]]
    assert refs and all(set(r) == {"slug", "name"} for r in refs)


def test_openapi_describes_every_field(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in (
        "InterviewList",
        "SpeakerPage",
        "PassagePage",
        "Citation",
        "SearchAnswer",
        "ApiError",
    ):
        assert name in schemas, name
    missing = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        if name not in ("HTTPValidationError", "ValidationError")
        for field, prop in schema.get("properties", {}).items()
        if "$ref" not in prop and not (prop.get("description") and "examples" in prop)
    ]
    assert not missing, missing


def test_etag_and_304(client, lenny):
    for url in (
        "/",
        f"/interviews/{lenny['interview']['slug']}",
        "/api/stats",
        "/feeds/interviews.atom",
    ):
        first = client.get(url)
        etag = first.headers["etag"]
        assert first.headers["cache-control"].startswith("public, max-age=")
        assert client.get(url).headers["etag"] == etag  # same archive, same answer
        again = client.get(url, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get("/api/stats?x=1").headers["etag"] != client.get("/api/stats").headers["etag"]
    assert "etag" not in client.get("/api/speakers/nobody").headers
    assert "etag" not in client.get("/healthz").headers


def test_etag_changes_when_the_archive_changes(tmp_path, archive):
    from conftest import copy_archive
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app.store import set_meta, write_engine
    from app.web.app import create_app

    settings = copy_archive(archive, tmp_path)
    with TestClient(create_app(settings)) as client:
        before = client.get("/api/stats").headers["etag"]
        engine = write_engine(settings.db_path)
        with Session(engine) as session:  # what an ingest does when it changed something
            set_meta(session, "content_version", "999")
            session.commit()
        engine.dispose()
        after = client.get("/api/stats", headers={"if-none-match": before})
        assert after.status_code == 200 and after.headers["etag"] != before


def test_cors_on_api_and_feeds_only(client):
    for url in ("/api/stats", "/feeds/interviews.atom", "/api/nothing"):
        assert (
            client.get(url, headers={"origin": "https://elsewhere.example"}).headers[
                "access-control-allow-origin"
            ]
            == "*"
        )
    assert "access-control-allow-origin" not in client.get("/").headers
    preflight = client.options(
        "/api/search",
        headers={"origin": "https://elsewhere.example", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 204
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert client.options("/").status_code == 405


# ---------------------------------------------------------------- citing


def test_citation_in_the_languages_quote_marks(client, lenny):
    de = get(client, f"/api/passages/{lenny['passages'][2]['id']}")
    assert de["citation"]["quote"] == f"„{de['passage']['text']}“"
    assert de["citation"]["plain"].startswith(f"„{de['passage']['text']}“ — ")
    slug = lenny["interview"]["slug"]
    chinese = get(client, f"/api/interviews/{slug}?version={quote(lenny['versions'][1]['key'])}")
    zh = get(client, f"/api/passages/{chinese['passages'][3]['id']}")
    assert zh["citation"]["quote"] == f"“{zh['passage']['text']}”"


def test_a_quoted_passage_gets_one_pair_of_marks(client):
    slug = get(client, "/api/interviews?speaker=lex-fridman")["items"][0]["slug"]
    quoted = [
        p for p in get(client, f"/api/interviews/{slug}")["passages"] if p["text"].startswith('"')
    ]
    assert quoted
    for p in quoted:
        cited = get(client, f"/api/passages/{p['id']}")["citation"]
        assert cited["quote"] == "„" + p["text"].strip('"').replace('"\n\n"', "\n\n") + "“"
        assert cited["quote"].count('"') == 0
        assert '“"' not in cited["plain"] and '„"' not in cited["plain"]


def test_bibtex_form(client, lenny):
    mann = next(
        p for p in lenny["passages"] if p["speaker"] and p["speaker"]["name"] == "Benjamin Mann"
    )
    found = get(client, f"/api/passages/{mann['id']}")
    bib = found["citation"]["bibtex"]
    assert bib.startswith("@misc{") and bib.rstrip().endswith("}")
    assert bib.count("{") == bib.count("}") - bib.count("\\}") + bib.count("\\{")
    assert f"url = {{{found['url']}}}" in bib and "language = {german}" in bib
    assert "Mann" in bib.split("author = ")[1].split("\n")[0]
    assert (
        html.unescape(
            re.search(
                r'<textarea id="bibtex"[^>]*>(.*?)</textarea>',
                client.get(f"/p/{found['passage']['id']}").text,
                re.S,
            )[1]
        )
        == bib
    )


@pytest.mark.slow
def test_links_use_the_address_the_archive_is_served_at(client, lenny, archive):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from app.web.app import create_app

    pid = lenny["passages"][2]["id"]
    served = client.get(f"/api/passages/{pid}", headers={"host": "localhost:8131"}).json()
    assert served["url"] == f"http://localhost:8131/p/{pid}"
    assert served["citation"]["plain"].endswith(f"http://localhost:8131/p/{pid}")
    page = client.get(f"/p/{pid}", headers={"host": "localhost:8131"}).text
    assert f'<link rel="canonical" href="http://localhost:8131/p/{pid}">' in page
    assert f'<meta property="og:url" content="http://localhost:8131/p/{pid}">' in page
    assert (
        "http://localhost:8131/p/"
        in client.get("/sitemap.xml", headers={"host": "localhost:8131"}).text
    )
    assert (
        "Sitemap: http://localhost:8131/sitemap.xml"
        in client.get("/robots.txt", headers={"host": "localhost:8131"}).text
    )
    public = replace(archive, base_url="https://archive.example/")
    with TestClient(create_app(public)) as other:
        assert other.get(f"/api/passages/{pid}").json()["url"] == f"https://archive.example/p/{pid}"
        assert "Sitemap: https://archive.example/sitemap.xml" in other.get("/robots.txt").text


def test_interview_page_has_canonical_and_social_tags(client, lenny):
    slug = lenny["interview"]["slug"]
    page = client.get(f"/interviews/{slug}").text
    url = f"http://testserver/interviews/{slug}"
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert (
        '<meta property="og:title"' in page
        and '<meta name="twitter:card" content="summary">' in page
    )


# ---------------------------------------------------------------- sources and moments


def test_versions_say_what_they_are_and_link_their_source(client, lenny):
    german, chinese = lenny["versions"]
    assert german["label"] == "German · translation" and german["source_url"] == ""
    assert chinese["source_url"] == "https://mp.weixin.qq.com/s/Xyf-9ugYFSR_CY8J6mxVJA"
    page = client.get(f"/interviews/{lenny['interview']['slug']}").text
    assert '<dd class="version-label">German · translation</dd>' in page
    assert "The source page names no address." in page
    assert f'<a href="{chinese["source_url"]}" rel="nofollow noopener">source</a>' in page
    passage = client.get(f"/p/{lenny['passages'][0]['id']}").text
    assert '<span class="version-label">German · translation</span>' in passage


def test_moments_only_from_the_recording_the_source_names(client):
    slug = get(client, "/api/interviews?speaker=lex-fridman")["items"][0]["slug"]
    found = get(client, f"/api/interviews/{slug}")
    version = found["version"]
    assert version["media_url"] == "https://www.youtube.com/watch?v=ugvHCXCOmm4"
    assert "AI-generated summary" in version["label"]
    assert not any("watch?v=lexfridman" in url for url in version["source_urls"])
    timed = [p for p in found["passages"] if p["timestamp"] is not None]
    assert timed and all(
        p["moment_url"] == f"https://www.youtube.com/watch?v=ugvHCXCOmm4&t={p['timestamp']}s"
        for p in timed
    )
    assert all(p["moment_url"] == "" for p in found["passages"] if p["timestamp"] is None)
    page = client.get(f"/interviews/{slug}").text
    assert 'href="https://www.youtube.com/watch?v=lexfridman"' not in page
    # a version without a recording links no moment, whatever its timestamps
    for item in get(client, "/api/interviews?page_size=100")["items"]:
        other = get(client, f"/api/interviews/{item['slug']}")
        if not other["version"]["media_url"]:
            assert all(not p["moment_url"] for p in other["passages"])


def test_interview_page_names_each_version_by_language(client, lenny):
    slug = lenny["interview"]["slug"]
    page = client.get(f"/interviews/{slug}").text
    for v in lenny["versions"]:
        href = f"http://testserver/interviews/{slug}?version={quote(v['key'])}"
        assert f'<link rel="alternate" hreflang="{v["language"]}" href="{href}">' in page


@pytest.mark.parametrize("fragment", ["心里的天才", "天才国", "据中心", "国人"])
def test_fragments_that_cut_words_find_their_passage(client, fragment):
    """Cut from 数据中心里的天才国度 and 中国人: jieba's words alone never matched them."""
    result = get(client, f"/api/search?q={fragment}")
    assert result["total"] >= 1
    hit = result["hits"][0]
    assert fragment in hit["snippet"]
    assert fragment in {hit["snippet"][s:e] for s, e in hit["marks"]}


def test_quoted_fragments_cross_word_boundaries(client):
    result = get(client, '/api/search?q="心里的天才国"')
    assert result["total"] >= 1 and "<mark>心里的天才国</mark>" in result["hits"][0]["snippet_html"]


def test_quotes_match_exact_forms_and_words_their_stems(client):
    quoted = get(client, '/api/search?q="Wirtschaftlichen Turing"')
    assert quoted["total"] >= 1
    assert all("<mark>Wirtschaftlichen Turing</mark>" in h["snippet_html"] for h in quoted["hits"])
    assert get(client, '/api/search?q="Wirtschaftliche Turing"')["total"] == 0
    unquoted = get(client, "/api/search?q=Wirtschaftliche Turing")
    assert {h["id"] for h in unquoted["hits"]} >= {h["id"] for h in quoted["hits"]}


def test_every_hit_links_its_passage_and_its_place(client):
    result = get(client, "/api/search?q=Talente")
    assert result["hits"]
    for hit in result["hits"]:
        assert hit["url"] == f"/p/{hit['id']}"
        assert client.get(hit["url"]).status_code == 200
        page = client.get(hit["interview_url"])
        assert page.status_code == 200 and f'id="{hit["id"]}"' in page.text
        assert hit["interview_url"].endswith(f"#{hit['id']}")
        assert "<" not in hit["snippet"].replace("<", "") and hit["marks"]
        for s, e in hit["marks"]:
            assert hit["snippet"][s:e].casefold().startswith("talent")


def test_did_you_mean_for_a_chinese_word(client):
    result = get(client, "/api/search?q=数据申心")  # 中 mistyped as 申
    assert result["total"] == 0 and result["did_you_mean"] == "数据中心"


def test_did_you_mean_when_the_first_character_is_wrong(client):
    result = get(client, "/api/search?q=苏据中心")  # no indexed word starts with 苏据
    assert result["total"] == 0 and result["did_you_mean"] == "数据中心"


def test_healthz_names_the_engine_that_built_the_live_index(client, archive, tmp_path, monkeypatch):
    """The engine of the live folder (this run's ARCHIVE_ENGINE built it; scripts/test.sh
    runs this file with each), not the one a later build would use; none without a folder."""
    from fastapi.testclient import TestClient

    from app.config import search_engine, settings_for
    from app.web.app import create_app

    built = search_engine()
    monkeypatch.setenv("ARCHIVE_ENGINE", "whoosh" if built == "tantivy" else "tantivy")
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["engine"] == built
    bare = settings_for(archive.db_path, index_dir=tmp_path / "no-index")
    with TestClient(create_app(bare)) as other:
        health = other.get("/healthz")
        assert health.status_code == 503 and health.json()["engine"] is None

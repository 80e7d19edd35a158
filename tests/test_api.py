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


def test_stats_twin_of_the_home_page(client):
    stats = get(client, "/api/stats")
    assert stats["passages"] > 100 and set(stats["languages"]) == {"de", "zh"}
    assert f'<a href="/speakers">{stats["speakers"]}</a>' in client.get("/").text


def test_interviews_newest_first_with_filters(client):
    interviews = get(client, "/api/interviews")
    dated = [i["date"] for i in interviews if i["date"]]
    assert dated == sorted(dated, reverse=True) and len(interviews) >= 5
    assert all("zh" in i["languages"] for i in get(client, "/api/interviews?lang=zh"))
    essays = get(client, "/api/interviews?kind=essay")
    assert len(essays) == 3 and all(i["kind"] == "essay" for i in essays)
    kass = get(client, "/api/interviews?speaker=zack-kass")
    assert [p["name"] for p in kass[0]["participants"]] == ["WirtschaftsWoche", "Zack Kass"]
    assert get(client, "/api/interviews?lang=xx") == []


def test_interview_twin_of_seed_000(client, lenny):
    slug = lenny["interview"]["slug"]
    roles = {(p["role"], p["name"]) for p in lenny["interview"]["participants"]}
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
    speakers = get(client, "/api/speakers")
    assert {"dario-amodei", "benjamin-mann", "zack-kass"} <= {s["slug"] for s in speakers}
    dario = get(client, "/api/speakers/dario-amodei")
    assert "达里奥·阿莫迪" in dario["speaker"]["aliases"]
    assert {"guest", "author"} <= {r for a in dario["appearances"] for r in a["roles"]}
    assert dario["passages"] and all(
        p["speaker"]["slug"] == "dario-amodei" for p in dario["passages"]
    )
    assert get(client, "/api/speakers/dario-amodei?page=zzz")["page"] == 1
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


def test_passage_citation_twin_of_the_page(client, lenny):
    """The JSON gives the citation the page offers for copying, in every version."""
    slug = lenny["interview"]["slug"]
    chinese = get(client, f"/api/interviews/{slug}?version={quote(lenny['versions'][1]['key'])}")
    others = [get(client, f"/api/interviews/{i['slug']}") for i in get(client, "/api/interviews")]
    passages = lenny["passages"][:3] + chinese["passages"][:3] + [o["passages"][0] for o in others]
    for passage in passages:
        cited = get(client, f"/api/passages/{passage['id']}")["citation"]
        assert cited == shown_citation(client, passage["id"])
        assert cited.startswith(f"“{passage['text']}” — ") and cited.endswith(f"/p/{passage['id']}")
    zh = chinese["passages"][0]["id"]
    assert "(Chinese version). " in get(client, f"/api/passages/{zh}")["citation"]
    originals = [o for o in others if "translation" not in o["version"]["provenance"]]
    assert originals  # the essays: no version named
    for o in originals:
        assert "version)" not in shown_citation(client, o["passages"][0]["id"])


def test_timestamps_of_seed_002(client):
    slug = get(client, "/api/interviews?speaker=lex-fridman")[0]["slug"]
    passages = get(client, f"/api/interviews/{slug}")["passages"]
    assert "01:38:25" in {p["time"] for p in passages}


def test_search_finds_a_chinese_quote(client):
    result = get(client, "/api/search?q=数据中心")
    assert result["total"] >= 1
    hit = result["hits"][0]
    assert "<mark>数据中心</mark>" in hit["snippet_html"]
    assert hit["speaker_slug"] == "benjamin-mann" and hit["language"] == "zh"
    assert result["speaker_names"]["benjamin-mann"] == "Benjamin Mann"


def test_search_filters_and_pages(client):
    only = get(client, "/api/search?q=KI&speaker=zack-kass")
    assert only["total"] and {h["speaker_slug"] for h in only["hits"]} == {"zack-kass"}
    assert get(client, "/api/search?q=KI&page=abc")["page"] == 1
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

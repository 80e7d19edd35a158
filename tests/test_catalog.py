"""The names a search page needs (app/web/catalog.py) are read once per content version:
a search request read the speaker and interview tables 14 times; a new ingest (a new
content version) makes the next request read them afresh."""

from __future__ import annotations

from conftest import bump, copy_archive
from counting import costs
from fastapi.testclient import TestClient

from app.web.app import create_app

SEARCHES = [
    "/search?q=AI",
    "/search?q=AI&page=2&sort=date",
    "/api/search?q=Talentdichte",
    "/search?q=zzzqqq&speaker=nobody&lang=xx&kind=odd",  # every filter note
    "/api/search?q=Claude&group=interview",
]
NAME_TABLES = ("speaker", "interview", "interviewspeaker")


def test_search_requests_read_the_names_once(archive):
    app = create_app(archive)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        first = client.get(SEARCHES[0])
        assert first.status_code == 200
        cold = len(spent.statements)
        # once: names, titles, counts (it read them 14 times on every search)
        assert 1 <= sum(spent.reads_of(t) for t in NAME_TABLES) <= 6, spent.statements
        for url in SEARCHES[1:]:
            spent.reset()
            # an If-None-Match that never matches: the page is built every time
            assert client.get(url, headers={"if-none-match": '"x"'}).status_code == 200
            assert sum(spent.reads_of(t) for t in NAME_TABLES) == 0, (url, spent.statements)
            # the ETag's two facts, the content version, the hits' presence: 4 (was 20)
            assert len(spent.statements) <= 5, (url, spent.statements)
    assert cold <= 16  # the catalog's ten, once per content version


def test_the_names_follow_a_new_content_version(tmp_path, archive):
    settings = copy_archive(archive, tmp_path)
    new_name = "Quirinius Testbert"
    with TestClient(create_app(settings)) as client:
        asked = {"q": "", "speaker": new_name}
        before = client.get("/api/search", params=asked).json()
        assert before["total"] == 0 and before["filter_notes"]
        assert new_name not in client.get("/search?q=AI").text
        bump(settings, alias=new_name)  # what an ingest does: change, bump the version
        after = client.get("/api/search", params=asked).json()
        assert after["total"] > 0 and not after["filter_notes"], after["filter_notes"]
        assert {h["speaker"]["slug"] for h in after["hits"]} == {"benjamin-mann"}

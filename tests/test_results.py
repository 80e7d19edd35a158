"""Search answers kept per state of the archive (app/web/results.py) and whole answers kept
by ETag (app/web/caching.py): the same search is answered from memory, and a new content
version (what an ingest commits) makes the next request search and build afresh."""

from __future__ import annotations

import pytest
from conftest import bump, copy_archive
from counting import costs
from fastapi.testclient import TestClient

from app.web import results
from app.web.app import create_app
from app.web.caching import Responses

NEW_NAME = "Quirinius Testbert"


def test_the_same_search_is_answered_from_memory(archive):
    app = create_app(archive)
    with TestClient(app) as client:
        cache = results.cache_for(app.state.engine)
        first = client.get("/api/search", params={"q": "Talentdichte"}).json()
        misses = cache.misses
        # the same search written otherwise (spaces), asked from another page
        again = client.get("/api/search", params={"q": "  Talentdichte "}).json()
        assert cache.misses == misses and cache.hits >= 1
        assert again["hits"] == first["hits"] and again["total"] == first["total"] > 0
        with costs(app.state.engine) as spent:
            html = client.get("/search?q=Talentdichte")
            assert html.status_code == 200
            built = len(spent.statements)
            spent.reset()
            kept = client.get("/search?q=Talentdichte")
            # the page itself is kept: only the archive's version is read
            assert kept.text == html.text and kept.headers["etag"] == html.headers["etag"]
            assert len(spent.statements) < built and spent.reads_of("passage") == 0
        assert kept.headers["content-type"].startswith("text/html")
        assert "content-security-policy" in kept.headers


def test_a_new_content_version_empties_the_caches(tmp_path, archive):
    settings = copy_archive(archive, tmp_path)
    app = create_app(settings)
    with TestClient(app) as client:
        asked = {"q": "", "speaker": NEW_NAME}
        before = client.get("/api/search", params=asked).json()
        assert before["total"] == 0 and before["filter_notes"]
        page_before = client.get("/search", params=asked)
        assert "No speaker called" in page_before.text
        assert client.get("/api/search", params=asked).json() == before  # kept
        bump(settings, alias=NEW_NAME)
        after = client.get("/api/search", params=asked).json()
        assert after["total"] > 0 and not after["filter_notes"], after["filter_notes"]
        assert {h["speaker"]["slug"] for h in after["hits"]} == {"benjamin-mann"}
        page_after = client.get("/search", params=asked)
        assert page_after.headers["etag"] != page_before.headers["etag"]
        assert "No speaker called" not in page_after.text and "benjamin-mann" in page_after.text
        cache = results.cache_for(app.state.engine)
        assert len(cache.kept) == 1  # the one search (JSON and page alike), of the new version


def test_kept_answers_stay_within_their_budget():
    kept = Responses(budget=1000)
    for n in range(10):
        kept.put("v1", f'"{n}"', (200, [], b"x" * 300)) if kept.get(
            "v1", f'"{n}"'
        ) is None else None
    assert kept.size <= 1000 and len(kept.kept) == 3
    assert kept.get("v1", '"9"') is not None and kept.get("v1", '"0"') is None
    assert kept.get("v2", '"9"') is None and kept.size == 0  # a new version: all gone
    kept.put("v1", '"late"', (200, [], b"y"))  # built from the old version: not kept
    assert kept.get("v2", '"late"') is None


def test_search_answers_stay_within_their_number():
    cache = results.ResultCache(size=3)
    page = type("Page", (), {"result": type("R", (), {"partial": False})()})()
    partial = type("Page", (), {"result": type("R", (), {"partial": True})()})()
    for n in range(5):
        cache.put("state", n, page)
    assert list(cache.kept) == [2, 3, 4]
    cache.put("state", "cut short", partial)
    assert cache.get("state", "cut short") is None
    assert cache.get("other state", 4) is None
    cache.put("other state", 5, page)
    assert list(cache.kept) == [5]


def test_a_search_cut_short_is_kept_by_nobody(archive, monkeypatch):
    from app.search import budget

    monkeypatch.setattr(budget, "SEARCH_SECONDS", 0.0)
    monkeypatch.setattr(budget, "HARD_SECONDS", 0.0)
    app = create_app(archive)
    with TestClient(app) as client:
        cache = results.cache_for(app.state.engine)
        for url in ["/api/search?q=KI+Modell", "/search?q=KI+Modell"]:
            first = client.get(url)
            if not client.get("/api/search?q=KI+Modell").json()["partial"]:
                pytest.skip("this engine finished the search before its first look at the clock")
            assert first.status_code == 200
            assert first.headers["cache-control"] == "no-store" and "etag" not in first.headers
            with costs(app.state.engine) as spent:
                client.get(url)
                # built again: a kept answer reads the archive's version, and nothing else
                assert len(spent.statements) >= 2, spent.statements
        assert not cache.kept

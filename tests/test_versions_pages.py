"""Versions side by side through HTTP on the real seed archive: counterpart links on the
interview page, ?near= opening at the counterpart, the compare page and its JSON twin,
the passage page's other versions and "also quoted in"."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import sqlite3

import pytest
from conftest import SEEDS, build_archive
from fastapi.testclient import TestClient

from app.text import match_form
from app.web.app import create_app

GERMAN, CHINESE = "000_120461cb871c2243.txt", "001_18a6d7e100dca724.txt"


def ok(client, url: str, **params) -> str:
    response = client.get(url, params=params)
    assert response.status_code == 200, (url, response.text[:300])
    return response.text


def focus(html: str) -> str:
    found = re.findall(r'data-focus="([^"]*)"', html)
    return found[0] if found else ""


@pytest.fixture(scope="module")
def both(client, lenny) -> tuple[list[dict], list[dict]]:
    """The German and the Chinese passages of the Lenny interview, as the API gives them."""
    slug = lenny["interview"]["slug"]
    de = client.get(f"/api/interviews/{slug}", params={"version": GERMAN}).json()["passages"]
    zh = client.get(f"/api/interviews/{slug}", params={"version": CHINESE}).json()["passages"]
    return de, zh


def test_every_passage_carries_its_counterparts_in_the_json(both):
    de, zh = both
    linked = [p for p in de if p["counterparts"]]
    assert len(linked) == 14  # the golden's links: the dialogue 000 and 001 share
    zh_ids = {p["id"]: p for p in zh}
    for p in linked:
        (c,) = p["counterparts"]
        assert set(c) == {"id", "url", "version", "language", "score"}
        assert c["version"] == CHINESE and c["language"] == "zh" and c["url"] == f"/p/{c['id']}"
        assert 0 < c["score"] <= 1
        back = zh_ids[c["id"]]["counterparts"]
        assert [b["id"] for b in back] == [p["id"]]  # the link goes both ways
    assert all(not p["counterparts"] for p in de[:11])  # the editor's introduction


def test_the_interview_page_links_each_passage_to_its_counterpart(client, lenny, both):
    slug = lenny["interview"]["slug"]
    de, zh = both
    html = ok(client, f"/interviews/{slug}", version=GERMAN)
    assert html.count("中文 ↔") == 14
    first = next(p for p in de if p["counterparts"])
    other = first["counterparts"][0]["id"]
    assert f'href="/interviews/{slug}?version={CHINESE}&amp;near={first["id"]}#{other}"' in html
    assert ok(client, f"/interviews/{slug}", version=CHINESE).count("Deutsch ↔") == 14


@pytest.mark.slow
def test_near_opens_the_other_version_at_the_counterpart(client, lenny, both):
    slug = lenny["interview"]["slug"]
    de, zh = both
    for p in de:
        html = ok(client, f"/interviews/{slug}", version=CHINESE, near=p["id"])
        if p["counterparts"]:
            assert focus(html) == p["counterparts"][0]["id"]
        elif p["ordinal"] < 11:
            assert focus(html) == ""  # nothing before it has a counterpart
    # a passage without a counterpart opens at the counterpart of the last one before it
    last_zh = zh[-1]
    html = ok(client, f"/interviews/{slug}", version=GERMAN, near=last_zh["id"])
    assert focus(html) == de[-1]["id"]
    # its own version: itself; an unknown id: the top, never an error
    assert focus(ok(client, f"/interviews/{slug}", version=GERMAN, near=de[5]["id"])) == de[5]["id"]
    assert focus(ok(client, f"/interviews/{slug}", near="nope'\"<x>")) == ""
    assert "data-keep-place" in ok(client, f"/interviews/{slug}")


def test_the_compare_page_shows_two_aligned_columns_with_gaps(client, lenny):
    slug = lenny["interview"]["slug"]
    html = ok(client, f"/interviews/{slug}/compare", a=GERMAN, b=CHINESE)
    assert 'class="columns"' in html and "No counterpart in the Chinese version" in html
    data = client.get(f"/api/interviews/{slug}/compare", params={"a": GERMAN, "b": CHINESE}).json()
    assert data["a"]["key"] == GERMAN and data["b"]["key"] == CHINESE
    paired = [r for r in data["rows"] if r["a"] and r["b"]]
    assert len(paired) == 14 and all(r["score"] for r in paired)
    for r in paired:
        assert r["b"][0]["id"] in {c["id"] for c in r["a"][0]["counterparts"]}
    # every passage of both versions appears once, in reading order
    left = [p["ordinal"] for r in data["rows"] for p in r["a"]]
    right = [p["ordinal"] for r in data["rows"] for p in r["b"]]
    assert left == sorted(left) == list(range(len(left)))
    assert right == sorted(right) == list(range(len(right)))
    gaps = [r for r in data["rows"] if not (r["a"] and r["b"])]
    assert all(r["score"] is None for r in gaps) and len(gaps) == len(left) + len(right) - 28
    swapped = client.get(f"/api/interviews/{slug}/compare", params={"a": CHINESE}).json()
    assert swapped["a"]["key"] == CHINESE and swapped["b"]["key"] == GERMAN


@pytest.mark.parametrize("a, b", [("", ""), ("nope", "x"), (GERMAN, GERMAN), ("\x00'<", "")])
def test_compare_takes_any_version_keys(client, lenny, a, b):
    slug = lenny["interview"]["slug"]
    ok(client, f"/interviews/{slug}/compare", a=a, b=b)
    data = client.get(f"/api/interviews/{slug}/compare", params={"a": a, "b": b}).json()
    assert data["a"]["key"] != data["b"]["key"]


def test_compare_of_an_unknown_interview_is_404_and_of_one_version_is_one_column(client):
    assert client.get("/interviews/nope/compare").status_code == 404
    assert client.get("/api/interviews/nope/compare").status_code == 404
    single = next(
        i for i in client.get("/api/interviews").json()["items"] if len(i["languages"]) == 1
    )
    data = client.get(f"/api/interviews/{single['slug']}/compare").json()
    assert all(r["a"] and not r["b"] for r in data["rows"])


def test_the_passage_page_shows_it_in_the_other_version(client, both):
    de, zh = both
    p = next(p for p in de if p["counterparts"])
    html = ok(client, f"/p/{p['id']}")
    assert "This passage in other versions" in html
    other = next(q for q in zh if q["id"] == p["counterparts"][0]["id"])
    assert htmllib.escape(other["text"][:20], quote=False) in html
    data = client.get(f"/api/passages/{p['id']}").json()
    assert [o["id"] for o in data["other_versions"]] == [other["id"]]
    assert data["other_versions"][0]["language"] == "zh"
    assert data["passage"]["counterparts"][0]["id"] == other["id"]
    lone = client.get(f"/api/passages/{de[0]['id']}").json()
    assert lone["other_versions"] == [] and lone["passage"]["counterparts"] == []
    assert "This passage in other versions" not in ok(client, f"/p/{de[0]['id']}")


def test_also_quoted_in_marks_the_shared_words(client, archive):
    with sqlite3.connect(archive.db_path) as con:
        pairs = con.execute("select passage_id, other_id from passagequote").fetchall()
    assert pairs  # two entries of the index page 004 share a sentence
    here, there = pairs[0]
    data = client.get(f"/api/passages/{here}").json()
    (found,) = [q for q in data["also_quoted_in"] if q["passage"]["id"] == there]
    text, mine = found["passage"]["text"], data["passage"]["text"]
    shared = [text[s:e] for s, e in found["spans"]]
    same = [mine[s:e] for s, e in found["spans_here"]]
    assert shared and [match_form(x) for x in shared] == [match_form(x) for x in same]
    html = ok(client, f"/p/{here}")
    assert "Also quoted in" in html
    marked = re.findall(r"<mark>(.*?)</mark>", html.split("Also quoted in", 1)[1])
    assert htmllib.escape(shared[0], quote=False) in marked


@pytest.mark.slow
def test_an_old_id_in_near_follows_its_redirect(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in (GERMAN, CHINESE):
        shutil.copy(SEEDS / name, src / name)
    settings = build_archive(tmp_path / "a", [src])
    with TestClient(create_app(settings)) as client:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        zh = client.get(f"/api/interviews/{slug}", params={"version": CHINESE}).json()
        old = zh["passages"][12]
        target = old["counterparts"][0]["id"]
    page = src / CHINESE
    page.write_text(
        page.read_text("utf-8").replace("所以进展是在加快的。", "所以进展确实是在加快的。"), "utf-8"
    )
    build_archive(tmp_path / "a", [src])
    with TestClient(create_app(settings)) as client:
        html = ok(client, f"/interviews/{slug}", version=GERMAN, near=old["id"])
        assert focus(html) == target
        moved = client.get(f"/api/passages/{old['id']}")
        assert moved.json()["passage"]["counterparts"][0]["id"] == target

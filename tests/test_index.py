"""Index builds on real whoosh folders: pointer switch, pruning, readers during rebuilds."""

from __future__ import annotations

import threading

import pytest
from search_entries import ENTRIES, entry

from app.search.index import POINTER, SearchIndex, build_index, current_folder
from app.search.run import search


def test_build_writes_a_folder_and_points_to_it(tmp_path):
    folder = build_index(tmp_path, ENTRIES)
    assert current_folder(tmp_path) == folder
    assert (tmp_path / POINTER).read_text() == folder.name
    index = SearchIndex(tmp_path)
    assert index.searcher().doc_count() == len(ENTRIES)
    index.close()


def test_rebuild_keeps_the_previous_folder_and_prunes_older_ones(tmp_path):
    first = build_index(tmp_path, ENTRIES)
    second = build_index(tmp_path, ENTRIES)
    third = build_index(tmp_path, ENTRIES)
    assert not first.exists() and second.exists() and third.exists()


def test_a_leased_folder_survives_pruning(tmp_path):
    first = build_index(tmp_path, ENTRIES)
    index = SearchIndex(tmp_path)
    index.searcher()  # this process now reads `first`
    build_index(tmp_path, ENTRIES)
    build_index(tmp_path, ENTRIES)
    assert first.exists()
    index.close()
    build_index(tmp_path, ENTRIES)
    assert not first.exists()


def test_readers_move_to_the_new_index(tmp_path):
    build_index(tmp_path, ENTRIES[:2])
    index = SearchIndex(tmp_path)
    assert search(index, "Kinnlade").total == 0
    build_index(tmp_path, ENTRIES)
    assert [h.id for h in search(index, "Kinnlade").hits] == ["de-5"]
    index.close()


def test_no_index_gives_an_empty_result_with_a_message(tmp_path):
    result = search(SearchIndex(tmp_path / "nothing"), "Talent")
    assert result.total == 0 and result.hits == [] and "no search index" in result.message


@pytest.mark.slow
def test_searchers_never_see_a_half_index_during_rebuilds(tmp_path):
    build_index(tmp_path, ENTRIES)
    index = SearchIndex(tmp_path)
    seen, errors, stop = [], [], threading.Event()

    def keep_searching():
        while not stop.is_set():
            try:
                seen.append(search(index, "Talentdichte", facets=False).total)
            except Exception as error:  # the assertion below reports it
                errors.append(error)

    reader = threading.Thread(target=keep_searching)
    reader.start()
    try:
        for _ in range(4):
            build_index(tmp_path, ENTRIES)
    finally:
        stop.set()
        reader.join()
    assert not errors
    assert seen and min(seen) == 2
    index.close()


@pytest.mark.slow
def test_large_builds_use_writer_processes_and_find_the_same(tmp_path):
    many = ENTRIES + [
        entry(f"filler-{i}", f"Füllsatz Nummer {i} über Talent.", ordinal=100 + i)
        for i in range(300)
    ]
    build_index(tmp_path / "one", many, processes_from=10_000)
    build_index(tmp_path / "two", many, processes_from=100)
    one, two = SearchIndex(tmp_path / "one"), SearchIndex(tmp_path / "two")
    for q in ("Talentdichte", '"Talentdichte schlägt Talentmasse"', "人才", "Füllsatz 299"):
        assert {h.id for h in search(one, q).hits} == {h.id for h in search(two, q).hits}
    assert search(one, "Talent").total == search(two, "Talent").total == 303
    one.close(), two.close()


def test_odd_dates_are_kept_without_a_day(tmp_path):
    odd = [entry("odd", "Kinnlade", date="sometime"), entry("year", "Kinnlade", date="2023")]
    build_index(tmp_path, odd)
    index = SearchIndex(tmp_path)
    assert {h.id for h in search(index, "Kinnlade").hits} == {"odd", "year"}
    assert [h.id for h in search(index, "Kinnlade date:2023").hits] == ["year"]
    index.close()


def test_a_word_longer_than_tantivys_limit_keeps_its_passage(tmp_path):
    """tantivy left out a token over 65,530 bytes (a log line, nothing more): a passage
    with a 70,000-letter run lost that word. The ingest keeps the passage, its other words
    find it, and so does a prefix of the long word, in both engines (scripts/test.sh runs
    this file with ARCHIVE_ENGINE=tantivy too)."""
    from conftest import build_archive
    from fastapi.testclient import TestClient

    from app.search.tantivy_index import MAX_TOKEN_BYTES, within_limit
    from app.web.app import create_app

    cut = within_limit("ä" * 40_000)  # 80,000 bytes: cut between characters
    assert cut == "ä" * (MAX_TOKEN_BYTES // 2) and within_limit("kurz") == "kurz"
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "long.txt").write_text(
        "Ein Gespräch über lange Wörter\n\n"
        "Anna Berger: Was ist das längste Wort, das Sie kennen?\n\n"
        f"Thomas Keller: Das hier: {'x' * 70_000} und danach kommt der Zitronenfalter.\n\n"
        f"Anna Berger: Und das? {'ö' * 40_000} Quittengelee.\n\n"
        "Thomas Keller: Weil Maschinen manchmal Unsinn schreiben.",
        "utf-8",
    )
    settings = build_archive(tmp_path, [sources])
    with TestClient(create_app(settings)) as client:
        for words, other, run in [
            ("Zitronenfalter", "xxxxx*", "x" * 70_000),
            ('"danach kommt der Zitronenfalter"', "xxxxx*", "x" * 70_000),
            ("Quittengelee", "ööööö*", "ö" * 40_000),
        ]:
            found = [client.get("/api/search", params={"q": q}).json() for q in (words, other)]
            assert found[0]["total"] == found[1]["total"] == 1, found
            assert found[0]["hits"][0]["id"] == found[1]["hits"][0]["id"]
            passage = client.get(f"/api/passages/{found[0]['hits'][0]['id']}").json()
            assert run in passage["passage"]["text"]  # stored whole

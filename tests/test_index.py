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


def test_a_tantivy_index_stores_the_passage_text_once(archive, tmp_path):
    """Marks are made by analysing a hit's text again, so a tantivy document stores what a
    hit shows and nothing else: no token streams or word spans (storing them took the
    docstore from 0.8 to 2.1 times the seeds' text in UTF-8)."""
    import tantivy
    from sqlmodel import Session

    from app import store
    from app.search.tantivy_index import TantivyFolder, write_folder

    with Session(store.read_engine(archive.db_path)) as session:
        entries = list(store.index_entries(session))
    write_folder(tmp_path / "ix", entries, processes_from=len(entries) + 1)
    folder = TantivyFolder(tmp_path / "ix")
    searcher = folder.index.searcher()
    shown = {"id", "body", "speaker_name", "speaker_slug", "interview_title", "interview_slug"}
    shown |= {"document_key", "date", "language", "kind", "role", "section", "provenance"}
    shown |= {"timestamp", "ordinal"}
    texts = {e.id: e.text for e in entries}
    found = searcher.search(tantivy.Query.all_query(), len(entries)).hits
    assert len(found) == len(entries)
    for _, address in found:
        stored = searcher.doc(address).to_dict()
        assert set(stored) <= shown
        assert stored["body"] == [texts[stored["id"][0]]]
    docstore = sum(f.stat().st_size for f in (tmp_path / "ix").glob("*.store"))
    assert docstore < 1.2 * sum(len(e.text.encode()) for e in entries)


def test_a_tantivy_hit_is_marked_where_its_words_were_indexed(archive):
    """The marks of a tantivy hit come from its text analysed again (marked_words): the
    places of the words looked for are those `streams` indexed, and words standing
    together there stand together here (phrases), however few words are looked for."""
    import random

    from sqlmodel import Session

    from app import store
    from app.search.analysis import split
    from app.search.tantivy_index import marked_words, streams

    with Session(store.read_engine(archive.db_path)) as session:
        entries = list(store.index_entries(session)) + ENTRIES
    entries += [  # kana and (in Japanese and Korean) Han runs take no place in `text`
        entry("ja", "Claude は 東京 で AI モデル を 作る: Anthropic 研究所", lang="ja"),
        entry("ko", "앤트로픽은 Claude 를 만든다 (人工知能 연구소)", lang="ko"),
        entry("zh", "Claude 是 Anthropic 的模型，數據中心 里的 AI 天才", lang="zh"),
    ]
    rng = random.Random(5)
    for e in entries:
        indexed, _, _ = streams(e.text, e.language)
        spans = [(start, end) for start, end, _, _ in split(e.text, lang=e.language)]
        assert len(spans) == len(indexed)
        every = [(*span, (w,), pos) for pos, (span, w) in enumerate(zip(spans, indexed))]
        assert marked_words(e.text, e.language, set(indexed)) == every
        for k in (1, 2, 4):
            some = set(rng.sample(sorted(set(indexed)), min(k, len(set(indexed)))))
            found = marked_words(e.text, e.language, some)
            wanted = [t for t in every if t[2][0] in some]
            assert [t[:3] for t in found] == [t[:3] for t in wanted]
            assert together(found) == together(wanted)


def together(tokens: list[tuple]) -> list[bool]:
    return [b[3] == a[3] + 1 for a, b in zip(tokens, tokens[1:])]


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

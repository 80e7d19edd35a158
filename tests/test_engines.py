"""Both engines on the same passages: the same hits, totals, facets and marks for the test
suite's and the benchmark's queries (README, Engines).

The seeds' passages, the search tests' entries and 1,500 passages recombined as the
benchmark does are indexed once by whoosh and once by tantivy (the tantivy build with its
analysis worker processes). Scores differ (lengths are quantised differently, phrases
are scored differently, ties are ordered differently), so pages are compared as sets, and
first hits where whoosh's scores put one passage first by a margin.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from malformed_queries import MALFORMED_QUERIES
from search_entries import ENTRIES, entry
from sqlmodel import Session

from app import store
from app.search.index import SearchIndex, build_index, current_folder, is_tantivy
from app.search.run import matching_ids, search
from bench.search import HOSTILE, queries, synthesize

pytestmark = pytest.mark.slow  # two index builds of 1,700 passages and ~600 searches each

TEST_QUERIES = [
    "grossartig",
    "großartig",
    "Kunstliche",
    "KI-Talente",
    '"KI Talenten"',
    "人才",
    "数据中心",
    "達里奧",
    "ＫＩ－Ｔａｌｅｎｔｅ",
    "companies",
    "Talentdichte Team",
    '"Talentdichte schlägt Talentmasse"',
    '"数据中心里的天才国度"',
    "Kinnlade OR Talentdichte",
    "Talentdichte -Forschern",
    "Talentdichte NOT Forschern",
    "Talentd*",
    "be*",
    "KI-Tal*",
    "Talente*",
    'speaker:"Dario Amodei" Talentdichte',
    "speaker:dario-amodei Talent",
    "speaker:lex-fridman",
    "lang:zh 人才",
    "lang:zh",
    "interview:wiwo",
    "kind:essay",
    "date:2024 Talentdichte",
    "date:2024-06-01..2024-06-30",
    "date:..2020",
    "date:2022..",
    "Talent -date:..2020",
    "kam:Kinnlade",
    "<script>alert(1)</script>",
    "我们 -人才公司",
    '"Wirtschaftlichen Turing"',
    "数据中心里",
    "天才国",
    "Anthropic KI",
    "-KI Anthropic",
    "ab* -dass",
]


@pytest.fixture(scope="module")
def indexes(archive, tmp_path_factory) -> dict[str, SearchIndex]:
    """engine -> a SearchIndex on the same passages."""
    with Session(store.read_engine(archive.db_path)) as session:
        seeds = list(store.index_entries(session))
    entries = seeds + ENTRIES + list(synthesize([e for e in seeds if len(e.text) >= 20], 1500))
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        for engine in ("whoosh", "tantivy"):
            patch.setenv("ARCHIVE_ENGINE", engine)
            root = tmp_path_factory.mktemp(engine)
            build_index(root, entries, processes_from=1000)
            assert is_tantivy(Path(str(current_folder(root)))) == (engine == "tantivy")
            out[engine] = SearchIndex(root)
    yield out
    for index in out.values():
        index.close()


def all_queries(archive) -> list[str]:
    with Session(store.read_engine(archive.db_path)) as session:
        base = [e for e in store.index_entries(session) if len(e.text) >= 20]
    bench = [q for items in queries(base, 1500).values() for q in items if q not in HOSTILE]
    return TEST_QUERIES + bench


@pytest.fixture(scope="module")
def query_list(archive) -> list[str]:
    return all_queries(archive)


def test_the_same_passages_match(indexes, query_list):
    differ = [
        q
        for q in query_list + MALFORMED_QUERIES
        if matching_ids(indexes["whoosh"], q) != matching_ids(indexes["tantivy"], q)
    ]
    assert not differ
    assert sum(bool(matching_ids(indexes["whoosh"], q)) for q in query_list) > 0.8 * len(query_list)


def test_the_same_totals_facets_terms_and_notes(indexes, query_list):
    for q in query_list + MALFORMED_QUERIES + HOSTILE:
        ours, theirs = (search(indexes[e], q, page_size=5) for e in ("whoosh", "tantivy"))
        assert (ours.total, ours.facets, ours.terms) == (
            theirs.total,
            theirs.facets,
            theirs.terms,
        ), q
        assert (ours.partial, ours.message, ours.did_you_mean) == (
            theirs.partial,
            theirs.message,
            theirs.did_you_mean,
        ), q


def test_the_same_pages_where_every_match_fits(indexes, query_list):
    """A page that holds every match holds the same passages."""
    compared = 0
    for q in query_list:
        ours = search(indexes["whoosh"], q, page_size=100)
        theirs = search(indexes["tantivy"], q, page_size=100)
        if ours.total > 100:
            continue
        assert {h.id for h in ours.hits} == {h.id for h in theirs.hits}, q
        compared += 1
    assert compared > 0.5 * len(query_list)


def test_the_same_marks_in_the_snippets(indexes, query_list):
    for q in query_list:
        ours = {h.id: h.snippet for h in search(indexes["whoosh"], q, page_size=100).hits}
        theirs = {h.id: h.snippet for h in search(indexes["tantivy"], q, page_size=100).hits}
        for id in ours.keys() & theirs.keys():
            assert ours[id] == theirs[id], (q, id)


def test_newest_first_gives_the_same_dates(indexes, query_list):
    for q in random.Random(3).sample(query_list, 20) + ["lang:de", "KI"]:
        ours = search(indexes["whoosh"], q, sort="date", page_size=50)
        theirs = search(indexes["tantivy"], q, sort="date", page_size=50)
        assert [h.date for h in ours.hits] == [h.date for h in theirs.hits], q
        if ours.total <= 50:
            assert {h.id for h in ours.hits} == {h.id for h in theirs.hits}, q


def test_the_best_hit_is_the_same_where_it_leads_clearly(indexes, query_list):
    """Where whoosh's first hit scores well above its second, tantivy puts it first too.
    Not for quotes: whoosh scores a phrase by its words' frequencies in the passage,
    tantivy by the phrase's own frequency (a passage with many "Anthropic" and one
    "Anthropic und Google" leads in whoosh, not in tantivy)."""
    checked = 0
    for q in query_list:
        ours = search(indexes["whoosh"], q, page_size=2).hits
        if '"' in q or len(ours) < 2 or ours[0].score <= 1.2 * ours[1].score:
            continue
        checked += 1
        assert search(indexes["tantivy"], q, page_size=1).hits[0].id == ours[0].id, q
    assert checked >= 5


def test_cjk_runs_do_not_join_and_odd_words_keep_their_places(tmp_path):
    """Tantivy numbers bigrams one after another: a separator between two runs keeps
    "数据 据中" from holding 数据中 (whoosh numbers them by character, which leaves a gap).
    A word whose folded form has spaces (ﷺ) or is empty (a lone accent) keeps its place."""
    entries = [
        entry("runs", "数据 据中", lang="zh"),
        entry("whole", "数据中心", lang="zh"),
        entry("odd", "Die \u0301 Straße ﷺ endet hier."),
    ]
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        for engine in ("whoosh", "tantivy"):
            patch.setenv("ARCHIVE_ENGINE", engine)
            build_index(tmp_path / engine, entries)
            index = SearchIndex(tmp_path / engine)
            found[engine] = {
                q: matching_ids(index, q)
                for q in [
                    "数据中",
                    "据中",
                    '"数据 据中"',
                    "ﷺ",
                    '"Straße endet"',
                    '"Die Straße"',
                    "endet",
                ]
            }
            index.close()
    assert found["tantivy"] == found["whoosh"]
    assert found["tantivy"]["数据中"] == {"whole"}
    assert found["tantivy"]['"Straße endet"'] == set() and found["tantivy"]["endet"] == {"odd"}


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_pages_of_tied_hits_neither_repeat_nor_skip(tmp_path, monkeypatch, engine):
    """300 passages that score alike, paged 7 at a time by relevance and by date."""
    monkeypatch.setenv("ARCHIVE_ENGINE", engine)
    dates = [f"202{i % 3}-01-0{1 + i % 5}" for i in range(300)]
    build_index(tmp_path, [entry(f"e{i}", f"Talent {i}", date=d) for i, d in enumerate(dates)])
    index = SearchIndex(tmp_path)
    for sort in ("relevance", "date"):
        seen = []
        for page in range(1, 45):
            seen += [h.id for h in search(index, "Talent", page=page, page_size=7, sort=sort).hits]
        assert sorted(seen) == sorted(f"e{i}" for i in range(300)), sort
    newest = [h.date for h in search(index, "Talent", sort="date", page_size=100).hits]
    assert newest == sorted(newest, reverse=True)
    index.close()

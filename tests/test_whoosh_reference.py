"""Our engine returns the hits and scores of stock whoosh, checked against whoosh run in a
separate process where nothing is patched (tests/whoosh_reference.py).

Both read the same index folder: ~1,500 passages recombined from the seeds, built by our
code (two writer processes: two segments, several posting blocks per common word). Ours is
the public search() with every fast path: whoosh_patches (bisect skipping, ids summed in C,
the AndNot fix), block scoring and integer phrases (app.search.matchers), filters as column
masks. The reference is stock whoosh 2.7.5 reading that folder with its own matchers,
Phrase, BM25F, NumericRange and filter/mask sets; it shares with us only the parsed query
(plain data) and the classes the index names (analyzer and posting format). So a patch
that skipped, reordered or rescored a match shows up here, where tests/test_matchers.py
(which compares in one process) would compare patched whoosh with itself.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys

import pytest
from test_matchers import QUERIES, random_query

from app.config import ROOT
from app.search import budget
from app.search.index import SearchIndex, build_index, current_folder
from app.search.query import prepare
from app.search.run import collect, matching_ids, search
from app.search.sequences import TIER
from bench.search import seed_passages, synthesize

TOP = 100  # hits compared in order, with scores
pytestmark = pytest.mark.slow  # builds an index of 1,500 passages: about 20 seconds


@pytest.fixture(autouse=True)
def no_clock(monkeypatch):
    """Exact comparisons with whoosh: a search stopped by its time budget returns part of
    its hits by design (app.search.budget), and a loaded machine may stop a long quote."""
    monkeypatch.setattr(budget, "SEARCH_SECONDS", 600.0)


@pytest.fixture(scope="module")
def entries(archive):
    return list(synthesize(seed_passages(archive.db_path), 1500))


@pytest.fixture(scope="module")
def index(entries, tmp_path_factory):
    root = tmp_path_factory.mktemp("reference")
    build_index(root, entries, processes_from=750)
    index = SearchIndex(root)
    yield index
    index.close()


def reference(index: SearchIndex, queries: list[str]) -> list[list]:
    """[[id, score], …] of every match per query, from stock whoosh in its own process."""
    job = {"folder": str(current_folder(index.root)), "queries": queries, "tier": TIER}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "whoosh_reference.py")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def ours(index: SearchIndex, q: str) -> tuple[list[str], list[float], int, set[str]]:
    """Ids of the top hits, their exact scores, the total and every matching id."""
    found = search(index, q, page_size=TOP, facets=False)
    searcher = index.searcher()
    top = collect(index, searcher, prepare(q), TOP).results()
    scores = [top.score(i) for i in range(top.scored_length())]
    assert [searcher.stored_fields(top.docnum(i))["id"] for i in range(len(scores))] == [
        h.id for h in found.hits
    ], q
    assert [h.score for h in found.hits] == [round(s, 4) for s in scores], q
    return [h.id for h in found.hits], scores, found.total, matching_ids(index, q)


def test_the_reference_index_has_two_segments(index):
    assert len(index.searcher().subsearchers) == 2


def in_order(ids, scores) -> list[tuple[float, str]]:
    return sorted((-round(score, 9), i) for i, score in zip(ids, scores))


def test_hits_and_scores_equal_stock_whoosh(index, entries):
    rng = random.Random(17)
    queries = QUERIES + [random_query(rng, entries) for _ in range(120)]
    queries = [q for q in queries if prepare(q).must or prepare(q).filters]
    matched = 0
    for q, theirs in zip(queries, reference(index, queries)):
        ids, scores, total, every = ours(index, q)
        assert total == len(theirs) and every == {i for i, _ in theirs}, q
        # in order; passages whose scores differ only in the last bit (ours are summed a
        # block at a time, whoosh's one posting at a time) may stand in either order
        if prepare(q).must and theirs:
            assert in_order(ids, scores) == in_order(*zip(*theirs[:TOP])), q
        else:  # filters alone: every score a constant, the order whoosh's docnums
            assert ids == [i for i, _ in theirs[:TOP]], q
        if prepare(q).must:  # filters alone score 0 here, a constant in whoosh's Every
            want = [s for _, s in theirs[:TOP]]
            assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(scores, want)), q
        matched += bool(theirs)
    assert matched > 90  # most queries find something: the comparison is not of empty lists

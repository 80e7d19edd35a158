"""The fast paths of app.matchers return what whoosh's own matchers return: the same
matches, the same scores, the same order. Checked on a real two-segment index of 2,400
passages recombined from the seeds (several posting blocks per common word)."""
from __future__ import annotations

import math

import pytest
from whoosh import collectors, query as Q

from app.bench import seed_passages, synthesize
from app.index import SearchIndex, build_index
from app.matchers import Offsets, Phrase, scorable
from app.search import collect, prepare, whoosh_query

QUERIES = [
    "KI", "Anthropic", "我们", "公司", "Talent", "Talente", "Unternehmen OpenAI", "wurde große",
    "KI OR Anthropic", "数据中心", "人才 公司", "Talent* KI", '"wird als der"', '"数据中心"',
    '"Anthropic und Google"', '"Was würden Sie"', "KI -Anthropic", "lang:zh 我们",
    "date:2021 KI", "speaker:person-7 KI", "lang:de kind:interview Talent", "speaker:person-3",
    '"wird als der" KI', '"Anthropic und Google" OR "数据中心"', '"der die das"', "Zeit -\"Anthropic und\"",
]
NO_MATCH = ['"der die das"']


@pytest.fixture(scope="module")
def index(archive, tmp_path_factory):
    root = tmp_path_factory.mktemp("matchers")
    entries = list(synthesize(seed_passages(archive.db_path), 2400))
    build_index(root, entries, processes_from=1200)  # two writer processes: two segments
    index = SearchIndex(root)
    yield index
    index.close()


def stock(q):
    """The same query with whoosh's own Phrase (filters stay index queries)."""
    if isinstance(q, Phrase):
        return Q.Phrase(q.fieldname, q.words, boost=q.boost)
    if isinstance(q, Q.AndNot):
        return Q.AndNot(stock(q.a), stock(q.b))
    if isinstance(q, Q.CompoundQuery):
        return q.__class__([stock(s) for s in q.subqueries], boost=q.boost)
    return q


def test_the_index_has_two_segments(index):
    assert len(index.searcher().subsearchers) == 2


@pytest.mark.parametrize("q", QUERIES)
def test_fast_paths_match_whoosh(index, q):
    """Ours: block scoring, bisect skipping, integer phrases, filters as column masks.
    Theirs: whoosh's matchers and TopCollector, every match scored, filters intersected."""
    searcher = index.searcher()
    parsed = prepare(q)
    ours = collect(index, searcher, parsed, limit=10)
    theirs = collectors.TopCollector(limit=10**6, usequality=False)
    searcher.search_with_collector(stock(whoosh_query(parsed)), theirs)
    expected = theirs.results()
    assert sorted(ours.docnums) == sorted(expected.docs())
    assert bool(ours.docnums) == (q not in NO_MATCH)
    top = ours.results()
    got = [(top.docnum(i), top.score(i)) for i in range(top.scored_length())]
    want = [(expected.docnum(i), expected.score(i)) for i in range(min(10, len(expected)))]
    assert [d for d, _ in got] == [d for d, _ in want]
    offset = float(len(parsed.filters)) if parsed.must else 0.0  # each ConstantScoreQuery adds 1
    assert all(math.isclose(a + offset, b, rel_tol=1e-12) for (_, a), (_, b) in zip(got, want))


@pytest.mark.parametrize("poslist", [
    [(0, 0, 2)], [(3, 10, 14), (9, 40, 47)], [(1, 300, 305)], [(70_000, 2, 3)],
    [(5, 5, 6), (6, 100_000, 100_004)],
])
def test_offsets_round_trip(poslist):
    fmt = Offsets()
    value = fmt.encode(poslist)
    assert fmt.decode_characters(value) == poslist
    assert fmt.decode_positions(value) == [p for p, _, _ in poslist]
    assert fmt.decode_frequency(value) == len(poslist)


@pytest.mark.parametrize("q", ["KI", "Unternehmen OpenAI", '"wird als der"', "KI OR 我们",
                               '"Anthropic und Google" 数据中心'])
def test_words_and_phrases_take_the_block_path(index, q):
    """Otherwise the comparison above would compare whoosh with itself."""
    sub = index.searcher().subsearchers[0][0]
    matcher = whoosh_query(prepare(q)).matcher(sub, sub.context())
    assert scorable(matcher)

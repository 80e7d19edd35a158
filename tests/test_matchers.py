"""The fast paths of app.search.matchers return what whoosh's own matchers return: the same
matches, the same scores, the same order. Checked on a real two-segment index of 2,400
passages recombined from the seeds (several posting blocks per common word)."""

from __future__ import annotations

import math
import random
import re
from collections import Counter

import pytest
from whoosh import collectors
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher

from app.search import budget
from app.search.index import SearchIndex, build_index
from app.search.matchers import Phrase, scorable
from app.search.postings import Offsets, block_map, skip_blocks
from app.search.query import prepare
from app.search.run import collect, whoosh_query
from app.search.sequences import Without
from bench.search import seed_passages, synthesize

QUERIES = [
    "KI",
    "Anthropic",
    "我们",
    "公司",
    "Talent",
    "Talente",
    "Unternehmen OpenAI",
    "wurde große",
    "KI OR Anthropic",
    "数据中心",
    "人才 公司",
    "Talent* KI",
    '"wird als der"',
    '"数据中心"',
    '"Anthropic und Google"',
    '"Was würden Sie"',
    "KI -Anthropic",
    "lang:zh 我们",
    "date:2021 KI",
    "speaker:person-7 KI",
    "lang:de kind:interview Talent",
    "speaker:person-3",
    '"wird als der" KI',
    '"Anthropic und Google" OR "数据中心"',
    '"der die das"',
    'Zeit -"Anthropic und"',
    "KI -die -der -und -das -ist",
    "Anthropic -KI -我们 -Talent*",
    'KI -"die KI" -Google',
    "我们 -公司 -数据中心",
    "公司 -的 -是 -在 -我们",
    '"die KI" -Anthropic -nicht -数据中心',
    "Unternehmen -OpenAI",
]
NO_MATCH = ['"der die das"']


@pytest.fixture(autouse=True)
def no_clock(monkeypatch):
    """Exact comparisons with whoosh: a search stopped by its time budget returns part of
    its hits by design (app.search.budget), and a loaded machine may stop a long quote."""
    monkeypatch.setattr(budget, "SEARCH_SECONDS", 600.0)


@pytest.fixture(scope="module")
def entries(archive):
    return list(synthesize(seed_passages(archive.db_path), 2400))


@pytest.fixture(scope="module")
def index(entries, tmp_path_factory):
    root = tmp_path_factory.mktemp("matchers")
    build_index(root, entries, processes_from=1200)  # two writer processes: two segments
    index = SearchIndex(root)
    yield index
    index.close()


def stock(q):
    """The same query with whoosh's own Phrase and AndNot (filters stay index queries)."""
    if isinstance(q, Without):
        return Q.AndNot(stock(q.positive), stock(q.negative))
    if isinstance(q, Phrase):
        return Q.Phrase(q.fieldname, q.words, boost=q.boost)
    if isinstance(q, Q.CompoundQuery):
        return q.__class__([stock(s) for s in q.subqueries], boost=q.boost)
    return q


def expected(searcher, q) -> list[tuple[int, float]]:
    """(docnum, score) of every match, best first, by whoosh's own matchers. Exclusions are
    taken as set differences, so the reference does not rest on whoosh's AndNotMatcher,
    whose first match app.search.matchers had to fix."""
    if isinstance(q, (Q.AndNot, Without)):
        q = stock(q)
        excluded = {d for d, _ in expected(searcher, q.b)}
        return [(d, score) for d, score in expected(searcher, q.a) if d not in excluded]
    collector = collectors.TopCollector(limit=10**6, usequality=False)
    searcher.search_with_collector(stock(q), collector)
    found = collector.results()
    return [(found.docnum(i), found.score(i)) for i in range(len(found))]


def test_the_index_has_two_segments(index):
    assert len(index.searcher().subsearchers) == 2


@pytest.mark.parametrize("q", QUERIES)
def test_fast_paths_match_whoosh(index, q):
    assert same_as_whoosh(index, q) == (q not in NO_MATCH)


@pytest.mark.slow
def test_random_queries_match_whoosh(index, entries):
    """150 queries drawn from the passages: words, pairs, phrases, OR, NOT, prefixes and
    filters in random combinations. Most of them match something."""
    rng = random.Random(3)
    matched = sum(same_as_whoosh(index, random_query(rng, entries)) for _ in range(150))
    assert matched > 90  # how many depends on the seeds' passages (97 since essays are split)


def random_query(rng, entries) -> str:
    text = rng.choice(entries).text
    words = re.findall(r"[^\W\d_]{2,}", text)
    han = re.findall(r"[\u4e00-\u9fff]{2,}", text)

    def part() -> str:
        kind = rng.choice(["word", "phrase", "phrase", "prefix"])
        if han and rng.random() < 0.4:
            run = rng.choice(han)
            size = rng.randint(2, min(8, len(run)))
            at = rng.randrange(len(run) - size + 1)
            return f'"{run[at : at + size]}"' if kind == "phrase" else run[at : at + size]
        at = rng.randrange(len(words))
        if kind == "phrase":
            return '"' + " ".join(words[at : at + rng.randint(2, 6)]) + '"'
        return words[at][:4] + "*" if kind == "prefix" and len(words[at]) > 4 else words[at]

    q = part()
    for _ in range(rng.randint(0, 2)):
        q += rng.choice([" ", " OR ", " -"]) + part()
    if rng.random() < 0.3:
        q = rng.choice(["lang:de ", "lang:zh ", "date:2021 ", "speaker:person-3 "]) + q
    if rng.random() < 0.15:
        q += rng.choice([" -lang:zh", " -date:..2021", " -speaker:person-3", " -kind:interview"])
    if rng.random() < 0.05:  # filters alone
        q = rng.choice(["lang:de", "date:2022..", "speaker:person-3 -date:2021"])
    return q


def same_as_whoosh(index, q) -> bool:
    """Ours: block scoring, bisect skipping, integer phrases, filters as column masks.
    Theirs: whoosh's own matchers and TopCollector, every match scored, filters intersected.
    Asserts equal matches, top 10 and scores; returns whether anything matched."""
    searcher = index.searcher()
    parsed = prepare(q)
    if not parsed.must and not parsed.filters:  # search() asks for words, searches nothing
        return False
    ours = collect(index, searcher, parsed, limit=10)
    want = expected(searcher, whoosh_query(parsed))
    assert sorted(ours.docnums) == sorted(d for d, _ in want), q
    top = ours.results()
    got = [(top.docnum(i), top.score(i)) for i in range(top.scored_length())]
    assert [d for d, _ in got] == [d for d, _ in want[:10]], q
    # whoosh's ConstantScoreQuery (or its ListMatcher) adds 1 per filter it runs, ours 0:
    # the same scores up to that constant
    offset = want[0][1] - got[0][1] if got else 0.0
    assert any(math.isclose(offset, n, abs_tol=1e-9) for n in range(len(parsed.filters) + 1)), q
    assert all(math.isclose(a + offset, b, rel_tol=1e-12) for (_, a), (_, b) in zip(got, want))
    return bool(ours.docnums)


@pytest.mark.parametrize(
    "poslist",
    [
        [(0, 0, 2)],
        [(3, 10, 14), (9, 40, 47)],
        [(1, 300, 305)],
        [(70_000, 2, 3)],
        [(5, 5, 6), (6, 100_000, 100_004)],
    ],
)
def test_offsets_round_trip(poslist):
    fmt = Offsets()
    value = fmt.encode(poslist)
    assert fmt.decode_characters(value) == poslist
    assert fmt.decode_positions(value) == [p for p, _, _ in poslist]
    assert fmt.decode_frequency(value) == len(poslist)


@pytest.mark.parametrize(
    "q",
    [
        "KI",
        "Unternehmen OpenAI",
        '"wird als der"',
        "KI OR 我们",
        '"Anthropic und Google" 数据中心',
        'KI -"wird als der" -Talent',
    ],
)
def test_words_and_phrases_take_the_block_path(index, q):
    """Otherwise the comparison above would compare whoosh with itself."""
    sub = index.searcher().subsearchers[0][0]
    matcher = whoosh_query(prepare(q)).matcher(sub, sub.context())
    assert scorable(matcher)


def blocks(searcher, word: str) -> int:
    """How many posting blocks a word has in the index (every segment)."""
    count = 0
    for sub, _ in searcher.subsearchers:
        m = sub.reader().postings("text", word)
        while type(m) is W3LeafMatcher and m.is_active():
            count += 1
            m._next_block()
    return count


def test_an_exclusion_decodes_only_the_blocks_that_can_hold_a_candidate(index, monkeypatch):
    """`KI -die -der -und -das -ist`: each excluded word is read only for the passages the
    words before it left, the commonest first, and only in the blocks that can hold one of
    them. Every block of every excluded word was decoded and scored (641 ms at 100k)."""
    searcher = index.searcher()
    words = ["die", "der", "und", "das", "ist", "nicht", "wir", "sie", "es", "ein"]
    decoded: Counter[str] = Counter()
    read = W3LeafMatcher._read_data

    def counted(self) -> None:
        decoded[self._term[1].decode()] += 1
        read(self)

    monkeypatch.setattr(W3LeafMatcher, "_read_data", counted)
    found = collect(index, searcher, prepare("KI -" + " -".join(words)), limit=10)
    every = sum(blocks(searcher, w) for w in words)
    assert not found.docnums  # every passage of KI holds one of them: all were checked
    assert every > 40  # long lists: several blocks each (58)
    # the old path decoded (and scored) every one of them; this one 23
    assert sum(decoded[w] for w in words) < every / 2, decoded


@pytest.mark.parametrize("word", ["die", "ki", "anthropic", "我们"])
def test_a_block_map_lands_where_whoosh_steps_to(index, word):
    """skip_blocks (by the map of the blocks' last ids) stands on the block whoosh reaches
    header by header, for targets before, inside, between and past the blocks."""
    for sub, _ in index.searcher().subsearchers:
        m = sub.reader().postings("text", word)
        lasts = []
        while m.is_active():
            lasts.append(m._maxid)
            m._next_block()
        assert block_map(sub.reader().postings("text", word))[0] == lasts
        for target in {0, lasts[0], lasts[0] + 1, lasts[len(lasts) // 2], lasts[-1] + 1}:
            ours, theirs = (sub.reader().postings("text", word) for _ in range(2))
            skip_blocks(ours, target)
            theirs._skip_to_block(lambda t=target, m=theirs: t > m._maxid)
            assert ours.is_active() == theirs.is_active(), target
            assert not ours.is_active() or ours._maxid == theirs._maxid, target

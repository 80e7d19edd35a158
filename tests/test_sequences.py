"""Exact quotes and CJK fragments on a real index: every match that a check of the stored
text finds, and only those; word matches rank above bigram-only matches."""

from __future__ import annotations

import random
import re

import pytest
from search_entries import ENTRIES, entry
from whoosh import query as Q

from app.search.analysis import STARTS, fold_chars, grams, split
from app.search.index import SearchIndex, build_index
from app.search.matchers import TopAndAll
from app.search.postings import MIDDLE, SHIFT, Offsets, Places, passages, places
from app.search.sequences import TIER, Sequence, Slot, Tiered
from app.text import match_form

MORE = [
    entry("ja-1", "人工知能は私たちの働き方を変えると思います。", lang="ja", ordinal=11),
    entry(
        "ko-1", "인공지능이 우리가 일하는 방식을 바꿀 것이라고 생각합니다.", lang="ko", ordinal=12
    ),
    entry("de-6", "Die Wirtschaftliche Turing-Prüfung kommt.", ordinal=13),
    entry("de-7", "Über den wirtschaftlichen Turing-Test sprach er.", ordinal=14),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("sequences")
    build_index(root, ENTRIES + MORE)
    index = SearchIndex(root)
    yield index.searcher()
    index.close()


def fragment(text: str) -> Sequence:
    return Sequence([Slot(at, (("grams", g, False), (STARTS, g, False))) for at, g in grams(text)])


def quote(text: str) -> Sequence:
    slots = []
    for k, (_, _, word, han) in enumerate(split(text)):
        form = word if han else match_form(word)
        options = (
            (("text", form, False),) if han else (("exact", form, False), ("text", form, True))
        )
        slots.append(Slot(k, options))
    return Sequence(slots)


def run(searcher, q) -> list[str]:
    collector = TopAndAll(limit=100, allow=None)
    searcher.search_with_collector(q, collector)
    top = collector.results()
    return [searcher.stored_fields(top.docnum(i))["id"] for i in range(top.scored_length())]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("心里的天才", ["zh-2"]),
        ("天才国", ["zh-2"]),
        ("据中心", ["zh-2"]),
        ("數據中心", ["zh-2"]),  # Traditional folds to Simplified
        ("知能は私", ["ja-1"]),
        ("지능이", ["ko-1"]),
        ("国人", []),
    ],
)
def test_fragments_find_their_passage(searcher, text, expected):
    assert run(searcher, fragment(text)) == expected


def test_quotes_match_exact_forms_not_stems(searcher):
    assert run(searcher, quote("wirtschaftlichen Turing")) == ["de-7"]
    assert run(searcher, quote("Wirtschaftliche Turing")) == ["de-6"]
    # "Talent" is its own stem: text:talent counts only where no mark says "stemmed"
    assert sorted(run(searcher, quote("Talent"))) == ["en-1", "xss"]
    assert run(searcher, quote("Talenten")) == ["de-1"]


def test_word_matches_rank_above_bigram_only_matches(searcher):
    words = Q.And([Q.Term("text", "数据中心")])
    found = run(searcher, Tiered(words, fragment("数据中心")))
    assert found == ["zh-2"]
    tiers = Tiered(Q.Term("text", "人才"), fragment("才极其"))
    collector = TopAndAll(limit=10, allow=None)
    searcher.search_with_collector(Q.Or([tiers, fragment("天才国度")]), collector)
    top = collector.results()
    ranked = [(searcher.stored_fields(top.docnum(i))["id"], top.score(i)) for i in range(2)]
    assert ranked[0][0] == "zh-1" and ranked[0][1] > TIER > ranked[1][1]


def test_whoosh_stepping_gives_the_same_matches(searcher):
    """Beside a prefix (which the block scorer does not take) whoosh steps the matcher."""
    mixed = Q.Or([Q.Prefix("text", "kinnl"), fragment("天才国")])
    assert sorted(run(searcher, mixed)) == ["de-5", "zh-2"]
    both = Q.And([Q.Prefix("text", "wirtschaft"), quote("wirtschaftlichen")])
    assert sorted(run(searcher, both)) == ["de-2", "de-7"]


def test_random_fragments_match_a_scan_of_the_text(searcher):
    rng = random.Random(5)
    texts = {e.id: e.text for e in ENTRIES + MORE}
    runs = [r for t in texts.values() for r in re.findall(r"[\u3040-\u9fff\uac00-\ud7af]{2,}", t)]
    for _ in range(60):
        run_ = rng.choice(runs)
        size = rng.randint(2, min(6, len(run_)))
        at = rng.randrange(len(run_) - size + 1)
        piece = fold_chars(run_[at : at + size])
        want = sorted(i for i, t in texts.items() if piece in fold_chars(t))
        assert sorted(run(searcher, fragment(piece))) == want, piece


def test_places_decoded_at_once_equal_one_value_at_a_time():
    """app.search.postings.places joins many postings into one array (by type code) and
    takes each passage's running sum off: the same places as decoding each value alone,
    for one and many occurrences, bytes and wider type codes, positions and starts."""
    rng = random.Random(5)
    ids = sorted(rng.sample(range(10_000), 300))
    occurrences = []
    for n in range(len(ids)):
        top = (200, 3_000, 70_000)[n % 3]  # codes B, H and I among the values
        pos = sorted(rng.sample(range(top), rng.choice([1, 1, 2, 5])))
        chars, at = [], 0
        for _ in pos:
            start = at + rng.randrange(top)
            at = start + rng.randrange(1, 30)
            chars.append((start, at))
        occurrences.append((pos, chars))
    places_format, offsets_format = Places(), Offsets()
    for offset in (0, 2, 7):
        cases = [
            (places_format.decode_positions, [places_format.encode(p) for p, _ in occurrences]),
            (
                offsets_format.decode_positions,
                [offsets_format.encode([(p, *c) for p, c in zip(*o)]) for o in occurrences],
            ),
            (
                offsets_format.decode_starts,
                [offsets_format.encode([(p, *c) for p, c in zip(*o)]) for o in occurrences],
            ),
        ]
        for decode, values in cases:
            alone = {(d, p - offset) for d, v in zip(ids, values) for p in decode(v)}
            pairs = list(places(ids, values, decode, offset))
            assert {
                (key >> SHIFT, key - (key >> SHIFT << SHIFT) - MIDDLE) for key in pairs
            } == alone
            assert set(passages(pairs)) == set(ids)
            # positions that come decoded (inlined postings) give the same pairs
            assert set(places(ids, [list(decode(v)) for v in values], list, offset)) == set(pairs)

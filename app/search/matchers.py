"""How whoosh finds and scores matches, made fast enough for 100,000 passages.

whoosh 2.7 is pure Python and pinned; its matchers are replaced here where profiling on
the benchmark's 100k-passage index (`python -m bench`) showed the time going:

- Scoring: a collector asks each match for its score through four method calls. For words
  and phrases combined with AND, OR and NOT, `TopAndAll` scores whole posting blocks at
  once with the same BM25 formula and the same float operations, so the ranking does not
  change; an AND scores its rarer side first and decodes only the blocks of the other side
  that can hold one of its matches.
- Phrases: whoosh checks adjacency with Span objects built for every position of every word
  of every candidate. `Phrase` reads its words rarest first and compares positions as
  integer sets, dropping candidates as soon as they stop lining up.
- Filters: TopAndAll takes a byte mask of the passages that pass the column filters.

How postings are stored is in app.search.postings; the changes to whoosh's own matchers
(bisect skipping, the AndNot fix) are in app.search.whoosh_patches, which must be applied
first: this module reads private state of whoosh 2.7.5's leaf matchers and collector.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping
from heapq import heappush, heapreplace, nlargest
from itertools import compress
from math import exp
from operator import add
from typing import Any

from whoosh import collectors, matching, scoring
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.mcore import ListMatcher
from whoosh.util import make_binary_tree

from app.search.budget import CHECK_EVERY, TimeUp, check_clock
from app.search.postings import field_lengths, passages, places, skip_blocks

# The sub docnums of a segment to read, as the keys of a mapping (None: all of them).
# whoosh has no types: its searchers, readers, matchers and queries are Any here.
Only = Mapping[int, object] | range | None  # a range: a window of docnums (see _windows)
# Passages per window of a segment for queries that match many (see TopAndAll._windows)
FIRST_WINDOW, LAST_WINDOW = 2048, 16384
MAX_TABLED = 2.0  # frequencies whose BM25 factors are tabled per passage (see `factors`)

# ---------------------------------------------------------------- scoring


class BM25(scoring.BM25F):
    """whoosh's BM25F with each segment's field lengths read once into a list.

    Profiled at 100k passages, 45% of a common word's search went to per-document length
    lookups in the column file; the list also lets TopAndAll score whole blocks."""

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            reader = searcher.reader()
            table = field_lengths(reader, fieldname)
            if table is not None:
                scorer.dfl = table.__getitem__
                scorer.lengths = table
                tables = reader.__dict__.setdefault("_archive_factors", {})
                scorer.tables = tables.setdefault(fieldname, {})
        return scorer


def factors(s: Any, tf: float) -> array[float] | None:
    """Per docnum, BM25's factor for a word that occurs `tf` times, (tf * (K1 + 1)) / (tf
    + K1 * ((1 - B) + B * length / avgfl)): the word's score there is idf times it, the
    very float whoosh computes. Most postings occur 1 to MAX_TABLED times, so a block is
    scored with one multiplication a posting, in C. Read once per segment, field,
    frequency and parameters (None for rarer frequencies: those use the formula)."""
    if tf > MAX_TABLED or tf != int(tf):
        return None  # read by the formula
    cache: dict[tuple[float, ...], array[float]] = s.tables
    key = (tf, s.avgfl, s.B, s.K1)
    table = cache.get(key)
    if table is None:
        K1p, norm, B, K1, avgfl = s.K1 + 1, 1 - s.B, s.B, s.K1, s.avgfl
        table = cache[key] = array(
            "d", [(tf * K1p) / (tf + K1 * (norm + B * n / avgfl)) for n in s.lengths]
        )
    return table


def leaf_scores(
    m: W3LeafMatcher, only: Only = None, positions: dict[int, bytes] | None = None
) -> dict[int, float]:
    """Sub docnum -> score of a word's postings (only those in `only`, when given), a block
    at a time; blocks that hold none of `only` are not even decoded. With `positions`, the
    encoded positions of each scored posting are put there too (for phrases). The postings
    of each frequency are scored in C from the segment's table for it (`factors`)."""
    s = m.scorer
    idf, avgfl, B, K1, lengths = s.idf, s.avgfl, s.B, s.K1, s.lengths
    tables = getattr(s, "tables", None)
    K1p, norm = K1 + 1, 1 - B
    wanted = None if only is None else only if isinstance(only, range) else sorted(only)
    window = only if isinstance(only, range) else None
    out: dict[int, float] = {}
    j = 0
    while m.is_active():
        check_clock()  # a block at a time: a long posting list is a place to stop
        if wanted is not None:
            if j == len(wanted):
                break
            if wanted[j] > m._maxid:  # no candidate in this block
                skip_blocks(m, wanted[j])
                continue
            j = bisect_right(wanted, m._maxid, j)
        if m._ids is None:
            m._read_ids()
        ids = m._ids[m._i :]
        keep = None if only is None else list(map(only.__contains__, ids))
        if window is not None and ids and window.start <= ids[0] and ids[-1] < window.stop:
            keep = None  # the block lies inside the window
        if keep is not None:
            ids = list(compress(ids, keep))
        if positions is not None:
            if m._values is None:
                m._read_values()
            values = m._values[m._i :]
            positions.update(zip(ids, values if keep is None else compress(values, keep)))
        ones = factors(s, 1.0) if tables is not None else None
        if ones is not None and m._weights is None and m._data[1] is None:  # all once
            out.update(zip(ids, map(idf.__mul__, map(ones.__getitem__, ids))))
            m._next_block()
            continue
        if m._weights is None:
            m._read_weights()
        weights = m._weights[m._i :]
        if keep is not None:
            weights = list(compress(weights, keep))
        rest: Iterable[tuple[int, float]] = zip(ids, weights)
        if tables is not None:  # the postings of frequency 1 and 2 from their tables
            for tf in (1.0, 2.0):
                these = list(compress(ids, map(tf.__eq__, weights)))
                table = factors(s, tf)
                assert table is not None  # 1 and 2 are tabled
                out.update(zip(these, map(idf.__mul__, map(table.__getitem__, these))))
            rest = compress(zip(ids, weights), map(MAX_TABLED.__lt__, weights))
        # whoosh.scoring.bm25, operation for operation: equal scores keep equal ranks
        out.update(
            (d, idf * ((tf * K1p) / (tf + K1 * (norm + B * lengths[d] / avgfl)))) for d, tf in rest
        )
        m._next_block()
    return out


def plus(a: dict[int, float], b: dict[int, float]) -> dict[int, float]:
    """The union of two score maps, summed (a[d] + b[d]) where both hold d: the sums in C,
    not a loop over every posting (an OR of common words holds most passages twice)."""
    both = a.keys() & b.keys()
    out = a | b
    out.update(zip(both, map(add, map(a.__getitem__, both), map(b.__getitem__, both))))
    return out


def meet(a: dict[int, float], b: dict[int, float]) -> dict[int, float]:
    """The intersection of two score maps, summed (a[d] + b[d])."""
    both = a.keys() & b.keys()
    return dict(zip(both, map(add, map(a.__getitem__, both), map(b.__getitem__, both))))


def phrase_scores(m: PhraseMatcher, only: Only = None) -> dict[int, float]:
    """Sub docnum -> score of a phrase. Its words are read rarest first, each only in the
    blocks that can hold a remaining candidate, and after each word the candidates whose
    positions no longer line up are dropped (so common words are read for few passages).
    Positions are decoded for all candidates at once, as (passage, start) pairs: those of
    each next word are kept where the pairs before hold them, in C."""
    decode, scored = m.ms[0].format.decode_positions, {}
    first = m.rarest[0]
    m.ms[first].reset()  # a matcher stands on its first match once built: start over
    values: dict[int, bytes] = {}
    found: Mapping[int, object]  # the candidates
    found = scored[first] = leaf_scores(m.ms[first], only, values)
    pairs: set[int] | None = None  # (passage, start): see app.search.postings.SPAN
    for k in m.rarest[1:]:
        m.ms[k].reset()
        here: dict[int, bytes] = {}
        scored[k] = leaf_scores(m.ms[k], found, here)
        check_clock()
        ids = list(here)
        if pairs is None:
            pairs = set(places(ids, list(map(values.__getitem__, ids)), decode, first))
        pairs = set(filter(pairs.__contains__, places(ids, list(here.values()), decode, k)))
        kept = set(passages(pairs))
        found = dict.fromkeys(compress(ids, map(kept.__contains__, ids)))
        if not found:
            return {}
    docs = list(found)
    return dict(
        zip(docs, tree_sums([list(map(scored[k].__getitem__, docs)) for k in range(len(m.ms))]))
    )


def without(found: dict[int, float], excluded: list[matching.Matcher]) -> dict[int, float]:
    """`found` minus the passages any of the `excluded` matchers match. They (and the parts
    of an OR among them) are read one at a time, the commonest first (it drops the most
    candidates), each only for the candidates the ones before it left; a word's postings by
    their ids alone, in the blocks that can hold a candidate. Reading every excluded word
    for every candidate, and scoring it, was most of `KI -die -der -und …` (641 ms at 100k
    passages)."""
    parts = [part for m in excluded for part in union_parts(m)]
    left = found
    for part in sorted(parts, key=size, reverse=True):
        if not left:
            break
        if type(part) is W3LeafMatcher:
            held: Collection[int] = leaf_ids(part, left)
        else:  # a phrase, a prefix's words, a computed part: their own reading
            held = (scores(part, left) if scorable(part) else stepped_scores(part, left)).keys()
        if held:
            kept = left.keys() - held
            left = dict(zip(kept, map(left.__getitem__, kept)))
    return left


def union_parts(m: matching.Matcher) -> list[matching.Matcher]:
    """The parts of a tree of UnionMatchers (an OR), without those that match nothing."""
    if type(m) is matching.UnionMatcher:
        return union_parts(m.a) + union_parts(m.b)
    if isinstance(m, matching.NullMatcherClass):
        return []
    return [m]


def leaf_ids(m: W3LeafMatcher, candidates: Collection[int]) -> set[int]:
    """The candidates a word's postings hold: ids alone (no weights, no scores), decoded
    only in the blocks whose range of ids holds a candidate (a block's header has its last
    id): once few candidates are left, most blocks of a long list are not even read."""
    wanted = sorted(candidates)
    held: set[int] = set()
    j = 0
    while j < len(wanted) and m.is_active():
        check_clock()  # a block at a time
        last = m._maxid
        if wanted[j] > last:  # no candidate in this block
            skip_blocks(m, wanted[j])
            continue
        stop = bisect_right(wanted, last, j)
        if m._ids is None:
            m._read_ids()
        held.update(set(m._ids[m._i :]).intersection(wanted[j:stop]))
        j = stop
        m._next_block()
    return held


def tree_sum(values: list[float]) -> float:
    """A sum in the order of whoosh's binary tree of matchers (the same float result)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])


def tree_sums(columns: list[list[float]]) -> Iterable[float]:
    """`tree_sum` of each row of these columns, in C."""
    if len(columns) == 1:
        return columns[0]
    half = len(columns) // 2
    return map(add, tree_sums(columns[:half]), tree_sums(columns[half:]))


def stepped_scores(
    m: matching.Matcher, only: Only = None, score: float | None = None
) -> dict[int, float]:
    """The same for any other matcher, one posting at a time (inlined single postings,
    filters; `score` replaces the matcher's own)."""
    out: dict[int, float] = {}
    while m.is_active():
        if only is None or m.id() in only:
            out[m.id()] = m.score() if score is None else score
        m.next()
    return out


def size(m: matching.Matcher) -> float:
    """A matcher's relative number of matches, from idf (rarer words have larger idf)."""
    if type(m) is PhraseMatcher:
        return min(exp(-w.scorer.idf) for w in m.ms)
    if hasattr(m, "all_scores"):  # computed (app.search.sequences): asking would compute it
        return 1.0
    if isinstance(m, matching.NullMatcherClass) or not m.is_active():
        return 0.0
    if type(m) is matching.UnionMatcher:
        return size(m.a) + size(m.b)
    if type(m) is matching.IntersectionMatcher:
        return min(size(m.a), size(m.b))
    if type(m) is matching.AndNotMatcher:
        return size(m.a)
    scorer = getattr(m, "scorer", None) or getattr(m, "_scorer", None)
    return exp(-getattr(scorer, "idf", 0.0))


def scorable(m: matching.Matcher) -> bool:
    """Whether `scores` can take this matcher: words and phrases under AND, OR and NOT."""
    kind = type(m)
    if hasattr(m, "all_scores"):  # app.search.sequences: computed at once
        return True
    if kind in (matching.UnionMatcher, matching.IntersectionMatcher, matching.AndNotMatcher):
        return scorable(m.a) and scorable(m.b)
    if kind is matching.ConstantScoreWrapperMatcher:  # a filter: stepped through
        return True
    if kind is PhraseMatcher:
        return all(type(w) is W3LeafMatcher and hasattr(w.scorer, "lengths") for w in m.ms)
    return (
        isinstance(m, matching.NullMatcherClass)
        or kind is ListMatcher
        or (kind is W3LeafMatcher and hasattr(m.scorer, "lengths"))
    )


def scores(m: matching.Matcher, only: Only = None) -> dict[int, float]:
    """Sub docnum -> score of every match of a `scorable` matcher, with whoosh's scores
    (a sum over the words a passage has). Phrases and other queries go through whoosh's
    own matchers instead."""
    check_clock()  # each node of a large OR of prefix words is a place to stop
    kind = type(m)
    if hasattr(m, "all_scores"):
        found: dict[int, float] = m.all_scores(only)
        return found
    if kind is PhraseMatcher:
        return phrase_scores(m, only)
    # before asking whether a union is active: that would ask its computed parts, which
    # would compute their matches in the whole segment, not only in `only`
    if kind is matching.UnionMatcher:
        return plus(scores(m.a, only), scores(m.b, only))
    if isinstance(m, matching.NullMatcherClass) or not m.is_active():
        return {}
    if kind is W3LeafMatcher:
        return leaf_scores(m, only)
    if kind is ListMatcher:
        return stepped_scores(m, only)
    if kind is matching.ConstantScoreWrapperMatcher:  # a filter adds nothing to a score
        return stepped_scores(m.child, only, 0.0)
    if kind is matching.AndNotMatcher:  # the excluded side is read only where it matters
        found = scores(m.a, only)
        # whoosh already stepped both sides past excluded matches, which a phrase on the
        # positive side reads again from its start: the excluded side must start over too
        m.b.reset()
        return without(found, [m.b])
    a_first = size(m.a) <= size(m.b)  # an intersection: the rarer side picks candidates
    first = scores(m.a if a_first else m.b, only)
    second = scores(m.b if a_first else m.a, first)
    return meet(first, second) if a_first else meet(second, first)


# ---------------------------------------------------------------- collecting


class TopAndAll(collectors.TopCollector):
    """The top N by score, and every matching docnum (for facets and an exact total).

    Block-quality skipping saved nothing measurable on our data (common words score alike),
    so scoring every match costs no more, and counting facets from a list of docnums is 10x
    cheaper than whoosh's groupedby, which reads a column file per document."""

    def __init__(
        self, limit: int, allow: bytearray | None, everything: bool = False, **kwargs: Any
    ) -> None:
        """`allow`: 1 for each docnum that passes the filters (None: no filters);
        `everything`: the query is the filters alone (every allowed passage, score 0)."""
        super().__init__(limit=limit, usequality=False, replace=0, **kwargs)
        self.allow, self.everything = allow, everything
        self.started = 0.0  # when the search's clock started (time.monotonic())

    def prepare(self, top_searcher: Any, q: Q.Query, context: Any) -> None:
        super().prepare(top_searcher, q, context)
        self.docnums: list[int] = []
        self.timed_out, self.expansions_cut, self._seen = False, False, 0
        self.searched = 0  # passages of the segments read to the end (a share of the archive)

    def collect(self, sub_docnum: int) -> Any:
        self._seen += 1
        if self._seen % CHECK_EVERY == 0:
            check_clock()
        self._reached = sub_docnum + 1
        docnum = self.offset + sub_docnum
        if self.allow is None or self.allow[docnum]:
            self.docnums.append(docnum)
            return super().collect(sub_docnum)

    def collect_matches(self) -> None:
        """One segment's matches; past the search's deadline (app.search.budget), what was
        found so far stays and the rest is skipped. `searched` counts the passages read."""
        if self.timed_out:
            return
        self._reached = 0
        try:
            check_clock()
            self._collect_matches()
            self._reached = self.subsearcher.doc_count_all()
        except TimeUp:
            self.timed_out = True
        finally:
            self.searched += self._reached

    def _collect_matches(self) -> None:
        if self.everything:
            size = self.subsearcher.doc_count_all()
            part = self.allow[self.offset : self.offset + size] if self.allow else None
            ids = list(compress(range(size), part)) if part is not None else list(range(size))
            self._keep(ids, [0.0] * len(ids))
            self.total = len(self.docnums)
            return
        if not scorable(self.matcher):
            super().collect_matches()
            return
        for window, matcher in self._windows():
            found = scores(matcher, self._candidates(window))
            ids = sorted(found)
            self._keep(ids, list(map(found.__getitem__, ids)))
            self._reached = window.stop
        self.total = len(self.docnums)

    def _windows(self) -> Iterator[tuple[range, Any]]:
        """(range of sub docnums, matcher) to score one after the other. A segment is read
        in windows when the query may match many of its passages (whoosh's estimate: half
        the segment, or four first windows), FIRST_WINDOW passages and then twice as many
        each time, up to LAST_WINDOW: the time budget can then stop it after a window,
        with the windows before it complete (a search is scored a segment at a time, and
        an OR of common words took 0.4 s for one segment of 50,000 passages; the small
        first window finds a first page soon). Each window gets a matcher of its own (the
        leaf matchers of the last one stand past its end)."""
        size = self.subsearcher.doc_count_all()
        many = size > 2 * FIRST_WINDOW  # a window costs a matcher: only where it may pay
        least = min(4 * FIRST_WINDOW, size // 2)
        if many and self.q.estimate_size(self.subsearcher.reader()) < least:
            many = False
        lo, width = 0, FIRST_WINDOW if many else size
        while lo < size:
            hi = min(size, lo + width)
            yield (
                range(lo, hi),
                self.matcher if lo == 0 else self.q.matcher(self.subsearcher, self.context),
            )
            lo, width = hi, min(2 * width, LAST_WINDOW)

    def _candidates(self, window: range) -> Only:
        """The sub docnums to score in a window of this segment: None for all of them, or
        the allowed ones when the filters leave few (under 10%: the words' postings are
        then scored only there; speaker:x KI: 40 ms -> 5)."""
        size = self.subsearcher.doc_count_all()
        whole = window.start == 0 and window.stop == size
        if self.allow is None:
            return None if whole else window
        part = self.allow[self.offset + window.start : self.offset + window.stop]
        if whole and part.count(1) * 10 >= size:
            return None
        return dict.fromkeys(compress(window, part))

    def _keep(self, ids: list[int], scores: list[float]) -> None:
        offset, allow, items = self.offset, self.allow, self.items
        docnums = list(map(offset.__add__, ids))
        if allow is not None:
            keep = list(map(allow.__getitem__, docnums))
            docnums, scores = list(compress(docnums, keep)), list(compress(scores, keep))
        self.docnums += docnums
        pairs: Iterable[tuple[float, int]] = zip(scores, docnums)
        if len(scores) > self.limit:  # only those that can reach the top go through the heap
            least = nlargest(self.limit, scores)[-1]
            pairs = compress(pairs, map(least.__le__, scores))
        floor = items[0][0] if len(items) >= self.limit else float("-inf")
        for score, docnum in pairs:
            if score > floor:  # the heap keeps whoosh's order: score, then lower docnum
                if len(items) < self.limit:
                    heappush(items, (score, -docnum))
                else:
                    heapreplace(items, (score, -docnum))
                if len(items) >= self.limit:
                    floor = items[0][0]


# ---------------------------------------------------------------- phrases


class AnyOf(Q.Or):
    """OR as a binary tree of UnionMatchers, which `scores` reads a block at a time (whoosh
    preloads an array for three or more parts on small indexes, which it cannot)."""

    matcher_type = Q.Or.DEFAULT_MATCHER


class Phrase(Q.Phrase):
    """An exact phrase (slop 1) matched by comparing integer positions."""

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        if self.slop != 1:
            return super().matcher(searcher, context)
        reader, field = searcher.reader(), searcher.schema[self.fieldname]
        words = [field.to_bytes(w) for w in self.words]
        if any((self.fieldname, w) not in reader for w in words):
            return matching.NullMatcher()
        ms = [Q.Term(self.fieldname, w).matcher(searcher, context) for w in words]
        rarest = sorted(
            range(len(ms)), key=lambda k: reader.doc_frequency(self.fieldname, words[k])
        )
        m = PhraseMatcher(ms, rarest)
        return matching.WrappingMatcher(m, self.boost) if self.boost != 1.0 else m


class PhraseMatcher(matching.WrappingMatcher):
    """Documents where word k of the phrase sits at position p + k for some p.

    It looks for its first match only when asked (a matcher must otherwise stand on its
    first match once built): TopAndAll resets the words and runs `phrase_scores` instead,
    and a stepped search for a phrase that matches nothing would cost a whole pass."""

    def __init__(self, ms: list[matching.Matcher], rarest: list[int]) -> None:
        self.ms, self.rarest = ms, rarest
        isect = make_binary_tree(matching.IntersectionMatcher, [ms[k] for k in rarest])
        super().__init__(isect)
        self._started = False

    def copy(self) -> PhraseMatcher:
        return self.__class__([m.copy() for m in self.ms], self.rarest)

    def _replacement(self, newchild: matching.Matcher) -> PhraseMatcher:
        return self

    def replace(self, minquality: float = 0) -> matching.Matcher:
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        return False

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._find_next()

    def _adjacent(self) -> bool:
        starts: set[int] | None = None
        for k in self.rarest:
            shifted = {p - k for p in self.ms[k].value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return False
        return True

    def _find_next(self) -> None:
        child = self.child
        while child.is_active() and not self._adjacent():
            child.next()

    def is_active(self) -> bool:
        self._start()
        return bool(self.child.is_active())

    def id(self) -> int:
        self._start()
        docnum: int = self.child.id()
        return docnum

    def score(self) -> float:  # summed in phrase order, as whoosh's Phrase does
        self._start()
        return tree_sum([m.score() for m in self.ms])

    def weight(self) -> float:
        self._start()
        weight: float = self.child.weight()
        return weight

    def next(self) -> None:
        self._start()
        self.child.next()
        self._find_next()

    def skip_to(self, id: int) -> None:
        self._start()
        self.child.skip_to(id)
        self._find_next()

    def all_ids(self) -> Iterator[int]:
        while self.is_active():
            yield self.id()
            self.next()

"""How whoosh finds and scores matches, made fast enough for 100,000 passages.

whoosh 2.7 is pure Python and pinned, so its hot loops are replaced here in three places,
each measured on the benchmark's 100k-passage index (`python -m app.bench`):

- Exclusion: whoosh's AndNotMatcher could keep its first match although it holds the
  excluded word (fixed in `_find_first`).
- Postings: blocks are pickled with protocol 4 instead of 2 (5x faster to read, half the
  size), `Offsets` stores a word's positions and character offsets as a typed array (whoosh
  pickles a list of tuples per posting), and block ids are summed in C.

- skip_to() inside a posting block stepped one posting at a time (three method calls each);
  a bisect over the block's decoded ids does the same jump. AND and phrases intersect by
  skipping, so every multi-word query pays for it.
- Phrases: whoosh checks adjacency with Span objects built for every position of every word
  of every candidate. `Phrase` here intersects the words rarest first and compares the
  positions as integer sets.
- Scoring: a collector asks each match for its score through four method calls. For words
  combined with AND and OR, `TopAndAll` scores whole posting blocks at once with the same
  BM25 formula, the same float operations in the same order, so the ranking does not
  change; an AND scores the rarer side first and decodes only the other side's blocks that
  can hold one of its matches.
"""
from __future__ import annotations

import pickle
from array import array
from bisect import bisect_left, bisect_right
from heapq import heappush, heapreplace
from itertools import accumulate, compress
from math import exp

from whoosh import collectors, columns, formats, matching, query as Q, scoring
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.matching.mcore import ListMatcher, ReadTooFar
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length


# ---------------------------------------------------------------- postings

def _dumps(obj, protocol=None):
    """Pickle protocol 4 where whoosh asks for 2: protocol 2 writes every bytes object (each
    posting's positions) as a call to codecs.encode. A posting block of a common word took
    183 us to unpickle and 2.5 KB on disk; with protocol 4, 34 us and 1.3 KB."""
    return pickle.dumps(obj, 4)


whoosh3.dumps = columns.dumps = _dumps  # posting blocks, inlined postings, stored fields

class Offsets(formats.Characters):
    """Positions and character offsets of a word in a passage, as one typed array.

    whoosh's Characters format pickles a list of 3-tuples per posting, and a phrase unpickles
    it for every candidate. Here the same deltas (position, start after the previous end,
    length) are an array of the smallest unsigned type that holds them, behind a one-byte
    type code: smaller postings and a decode in C. Arrays use the machine's byte order, so an
    index is read where it was built (it is generated, never shipped)."""

    def word_values(self, value, analyzer, **kwargs):
        """(word, frequency, weight, encoded offsets) per word: whoosh's Characters version,
        without its token filtering and weight sums (our analyzer stops nothing, boosts 1)."""
        kwargs.update(positions=True, chars=True, boosts=True)
        seen: dict[str, list] = {}
        for t in analyzer(value, **kwargs):
            seen.setdefault(t.text, []).append((t.pos, t.startchar, t.endchar))
        for word, poslist in seen.items():
            yield word, len(poslist), len(poslist) * self.field_boost, self.encode(poslist)

    def encode(self, poslist):
        if len(poslist) == 1:  # most words occur once in a passage
            (pos, start, end), = poslist
            if pos < 256 and start < 256 and end - start < 256:
                return bytes((66, pos, start, end - start))  # 66: "B"
            deltas = [pos, start, end - start]
        else:
            deltas, pos_base, char_base = [], 0, 0
            for pos, start, end in poslist:
                deltas += (pos - pos_base, start - char_base, end - start)
                pos_base, char_base = pos, end
        top = max(deltas)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        return code.encode() + array(code, deltas).tobytes()

    @staticmethod
    def _deltas(value: bytes) -> array:
        deltas = array(chr(value[0]))
        deltas.frombytes(value[1:])
        return deltas

    def decode_characters(self, value):
        deltas, out, pos, end = self._deltas(value), [], 0, 0
        for i in range(0, len(deltas), 3):
            pos += deltas[i]
            start = end + deltas[i + 1]
            end = start + deltas[i + 2]
            out.append((pos, start, end))
        return out

    def decode_positions(self, value):
        if len(value) == 4 and value[0] == 66:  # one occurrence, small numbers
            return [value[1]]
        return list(accumulate(self._deltas(value)[0::3]))

    def decode_frequency(self, value):
        return len(self._deltas(value)) // 3

    def decode_weight(self, value):
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value):
        return [(pos, 1) for pos in self.decode_positions(value)]


def _doc_field_length(self, docnum, fieldname, default=0):
    """W3PerDocReader.doc_field_length from a list read once per field. The segment writer
    asks it for every posting it writes (block statistics): 14% of a build went to the
    per-call column reads and, for fields without lengths, a stat() of a missing file."""
    table = field_lengths(self, fieldname)
    if table is None:
        return default
    return table[docnum] or None  # whoosh returns None for a zero length byte


W3PerDocReader.doc_field_length = _doc_field_length


def _read_ids(self):
    """W3LeafMatcher._read_ids, with the id deltas summed in C (whoosh uses a generator)."""
    if self._data is None:
        self._read_data()
    ids = self._data[0]
    self._ids = ids if self._byteids else tuple(accumulate(ids))


W3LeafMatcher._read_ids = _read_ids


# ---------------------------------------------------------------- exclusion

def _find_first(self):
    """AndNotMatcher._find_first, fixed: whoosh checked the first match of the positive side
    against the excluded side only when both stood on the same id, so when the excluded
    word's first passage came earlier, `aber -dass` kept a first passage that says "dass"."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


matching.AndNotMatcher._find_first = _find_first


# ---------------------------------------------------------------- skipping

def _skip_to(self, targetid):
    """W3LeafMatcher.skip_to with a bisect within the block (whoosh steps one by one)."""
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    if targetid > self._maxid:
        self._skip_to_block(lambda: targetid > self._maxid)
        if not self.is_active():
            return
        if self._ids is None:
            self._read_ids()
    # the block's largest id is >= targetid, so the bisect stays inside the block
    self._i = bisect_left(self._ids, targetid, self._i)


W3LeafMatcher.skip_to = _skip_to


# ---------------------------------------------------------------- scoring

class BM25(scoring.BM25F):
    """whoosh's BM25F with each segment's field lengths read once into a list.

    Profiled at 100k passages, 45% of a common word's search went to per-document length
    lookups in the column file; the list also lets TopAndAll score whole blocks."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            table = field_lengths(searcher.reader(), fieldname)
            if table is not None:
                scorer.dfl = table.__getitem__
                scorer.lengths = table
        return scorer


def field_lengths(reader, fieldname: str) -> list[int] | None:
    """A field's length per docnum, from a segment reader or its per-document reader."""
    cache = reader.__dict__.setdefault("_archive_lengths", {})
    if fieldname not in cache:
        # a segment's per-document reader keeps lengths as one byte per doc (a MultiReader
        # has none: it keeps whoosh's own lookups)
        perdoc = reader if isinstance(reader, W3PerDocReader) else getattr(reader, "_perdoc", None)
        column = perdoc and W3PerDocReader._cached_reader(perdoc, _lenfield(fieldname),
                                                          LENGTHS_COLUMN)
        decode = [byte_to_length(b) for b in range(256)]
        cache[fieldname] = None if column is None else [decode[b] for b in column]
    return cache[fieldname]


def leaf_scores(m: W3LeafMatcher, only: dict | None = None,
                positions: dict | None = None) -> dict[int, float]:
    """Sub docnum -> score of a word's postings (only those in `only`, when given), a block
    at a time; blocks that hold none of `only` are not even decoded. With `positions`, the
    encoded positions of each scored posting are put there too (for phrases)."""
    s = m.scorer
    idf, avgfl, B, K1, lengths = s.idf, s.avgfl, s.B, s.K1, s.lengths
    K1p, norm = K1 + 1, 1 - B
    wanted = sorted(only) if only is not None else None
    out: dict[int, float] = {}
    j = 0
    while m.is_active():
        if wanted is not None:
            if j == len(wanted):
                break
            if wanted[j] > m._maxid:  # no candidate in this block
                m._next_block()
                continue
            j = bisect_right(wanted, m._maxid, j)
        if m._ids is None:
            m._read_ids()
        if m._weights is None:
            m._read_weights()
        ids, weights = m._ids[m._i:], m._weights[m._i:]
        keep = None if only is None else [d in only for d in ids]
        if keep is not None:
            ids, weights = list(compress(ids, keep)), list(compress(weights, keep))
        if positions is not None:
            if m._values is None:
                m._read_values()
            values = m._values[m._i:]
            positions.update(zip(ids, values if keep is None else compress(values, keep)))
        # whoosh.scoring.bm25, operation for operation: equal scores keep equal ranks
        out.update(zip(ids, [idf * ((tf * K1p) / (tf + K1 * (norm + B * lengths[d] / avgfl)))
                             for d, tf in zip(ids, weights)]))
        m._next_block()
    return out


def phrase_scores(m: "PhraseMatcher", only: dict | None = None) -> dict[int, float]:
    """Sub docnum -> score of a phrase. Its words are read rarest first, each only in the
    blocks that can hold a remaining candidate, and after each word the candidates whose
    positions no longer line up are dropped (so common words are read for few passages)."""
    decode, scored = m.ms[0].format.decode_positions, {}
    first = m.rarest[0]
    m.ms[first].reset()  # a matcher stands on its first match once built: start over
    values: dict[int, bytes] = {}
    found = scored[first] = leaf_scores(m.ms[first], only, values)
    starts: dict[int, set] = {}
    for k in m.rarest[1:]:
        m.ms[k].reset()
        here: dict[int, bytes] = {}
        scored[k] = leaf_scores(m.ms[k], found, here)
        kept = {}
        for d, value in here.items():
            at = starts[d] if starts else {p - first for p in decode(values[d])}
            at = at.intersection([p - k for p in decode(value)])
            if at:
                kept[d] = at
        starts = found = kept
        if not found:
            break
    return {d: tree_sum([scored[k][d] for k in range(len(m.ms))]) for d in found}


def tree_sum(values: list[float]) -> float:
    """A sum in the order of whoosh's binary tree of matchers (the same float result)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])


def stepped_scores(m, only: dict | None = None, score: float | None = None) -> dict[int, float]:
    """The same for any other matcher, one posting at a time (inlined single postings,
    filters; `score` replaces the matcher's own)."""
    out = {}
    while m.is_active():
        if only is None or m.id() in only:
            out[m.id()] = m.score() if score is None else score
        m.next()
    return out


def size(m) -> float:
    """A matcher's relative number of matches, from idf (rarer words have larger idf)."""
    if type(m) is PhraseMatcher:
        return min(exp(-w.scorer.idf) for w in m.ms)
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


def scorable(m) -> bool:
    """Whether `scores` can take this matcher: words and phrases under AND, OR and NOT."""
    kind = type(m)
    if kind in (matching.UnionMatcher, matching.IntersectionMatcher, matching.AndNotMatcher):
        return scorable(m.a) and scorable(m.b)
    if kind is matching.ConstantScoreWrapperMatcher:  # a filter: stepped through
        return True
    if kind is PhraseMatcher:
        return all(type(w) is W3LeafMatcher and hasattr(w.scorer, "lengths") for w in m.ms)
    return (isinstance(m, matching.NullMatcherClass) or kind is ListMatcher
            or (kind is W3LeafMatcher and hasattr(m.scorer, "lengths")))


def scores(m, only: dict | None = None) -> dict[int, float]:
    """Sub docnum -> score of every match of a `scorable` matcher, with whoosh's scores
    (a sum over the words a passage has). Phrases and other queries go through whoosh's
    own matchers instead."""
    kind = type(m)
    if kind is PhraseMatcher:
        return phrase_scores(m, only)
    if isinstance(m, matching.NullMatcherClass) or not m.is_active():
        return {}
    if kind is W3LeafMatcher:
        return leaf_scores(m, only)
    if kind is ListMatcher:
        return stepped_scores(m, only)
    if kind is matching.ConstantScoreWrapperMatcher:  # a filter adds nothing to a score
        return stepped_scores(m.child, only, 0.0)
    if kind is matching.UnionMatcher:
        a, b = scores(m.a, only), scores(m.b, only)
        for d, score in b.items():
            a[d] = a.get(d, 0.0) + score
        return a
    if kind is matching.AndNotMatcher:  # the excluded side is read only where it matters
        found = scores(m.a, only)
        # whoosh already stepped both sides past excluded matches, which a phrase on the
        # positive side reads again from its start: the excluded side must start over too
        m.b.reset()
        excluded = scores(m.b, found) if found else {}
        return {d: score for d, score in found.items() if d not in excluded}
    a_first = size(m.a) <= size(m.b)  # an intersection: the rarer side picks candidates
    first = scores(m.a if a_first else m.b, only)
    second = scores(m.b if a_first else m.a, first)
    a, b = (first, second) if a_first else (second, first)
    return {d: score + b[d] for d, score in a.items() if d in b}


# ---------------------------------------------------------------- collecting

class TopAndAll(collectors.TopCollector):
    """The top N by score, and every matching docnum (for facets and an exact total).

    Block-quality skipping saved nothing measurable on our data (common words score alike),
    so scoring every match costs no more, and counting facets from a list of docnums is 10x
    cheaper than whoosh's groupedby, which reads a column file per document."""

    def __init__(self, limit, allow: bytearray | None, everything: bool = False, **kwargs):
        """`allow`: 1 for each docnum that passes the filters (None: no filters);
        `everything`: the query is the filters alone (every allowed passage, score 0)."""
        super().__init__(limit=limit, usequality=False, replace=0, **kwargs)
        self.allow, self.everything = allow, everything

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.docnums = []

    def collect(self, sub_docnum):
        docnum = self.offset + sub_docnum
        if self.allow is None or self.allow[docnum]:
            self.docnums.append(docnum)
            return super().collect(sub_docnum)

    def collect_matches(self):
        if self.everything:
            size = self.subsearcher.doc_count_all()
            part = self.allow[self.offset:self.offset + size] if self.allow else None
            ids = list(compress(range(size), part)) if part is not None else list(range(size))
            self._keep(ids, [0.0] * len(ids))
            self.total = len(self.docnums)
            return
        if not scorable(self.matcher):
            return super().collect_matches()
        found = scores(self.matcher, self._candidates())
        ids = sorted(found)
        self._keep(ids, [found[d] for d in ids])
        self.total = len(self.docnums)

    def _candidates(self) -> dict | None:
        """This segment's allowed sub docnums when the filters leave few (under 10%): the
        words' postings are then scored only there (speaker:x KI: 40 ms -> 5)."""
        if self.allow is None:
            return None
        size = self.subsearcher.doc_count_all()
        part = self.allow[self.offset:self.offset + size]
        if part.count(1) * 10 >= size:
            return None
        return dict.fromkeys(compress(range(size), part))

    def _keep(self, ids, scores) -> None:
        offset, allow, items = self.offset, self.allow, self.items
        docnums = [offset + d for d in ids]
        if allow is not None:
            keep = [allow[d] for d in docnums]
            docnums, scores = list(compress(docnums, keep)), list(compress(scores, keep))
        self.docnums += docnums
        floor = items[0][0] if len(items) >= self.limit else float("-inf")
        for score, docnum in zip(scores, docnums):
            if score > floor:  # the heap keeps whoosh's order: score, then lower docnum
                if len(items) < self.limit:
                    heappush(items, (score, -docnum))
                else:
                    heapreplace(items, (score, -docnum))
                if len(items) >= self.limit:
                    floor = items[0][0]


# ---------------------------------------------------------------- phrases

class Phrase(Q.Phrase):
    """An exact phrase (slop 1) matched by comparing integer positions."""

    def matcher(self, searcher, context=None):
        if self.slop != 1:
            return super().matcher(searcher, context)
        reader, field = searcher.reader(), searcher.schema[self.fieldname]
        words = [field.to_bytes(w) for w in self.words]
        if any((self.fieldname, w) not in reader for w in words):
            return matching.NullMatcher()
        ms = [Q.Term(self.fieldname, w).matcher(searcher, context) for w in words]
        rarest = sorted(range(len(ms)), key=lambda k: reader.doc_frequency(self.fieldname, words[k]))
        m = PhraseMatcher(ms, rarest)
        return matching.WrappingMatcher(m, self.boost) if self.boost != 1.0 else m


class PhraseMatcher(matching.WrappingMatcher):
    """Documents where word k of the phrase sits at position p + k for some p.

    It looks for its first match only when asked (a matcher must otherwise stand on its
    first match once built): TopAndAll resets the words and runs `phrase_scores` instead,
    and a stepped search for a phrase that matches nothing would cost a whole pass."""

    def __init__(self, ms, rarest):
        self.ms, self.rarest = ms, rarest
        isect = make_binary_tree(matching.IntersectionMatcher, [ms[k] for k in rarest])
        super().__init__(isect)
        self._started = False

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.rarest)

    def _replacement(self, newchild):
        return self

    def replace(self, minquality=0):
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self):
        return False

    def _start(self):
        if not self._started:
            self._started = True
            self._find_next()

    def _adjacent(self) -> bool:
        starts = None
        for k in self.rarest:
            shifted = {p - k for p in self.ms[k].value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return False
        return True

    def _find_next(self):
        child = self.child
        while child.is_active() and not self._adjacent():
            child.next()

    def is_active(self):
        self._start()
        return self.child.is_active()

    def id(self):
        self._start()
        return self.child.id()

    def score(self):  # summed in phrase order, as whoosh's Phrase does
        self._start()
        return tree_sum([m.score() for m in self.ms])

    def weight(self):
        self._start()
        return self.child.weight()

    def next(self):
        self._start()
        self.child.next()
        self._find_next()

    def skip_to(self, id):
        self._start()
        self.child.skip_to(id)
        self._find_next()

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

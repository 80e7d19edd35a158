"""Phrases across fields and tiers of matches: exact quotes and runs of CJK bigrams.

A `Sequence` is a phrase whose places may each be filled from several fields: place k of
an exact quote holds `exact:form`, or `text:form` where the `exact` field has no mark (the
word was its own stem, see app.search.analysis); place k of a CJK fragment holds its k-th
bigram in `grams`, whose positions are character offsets. A passage matches when every
place is filled at (start + offset) for one start.

`Tiered` joins the two ways a CJK text can match: as jieba words (`words`) or as a run of
bigrams (`grams`). Passages that match as words rank above those that match only as
bigrams: their score gets TIER on top (a fragment that cuts a word is found, but the whole
word ranks first).

Both compute all their matches in a segment at once (like app.search.matchers.scores), and
hand them to whoosh as a `Computed` matcher, which the block scorer reads directly.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

from whoosh import matching
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher

from app.search.analysis import MARK
from app.search.matchers import leaf_scores, scorable, scores, stepped_scores

TIER = 100.0  # above any BM25 sum of a query's words (the seeds' largest is about 30)


class Slot(NamedTuple):
    """One place of a sequence: its offset from the start, and (field, term, unmarked)
    options; `unmarked` counts the term only where `exact` holds no MARK."""

    offset: int
    options: tuple[tuple[str, str, bool], ...]


class Computed(matching.Matcher):
    """The matches of one segment, computed by `compute(only)` -> {sub docnum: score}.

    `all_scores` is what app.search.matchers.scores reads; stepping (for whoosh's own
    collectors) computes everything once and walks it."""

    def __init__(self, compute, cache: dict | None = None):
        self._compute = compute
        self._cache = cache if cache is not None else {}
        self._ids: list[int] | None = None
        self._i = 0

    def all_scores(self, only: dict | None = None) -> dict[int, float]:
        if "all" in self._cache:
            found = self._cache["all"]
            return found if only is None else {d: s for d, s in found.items() if d in only}
        found = self._compute(only)
        if only is None:
            self._cache["all"] = found
        return found

    def _ready(self) -> list[int]:
        if self._ids is None:
            self._ids = sorted(self.all_scores())
        return self._ids

    def is_active(self):
        return self._i < len(self._ready())

    def id(self):
        return self._ready()[self._i]

    def next(self):
        self._i += 1

    def skip_to(self, id):
        self._i = max(self._i, bisect_left(self._ready(), id))

    def score(self):
        return self._cache["all"][self.id()]

    def weight(self):
        return 1.0

    def reset(self):
        self._i = 0

    def copy(self):
        return Computed(self._compute, self._cache)

    def supports(self, astype):
        return False

    def supports_block_quality(self):
        return False

    def replace(self, minquality=0):
        return self if self.is_active() else matching.NullMatcher()

    def all_ids(self):
        return iter(list(self._ready()[self._i :]))


class _Leaf(Q.Query):
    """Plumbing whoosh's compound queries expect of a leaf query."""

    def is_leaf(self):
        return True

    def normalize(self):
        return self

    def simplify(self, ixreader):
        return self

    def requires(self):
        return {self}

    def estimate_min_size(self, ixreader):
        return 0

    def __hash__(self):
        return hash((type(self), self._key()))

    def __eq__(self, other):
        return type(other) is type(self) and other._key() == self._key()

    def _key(self):
        raise NotImplementedError


class Sequence(_Leaf):
    def __init__(self, slots, boost: float = 1.0):
        self.slots = tuple(slots)
        self.boost = boost

    def _key(self):
        return self.slots, self.boost

    def __repr__(self):
        return f"Sequence({self.slots!r})"

    def estimate_size(self, ixreader):
        return min(
            sum(ixreader.doc_frequency(f, t) for f, t, _ in slot.options) for slot in self.slots
        )

    def matcher(self, searcher, context=None):
        return Computed(lambda only: sequence_scores(searcher, self.slots, only, self.boost))


class Tiered(_Leaf):
    def __init__(self, words, grams):
        self.words, self.grams = words, grams

    def _key(self):
        return self.words, self.grams

    def __repr__(self):
        return f"Tiered({self.words!r}, {self.grams!r})"

    def estimate_size(self, ixreader):
        return self.words.estimate_size(ixreader) + self.grams.estimate_size(ixreader)

    def matcher(self, searcher, context=None):
        def compute(only):
            words = any_scores(self.words.matcher(searcher, context), only)
            found = any_scores(self.grams.matcher(searcher, context), only)
            for d, score in words.items():
                found[d] = TIER + score + found.get(d, 0.0)
            return found

        return Computed(compute)


def any_scores(m, only: dict | None) -> dict[int, float]:
    return scores(m, only) if scorable(m) else stepped_scores(m, only)


def positions(m, only: dict | None) -> tuple[dict[int, float], dict[int, list[int]]]:
    """Score and decoded positions per sub docnum of one term's matcher."""
    if type(m) is W3LeafMatcher and hasattr(m.scorer, "lengths"):
        values: dict[int, bytes] = {}
        found = leaf_scores(m, only, values)
        decode = m.format.decode_positions
        return found, {d: decode(v) for d, v in values.items()}
    found, places = {}, {}
    while m.is_active():  # an inlined posting list
        d = m.id()
        if only is None or d in only:
            found[d], places[d] = m.score(), list(m.value_as("positions"))
        m.next()
    return found, places


def term_matcher(searcher, field: str, term: str):
    reader = searcher.reader()
    if (field, term) not in reader:
        return None
    return Q.Term(field, term).matcher(searcher)


def sequence_scores(searcher, slots, only: dict | None, boost: float = 1.0) -> dict:
    """Sub docnum -> score of the passages where every slot is filled at start + offset.
    Slots are read rarest first, each only for the passages still in the running. Marks
    are checked in a second pass over the passages that match without them: the mark is in
    nearly every passage, and reading it for every candidate of a common word would cost
    as much as the phrase."""
    reader = searcher.reader()
    if len(slots) == 1 and not any(unmarked for _, _, unmarked in slots[0].options):
        return alone(searcher, slots[0], only, boost)
    order = sorted(slots, key=lambda s: sum(reader.doc_frequency(f, t) for f, t, _ in s.options))
    marks: dict[int, set] | None = None
    if any(unmarked for slot in slots for _, _, unmarked in slot.options):
        only, marks = match(searcher, order, only, None), {}
        if not only:
            return {}
    return {d: score * boost for d, score in match(searcher, order, only, marks).items()}


def match(searcher, slots, only: dict | None, marks: dict | None) -> dict[int, float]:
    """One pass of `sequence_scores`; `marks` None: unmarked options are not checked."""
    starts: dict[int, set] | None = None
    scored: dict[int, float] = {}
    candidates = only
    for slot in slots:
        here: dict[int, set] = {}
        for field, term, unmarked in slot.options:
            m = term_matcher(searcher, field, term)
            if m is None:
                continue
            found, places = positions(m, candidates)
            known = marks if unmarked else None
            if known is not None:
                _read_marks(searcher, known, places)
            for d, ps in places.items():
                if known is not None:
                    ps = [p for p in ps if p not in known[d]]
                if ps:
                    here.setdefault(d, set()).update(p - slot.offset for p in ps)
                    scored[d] = scored.get(d, 0.0) + found[d]
        if starts is not None:
            here = {d: at & starts[d] for d, at in here.items() if d in starts}
            here = {d: at for d, at in here.items() if at}
        starts = candidates = here
        if not starts:
            return {}
    return {d: scored[d] for d in starts or {}}


def alone(searcher, slot: Slot, only: dict | None, boost: float) -> dict[int, float]:
    """A one-place sequence without marks to check: its terms' scores, no positions read
    (a two-character fragment such as 我们 is one bigram)."""
    found: dict[int, float] = {}
    for field, term, _ in slot.options:
        m = term_matcher(searcher, field, term)
        for d, score in (any_scores(m, only) if m is not None else {}).items():
            found[d] = found.get(d, 0.0) + score
    return {d: score * boost for d, score in found.items()}


def _read_marks(searcher, marks: dict[int, set], places: dict) -> None:
    """The MARK positions of the passages in `places` not read yet."""
    missing = {d: None for d in places if d not in marks}
    if not missing:
        return
    m = term_matcher(searcher, "exact", MARK)
    found = positions(m, missing)[1] if m is not None else {}
    for d in missing:
        marks[d] = set(found.get(d, ()))

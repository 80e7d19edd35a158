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
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Sequence as Sequence_
from itertools import chain, compress, repeat
from operator import add
from typing import Any, NamedTuple

from whoosh import matching
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher

from app.search.analysis import MARK, STARTS, fold_chars, indexed_field
from app.search.budget import check_clock
from app.search.matchers import (
    Only,
    leaf_scores,
    meet,
    scorable,
    scores,
    stepped_scores,
    without,
)
from app.search.postings import passages, places


def zeros() -> repeat[float]:
    return repeat(0.0)


TIER = 100.0  # above any BM25 sum of a query's words (the seeds' largest is about 30)
GRAMS = "grams"
# Places of a run of bigrams read from the index: a pasted run of 500 characters was 1,000
# posting lists to open (2 s at 10k passages). A longer run reads MAX_PLACES of its places,
# evenly apart, and the passages they leave are checked for the whole run in their text;
# their score sums the places read.
MAX_PLACES = 16


class Slot(NamedTuple):
    """One place of a sequence: its offset from the start, and (field, term, unmarked)
    options; `unmarked` counts the term only where `exact` does not hold MARK + term (a word
    whose stem is the term stands there)."""

    offset: int
    options: tuple[tuple[str, str, bool], ...]


class Computed(matching.Matcher):
    """The matches of one segment, computed by `compute(only)` -> {sub docnum: score}.

    `all_scores` is what app.search.matchers.scores reads; stepping (for whoosh's own
    collectors) computes everything once and walks it."""

    def __init__(
        self,
        compute: Callable[[Only], dict[int, float]],
        cache: dict[str, dict[int, float]] | None = None,
    ) -> None:
        self._compute = compute
        self._cache = cache if cache is not None else {}
        self._ids: list[int] | None = None
        self._i = 0

    def all_scores(self, only: Only = None) -> dict[int, float]:
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

    def is_active(self) -> bool:
        return self._i < len(self._ready())

    def id(self) -> int:
        return self._ready()[self._i]

    def next(self) -> None:
        self._i += 1

    def skip_to(self, id: int) -> None:
        self._i = max(self._i, bisect_left(self._ready(), id))

    def score(self) -> float:
        return self._cache["all"][self.id()]

    def weight(self) -> float:
        return 1.0

    def reset(self) -> None:
        self._i = 0

    def copy(self) -> Computed:
        return Computed(self._compute, self._cache)

    def supports(self, astype: str) -> bool:
        return False

    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality: float = 0) -> matching.Matcher:
        return self if self.is_active() else matching.NullMatcher()

    def all_ids(self) -> Iterator[int]:
        return iter(list(self._ready()[self._i :]))


class _Leaf(Q.Query):
    """Plumbing whoosh's compound queries expect of a leaf query."""

    def is_leaf(self) -> bool:
        return True

    def normalize(self) -> _Leaf:
        return self

    def simplify(self, ixreader: Any) -> _Leaf:
        return self

    def requires(self) -> set[_Leaf]:
        return {self}

    def estimate_min_size(self, ixreader: Any) -> int:
        return 0

    def __hash__(self) -> int:
        return hash((type(self), self._key()))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._key() == self._key()

    def _key(self) -> tuple[object, ...]:
        raise NotImplementedError


class Sequence(_Leaf):
    def __init__(self, slots: Iterable[Slot], boost: float = 1.0) -> None:
        self.slots = tuple(slots)
        self.boost = boost

    def _key(self) -> tuple[object, ...]:
        return self.slots, self.boost

    def __repr__(self) -> str:
        return f"Sequence({self.slots!r})"

    def estimate_size(self, ixreader: Any) -> int:
        size: int = min(
            sum(ixreader.doc_frequency(indexed_field(f), t) for f, t, _ in slot.options)
            for slot in self.slots
        )
        return size

    def matcher(self, searcher: Any, context: Any = None) -> Computed:
        return Computed(lambda only: sequence_scores(searcher, self.slots, only, self.boost))


class Tiered(_Leaf):
    def __init__(self, words: Q.Query, grams: Q.Query) -> None:
        self.words, self.grams = words, grams

    def _key(self) -> tuple[object, ...]:
        return self.words, self.grams

    def __repr__(self) -> str:
        return f"Tiered({self.words!r}, {self.grams!r})"

    def estimate_size(self, ixreader: Any) -> int:
        size: int = self.words.estimate_size(ixreader) + self.grams.estimate_size(ixreader)
        return size

    def matcher(self, searcher: Any, context: Any = None) -> Computed:
        def compute(only: Only) -> dict[int, float]:
            words = any_scores(self.words.matcher(searcher, context), only)
            found = any_scores(self.grams.matcher(searcher, context), only)
            # TIER + word score + bigram score (0.0 where none), summed in C
            tiered = map(add, map(TIER.__add__, words.values()), map(found.get, words, zeros()))
            found.update(zip(words, tiered))
            return found

        return Computed(compute)


class Joined(_Leaf):
    """AND of parts, computed at once: the rarest part first, each next one only where the
    parts before it matched. whoosh's IntersectionMatcher asks each part for its first
    match as it is built, which made every Sequence and Tiered part of an AND compute its
    matches in the whole segment (a quoted paste of 500 Chinese characters is dozens)."""

    def __init__(self, parts: Iterable[Q.Query]) -> None:
        self.parts = tuple(parts)

    def _key(self) -> Any:
        return self.parts

    def __repr__(self) -> str:
        return f"Joined({self.parts!r})"

    def estimate_size(self, ixreader: Any) -> int:
        return min(int(p.estimate_size(ixreader)) for p in self.parts)

    def matcher(self, searcher: Any, context: Any = None) -> Computed:
        def compute(only: Only) -> dict[int, float]:
            reader = searcher.reader()
            parts = sorted(self.parts, key=lambda p: p.estimate_size(reader))
            found = any_scores(parts[0].matcher(searcher, context), only)
            for part in parts[1:]:
                if not found:
                    break
                found = meet(found, any_scores(part.matcher(searcher, context), found))
            return found

        return Computed(compute)


class Without(_Leaf):
    """`positive` minus the passages `negative` matches, computed at once: the negative side
    is read only where the positive one matched. whoosh's AndNotMatcher steps both sides
    posting by posting as it is built, to stand on a first match that is not excluded
    (`KI -die -der …` walked most of a segment before any scoring)."""

    def __init__(self, positive: Q.Query, negative: Q.Query) -> None:
        self.positive, self.negative = positive, negative

    def _key(self) -> Any:
        return self.positive, self.negative

    def __repr__(self) -> str:
        return f"Without({self.positive!r}, {self.negative!r})"

    def estimate_size(self, ixreader: Any) -> int:
        return int(self.positive.estimate_size(ixreader))

    def matcher(self, searcher: Any, context: Any = None) -> Computed:
        def compute(only: Only) -> dict[int, float]:
            found = any_scores(self.positive.matcher(searcher, context), only)
            if not found:
                return found
            parts: list[Q.Query] = []
            for q in excluded_parts(self.negative):
                if q not in parts:  # `-die -die`, or 我们's two tiers of one character
                    parts.append(q)
            return without(found, [q.matcher(searcher, context) for q in parts])

        return Computed(compute)


def excluded_parts(q: Q.Query) -> list[Q.Query]:
    """The queries whose matches, together, are those of an exclusion: an OR's parts, a
    CJK word's two tiers, a one-place run's terms. Words read as words cost only their
    ids (app.search.matchers.without); `我们 -的 -是 …` scored each character's postings."""
    if isinstance(q, Q.Or):
        return [part for sub in q.subqueries for part in excluded_parts(sub)]
    if isinstance(q, Tiered):
        return excluded_parts(q.words) + excluded_parts(q.grams)
    if isinstance(q, Sequence) and len(q.slots) == 1:
        options = q.slots[0].options
        if not any(unmarked for _, _, unmarked in options):  # as `alone` reads it
            return [Q.Term(indexed_field(f), t) for f, t, _ in options]
    return [q]


def any_scores(m: matching.Matcher, only: Only) -> dict[int, float]:
    return scores(m, only) if scorable(m) else stepped_scores(m, only)


def postings(
    m: matching.Matcher, only: Only, starts: bool = False
) -> tuple[dict[int, float], dict[int, Any], Callable[[Any], Iterable[int]]]:
    """Score and encoded positions per sub docnum of one term's matcher, and the decoder
    (positions are decoded only for the passages that stay candidates). With `starts`, a
    word's places are its first characters' offsets (the STARTS option)."""
    if type(m) is W3LeafMatcher and hasattr(m.scorer, "lengths"):
        values: dict[int, bytes] = {}
        decode = m.format.decode_starts if starts else m.format.decode_positions
        return leaf_scores(m, only, values), values, decode
    found: dict[int, float] = {}
    places: dict[int, list[int]] = {}
    while m.is_active():  # an inlined posting list: positions come decoded
        d = m.id()
        if only is None or d in only:
            found[d] = m.score()
            if starts:
                places[d] = [start for _, start, _ in m.value_as("characters")]
            else:
                places[d] = list(m.value_as("positions"))
        m.next()
    return found, places, list


# One option of a slot in one passage: (decoder, encoded positions, the mark term whose
# positions do not count or None, score)
Entry = tuple[Callable[[Any], Iterable[int]], Any, str | None, float]


Pairs = set[int]  # (sub docnum, where a phrase would start): see app.search.postings.SPAN


class Option(NamedTuple):
    """One option of a slot as read from a segment: its scores and encoded positions per
    sub docnum, their decoder, and the mark term whose positions do not count (or None)."""

    scores: dict[int, float]
    values: dict[int, Any]
    decode: Callable[[Any], Iterable[int]]
    mark: str | None


class Terms:
    """Each term's matcher of a segment, made once and reset for each reading (making one
    costs a scorer: a quarter of a millisecond)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher, self.reader = searcher, searcher.reader()
        self.made: dict[tuple[str, str], matching.Matcher] = {}

    def matcher(self, field: str, term: str) -> matching.Matcher | None:
        key = (indexed_field(field), term)
        m = self.made.get(key)
        if m is None:
            if key not in self.reader:
                return None
            m = self.made[key] = Q.Term(*key).matcher(self.searcher)
        else:
            m.reset()
        return m

    def frequency(self, slot: Slot) -> int:
        return sum(self.reader.doc_frequency(indexed_field(f), t) for f, t, _ in slot.options)


def sequence_scores(
    searcher: Any, slots: tuple[Slot, ...], only: Only, boost: float = 1.0
) -> dict[int, float]:
    """Sub docnum -> score of the passages where every slot is filled at start + offset.

    Slots are read rarest first, each only for the passages still in the running, and
    positions are decoded only for passages that hold the first two: as (docnum, start)
    pairs, whose sets are intersected in C. Marks are read last, for the passages that
    match without them, which are then matched again from the postings already read."""
    if len(slots) == 1 and not any(unmarked for _, _, unmarked in slots[0].options):
        return alone(searcher, slots[0], only, boost)
    terms = Terms(searcher)
    run = gram_run(slots) if len(slots) > MAX_PLACES else ""
    order = sorted(spread(slots, MAX_PLACES) if run else slots, key=terms.frequency)
    read: list[list[Option]] = []
    pairs: Pairs | None = None
    candidates: Only = only
    for slot in order:
        options = read_slot(terms, slot, candidates)
        read.append(options)
        here = holders(options)
        if len(read) == 1:
            candidates = here
            continue
        check_clock()
        if pairs is None:
            pairs = placed(order[0], read[0], here)
        pairs = placed(slot, options, here, pairs)
        kept = set(passages(pairs))
        candidates = dict.fromkeys(compress(here, map(kept.__contains__, here)))
        if not candidates:
            return {}
    docs = dict.fromkeys(candidates or ())
    if run:  # the places not read from the index are checked in the passages' text
        docs = dict.fromkeys(d for d in docs if holds(terms, d, run))
    marks = read_marks(terms, docs, [t for s in slots for _, t, unmarked in s.options if unmarked])
    found = summed(read, list(docs), boost)
    for d in marks:  # rare: passages where a word whose stem is the form stands
        entries = [[entry(o, d) for o in options if d in o.values] for options in read]
        score = matched(order, entries, marks[d])
        if score is None:
            del found[d]
        else:
            found[d] = score * boost
    return found


def entry(option: Option, d: int) -> Entry:
    return option.decode, option.values[d], option.mark, option.scores[d]


def holders(options: list[Option]) -> dict[int, None]:
    """The passages where any option of a slot stands, in the order they were read."""
    return dict.fromkeys(chain.from_iterable(o.values for o in options))


def summed(read: list[list[Option]], docs: list[int], boost: float) -> dict[int, float]:
    """Sub docnum -> score of these passages: every option that stands there, summed slot
    by slot (0.0 added where one does not: the same float), in C."""
    total: Iterable[float] = repeat(0.0, len(docs))
    for options in read:
        for o in options:
            total = map(add, total, map(o.scores.get, docs, zeros()))
    return dict(zip(docs, map(boost.__rmul__, total)))


def placed(
    slot: Slot, options: list[Option], docs: dict[int, None], within: Pairs | None = None
) -> Pairs:
    """(sub docnum, where the phrase would start) for the passages in `docs`, by this slot
    (marks not heeded); with `within`, only the pairs it holds (a common word's many
    places never make a set of their own). Positions are decoded for all the passages at
    once (`bulk`): a call per passage cost most of a phrase of common words."""
    out: Pairs = set()
    for o in options:
        ids = list(compress(docs, map(o.values.__contains__, docs)))
        values = list(map(o.values.__getitem__, ids))
        found = places(ids, values, o.decode, slot.offset)
        out.update(found if within is None else filter(within.__contains__, found))
    return out


def holds(terms: Terms, docnum: int, run: str) -> bool:
    """Whether a passage's text holds the folded run (a stored field read: ~50 us)."""
    check_clock()
    return run in fold_chars(stored_text(terms, docnum))


def gram_run(slots: Sequence_[Slot]) -> str:
    """The folded text of a sequence of bigrams at consecutive offsets ("" for any other
    sequence)."""
    texts = []
    for k, (offset, options) in enumerate(slots):
        if offset != k or any(f not in (GRAMS, STARTS) for f, _, _ in options):
            return ""
        texts.append(options[0][1])
    return texts[0] + "".join(t[-1] for t in texts[1:])


def spread(slots: Sequence_[Slot], n: int) -> list[Slot]:
    """n of the slots, the first and the last among them, evenly apart."""
    last = len(slots) - 1
    return [slots[k] for k in sorted({round(i * last / (n - 1)) for i in range(n)})]


def stored_text(terms: Terms, docnum: int) -> str:
    text: str = terms.reader.stored_fields(docnum).get("text", "")
    return text


def read_slot(terms: Terms, slot: Slot, only: Only) -> list[Option]:
    """Each option of a slot that the segment holds, read for the passages in `only`."""
    out: list[Option] = []
    for field, term, unmarked in slot.options:
        m = terms.matcher(field, term)
        if m is None:
            continue
        found, values, decode = postings(m, only, field == STARTS)
        out.append(Option(found, values, decode, MARK + term if unmarked else None))
    return out


def starts_of(
    slot: Slot, entries: list[Entry], marks: dict[str | None, set[int]] | None = None
) -> set[int]:
    """Where the phrase would start if this slot is filled as `entries` say; with `marks`
    (mark term -> positions), unmarked options count only where their mark does not stand."""
    marks = marks or {}
    return {
        p - slot.offset
        for decode, value, mark, _ in entries
        for p in decode(value)
        if p not in marks.get(mark, ())
    }


def matched(
    slots: list[Slot], entries: list[list[Entry]], marks: dict[str | None, set[int]]
) -> float | None:
    """The score of one passage (the options that fill a place, summed), or None when its
    places do not line up once the marks are heeded."""
    starts: set[int] | None = None
    score = 0.0
    for slot, options in zip(slots, entries):
        here: set[int] = set()
        for option in options:
            at = starts_of(slot, [option], marks)
            if at:
                here |= at
                score += option[3]
        starts = here if starts is None else starts & here
        if not starts:
            return None
    return score


def alone(searcher: Any, slot: Slot, only: Only, boost: float) -> dict[int, float]:
    """A one-place sequence without marks to check: its terms' scores, no positions read
    (a two-character fragment such as 我们 is one bigram)."""
    terms = Terms(searcher)
    found: dict[int, float] = {}
    for field, term, _ in slot.options:
        m = terms.matcher(field, term)
        scored = any_scores(m, only) if m is not None else {}
        if not found:
            found = scored
            continue
        for d, score in scored.items():
            found[d] = found.get(d, 0.0) + score
    return found if boost == 1.0 else {d: score * boost for d, score in found.items()}


def read_marks(
    terms: Terms, docs: dict[int, None], forms: list[str]
) -> dict[int, dict[str | None, set[int]]]:
    """Sub docnum -> {mark term: positions} of these passages for the marks of `forms`
    (where a word stands whose stem is the form; a rare term, read only for `docs`)."""
    out: dict[int, dict[str | None, set[int]]] = {}
    for form in dict.fromkeys(forms):
        m = terms.matcher("exact", MARK + form)
        if m is None or not docs:
            continue
        _, values, decode = postings(m, docs)
        for d, value in values.items():
            out.setdefault(d, {})[MARK + form] = set(decode(value))
    return out

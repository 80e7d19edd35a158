"""How the index stores postings: our posting format and field lengths read once.

- `Offsets` keeps a word's positions and character offsets in a passage as a typed array
  (whoosh pickles a list of tuples per posting), `Places` its positions alone (both
  `Packed`);
- field lengths are read once per segment and field (`field_lengths`), for the writer's
  block statistics and for scoring;
- a word's posting blocks are found by a map of their last ids, read once per segment and
  word (`skip_blocks`), where whoosh reads every block header on the way.

The index pickles `Offsets` and `Places` by their class paths: it is exported from app.search.stored, whose
path never changes. The changes to whoosh's own codec (pickle protocol, field lengths,
skipping) are in app.search.whoosh_patches.
"""

from __future__ import annotations

import pickle
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain, compress, repeat
from operator import add, itemgetter, sub
from typing import Any

from whoosh import columns, formats
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

from app.search.budget import CHECK_CANDIDATES, check_clock

MAX_BLOCK_MAPS = 4096  # words whose block maps a segment keeps (see `block_map`)


class Packed:
    """What Offsets and Places share: a word's occurrences in a passage as deltas in one
    typed array of the smallest unsigned type that holds them, behind a one-byte type code
    (whoosh pickles a list per posting, and a phrase unpickles it for every candidate):
    smaller postings and a decode in C. Arrays use the machine's byte order, so an index
    is read where it was built (it is generated, never shipped). `WIDTH` numbers per
    occurrence; `WANTS` the token attributes the analyzer must set."""

    WIDTH = 1
    WANTS: dict[str, bool] = {}
    field_boost: float

    def occurrence(self, token: Any) -> Any:
        raise NotImplementedError

    def encode(self, occurrences: list[Any]) -> bytes:
        raise NotImplementedError

    def decode_positions(self, value: bytes) -> list[int]:
        raise NotImplementedError

    def word_values(
        self, value: str, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        """(word, frequency, weight, encoded occurrences) per word: whoosh's version without
        its token filtering and weight sums (our analyzers stop nothing, boost 1)."""
        kwargs.update(self.WANTS)
        seen: dict[str, list[Any]] = {}
        for t in analyzer(value, **kwargs):
            seen.setdefault(t.text, []).append(self.occurrence(t))
        for word, occurrences in seen.items():
            weight = len(occurrences) * self.field_boost
            yield word, len(occurrences), weight, self.encode(occurrences)

    @staticmethod
    def pack(deltas: list[int]) -> bytes:
        top = max(deltas)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        return code.encode() + array(code, deltas).tobytes()

    @staticmethod
    def unpack(value: bytes) -> array[int]:
        deltas = array(chr(value[0]))
        deltas.frombytes(value[1:])
        return deltas

    def decode_frequency(self, value: bytes) -> int:
        return (len(value) - 1) // array(chr(value[0])).itemsize // self.WIDTH

    def decode_weight(self, value: bytes) -> float:
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value: bytes) -> list[tuple[int, int]]:
        return [(pos, 1) for pos in self.decode_positions(value)]


class Offsets(Packed, formats.Characters):
    """Positions and character offsets of a word in a passage: per occurrence the deltas
    (position, start after the previous end, length)."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored
    WIDTH = 3
    WANTS = {"positions": True, "chars": True, "boosts": True}

    def occurrence(self, token: Any) -> tuple[int, int, int]:
        return token.pos, token.startchar, token.endchar

    def encode(self, occurrences: list[tuple[int, int, int]]) -> bytes:
        if len(occurrences) == 1:  # most words occur once in a passage
            ((pos, start, end),) = occurrences
            if pos < 256 and start < 256 and end - start < 256:
                return bytes((66, pos, start, end - start))  # 66: "B"
            return self.pack([pos, start, end - start])
        deltas: list[int] = []
        pos_base = char_base = 0
        for pos, start, end in occurrences:
            deltas += (pos - pos_base, start - char_base, end - start)
            pos_base, char_base = pos, end
        return self.pack(deltas)

    def decode_characters(self, value: bytes) -> list[tuple[int, int, int]]:
        deltas, pos, end = self.unpack(value), 0, 0
        out: list[tuple[int, int, int]] = []
        for i in range(0, len(deltas), 3):
            pos += deltas[i]
            start = end + deltas[i + 1]
            end = start + deltas[i + 2]
            out.append((pos, start, end))
        return out

    def decode_starts(self, value: bytes) -> list[int]:
        """The first character of each occurrence (where STARTS places a word)."""
        return [start for _, start, _ in self.decode_characters(value)]

    def decode_positions(self, value: bytes) -> list[int]:
        if len(value) == 4 and value[0] == 66:  # one occurrence, small numbers
            return [value[1]]
        return list(accumulate(self.unpack(value)[0::3]))


class Places(Packed, formats.Positions):
    """Positions alone, as deltas. For `exact` and `grams`: their marks come from positions
    (a word's chars from `text` at the same position, a bigram's from its offset), so
    storing characters again would only grow the index."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored
    WANTS = {"positions": True, "boosts": True}

    def occurrence(self, token: Any) -> int:
        pos: int = token.pos
        return pos

    def encode(self, occurrences: list[int]) -> bytes:
        if len(occurrences) == 1 and occurrences[0] < 256:  # most bigrams: once, early
            return bytes((66, occurrences[0]))  # 66: "B"
        return self.pack([b - a for a, b in zip([0, *occurrences], occurrences)])

    def decode_positions(self, value: bytes) -> list[int]:
        return list(accumulate(self.unpack(value)))


def field_lengths(reader: Any, fieldname: str) -> list[int] | None:
    """A field's length per docnum, from a segment reader or its per-document reader."""
    cache = reader.__dict__.setdefault("_archive_lengths", {})
    if fieldname not in cache:
        # a segment's per-document reader keeps lengths as one byte per doc (a MultiReader
        # has none: it keeps whoosh's own lookups)
        perdoc = reader if isinstance(reader, W3PerDocReader) else getattr(reader, "_perdoc", None)
        column = perdoc and W3PerDocReader._cached_reader(
            perdoc, _lenfield(fieldname), LENGTHS_COLUMN
        )
        decode = [byte_to_length(b) for b in range(256)]
        cache[fieldname] = (
            None if column is None else list(map(decode.__getitem__, bytes_of(column)))
        )
    lengths: list[int] | None = cache[fieldname]
    return lengths


def bytes_of(column: Any) -> Iterable[int]:
    """The length bytes of a column reader, read in one go where whoosh reads a byte per
    passage (5 us each: the first phrase on a segment of 50,000 passages spent 150-260 ms
    reading the `exact` field's lengths, and stopped at the hard time limit, empty)."""
    if type(column) is not columns.NumericColumn.Reader or column._typecode != "B":
        whole: Iterable[int] = column  # whoosh's own iteration
        return whole
    raw: bytes = column._dbfile.get(column._basepos, column._count)
    return chain(raw, repeat(column._default, column._doccount - column._count))


def block_map(m: W3LeafMatcher) -> tuple[list[int], list[int]]:
    """(last id, file offset) of each posting block of a leaf matcher's word, read once per
    segment and word. whoosh finds a block by reading the header of every block before it
    (17 us each): each window of a segment (app.search.matchers.TopAndAll) and each
    excluded word walked the same headers again, 90 of 270 ms of `KI -die -der …`. The
    whole list is read in one go and its headers unpickled from memory."""
    maps = m._postfile.__dict__.setdefault("_archive_blocks", {})
    found: tuple[list[int], list[int]] | None = maps.get(m._startoffset)
    if found is None:
        if len(maps) >= MAX_BLOCK_MAPS:  # a long-lived reader meets many words
            maps.clear()
        base = m._baseoffset
        # whoosh reads a term's byte length as unpack_int's tuple (codec.whoosh3, line 1274)
        size = m._length[0] if isinstance(m._length, tuple) else m._length
        data = memoryview(m._postfile.get(base, m._startoffset + size - base))
        lasts, offsets, at = [], [], 0
        while at < len(data):
            length = unpack_int(data[at : at + _INT_SIZE])[0]
            info = pickle.loads(data[at + _INT_SIZE : at + _INT_SIZE + abs(length)])
            lasts.append(info[1])
            offsets.append(base + at)
            if length < 0:  # the last block
                break
            at += _INT_SIZE + length
        found = maps[m._startoffset] = (lasts, offsets)
    return found


def skip_blocks(m: W3LeafMatcher, target: int) -> None:
    """Move a leaf matcher to the first block whose ids reach `target` (past its end if
    none does), without reading the headers between."""
    if not m.is_active() or target <= m._maxid:
        return
    lasts, offsets = block_map(m)
    k = bisect_left(lasts, target)
    if k == len(lasts):
        m._goto(offsets[-1])
        m._next_block()  # past the last block: the matcher is done
    else:
        m._goto(offsets[k])


# A phrase's (passage, start) pair as one int, which sets hash faster than a tuple:
# docnum * SPAN + MIDDLE + start (a start may be below 0: a word's place minus its offset)
SHIFT = 32
SPAN, MIDDLE = 1 << SHIFT, 1 << (SHIFT - 1)


def passages(pairs: Iterable[int]) -> Iterator[int]:
    """The docnums of (passage, start) pairs (see SPAN)."""
    return map(SHIFT.__rrshift__, pairs)


def places(
    ids: list[int], values: list[Any], decode: Callable[[Any], Iterable[int]], offset: int
) -> Iterator[int]:
    """(docnum, place - offset) pairs (see SPAN) per occurrence in the values of a word's
    postings, for phrases: decoded all at once for our formats (`bulk`); a call per
    passage cost most of a phrase of common words."""
    shape = layout(decode)
    if shape is None:
        return decoded(ids, values, decode, offset)
    return bulk(ids, values, *shape, offset)


def layout(decode: Callable[[Any], Iterable[int]]) -> tuple[int, bool] | None:
    """(numbers per occurrence, whether a place is a start character) of our posting
    formats' values, or None for positions that come decoded."""
    f = getattr(decode, "__func__", None)
    if f is Places.decode_positions:
        return 1, False
    if f is Offsets.decode_positions:
        return 3, False
    if f is Offsets.decode_starts:
        return 3, True
    return None


def decoded(
    ids: list[int], values: list[Any], decode: Callable[[Any], Iterable[int]], offset: int
) -> Iterator[int]:
    """`places` of values decoded one at a time (inlined posting lists)."""
    for n, (d, value) in enumerate(zip(ids, values)):
        if n % CHECK_CANDIDATES == 0:
            check_clock()
        base = d * SPAN + MIDDLE - offset
        for p in decode(value):
            yield base + p


def bulk(
    ids: list[int], values: list[bytes], width: int, starts: bool, offset: int
) -> Iterator[int]:
    """`places` of encoded values (`Packed`: a type code, then deltas), in C: the values
    of one type code are joined into one array and summed up as one run, and each
    passage's sum before its first occurrence is taken off its places."""
    runs = []
    for code in set(map(itemgetter(0), values)):
        mine = list(map(code.__eq__, map(itemgetter(0), values)))
        these = list(compress(values, mine))
        deltas = array(chr(code))
        deltas.frombytes(b"".join(map(itemgetter(slice(1, None)), these)))
        step = deltas.itemsize * width
        counts = list(map(step.__rfloordiv__, map((-1).__add__, map(len, these))))
        if starts:  # start = end of the one before + gap; end = start + length
            lengths = deltas[2::width]
            sums = list(accumulate(map(add, deltas[1::width], lengths)))
            found: Iterable[int] = map(sub, sums, lengths)
        else:
            sums = list(accumulate(deltas[0::width]))
            found = sums
        before = [0, *sums]  # each passage's sum before its first occurrence
        firsts = map(before.__getitem__, accumulate([0, *counts[:-1]]))
        bases = map(
            sub, map((MIDDLE - offset).__add__, map(SPAN.__mul__, compress(ids, mine))), firsts
        )
        runs.append(map(add, found, chain.from_iterable(map(repeat, bases, counts))))
    return chain.from_iterable(runs)

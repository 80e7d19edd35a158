"""How the index stores postings: our posting format and field lengths read once.

- `Offsets` keeps a word's positions and character offsets in a passage as a typed array
  (whoosh pickles a list of tuples per posting);
- field lengths are read once per segment and field (`field_lengths`), for the writer's
  block statistics and for scoring.

The index pickles `Offsets` by its class path: it is exported from app.search.stored, whose
path never changes. The changes to whoosh's own codec (pickle protocol, field lengths,
skipping) are in app.search.whoosh_patches.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length


class Offsets(formats.Characters):
    """Positions and character offsets of a word in a passage, as one typed array.

    whoosh's Characters format pickles a list of 3-tuples per posting, and a phrase unpickles
    it for every candidate. Here the same deltas (position, start after the previous end,
    length) are an array of the smallest unsigned type that holds them, behind a one-byte
    type code: smaller postings and a decode in C. Arrays use the machine's byte order, so an
    index is read where it was built (it is generated, never shipped)."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored

    def word_values(
        self, value: str, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        """(word, frequency, weight, encoded offsets) per word: whoosh's Characters version,
        without its token filtering and weight sums (our analyzer stops nothing, boosts 1)."""
        kwargs.update(positions=True, chars=True, boosts=True)
        seen: dict[str, list[tuple[int, int, int]]] = {}
        for t in analyzer(value, **kwargs):
            seen.setdefault(t.text, []).append((t.pos, t.startchar, t.endchar))
        for word, poslist in seen.items():
            yield word, len(poslist), len(poslist) * self.field_boost, self.encode(poslist)

    def encode(self, poslist: list[tuple[int, int, int]]) -> bytes:
        if len(poslist) == 1:  # most words occur once in a passage
            ((pos, start, end),) = poslist
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
    def _deltas(value: bytes) -> array[int]:
        deltas = array(chr(value[0]))
        deltas.frombytes(value[1:])
        return deltas

    def decode_characters(self, value: bytes) -> list[tuple[int, int, int]]:
        deltas, pos, end = self._deltas(value), 0, 0
        out: list[tuple[int, int, int]] = []
        for i in range(0, len(deltas), 3):
            pos += deltas[i]
            start = end + deltas[i + 1]
            end = start + deltas[i + 2]
            out.append((pos, start, end))
        return out

    def decode_positions(self, value: bytes) -> list[int]:
        if len(value) == 4 and value[0] == 66:  # one occurrence, small numbers
            return [value[1]]
        return list(accumulate(self._deltas(value)[0::3]))

    def decode_frequency(self, value: bytes) -> int:
        return len(self._deltas(value)) // 3

    def decode_weight(self, value: bytes) -> float:
        weight: float = self.decode_frequency(value) * self.field_boost
        return weight

    def decode_position_boosts(self, value: bytes) -> list[tuple[int, int]]:
        return [(pos, 1) for pos in self.decode_positions(value)]


class Places(formats.Positions):
    """Positions alone, as one typed array of deltas behind a one-byte type code (whoosh's
    Positions pickles a list). For `exact` and `grams`: their marks come from positions (a
    word's chars from `text` at the same position, a bigram's from its offset), so storing
    characters again would only grow the index."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored

    def word_values(
        self, value: str, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        kwargs.update(positions=True, boosts=True)
        seen: dict[str, list[int]] = {}
        for t in analyzer(value, **kwargs):
            seen.setdefault(t.text, []).append(t.pos)
        for word, poslist in seen.items():
            yield word, len(poslist), len(poslist) * self.field_boost, self.encode(poslist)

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1 and poslist[0] < 256:  # most bigrams: once, early
            return bytes((66, poslist[0]))  # 66: "B"
        deltas = [b - a for a, b in zip([0, *poslist], poslist)]
        top = max(deltas)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        return code.encode() + array(code, deltas).tobytes()

    def decode_positions(self, value: bytes) -> list[int]:
        deltas = array(chr(value[0]))
        deltas.frombytes(value[1:])
        return list(accumulate(deltas))

    def decode_frequency(self, value: bytes) -> int:
        return (len(value) - 1) // array(chr(value[0])).itemsize

    def decode_weight(self, value: bytes) -> float:
        weight: float = self.decode_frequency(value) * self.field_boost
        return weight

    def decode_position_boosts(self, value: bytes) -> list[tuple[int, int]]:
        return [(pos, 1) for pos in self.decode_positions(value)]


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
        cache[fieldname] = None if column is None else [decode[b] for b in column]
    lengths: list[int] | None = cache[fieldname]
    return lengths

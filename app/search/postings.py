"""How the index stores and reads postings: whoosh's codec, made compact and fast.

whoosh 2.7 is pure Python and pinned, so these patches target one known version. Each was
measured on the benchmark's 100k-passage index (`python -m bench`):

- posting blocks and stored fields are pickled with protocol 4 instead of 2 (blocks read
  5x faster and take half the space);
- `Offsets` keeps a word's positions and character offsets in a passage as a typed array
  (whoosh pickles a list of tuples per posting);
- block ids are summed in C, and skip_to() bisects within a block (whoosh steps posting by
  posting);
- field lengths are read once per segment and field (`field_lengths`), for the writer's
  block statistics and for scoring.
"""

from __future__ import annotations

import pickle
from array import array
from bisect import bisect_left
from itertools import accumulate

from whoosh import columns, formats
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.matching.mcore import ReadTooFar
from whoosh.util.numeric import byte_to_length


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


class Places(formats.Positions):
    """Positions alone, as one typed array of deltas behind a one-byte type code (whoosh's
    Positions pickles a list). For `exact` and `grams`: their marks come from positions (a
    word's chars from `text` at the same position, a bigram's from its offset), so storing
    characters again would only grow the index."""

    def word_values(self, value, analyzer, **kwargs):
        kwargs.update(positions=True, boosts=True)
        seen: dict[str, list] = {}
        for t in analyzer(value, **kwargs):
            seen.setdefault(t.text, []).append(t.pos)
        for word, poslist in seen.items():
            yield word, len(poslist), len(poslist) * self.field_boost, self.encode(poslist)

    def encode(self, poslist):
        deltas = [b - a for a, b in zip([0, *poslist], poslist)]
        top = max(deltas)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        return code.encode() + array(code, deltas).tobytes()

    def decode_positions(self, value):
        deltas = array(chr(value[0]))
        deltas.frombytes(value[1:])
        return list(accumulate(deltas))

    def decode_frequency(self, value):
        return (len(value) - 1) // array(chr(value[0])).itemsize

    def decode_weight(self, value):
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value):
        return [(pos, 1) for pos in self.decode_positions(value)]


def field_lengths(reader, fieldname: str) -> list[int] | None:
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
    return cache[fieldname]


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

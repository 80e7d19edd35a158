"""Every change this project makes to whoosh's own classes and modules, in one place.

whoosh 2.7 is pure Python and pinned (whoosh-reloaded 2.7.5), so these patches target one
known version, and `apply()` refuses any other: a whoosh that changed the replaced methods
or the private names below could return wrong hits without any error. Nothing is patched
at import time; `apply()` is called where the engine starts (build_index, SearchIndex, the
benchmark's children) and is idempotent. Each patch was measured on the benchmark's
100k-passage index (`python -m bench`):

- posting blocks and stored fields are pickled with protocol 4 instead of 2 (blocks read
  5x faster and take half the space): `whoosh.codec.whoosh3.dumps`, `whoosh.columns.dumps`;
- `W3PerDocReader.doc_field_length` reads a field's lengths once per segment (the writer
  asks for every posting it writes);
- `W3LeafMatcher._read_ids` sums a block's id deltas in C, `W3LeafMatcher.skip_to` finds
  the block by a map of the blocks' last ids (app.search.postings.skip_blocks; whoosh
  reads every header on the way) and bisects within it (whoosh steps posting by posting);
- `AndNotMatcher._find_first` no longer keeps a first match that holds the excluded word.

Our own classes that read whoosh's private state also rest on this version and run only
after `apply()` (SearchIndex calls it): app.search.postings (`W3PerDocReader._cached_reader`,
`_lenfield`, `LENGTHS_COLUMN`, a reader's `_perdoc`; a leaf matcher's `_postfile`,
`_startoffset`, `_length`, `_baseoffset`, `_maxid`, `_goto`, `_next_block` and the block
layout: an int length, negative for the last block, then the pickled header; a numeric
column reader's `_dbfile`, `_basepos`, `_count`, `_doccount`, `_default`, `_typecode`) and app.search.matchers (a leaf
matcher's `_maxid`, `_ids`, `_weights`, `_values`, `_i`, `_read_ids`, `_read_weights`,
`_read_values`, `_next_block`, `_skip_to_block`, a scorer's `idf`/`avgfl`/`B`/`K1`/`dfl`,
and TopCollector's heap of (score, -docnum) in `items`). tests/test_whoosh_reference.py
compares the result with stock whoosh in a process where nothing is patched.
"""

from __future__ import annotations

import pickle
import threading
from bisect import bisect_left
from itertools import accumulate
from typing import Any

import whoosh
from whoosh import columns, matching
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.matching.mcore import ReadTooFar

from app.search.postings import field_lengths, skip_blocks

WRITTEN_FOR = (2, 7, 5)  # whoosh.__version__ these patches were written and measured for
_lock = threading.Lock()
_originals: dict[tuple[object, str], object] = {}  # (owner, name) -> what whoosh had


class UnsupportedWhoosh(RuntimeError):
    """The installed whoosh is not the version the patches were written for."""


def _dumps(obj: object, protocol: int | None = None) -> bytes:
    """Pickle protocol 4 where whoosh asks for 2: protocol 2 writes every bytes object (each
    posting's positions) as a call to codecs.encode. A posting block of a common word took
    183 us to unpickle and 2.5 KB on disk; with protocol 4, 34 us and 1.3 KB."""
    return pickle.dumps(obj, 4)


def _doc_field_length(self: Any, docnum: int, fieldname: str, default: int = 0) -> int | None:
    """W3PerDocReader.doc_field_length from a list read once per field. The segment writer
    asks it for every posting it writes (block statistics): 14% of a build went to the
    per-call column reads and, for fields without lengths, a stat() of a missing file."""
    table = field_lengths(self, fieldname)
    if table is None:
        return default
    return table[docnum] or None  # whoosh returns None for a zero length byte


def _read_ids(self: Any) -> None:
    """W3LeafMatcher._read_ids, with the id deltas summed in C (whoosh uses a generator)."""
    if self._data is None:
        self._read_data()
    ids = self._data[0]
    self._ids = ids if self._byteids else tuple(accumulate(ids))


def _skip_to(self: Any, targetid: int) -> None:
    """W3LeafMatcher.skip_to with a bisect within the block (whoosh steps one by one)."""
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    if targetid > self._maxid:
        skip_blocks(self, targetid)  # by the word's block map, not header by header
        if not self.is_active():
            return
        if self._ids is None:
            self._read_ids()
    # the block's largest id is >= targetid, so the bisect stays inside the block
    self._i = bisect_left(self._ids, targetid, self._i)


def _find_first(self: Any) -> None:
    """AndNotMatcher._find_first, fixed: whoosh checked the first match of the positive side
    against the excluded side only when both stood on the same id, so when the excluded
    word's first passage came earlier, `aber -dass` kept a first passage that says "dass"."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


PATCHES = [  # (owner, attribute, replacement)
    (whoosh3, "dumps", _dumps),  # posting blocks and inlined postings
    (columns, "dumps", _dumps),  # stored fields
    (W3PerDocReader, "doc_field_length", _doc_field_length),
    (W3LeafMatcher, "_read_ids", _read_ids),
    (W3LeafMatcher, "skip_to", _skip_to),
    (matching.AndNotMatcher, "_find_first", _find_first),
]


def check_version(version: tuple[int, ...] | None = None) -> None:
    """Raise UnsupportedWhoosh unless whoosh is the version the patches were written for."""
    version = tuple(whoosh.__version__ if version is None else version)[:3]
    if version != WRITTEN_FOR:
        raise UnsupportedWhoosh(
            f"whoosh {'.'.join(map(str, version))} is installed, but app.search.whoosh_patches "
            f"was written for whoosh {'.'.join(map(str, WRITTEN_FOR))}: install that version "
            "(see pyproject.toml) or check every patch against the new one."
        )


def applied() -> bool:
    return all(getattr(owner, name) is new for owner, name, new in PATCHES)


def apply() -> None:
    """Patch whoosh (once per process); raises UnsupportedWhoosh on another version."""
    if applied():
        return
    check_version()
    with _lock:
        for owner, name, new in PATCHES:
            _originals.setdefault((owner, name), getattr(owner, name))
            setattr(owner, name, new)

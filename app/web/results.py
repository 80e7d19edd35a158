"""Search results kept for the next reader who asks the same thing.

A search's answer depends only on the archive (its content version), the live index
folder, and what was asked: the query (spaces aside), the filters, the page, its size,
the order and the grouping. Readers ask the same things often (the home page's links, a
query's second page read back to its first, a shared link), so answers are kept, at most
SIZE of them per archive, the least recently asked dropped first. A new content version or
a switched index makes every kept answer useless: the first request that sees one empties
the cache. Answers a budget cut short (`partial`) depend on the machine's load, not on the
archive, and are never kept.

Kept answers are shared between requests and threads: callers must not change them (the
API and pages only read them; SearchResult.to_dict copies).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import Engine

from app.web.views import SearchPage

SIZE = 512  # answers per archive and worker (a page of 20 hits with facets: ~30 KB each)


class ResultCache:
    """A bounded LRU of search answers for one state of the archive and its index."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.state: Hashable = None  # (content version, live index folder) of what is kept
        self.kept: OrderedDict[Hashable, SearchPage] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, state: Hashable, key: Hashable) -> SearchPage | None:
        with self.lock:
            if state != self.state:
                return None
            found = self.kept.get(key)
            if found is None:
                self.misses += 1
                return None
            self.kept.move_to_end(key)
            self.hits += 1
            return found

    def put(self, state: Hashable, key: Hashable, answer: SearchPage) -> None:
        if answer.result.partial:
            return
        with self.lock:
            if state != self.state:  # a new archive or index: nothing kept is valid
                self.kept.clear()
                self.state = state
            self.kept[key] = answer
            self.kept.move_to_end(key)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)

    def answer(
        self, state: Hashable, key: Hashable, search: Callable[[], SearchPage]
    ) -> SearchPage:
        """The kept answer, else `search()`'s (kept for next time)."""
        found = self.get(state, key)
        if found is None:
            found = search()
            self.put(state, key, found)
        return found


_caches: weakref.WeakKeyDictionary[Engine, ResultCache] = weakref.WeakKeyDictionary()
_making = threading.Lock()


def cache_for(engine: object) -> ResultCache | None:
    """The cache of the archive this engine reads (one per app's engine), or None for a
    session bound to something else (answers are then not kept)."""
    if not isinstance(engine, Engine):
        return None
    with _making:
        found = _caches.get(engine)
        if found is None:
            found = _caches[engine] = ResultCache()
        return found


def query_key(q: str) -> str:
    """The query as the search reads it: runs of spaces are one space, none at the ends."""
    return " ".join(q.split())

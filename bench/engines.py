"""What the search benchmark does per engine (`python -m bench --engine whoosh,tantivy`):
every passage a query matches (for the FTS5 comparison), and the cost of a page's hits
with their snippets."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from app.search.tantivy_index import TantivySearcher


def matcher(index: Any) -> Callable[[str], set[str]]:
    """q -> the ids of every passage it matches. Each passage's id is read once up front:
    reading the stored fields of every hit of every query would cost minutes at 1M
    passages, where one common word matches several hundred thousand."""
    searcher = index.searcher()
    if isinstance(searcher, TantivySearcher):
        return tantivy_matcher(searcher)
    from app.search.query import prepare
    from app.search.run import collect

    ids = [searcher.stored_fields(n)["id"] for n in range(searcher.doc_count_all())]

    def match(q: str) -> set[str]:
        parsed = prepare(q)
        if not (parsed.must or parsed.filters):
            return set()
        return {ids[n] for n in collect(index, searcher, parsed, 1, whole=True).docnums}

    return match


def tantivy_matcher(s: TantivySearcher) -> Callable[[str], set[str]]:
    from app.search.query import prepare
    from app.search.tantivy_engine import Expansions, full_query

    def match(q: str) -> set[str]:
        parsed = prepare(q)
        if not (parsed.must or parsed.filters):
            return set()
        return s.matching_ids(full_query(parsed, s, Expansions()))

    return match


def snippet_times(index: Any, qs: list[str]) -> list[float]:
    """ms to make the 10 hits of a first page (stored fields and marked snippets), the
    search itself not counted."""
    from app.search.query import prepare

    searcher, out = index.searcher(), []
    for q in qs:
        parsed = prepare(q)
        if isinstance(searcher, TantivySearcher):
            from app.search.tantivy_engine import Expansions, full_query, hits_of

            query = full_query(parsed, searcher, Expansions())
            picked = [(a, score) for score, a in searcher.tantivy.search(query, 10).hits]
            start = time.perf_counter()
            hits_of(searcher, picked, parsed.terms)
        else:
            from app.search.run import collect, page_hits

            results = collect(index, searcher, parsed, 10).results()
            start = time.perf_counter()
            page_hits(searcher, results, 0, 10, parsed.terms)
        out.append((time.perf_counter() - start) * 1000)
    return out

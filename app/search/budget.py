"""What one search may cost. The query's clauses are counted where it is parsed
(app.search.query, MAX_CLAUSES); here are the two budgets of running it.

- Prefix expansions: whoosh's Prefix stands for every indexed word it starts, each prefix
  on its own; ~70 two-letter prefixes ORed took 2-3 s. A query holds at most MAX_PREFIXES
  prefixes (app.search.query), and they share MAX_EXPANSIONS words per index segment;
  beyond it the search is marked partial. Both bound work done inside whoosh's matchers,
  where the clock below cannot stop it.
- Time: a search that runs past SEARCH_SECONDS stops where it is and returns the passages
  it has found, marked partial (like Elasticsearch's `timeout` and `timed_out`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextvars import ContextVar, Token
from itertools import islice
from typing import Any

from whoosh import query as Q

MAX_EXPANSIONS = 500  # indexed words that all the prefixes of a query may stand for
# Normal searches take 6 ms at the median and 62 ms at p95 on 100k passages (README,
# Benchmark). A safety net, far from that: at 0.2 s a Chinese search on the loaded 2-core
# machine, beside an index build, came back empty.
SEARCH_SECONDS = 1.0
CHECK_EVERY = 4096  # matches collected one by one between two looks at the clock

_deadline: ContextVar[float] = ContextVar("search_deadline", default=float("inf"))


class TimeUp(Exception):
    """The search's time budget is spent."""


def start_clock(seconds: float | None = None) -> Token[float]:
    """Set this search's deadline (per thread or task: a ContextVar); returns a token for
    stop_clock."""
    return _deadline.set(time.monotonic() + (SEARCH_SECONDS if seconds is None else seconds))


def stop_clock(token: Token[float]) -> None:
    _deadline.reset(token)


def check_clock() -> None:
    if time.monotonic() > _deadline.get():
        raise TimeUp


class Expansions:
    """The words prefixes may still stand for, per segment reader (whoosh searches each
    segment with its own reader, and each must get its share)."""

    def __init__(self, total: int | None = None) -> None:
        self.total = MAX_EXPANSIONS if total is None else total
        self.left: dict[int, int] = {}
        self.cut = False

    def take(self, reader: Any, words: Iterable[bytes]) -> list[bytes]:
        left = self.left.get(id(reader), self.total)
        taken = list(islice(words, left + 1))
        if len(taken) > left:
            self.cut, taken = True, taken[:left]
        self.left[id(reader)] = left - len(taken)
        return taken


class BoundedPrefix(Q.Prefix):
    """whoosh's Prefix (its matching and scores), its words drawn from a query-wide
    Expansions: the budget bounds the work whoosh does inside its matchers, where no
    clock can stop it (two dozen prefixes under an AND took seconds building them)."""

    def __init__(self, fieldname: str, text: str, expansions: Expansions) -> None:
        super().__init__(fieldname, text)
        self.expansions = expansions

    def _btexts(self, ixreader: Any) -> list[bytes]:
        return self.expansions.take(ixreader, super()._btexts(ixreader))

"""What one search may cost. The query's clauses are counted where it is parsed
(app.search.query, MAX_CLAUSES); here are the two budgets of running it.

- Prefix expansions: whoosh's Prefix stands for every indexed word it starts, each prefix
  on its own; ~70 two-letter prefixes ORed took 2-3 s. A query holds at most MAX_PREFIXES
  prefixes (app.search.query), and they share MAX_EXPANSIONS words per index segment;
  beyond it the search is marked partial. Both bound work done inside whoosh's matchers,
  where the clock below cannot stop it.
- Time: a search that runs past SEARCH_SECONDS stops at its next look at the clock (each
  posting block, each segment, every few hundred candidates of a phrase or CJK run, each
  excluded word) once it has a first page of hits, and returns the passages found so far,
  marked partial, with the total estimated from the share of the archive it read (like
  Elasticsearch's `timeout` and `timed_out`). A search that has no first page by then goes
  on until HARD_SECONDS; past it, the stages after collecting leave out what costs time
  (facet counts, did-you-mean, the marks of snippets that need the text analysed again).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from itertools import islice
from typing import Any

from whoosh import query as Q

MAX_EXPANSIONS = 500  # indexed words that all the prefixes of a query may stand for
# Normal searches take 6 ms at the median and 62 ms at p95 on 100k passages (README,
# Benchmark), so they never meet this budget; the worst 500-character queries (bench's
# `hostile`) stop at it, after a first page: no query may take more than 300 ms at 100k.
SEARCH_SECONDS = float(os.environ.get("ARCHIVE_SEARCH_SECONDS", "0.2"))
# With no first page yet, the search goes on until this. At 0.2 s a Chinese search on the
# loaded 2-core machine, beside an index build, came back empty; at 1.0 s `KI` minus ten
# common words (no hits at all) took 641 ms. The benchmark's normal queries at 100k
# passages take at most ~0.2 s on the loaded machine. The limit is 300 ms in all: the
# clock is looked at between steps and the page is made after it stops (a quoted
# 500-character Chinese paste stopped at 0.3 s answered in 309-335 ms), hence 0.27 s.
# Both can be raised on a slower machine (README, Limits); the test suite raises them, so
# that a busy test machine never turns a result it compares into a partial one.
HARD_SECONDS = float(os.environ.get("ARCHIVE_HARD_SECONDS", "0.27"))
CHECK_EVERY = 4096  # matches collected one by one between two looks at the clock
CHECK_CANDIDATES = 512  # candidates checked one by one (phrases, CJK runs) between two looks


@dataclass(frozen=True)
class Clock:
    soft: float  # past this, stop once `enough()` (a first page is found)
    hard: float  # past this, stop
    enough: Callable[[], bool]


_clock: ContextVar[Clock | None] = ContextVar("search_clock", default=None)


class TimeUp(Exception):
    """The search's time budget is spent."""


def start_clock(
    seconds: float | None = None,
    enough: Callable[[], bool] | None = None,
    started: float | None = None,
) -> Token[Clock | None]:
    """Start this search's clock (per thread or task: a ContextVar); `enough` says whether
    the search has found what it may stop with; `started` (time.monotonic()) is when the
    search began, if before now. Returns a token for stop_clock."""
    now = time.monotonic() if started is None else started
    soft = SEARCH_SECONDS if seconds is None else seconds
    clock = Clock(now + soft, now + max(soft, HARD_SECONDS), enough or (lambda: True))
    return _clock.set(clock)


def past_hard(started: float) -> bool:
    """Whether a search that began at `started` (time.monotonic()) is past HARD_SECONDS:
    the stages after collecting (facets, did-you-mean) are then left out."""
    return time.monotonic() > started + max(SEARCH_SECONDS, HARD_SECONDS)


def stop_clock(token: Token[Clock | None]) -> None:
    _clock.reset(token)


def check_clock() -> None:
    clock = _clock.get()
    if clock is None:
        return
    now = time.monotonic()
    if now > clock.soft and (now > clock.hard or clock.enough()):
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

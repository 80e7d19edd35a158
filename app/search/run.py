"""Running a query: engine queries from the parsed structure, filter masks, facets, paging,
grouping. `search()` is the search package's public entry: it takes a query string and
returns plain dataclasses (SearchResult, Hit, Snippet); no engine object leaves it.

The query language is in app.search.query, snippets in app.search.snippets, did-you-mean
in app.search.suggest.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from typing import Any

from whoosh import query as Q
from whoosh.reading import TermNotFound
from whoosh.searching import Results, Searcher

from app.search import query as parsing
from app.search import tantivy_engine
from app.search.analysis import CJK_RUN, QUERY_LANGUAGES, stem_languages
from app.search.budget import (
    MAX_EXPANSIONS,
    SEARCH_SECONDS,
    BoundedPrefix,
    Expansions,
    TimeUp,
    past_hard,
    start_clock,
    stop_clock,
)
from app.search.index import SearchIndex
from app.search.matchers import AnyOf, Phrase, TopAndAll
from app.search.query import MAX_QUERY, Node, Parsed, prepare
from app.search.sequences import Joined, Sequence, Slot, Tiered, Without
from app.search.snippets import Snippet, Span, Token, marks, snippet, split_terms, text_tokens
from app.search.suggest import suggest
from app.search.tantivy_index import TantivySearcher

log = logging.getLogger(__name__)
MAX_RESULTS = 10_000  # deepest hit a page can reach (like Elasticsearch's result window)
COLUMN_FILTERS = ("speaker_slug", "interview_slug", "language", "kind")
FACETS = {
    "speaker": "speaker_slug",
    "interview": "interview_slug",
    "language": "language",
    "kind": "kind",
}
SORTS = ("relevance", "date")
# (column, key, test of a value) of a filter checked against a column's values
ColumnCheck = tuple[str, object, Callable[[Any], bool]]
FACET_SIZE = 50  # values per facet, like a terms aggregation's size
LEFT_OUT = "The search ran out of time: counts, suggestions and some marks were left out."


@dataclass
class Hit:
    id: str
    speaker: str
    speaker_slug: str
    interview_title: str
    interview_slug: str
    document_key: str
    date: str
    language: str
    kind: str
    role: str
    section: str
    timestamp: int | None
    ordinal: int
    provenance: list[str]
    score: float
    snippet: Snippet  # the web layer marks it up (app.web.marks.snippet_html)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_is_estimate: bool = False
    partial: bool = False  # a budget (time, prefix words) stopped the search early
    page: int = 1
    page_size: int = 20
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # analysed forms, to mark in text
    did_you_mean: str = ""
    message: str = ""
    groups: list[dict[str, Any]] = field(default_factory=list)  # filled when grouped by interview
    sort: str = "relevance"  # or "date": newest first
    # filters written into the query: (name, value, excluded)
    filters: list[tuple[str, str, bool]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["pages"] = self.pages
        for group in out["groups"]:
            group["hits"] = [h.id if isinstance(h, Hit) else h["id"] for h in group["hits"]]
        return out


# ---------------------------------------------------------------- searching


def search(
    index: SearchIndex,
    q: str,
    *,
    speaker: str | None = None,
    interview: str | None = None,
    lang: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    page: int | str = 1,
    page_size: int | str = 20,
    group_by_interview: bool = False,
    facets: bool = True,
    sort: str = "relevance",
    speakers: dict[str, set[str]] | None = None,
) -> SearchResult:
    """Run a query; never raises on user input (errors become `message`). `sort` is
    "relevance" or "date" (newest first); `speakers` resolves names and aliases in speaker
    filters (app.search.query.filter_query)."""
    page_size = _bounded(page_size, 1, 100, 20)
    page = _bounded(page, 1, MAX_RESULTS // page_size, 1)
    result = SearchResult(query=(q or "")[:MAX_QUERY], page=page, page_size=page_size)
    result.sort = sort if sort in SORTS else "relevance"
    searcher: Searcher | None = None
    unreadable = False
    try:
        searcher = index.searcher()
    except Exception:  # an unreadable index (e.g. of an older format) waits for a rebuild
        log.exception("the search index cannot be opened")
        unreadable = True
    parsed = prepare(
        q,
        speaker=speaker,
        interview=interview,
        lang=lang,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        speakers=speakers,
        langs=stemmers(index, searcher),
    )
    result.filters = list(parsed.typed)
    result.terms = sorted(parsed.terms)
    result.message = " ".join(parsed.notes)
    if not parsed.must and not parsed.filters:
        result.message = (result.message + " Type some words to search.").strip()
        return result
    if unreadable:
        result.message = "The search index cannot be read; it is rebuilt by the next ingest."
        return result
    if searcher is None:
        result.message = "The archive has no search index yet."
        return result
    try:
        # the same SearchResult from either engine (README, Engines)
        tantivy = isinstance(searcher, TantivySearcher)
        (tantivy_engine.run if tantivy else _run)(index, searcher, parsed, result, facets)
    except Exception:  # an engine failure must not become a 500 either; it is logged
        log.exception("search failed for %r", q)
        result.message = "The search failed; please try again or simplify the query."
        return result
    if group_by_interview:
        result.groups = group(result.hits)
    return result


def stemmers(index: SearchIndex, searcher: Searcher | None) -> tuple[str, ...]:
    """The stemmers the archive's passages were indexed with (query words get each)."""
    if searcher is None:
        return QUERY_LANGUAGES
    if isinstance(searcher, TantivySearcher):
        return tantivy_engine.stemmers(index, searcher)
    return index.cached("stemmers", lambda: stem_languages(index.codes(searcher, "language")[1]))


def engine_query(node: Node, expansions: Expansions | None = None) -> Q.Query:
    """The whoosh query of one node of app.search.query; prefixes draw their words from
    `expansions` (the query's budget) when given."""
    if isinstance(node, parsing.Term):
        return Q.Term(node.field, node.text)
    if isinstance(node, parsing.Phrase):
        return Phrase(node.field, list(node.words))
    if isinstance(node, parsing.Prefix):
        if expansions is None:
            return Q.Prefix(node.field, node.text)
        return BoundedPrefix(node.field, node.text, expansions)
    if isinstance(node, parsing.DayRange):
        return Q.NumericRange("day", node.lo, node.hi)
    if isinstance(node, parsing.AllOf):
        return conjunction([engine_query(p, expansions) for p in node.parts])
    if isinstance(node, parsing.AnyOf):
        return AnyOf([engine_query(p, expansions) for p in node.parts])
    if isinstance(node, parsing.Sequence):
        return Sequence([Slot(*slot) for slot in node.slots])
    if isinstance(node, parsing.Tiered):
        return Tiered(engine_query(node.words, expansions), engine_query(node.grams, expansions))
    raise TypeError(f"not a query node: {node!r}")


def conjunction(parts: list[Q.Query]) -> Q.Query:
    """AND of engine queries: computed at once when a part is (a Sequence, a Tiered: see
    app.search.sequences.Joined), whoosh's And otherwise."""
    if any(computed(p) for p in parts):
        return Joined(parts)
    return Q.And(parts)


def computed(q: Q.Query) -> bool:
    if isinstance(q, (Sequence, Tiered, Joined, Without)):
        return True
    return isinstance(q, Q.CompoundQuery) and any(computed(p) for p in q.subqueries)


def whoosh_query(
    parsed: Parsed,
    filters: list[Node] | None = None,
    must_not: list[Node] | None = None,
    expansions: Expansions | None = None,
) -> Q.Query:
    """One whoosh query: words AND filters (unscored), minus exclusions."""
    filters = parsed.filters if filters is None else filters
    must_not = parsed.must_not if must_not is None else must_not
    must = [engine_query(n, expansions) for n in parsed.must]
    must += [Q.ConstantScoreQuery(engine_query(f, expansions), 0.0) for f in filters]
    main = conjunction(must) if len(must) > 1 else must[0] if must else Q.Every()
    if not must_not:
        return main
    return Without(main, AnyOf([engine_query(n, expansions) for n in must_not]))


def column_check(node: Node) -> ColumnCheck | None:
    """(field, key, test) to filter by a column value, or None for filters that need the
    index."""
    if isinstance(node, parsing.Term) and node.field in COLUMN_FILTERS:
        return node.field, node.text, node.text.__eq__
    if isinstance(node, parsing.DayRange):
        lo, hi = node.lo or 1, node.hi or 99_999_999
        return "day", (lo, hi), lambda day: lo <= (day or 0) <= hi
    return None


def collect(
    index: SearchIndex,
    searcher: Searcher,
    parsed: Parsed,
    limit: int,
    page: int | None = None,
    whole: bool = False,
) -> TopAndAll:
    """Run the query. Filters on a column (speaker and interview slugs, language, kind,
    dates), kept or excluded, are checked against masks of the column values (one byte per
    passage, kept for the next query) instead of intersecting postings: at 100k passages
    that took date:2021 KI from 90 to ~10 ms, and lang:de alone from 99 ms to ~10."""
    kept, rest = by_column(parsed.filters)
    dropped, must_not = by_column(parsed.must_not)
    masks = [index.mask(searcher, name, key, test) for name, key, test in kept]
    masks += [
        index.mask(searcher, name, ("not", key), negated(test)) for name, key, test in dropped
    ]
    allow: bytearray | None = None
    if masks:
        allow = masks[0]
        for mask in masks[1:]:
            allow = both(allow, mask)
    everything = not parsed.must and not rest and not must_not
    # No block skipping and no matcher replacement: both drop matches that cannot reach the
    # top N, which would make the total and the facets wrong (and they saved nothing here).
    collector = TopAndAll(limit=limit, allow=allow, everything=everything)
    expansions = Expansions()
    query = Q.NullQuery() if everything else whoosh_query(parsed, rest, must_not, expansions)
    # the time budget stops a search only once it has its page (`page`: the hits it shows)
    wanted = limit if page is None else page
    # `whole`: every match, however long it takes (checks against another engine)
    seconds = float("inf") if whole else None
    # the clock starts after the masks: a filter's first mask reads a column (once)
    collector.started = time.monotonic()
    clock = start_clock(
        seconds, lambda: len(getattr(collector, "docnums", ())) >= wanted, collector.started
    )
    try:
        searcher.search_with_collector(query, collector)
    except TimeUp:  # while whoosh built a matcher: what was collected stays
        collector.timed_out = True
    finally:
        stop_clock(clock)
    collector.expansions_cut = expansions.cut
    return collector


def negated(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: not test(value)


def by_column(nodes: list[Node]) -> tuple[list[ColumnCheck], list[Node]]:
    """(column checks, the other nodes) of a list of filters or exclusions."""
    checks = [(n, column_check(n)) for n in nodes]
    return [c for _, c in checks if c], [n for n, c in checks if not c]


def both(a: bytearray, b: bytearray) -> bytearray:
    """The AND of two masks of 0/1 bytes, computed on them as big integers (in C)."""
    return bytearray((int.from_bytes(a, "big") & int.from_bytes(b, "big")).to_bytes(len(a), "big"))


def matching_ids(index: SearchIndex, q: str, **filters: Any) -> set[str]:
    """Every matching passage id, unranked (for checks against another engine)."""
    searcher = index.searcher()
    if isinstance(searcher, TantivySearcher):
        return tantivy_engine.matching_ids(index, q, **filters)
    parsed = prepare(q, **filters, langs=stemmers(index, searcher))
    if searcher is None or not (parsed.must or parsed.filters):
        return set()
    docnums = collect(index, searcher, parsed, 1, whole=True).docnums
    return {searcher.stored_fields(n)["id"] for n in docnums}


def _bounded(value: int | str, low: int, high: int, default: int) -> int:
    try:
        return min(high, max(low, int(value)))
    except (TypeError, ValueError):
        return default


def _run(
    index: SearchIndex, searcher: Searcher, parsed: Parsed, result: SearchResult, facets: bool
) -> None:
    limit = result.page * result.page_size
    start = (result.page - 1) * result.page_size
    by_date = result.sort == "date"
    # newest first needs every match in order, not only the best `limit`
    collector = collect(index, searcher, parsed, 1 if by_date else limit, limit)
    started = collector.started  # the clock counts the stages after collecting too
    result.total = len(collector.docnums)
    notes = []
    if collector.expansions_cut:
        notes.append(f"Prefixes stood for more than {MAX_EXPANSIONS:,} words; some were left out.")
    if collector.timed_out:
        notes.append(timed_out(collector, searcher.doc_count_all(), result))
    if notes:
        result.partial = result.total_is_estimate = True
        result.message = " ".join([result.message, *notes]).strip()
    if by_date:
        picked = newest(index.column(searcher, "day"), collector.docnums)[start:limit]
        result.hits = hits_of(searcher, [(d, 0.0) for d in picked], parsed.terms, started)
    else:
        hits = collector.results()
        result.hits = page_hits(searcher, hits, start, limit, parsed.terms, started)
    if past_hard(started):  # the page is all it shows
        result.partial = True
        result.message = (result.message + " " + LEFT_OUT).strip()
        return
    if facets:
        result.facets = {
            name: _counts(*index.codes(searcher, field), collector.docnums)
            for name, field in FACETS.items()
        }
        result.facets["year"] = years(index, searcher, collector.docnums)
    if result.total == 0:
        result.did_you_mean = suggest(index, searcher, parsed.words, result.query, parsed.langs)


def timed_out(collector: TopAndAll, passages: int, result: SearchResult) -> str:
    """The note of a search the time budget stopped; its total becomes an estimate: the
    matches in the segments read, scaled to the whole archive (the facets count those
    segments only)."""
    read = collector.searched
    if not read or read >= passages:
        return f"The search stopped after {SEARCH_SECONDS:g} s; these are the passages found."
    result.total = round(len(collector.docnums) * passages / read)
    return (
        f"The search stopped after {SEARCH_SECONDS:g} s, having read {read / passages:.0%} "
        f"of the archive: the best passages there, about {result.total:,} matches in all "
        "(estimated from that part), and counts of that part."
    )


def _counts(codes: list[int], labels: list[str], docnums: list[int]) -> dict[str, int]:
    """The FACET_SIZE most frequent values among the matches, most frequent first."""
    picked = itemgetter(*docnums)(codes) if len(docnums) > 1 else [codes[d] for d in docnums]
    counts = [(labels[code], n) for code, n in Counter(picked).items() if labels[code] != ""]
    return dict(heapq.nsmallest(FACET_SIZE, counts, key=lambda kv: (-kv[1], kv[0])))


def dated(day: int | None) -> int:
    """A stored day number, 0 for an undated passage (whose column holds no value, or the
    unsigned field's largest number)."""
    return day if day and day <= 99_991_231 else 0


def newest(days: list[int | None], docnums: list[int]) -> list[int]:
    """The docnums newest first (undated last; ties in index order, which is stable)."""
    return sorted(docnums, key=lambda d: (-dated(days[d]), d))


def years(index: SearchIndex, searcher: Searcher, docnums: list[int]) -> dict[str, int]:
    """Matches per year, newest year first (undated passages are not counted). Counted
    from a year per docnum read once, in C: a day's year per match was 20 ms at 50k."""
    days = index.column(searcher, "day")
    each = index.cached("years", lambda: [dated(day) // 10_000 for day in days])
    picked = itemgetter(*docnums)(each) if len(docnums) > 1 else [each[d] for d in docnums]
    counts = Counter(picked)
    return {str(year): n for year, n in sorted(counts.items(), reverse=True) if year}


def page_hits(
    searcher: Searcher,
    hits: Results,
    start: int,
    stop: int,
    terms: Collection[str],
    started: float | None = None,
) -> list[Hit]:
    """Hits start..stop of whoosh Results, with snippets marked at the offsets the index
    stored for the query's terms ("pinpoint": no re-analysis of the passage text)."""
    picked = [
        (hits.docnum(i), hits.score(i)) for i in range(start, min(stop, hits.scored_length()))
    ]
    return hits_of(searcher, picked, terms, started)


def hits_of(
    searcher: Searcher,
    picked: list[tuple[int, float]],
    terms: Collection[str],
    started: float | None = None,
) -> list[Hit]:
    """Hits of (docnum, score) pairs, snippets marked; past the hard time limit of a search
    that began at `started`, the snippets still to mark are left unmarked (looked at per
    hit: a page of ten long Chinese hits of a quoted paste took 120 ms to mark, which took
    a search stopped at its limit to 315 ms)."""
    kinds = split_terms(terms)
    stored = {d: searcher.stored_fields(d) for d, _ in picked}
    # a prefix may stand for thousands of indexed words, and a quote of Latin words needs
    # their unstemmed forms (the index has stems at their places): read the hits instead
    latin = [w for quote in kinds.quotes for w in quote if not CJK_RUN.fullmatch(w)]
    analyse = bool(kinds.prefixes or latin)  # 10-15 ms a long passage (jieba, stemmers)
    read = kinds.words.union(*kinds.phrases, *kinds.quotes)
    tokens = {} if analyse else postings_tokens(searcher, list(stored), sorted(read))
    hits = []
    for d, score in picked:
        text = stored[d].get("text", "")
        if started and past_hard(started):
            found = marks([], kinds, text)
        else:
            found = marks(text_tokens(text) if analyse else tokens[d], kinds, text)
        hits.append(to_hit(stored[d], score, found))
    return hits


def postings_tokens(
    searcher: Searcher, docnums: list[int], words: list[str]
) -> dict[int, list[Token]]:
    """docnum -> [(startchar, endchar, (word,), position)] of the words, from the postings."""
    tokens: dict[int, list[Token]] = {d: [] for d in docnums}
    reader = searcher.reader()
    in_order = sorted(docnums)
    for word in words:
        try:  # the reader's postings: no scorer to set up (0.6 -> 0.24 ms a word)
            postings = reader.postings("text", word)
        except TermNotFound:
            continue
        for docnum in in_order:
            if postings.is_active() and postings.id() < docnum:
                postings.skip_to(docnum)
            if not postings.is_active():
                break
            if postings.id() == docnum:
                tokens[docnum] += [
                    (s, e, (word,), pos) for pos, s, e in postings.value_as("characters")
                ]
    return tokens


def to_hit(fields: dict[str, Any], score: float, spans: list[Span]) -> Hit:
    prov = fields.get("provenance", "")
    return Hit(
        id=fields["id"],
        speaker=fields.get("speaker_name", ""),
        speaker_slug=fields.get("speaker_slug", ""),
        interview_title=fields.get("interview_title", ""),
        interview_slug=fields.get("interview_slug", ""),
        document_key=fields.get("document_key", ""),
        date=fields.get("date", ""),
        language=fields.get("language", ""),
        kind=fields.get("kind", ""),
        role=fields.get("role", ""),
        section=fields.get("section", ""),
        timestamp=fields.get("timestamp"),
        ordinal=fields.get("ordinal", 0),
        provenance=prov.split(",") if prov else [],
        score=round(float(score or 0.0), 4),
        snippet=snippet(fields.get("text", ""), spans),
    )


def group(hits: list[Hit]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for hit in hits:
        slot = groups.setdefault(
            hit.interview_slug,
            {
                "interview_slug": hit.interview_slug,
                "interview_title": hit.interview_title,
                "hits": [],
            },
        )
        slot["hits"].append(hit)
    return list(groups.values())

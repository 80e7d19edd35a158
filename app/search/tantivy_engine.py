"""Running a parsed query on a tantivy index: the same SearchResult as app.search.run.

Each node of app.search.query becomes a tantivy query (see app.search.tantivy_index for
the fields):

- Term, Phrase: term and phrase queries on the field (speaker_name on `speaker_words`);
- Prefix: the indexed words that start with the prefix (tantivy's term dictionary), ORed,
  at most MAX_EXPANSIONS for the whole query, as whoosh's prefixes are bounded;
- Sequence: a quote is one phrase on `forms` (each place's folded, unstemmed form), a
  CJK fragment one phrase on `grams`; one place is a term;
- Tiered: words OR bigrams, and the words once more as a constant TIER, so passages that
  match as words rank above those that match as bigrams only;
- DayRange: a range on the fast `day` column; AllOf / AnyOf: boolean must / should.

Filters add nothing to a score (constant 0). Totals are tantivy's exact count; facets are
terms aggregations over the fast keyword columns and years a histogram of `day`, all over
every match. The per-segment terms lists hold up to FACET_SEGMENT_SIZE values, so counts
are exact below that many distinct values; beyond, tantivy's error bound is shown.
Tantivy runs a query to its end, with its whole first page and exact total: only the hard
time budget (app.search.budget) is looked at, before the facets, which it leaves out.
Scores are tantivy's BM25, so ties and close scores may order differently from whoosh.
"""

from __future__ import annotations

import heapq
import time
from typing import Any

import tantivy
from tantivy import Occur
from tantivy import Query as TQ

from app.search import budget as budgets
from app.search import query as parsing
from app.search.analysis import CJK_RUN, STARTS, stem_languages
from app.search.query import EXACT, GRAMS, TEXT, Parsed, prepare
from app.search.sequences import TIER
from app.search.snippets import marks, split_terms, text_tokens
from app.search.tantivy_index import TantivySearcher, marked_words, token, total

FIELDS = {"speaker_name": "speaker_words"}  # node field -> tantivy field, where they differ
FACET_SEGMENT_SIZE = 10_000
# values a facet aggregation returns, before our order (count, then value) cuts FACET_SIZE:
# a margin for values that tie at the cut
FACET_TERMS = 200


class Unsupported(ValueError):
    """A node shape this engine does not know (a programming error, logged by search)."""


class Expansions:
    """The words the prefixes of one query may still stand for."""

    def __init__(self) -> None:
        self.left = budgets.MAX_EXPANSIONS
        self.cut = False


def engine_query(node: object, s: TantivySearcher, budget: Expansions) -> tantivy.Query:
    schema = s.schema
    if isinstance(node, parsing.Term):
        return term(schema, node.field, node.text)
    if isinstance(node, parsing.Phrase):
        return phrase(schema, FIELDS.get(node.field, node.field), list(enumerate(node.words)))
    if isinstance(node, parsing.Prefix):
        return prefix(s, node.field, node.text, budget)
    if isinstance(node, parsing.DayRange):
        return TQ.range_query(schema, "day", tantivy.FieldType.Unsigned, node.lo, node.hi)
    if isinstance(node, parsing.AllOf):
        return both([engine_query(p, s, budget) for p in node.parts], Occur.Must)
    if isinstance(node, parsing.AnyOf):
        return both([engine_query(p, s, budget) for p in node.parts], Occur.Should)
    if isinstance(node, parsing.Sequence):
        return sequence(schema, node.slots)
    if isinstance(node, parsing.Tiered):
        words = engine_query(node.words, s, budget)
        fragments = engine_query(node.grams, s, budget)
        first = TQ.const_score_query(words, TIER)
        return both([first, words, fragments], Occur.Should)
    raise Unsupported(f"not a query node: {node!r}")


def both(parts: list[tantivy.Query], occur: Occur) -> tantivy.Query:
    if len(parts) == 1:
        return parts[0]
    return TQ.boolean_query([(occur, p) for p in parts])


def term(schema: tantivy.Schema, field: str, text: str) -> tantivy.Query:
    field = FIELDS.get(field, field)
    keyword = field in ("speaker_slug", "interview_slug", "language", "kind")
    return TQ.term_query(schema, field, text if keyword else token(text))


def phrase(schema: tantivy.Schema, field: str, words: list[tuple[int, str]]) -> tantivy.Query:
    """Words at these offsets of one field; a phrase of one word is that word."""
    if len(words) == 1:
        return TQ.term_query(schema, field, token(words[0][1]))
    return TQ.phrase_query(schema, field, [(at, token(w)) for at, w in words])


def sequence(schema: tantivy.Schema, slots: tuple[Any, ...]) -> tantivy.Query:
    """A quote's places as folded forms on `forms`, a fragment's bigrams on `grams`."""
    fields, words = set(), []
    for offset, options in slots:
        field, word = place(options)
        fields.add(field)
        words.append((offset, word))
    if len(fields) != 1:
        raise Unsupported(f"a sequence over several fields: {slots!r}")
    return phrase(schema, fields.pop(), words)


def place(options: tuple[Any, ...]) -> tuple[str, str]:
    """(field, word) of one place of a Sequence (see app.search.query.exact_query and
    gram_query for the shapes)."""
    fields = {field for field, _, _ in options}
    words = {word for _, word, _ in options}
    # a bigram: whoosh's `grams` leaves out those `text` holds as a word at the same
    # character (STARTS reads them there); tantivy's `grams` holds every bigram
    if len(words) == 1 and fields in ({GRAMS}, {GRAMS, STARTS}):
        return "grams", words.pop()
    if len(words) == 1 and fields in ({TEXT}, {EXACT, TEXT}):
        return "forms", words.pop()
    raise Unsupported(f"a place of a sequence: {options!r}")


def prefix(s: TantivySearcher, field: str, text: str, budget: Expansions) -> tantivy.Query:
    field = FIELDS.get(field, field)
    if budget.left <= 0:
        budget.cut = True
        return TQ.empty_query()
    found = s.tantivy.terms_with_prefix(field, text, limit=budget.left + 1)
    if len(found) > budget.left:
        budget.cut, found = True, found[: budget.left]
    budget.left -= len(found)
    if not found:
        return TQ.empty_query()
    return both([TQ.term_query(s.schema, field, word) for word, _ in found], Occur.Should)


def full_query(parsed: Parsed, s: TantivySearcher, budget: Expansions) -> tantivy.Query:
    """Words AND filters (scoring nothing), minus exclusions."""
    clauses = [(Occur.Must, engine_query(n, s, budget)) for n in parsed.must]
    clauses += [
        (Occur.Must, TQ.const_score_query(engine_query(f, s, budget), 0.0)) for f in parsed.filters
    ]
    clauses += [(Occur.MustNot, engine_query(n, s, budget)) for n in parsed.must_not]
    if not clauses:
        return TQ.all_query()
    if len(clauses) == 1 and clauses[0][0] == Occur.Must:
        return clauses[0][1]
    if all(occur == Occur.MustNot for occur, _ in clauses):
        clauses.append((Occur.Must, TQ.all_query()))
    return TQ.boolean_query(clauses)


# ---------------------------------------------------------------- running


def stemmers(index: Any, s: TantivySearcher) -> tuple[str, ...]:
    """The stemmers the archive's passages were indexed with (query words get each)."""

    def build() -> tuple[str, ...]:
        languages = {"terms": {"field": "language", "size": 1000}}
        found = s.tantivy.aggregate(TQ.all_query(), {"language": languages})
        return stem_languages([b["key"] for b in found["language"]["buckets"]])

    return tuple(index.cached("stemmers", build))


def facet_aggregations() -> dict[str, Any]:
    from app.search.run import FACETS

    aggs: dict[str, Any] = {
        name: {"terms": {"field": field, "size": FACET_TERMS, "segment_size": FACET_SEGMENT_SIZE}}
        for name, field in FACETS.items()
    }
    aggs["year"] = {"histogram": {"field": "day", "interval": 10_000, "min_doc_count": 1}}
    return aggs


def run(index: Any, s: TantivySearcher, parsed: Parsed, result: Any, facets: bool) -> None:
    """Fill `result` (an app.search.run.SearchResult) for a parsed query."""
    # tantivy has the whole page and the exact total after one query, so only the hard
    # budget (app.search.budget.HARD_SECONDS) can stop it, and only before the facets
    deadline = time.monotonic() + max(budgets.SEARCH_SECONDS, budgets.HARD_SECONDS)
    q = find(s, parsed, result)
    if time.monotonic() > deadline:
        note = (
            f"The search stopped after {budgets.SEARCH_SECONDS:g} s; these are the passages found."
        )
        result.partial = True
        result.message = " ".join([result.message, note]).strip()
    elif facets:
        result.facets = facet_counts(s, q, result)
    if result.total == 0 and not result.partial:
        from app.search.suggest import suggest

        result.did_you_mean = suggest(index, s, parsed.words, result.query, parsed.langs)


def find(s: TantivySearcher, parsed: Parsed, result: Any) -> tantivy.Query:
    """The page's hits and the total; the query, for the facets."""
    budget = Expansions()
    q = full_query(parsed, s, budget)
    start = (result.page - 1) * result.page_size
    if result.sort == "date":
        found = s.tantivy.search(
            q, result.page_size, offset=start, order_by_field="day", order=tantivy.Order.Desc
        )
        picked = [(addr, 0.0) for _, addr in found.hits]
    else:
        found = s.tantivy.search(q, result.page_size, offset=start)
        picked = [(addr, score) for score, addr in found.hits]
    result.total = total(found)
    if budget.cut:
        words = budgets.MAX_EXPANSIONS
        note = f"Prefixes stood for more than {words:,} words; some were left out."
        result.partial = result.total_is_estimate = True
        result.message = " ".join([result.message, note]).strip()
    result.hits = hits_of(s, picked, parsed.terms)
    return q


def facet_counts(s: TantivySearcher, q: tantivy.Query, result: Any) -> dict[str, dict[str, int]]:
    from app.search.run import FACET_SIZE, FACETS

    found = s.tantivy.aggregate(q, facet_aggregations())
    out, error = {}, 0
    for name in FACETS:
        agg = found.get(name, {})
        error = max(error, int(agg.get("doc_count_error_upper_bound") or 0))
        counts = [(str(b["key"]), int(b["doc_count"])) for b in agg.get("buckets", [])]
        counts = [(k, n) for k, n in counts if k]
        out[name] = dict(heapq.nsmallest(FACET_SIZE, counts, key=lambda kv: (-kv[1], kv[0])))
    years = [(int(b["key"]) // 10_000, int(b["doc_count"])) for b in found["year"]["buckets"]]
    out["year"] = {str(y): n for y, n in sorted(years, reverse=True) if y and n}
    if error:
        note = f"Facet counts are estimates (each within {error:,} of the true count)."
        result.message = " ".join([result.message, note]).strip()
    return out


def hits_of(s: TantivySearcher, picked: list[tuple[Any, float]], terms: Any) -> list[Any]:
    """Hits of (address, score) pairs, their snippets marked where the passage's tokens in
    `text` are the query's words (the marks whoosh's stored offsets give); prefixes and
    quotes of Latin words read the text again, as app.search.run.hits_of does."""
    from app.search.run import to_hit

    kinds = split_terms(terms)
    latin = [w for quote in kinds.quotes for w in quote if not CJK_RUN.fullmatch(w)]
    again = bool(kinds.prefixes or latin)  # every form of a word, not the indexed one
    read = kinds.words.union(*kinds.phrases, *kinds.quotes)
    hits = []
    for addr, score in picked:
        fields = stored(s.tantivy.doc(addr))
        text = fields["text"]
        tokens = (
            text_tokens(text) if again else marked_words(text, fields.get("language", ""), read)
        )
        hits.append(to_hit(fields, score, marks(tokens, kinds, text)))
    return hits


def stored(doc: tantivy.Document) -> dict[str, Any]:
    """A stored document as app.search.run.to_hit reads whoosh's stored fields (the
    passage's text is `body`)."""
    fields = {name: values[0] for name, values in doc.to_dict().items() if values}
    fields["text"] = fields.pop("body", "")
    return fields


def matching_ids(index: Any, q: str, **filters: Any) -> set[str]:
    """Every matching passage id, unranked (for checks against another engine)."""
    s: TantivySearcher | None = index.searcher()
    if s is None:
        return set()
    parsed = prepare(q, **filters, langs=stemmers(index, s))
    if not (parsed.must or parsed.filters):
        return set()
    return s.matching_ids(full_query(parsed, s, Expansions()))

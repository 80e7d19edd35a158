"""Search: a small, safe query language on top of the index, results with snippets and facets.

Whoosh's own QueryParser raises IndexError on `NOT OR foobar` / `NOT NOT NOT`, is quadratic
on long tokens and lets `*x` / `field:*` enumerate every term. So queries are parsed here with
one regex into clauses, bounded in length before any work, and built into whoosh query
objects directly; only our own fields exist, and anything unexpected becomes plain words
(like Elasticsearch's simple_query_string). Nothing here raises on user input.

Syntax: words (AND), "phrases", OR, -word / NOT word, prefix* (>= 2 characters before *),
speaker: interview: lang: kind: date:YYYY[-MM[-DD]] or date:FROM..TO.
"""

from __future__ import annotations

import heapq
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from operator import itemgetter

from markupsafe import Markup, escape
from whoosh import query as Q
from whoosh.reading import TermNotFound
from whoosh.spelling import ListCorrector

from app.search.analysis import QUERY_LANGUAGES, query_variants, split, stem
from app.search.analysis import terms as analysed
from app.search.index import SearchIndex, day_number
from app.search.matchers import Phrase, TopAndAll
from app.text import has_han, match_form

log = logging.getLogger(__name__)
MAX_QUERY = 500  # characters; the rest is dropped before parsing
MAX_WORD = 64  # characters of one word (whoosh is slow on very long tokens)
MAX_CLAUSES = 24
MAX_RESULTS = 10_000  # deepest hit a page can reach (like Elasticsearch's result window)
SNIPPET_CHARS = 240
FILTER_FIELDS = ("speaker", "interview", "lang", "kind", "date")
QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』＂"})
CLAUSE = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))'
)
COLUMN_FILTERS = ("speaker_slug", "interview_slug", "language", "kind")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$", re.I)
FACETS = {"speaker": "speaker_slug", "interview": "interview_slug", "language": "language"}
FACET_SIZE = 50  # values per facet, like a terms aggregation's size


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
    snippet_html: Markup


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_is_estimate: bool = False
    page: int = 1
    page_size: int = 20
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # analysed forms, for highlight()
    did_you_mean: str = ""
    message: str = ""
    groups: list[dict] = field(default_factory=list)  # filled when grouped by interview

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict:
        out = asdict(self)
        out["pages"] = self.pages
        for hit in out["hits"]:
            hit["snippet_html"] = str(hit["snippet_html"])
        for group in out["groups"]:
            group["hits"] = [h.id if isinstance(h, Hit) else h["id"] for h in group["hits"]]
        return out


# ---------------------------------------------------------------- highlighting


def mark_spans(text: str, start: int, end: int, spans) -> Markup:
    """text[start:end], HTML-escaped, with the (start, end) spans wrapped in <mark>."""
    while start < end and text[start].isspace():  # no "…" above an empty line
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    out, at = [], start
    for s, e, *_ in sorted(spans, key=lambda span: (span[0], -span[1])):
        if s < at or e > end:
            continue
        out += [escape(text[at:s]), Markup("<mark>"), escape(text[s:e]), Markup("</mark>")]
        at = e
    out.append(escape(text[at:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(prefix) + Markup("").join(out) + Markup(suffix)


def split_terms(terms) -> tuple[set[str], tuple[str, ...], list[list[str]]]:
    """SearchResult.terms as (words, prefixes, phrases): "xy*" is a prefix, and a term
    with spaces is a phrase (its words are marked only where they stand together)."""
    words = {t for t in terms if " " not in t and not t.endswith("*")}
    prefixes = tuple(t[:-1] for t in terms if t.endswith("*"))
    return words, prefixes, [t.split(" ") for t in terms if " " in t]


def marks(tokens, words: set, prefixes: tuple, phrases: list) -> list[tuple]:
    """(start, end, key) to mark, from tokens (start, end, forms, position): a token whose
    forms hold a word or start with a prefix, and each run of positions holding a phrase."""
    out = [
        (s, e, forms[0])
        for s, e, forms, _ in tokens
        if words.intersection(forms) or (prefixes and forms[0].startswith(prefixes))
    ]
    if phrases:
        at = {pos: (s, e, forms) for s, e, forms, pos in tokens}
        for phrase in phrases:
            for s, _, forms, pos in tokens:
                if phrase[0] in forms and all(
                    phrase[k] in at.get(pos + k, (0, 0, ()))[2] for k in range(1, len(phrase))
                ):
                    out.append((s, at[pos + len(phrase) - 1][1], " ".join(phrase)))
    return out


def text_forms(word: str, is_han: bool) -> tuple[str, ...]:
    """The forms a word of a text can take in the index: folded, then each stem."""
    if is_han:
        return (word,)
    form = match_form(word)
    return form, stem(form, "de"), stem(form, "en")


def highlight(text: str, terms, limit: int | None = None) -> Markup:
    """The one way to show text with search terms marked: escaped, terms in <mark>.

    `terms` are SearchResult.terms (see split_terms). With `limit`, only a window of that
    many characters around the most matches is shown.
    """
    text = text or ""
    spans = marks(text_tokens(text), *split_terms(terms))
    return mark_spans(text, *window(text, spans, limit or len(text)), spans)


def window(text: str, spans, limit: int) -> tuple[int, int]:
    """(start, end) of a `limit`-character stretch of text holding the most different terms
    (so a phrase wins over a cluster of "von" or "的"); of several, the one starting latest,
    which puts the rarer terms near its start rather than at its cut-off end."""
    if len(text) <= limit:
        return 0, len(text)
    spans, width = sorted(spans) or [(0, 0, "")], limit * 3 // 4
    best, most, inside, j = spans[0][0], 0, Counter(), 0
    for first, _, key in spans:  # a sliding window over the spans
        while j < len(spans) and spans[j][0] < first + width:
            inside[spans[j][2]] += 1
            j += 1
        if len(inside) >= most:
            best, most = first, len(inside)
        inside[key] -= 1
        if not inside[key]:
            del inside[key]
    start = max(0, best - limit // 4)
    space = text.find(" ", start, best)  # begin at a word, if one begins in the context
    start = space + 1 if start > 0 and space >= 0 else start
    return start, min(len(text), start + limit)


# ---------------------------------------------------------------- parsing


@dataclass
class Parsed:
    must: list = field(default_factory=list)
    must_not: list = field(default_factory=list)
    filters: list = field(default_factory=list)
    terms: set = field(default_factory=set)
    words: list = field(default_factory=list)  # plain non-Han words, for did-you-mean
    notes: list = field(default_factory=list)


def tidy_query(q: str, notes: list) -> str:
    q = q or ""
    if len(q) > MAX_QUERY:
        notes.append(f"The query was shortened to {MAX_QUERY} characters.")
        q = q[:MAX_QUERY]
    q = unicodedata.normalize("NFKC", q).translate(QUOTES)
    return "".join(c if c.isprintable() else " " for c in q)


def text_query(text: str, lang: str | None, phrase: bool, parsed: Parsed):
    """Query for a word or phrase: one form per stemmer, ORed; None when nothing is left.

    A word that analyses to several tokens ("KI-Talente") stays one unit, like a phrase;
    unquoted Chinese and words joined by spaces match in any order."""
    text = text[: MAX_QUERY if phrase else MAX_WORD]
    adjacent = phrase or not (has_han(text) or re.search(r"\s", text.strip()))
    options = []
    for tokens in query_variants(text, lang):
        if not tokens:
            continue
        together = adjacent and len(tokens) > 1
        parsed.terms.update([" ".join(tokens)] if together else tokens)
        if len(tokens) == 1:
            options.append(Q.Term("text", tokens[0]))
        elif adjacent:
            options.append(Phrase("text", tokens))
        else:
            options.append(Q.And([Q.Term("text", t) for t in tokens]))
    if not options:
        return None
    return options[0] if len(options) == 1 else Q.Or(options)


def prefix_query(word: str, parsed: Parsed):
    """The last word of `word` as a prefix of indexed words, in its folded form and in each
    stem (the index holds stems: "Talente*" must find "talent"); words before it (KI-Tal*)
    must be there too."""
    stem_part = word.rstrip("*")
    tokens = analysed(stem_part, stemmed=False) if "*" not in stem_part else []
    if len(stem_part) < 2 or not tokens or len(tokens[-1]) < 2:
        parsed.notes.append(
            f"Ignored {word!r}: wildcards need at least 2 characters before a final *."
        )
        return None
    *before, last = tokens
    forms = list(dict.fromkeys([last] + [stem(last, lang) for lang in QUERY_LANGUAGES]))
    parsed.terms.update(f + "*" for f in forms)
    prefixes = [Q.Prefix("text", f) for f in forms if len(f) >= 2]
    found = prefixes[0] if len(prefixes) == 1 else Q.Or(prefixes)
    if before:
        parsed.notes.append(f"{word!r} was searched as {' '.join(before)} and {last}*.")
        words = [text_query(w, None, False, parsed) for w in before]
        return Q.And([w for w in words if w is not None] + [found])
    return found


def date_filter(value: str):
    lo, _, hi = value.partition("..") if ".." in value else (value, "", value)
    lo, hi = lo.strip(), hi.strip()
    ok = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
    if not (ok.match(lo) and ok.match(hi)) or not (lo or hi):
        return None
    # whoosh 2.7's trie ranges match every passage for an open start (None, made 0) and for
    # an end of 99999999; a start of 1 and an open end were right in 2,651 random ranges
    return Q.NumericRange(
        "day", day_number(lo) if lo else 1, day_number(hi, last=True) if hi else None
    )


def filter_query(name: str, value: str):
    value = value.strip().strip("*")
    if not value:
        return None
    if name == "speaker":
        slug = Q.Term("speaker_slug", value.casefold())
        tokens = analysed(value)
        if not tokens or SLUG.match(value):  # a slug: no phrase over every passage's name
            return slug
        by_name = (
            Phrase("speaker_name", tokens) if len(tokens) > 1 else Q.Term("speaker_name", tokens[0])
        )
        return Q.Or([slug, by_name])
    if name == "interview":
        return Q.Term("interview_slug", value.casefold())
    if name == "lang":
        return Q.Term("language", value.casefold())
    if name == "kind":
        return Q.Term("kind", value.casefold())
    return date_filter(value)


def parse(q: str, lang: str | None = None) -> Parsed:
    """Clauses left to right; bare AND is the default, NOT negates the next clause, OR joins
    the next clause to the previous one. Operators without operands are ignored."""
    parsed = Parsed()
    negate_next, or_next = False, False
    for m in CLAUSE.finditer(tidy_query(q, parsed.notes)):
        if len(parsed.must) + len(parsed.must_not) + len(parsed.filters) >= MAX_CLAUSES:
            parsed.notes.append(f"Only the first {MAX_CLAUSES} parts of the query were used.")
            break
        word = m.group("word")
        if word in ("AND", "NOT", "OR") and not m.group("field") and not m.group("neg"):
            negate_next = negate_next != (word == "NOT")
            or_next = word == "OR" and bool(parsed.must)
            continue
        negate, negate_next = bool(m.group("neg")) != negate_next, False
        marked = set(parsed.terms)
        built = clause(m, lang, parsed, negate)
        if negate:  # what a passage must not hold is not marked in it
            parsed.terms = marked
        if built is None:
            continue
        if negate:
            parsed.must_not.append(built)
        elif or_next and parsed.must:
            parsed.must[-1] = Q.Or([parsed.must[-1], built])
        else:
            parsed.must.append(built)
        or_next = False
    return parsed


def clause(m: re.Match, lang: str | None, parsed: Parsed, negate: bool):
    """The query of one word, phrase or prefix (filters go straight into `parsed`)."""
    word, phrase, name = m.group("word"), m.group("phrase"), (m.group("field") or "").lower()
    if name in FILTER_FIELDS:
        built = filter_query(name, phrase if phrase is not None else word)
        if built is None:
            parsed.notes.append(f"Ignored the empty or malformed filter {m.group()!r}.")
        else:
            (parsed.must_not if negate else parsed.filters).append(built)
        return None
    if name:  # unknown field: its words are plain words, ANDed
        word, phrase = m.group().lstrip("-").replace(":", " ").replace('"', " "), None
    if phrase is not None:  # a misspelt quote gets a suggestion too
        parsed.words += [w for w in re.findall(r"[^\W\d_]{3,}", phrase) if not has_han(w)]
        return text_query(phrase, lang, True, parsed)
    word = word[:MAX_WORD]
    if word.endswith("*") and not name:
        return prefix_query(word, parsed)
    if word.startswith("*"):
        parsed.notes.append(f"Leading wildcards are not supported; searched {word.strip('*')!r}.")
    if not has_han(word):
        parsed.words += re.findall(r"[^\W\d_]{3,}", word)
    return text_query(word.replace("*", " "), lang, False, parsed)


def fallback(q: str, lang: str | None) -> Parsed:
    """Plain analysed words, ANDed: what is left when parsing itself went wrong."""
    parsed = Parsed(notes=["The query could not be parsed; searched for its words."])
    words = analysed(tidy_query(q, [])[:MAX_QUERY], lang or "")[:MAX_CLAUSES]
    parsed.must = [Q.Term("text", w) for w in words]
    parsed.terms = set(words)
    return parsed


def keyword_filters(speaker, interview, lang, kind, date_from, date_to) -> list:
    out = []
    for name, value in (
        ("speaker", speaker),
        ("interview", interview),
        ("lang", lang),
        ("kind", kind),
    ):
        if value:
            built = filter_query(name, str(value))
            out += [built] if built is not None else []
    if date_from or date_to:
        built = date_filter(f"{date_from or ''}..{date_to or ''}")
        out += [built] if built is not None else []
    return out


# ---------------------------------------------------------------- searching


def search(
    index: SearchIndex,
    q: str,
    *,
    speaker=None,
    interview=None,
    lang=None,
    kind=None,
    date_from=None,
    date_to=None,
    page=1,
    page_size=20,
    group_by_interview=False,
    facets=True,
) -> SearchResult:
    """Run a query; never raises on user input (errors become `message`)."""
    page_size = _bounded(page_size, 1, 100, 20)
    page = _bounded(page, 1, MAX_RESULTS // page_size, 1)
    result = SearchResult(query=(q or "")[:MAX_QUERY], page=page, page_size=page_size)
    parsed = prepare(
        q,
        speaker=speaker,
        interview=interview,
        lang=lang,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
    )
    result.terms = sorted(parsed.terms)
    result.message = " ".join(parsed.notes)
    if not parsed.must and not parsed.filters:
        result.message = (result.message + " Type some words to search.").strip()
        return result
    searcher = index.searcher()
    if searcher is None:
        result.message = "The archive has no search index yet."
        return result
    try:
        _run(index, searcher, parsed, result, facets)
    except Exception:  # an engine failure must not become a 500 either; it is logged
        log.exception("search failed for %r", q)
        result.message = "The search failed; please try again or simplify the query."
        return result
    if group_by_interview:
        result.groups = group(result.hits)
    return result


def prepare(
    q: str, *, speaker=None, interview=None, lang=None, kind=None, date_from=None, date_to=None
) -> Parsed:
    """The parsed query with the keyword filters added."""
    try:
        parsed = parse(q, lang)
    except Exception:  # a parser bug must not become a 500: fall back to plain words
        parsed = fallback(q, lang)
    parsed.filters += keyword_filters(speaker, interview, lang, kind, date_from, date_to)
    return parsed


def whoosh_query(parsed: Parsed, filters: list | None = None, must_not: list | None = None):
    """One whoosh query: words AND filters (unscored), minus exclusions."""
    filters = parsed.filters if filters is None else filters
    must_not = parsed.must_not if must_not is None else must_not
    must = list(parsed.must) + [Q.ConstantScoreQuery(f, 0.0) for f in filters]
    main = Q.And(must) if len(must) > 1 else must[0] if must else Q.Every()
    return Q.AndNot(main, Q.Or(must_not)) if must_not else main


def column_check(f):
    """(field, key, test) to filter by a column value, or None for filters that need the
    index."""
    if isinstance(f, Q.Term) and f.fieldname in COLUMN_FILTERS:
        return f.fieldname, f.text, f.text.__eq__
    if isinstance(f, Q.NumericRange) and f.fieldname == "day":
        lo, hi = f.start or 1, f.end or 99_999_999
        return "day", (lo, hi), lambda day: lo <= (day or 0) <= hi
    return None


def collect(index: SearchIndex, searcher, parsed: Parsed, limit: int) -> TopAndAll:
    """Run the query. Filters on a column (speaker and interview slugs, language, kind,
    dates), kept or excluded, are checked against masks of the column values (one byte per
    passage, kept for the next query) instead of intersecting postings: at 100k passages
    that took date:2021 KI from 90 to ~10 ms, and lang:de alone from 99 ms to ~10."""
    kept, rest = by_column(parsed.filters)
    dropped, must_not = by_column(parsed.must_not)
    masks = [index.mask(searcher, name, key, test) for name, key, test in kept]
    masks += [
        index.mask(searcher, name, ("not", key), lambda v, test=test: not test(v))
        for name, key, test in dropped
    ]
    allow = masks[0] if masks else None
    for mask in masks[1:]:
        allow = both(allow, mask)
    everything = not parsed.must and not rest and not must_not
    # No block skipping and no matcher replacement: both drop matches that cannot reach the
    # top N, which would make the total and the facets wrong (and they saved nothing here).
    collector = TopAndAll(limit=limit, allow=allow, everything=everything)
    query = Q.NullQuery() if everything else whoosh_query(parsed, rest, must_not)
    searcher.search_with_collector(query, collector)
    return collector


def by_column(queries: list) -> tuple[list, list]:
    """(column checks, the other queries) of a list of filters or exclusions."""
    checks = [(q, column_check(q)) for q in queries]
    return [c for _, c in checks if c], [q for q, c in checks if not c]


def both(a: bytearray, b: bytearray) -> bytearray:
    """The AND of two masks of 0/1 bytes, computed on them as big integers (in C)."""
    return bytearray((int.from_bytes(a, "big") & int.from_bytes(b, "big")).to_bytes(len(a), "big"))


def matching_ids(index: SearchIndex, q: str, **filters) -> set[str]:
    """Every matching passage id, unranked (for checks against another engine)."""
    parsed, searcher = prepare(q, **filters), index.searcher()
    if searcher is None or not (parsed.must or parsed.filters):
        return set()
    docnums = collect(index, searcher, parsed, 1).docnums
    return {searcher.stored_fields(n)["id"] for n in docnums}


def _bounded(value, low, high, default) -> int:
    try:
        return min(high, max(low, int(value)))
    except (TypeError, ValueError):
        return default


def _run(index: SearchIndex, searcher, parsed: Parsed, result: SearchResult, facets: bool):
    limit = result.page * result.page_size
    collector = collect(index, searcher, parsed, limit)
    result.total = len(collector.docnums)
    result.hits = page_hits(
        searcher, collector.results(), (result.page - 1) * result.page_size, limit, parsed.terms
    )
    if facets:
        result.facets = {
            name: _counts(*index.codes(searcher, field), collector.docnums)
            for name, field in FACETS.items()
        }
    if result.total == 0:
        result.did_you_mean = suggest(index, searcher, parsed.words, result.query)


def _counts(codes: list[int], labels: list, docnums: list[int]) -> dict[str, int]:
    """The FACET_SIZE most frequent values among the matches, most frequent first."""
    picked = itemgetter(*docnums)(codes) if len(docnums) > 1 else [codes[d] for d in docnums]
    counts = [(labels[code], n) for code, n in Counter(picked).items() if labels[code] != ""]
    return dict(heapq.nsmallest(FACET_SIZE, counts, key=lambda kv: (-kv[1], kv[0])))


def page_hits(searcher, hits, start: int, stop: int, terms) -> list[Hit]:
    """Hits start..stop of whoosh Results, with snippets marked at the offsets the index
    stored for the query's terms ("pinpoint": no re-analysis of the passage text)."""
    picked = [
        (hits.docnum(i), hits.score(i)) for i in range(start, min(stop, hits.scored_length()))
    ]
    words, prefixes, phrases = split_terms(terms)
    stored = {d: searcher.stored_fields(d) for d, _ in picked}
    if prefixes:  # a prefix may stand for thousands of indexed words: read the hits instead
        tokens = {d: text_tokens(fields.get("text", "")) for d, fields in stored.items()}
    else:
        read = words.union(*phrases) if phrases else words
        tokens = postings_tokens(searcher, list(stored), sorted(read))
    return [
        to_hit(stored[d], score, marks(tokens[d], words, prefixes, phrases)) for d, score in picked
    ]


def text_tokens(text: str) -> list[tuple]:
    """(start, end, forms, position) of every word of a text, analysed again."""
    return [(s, e, text_forms(word, han), i) for i, (s, e, word, han) in enumerate(split(text))]


def postings_tokens(searcher, docnums: list[int], words: list[str]) -> dict[int, list]:
    """docnum -> [(startchar, endchar, (word,), position)] of the words, from the postings."""
    tokens: dict[int, list] = {d: [] for d in docnums}
    for word in words:
        try:
            postings = searcher.postings("text", word)
        except TermNotFound:
            continue
        for docnum in sorted(docnums):
            if postings.is_active() and postings.id() < docnum:
                postings.skip_to(docnum)
            if not postings.is_active():
                break
            if postings.id() == docnum:
                tokens[docnum] += [
                    (s, e, (word,), pos) for pos, s, e in postings.value_as("characters")
                ]
    return tokens


def to_hit(fields: dict, score: float, spans: list) -> Hit:
    text = fields.get("text", "")
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
        snippet_html=mark_spans(text, *window(text, spans, SNIPPET_CHARS), spans),
    )


def group(hits: list[Hit]) -> list[dict]:
    groups: dict[str, dict] = {}
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


def suggest(index: SearchIndex, searcher, words: list[str], q: str) -> str:
    """'Did you mean': the query with unknown words replaced by the closest indexed word."""
    corrected, corrector = q, ListCorrector(index.spelling_words())
    for word in words[:5]:
        folded = match_form(word)
        if len(folded) > 24:  # the edit-distance automaton is slow on long words
            continue
        if any(searcher.doc_frequency("text", stem(folded, lang)) for lang in ("de", "en")):
            continue
        # Keeping the first letters cuts the edit-distance search from ~110 ms to a few ms
        found = corrector.suggest(folded, limit=1, prefix=2 if len(folded) >= 6 else 1)
        if found and found[0] != folded:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], corrected, count=1)
    return corrected if corrected != q else ""

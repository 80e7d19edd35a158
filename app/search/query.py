"""The query language: a user's query string as a plain structure of clauses.

Whoosh's own QueryParser raises IndexError on `NOT OR foobar` / `NOT NOT NOT`, is quadratic
on long tokens and lets `*x` / `field:*` enumerate every term. So queries are parsed here
with one regex into clauses, bounded in length before any work, and built into the plain
nodes below (Term, Phrase, Prefix, Sequence, Tiered, DayRange, AllOf, AnyOf); app.search.run
turns them into
engine queries. Only our own fields exist, and anything unexpected becomes plain words
(like Elasticsearch's simple_query_string). Nothing here raises on user input, and nothing
here builds an engine object.

Syntax: words (AND), "phrases", OR, -word / NOT word, prefix* (>= 2 characters before *),
speaker: interview: lang: kind: date:YYYY[-MM[-DD]] or date:FROM..TO.

Unquoted words match their stems; a quoted phrase matches the exact word forms (after case,
width and diacritic folding; Traditional and Simplified Chinese alike). Han, kana and hangul
text matches as jieba words or as a run of character bigrams, so any fragment of a passage
finds it; word matches rank first (see app.search.sequences).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from app.search.analysis import (
    CJK_RUN,
    QUERY_LANGUAGES,
    STARTS,
    fold_chars,
    grams,
    query_variants,
    split,
    stems_of,
)
from app.search.analysis import terms as analysed
from app.text import has_cjk, match_form, name_key

MAX_QUERY = 500  # characters; the rest is dropped before parsing
MAX_WORD = 64  # characters of one word (whoosh is slow on very long tokens)
MAX_CLAUSES = 24
# Prefixes per query: under an AND, whoosh steps through the union of each prefix's words
# posting by posting; 24 two-letter prefixes took a second at 20k passages.
MAX_PREFIXES = 4
MAX_PLACES = 48  # places of quotes and CJK text to line up, see `placed`
MAX_PLACES_NOTE = (
    f"Only the first {MAX_PLACES} places of the query (quoted words, pairs of Chinese, "
    "Japanese or Korean characters) were used."
)
FILTER_FIELDS = ("speaker", "interview", "lang", "kind", "date")
QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』＂"})
CLAUSE = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))'
)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$", re.I)
TEXT, EXACT, GRAMS = "text", "exact", "grams"  # the index's fields (app.search.index)
WORD_CHARS = re.compile(r"[^\W\d_]{3,}")


# ---------------------------------------------------------------- the plain structure


@dataclass(frozen=True)
class Term:
    """An indexed word (or keyword value) in one field."""

    field: str
    text: str


@dataclass(frozen=True)
class Phrase:
    """Indexed words at adjacent positions of one field."""

    field: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """Every indexed word of a field that starts with `text`."""

    field: str
    text: str


@dataclass(frozen=True)
class DayRange:
    """Passages dated from day `lo` to day `hi` (YYYYMMDD numbers; hi None: open end)."""

    lo: int
    hi: int | None


@dataclass(frozen=True)
class AllOf:
    """Every part matches (AND)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part matches (OR)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Sequence:
    """A phrase whose places may be filled from several fields: `slots` are (offset,
    options), an option (field, term, unmarked); `unmarked` counts the term only where the
    word was its own stem (app.search.analysis explains the `exact` field's mark)."""

    slots: tuple[tuple[int, tuple[tuple[str, str, bool], ...]], ...]


@dataclass(frozen=True)
class Tiered:
    """CJK text as jieba words or as bigrams; passages matching as words rank first."""

    words: Node
    grams: Node


Node = Term | Phrase | Prefix | Sequence | Tiered | DayRange | AllOf | AnyOf


@dataclass
class Parsed:
    """A query: `must` clauses are scored and ANDed, `filters` must match but add nothing to
    a score, `must_not` must not match; `terms` are the analysed forms to mark in text
    (see app.search.snippets.split_terms); `langs` the stemmers a word is stemmed with."""

    must: list[Node] = field(default_factory=list)
    must_not: list[Node] = field(default_factory=list)
    filters: list[Node] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)  # plain words and CJK runs: did-you-mean
    notes: list[str] = field(default_factory=list)
    langs: tuple[str, ...] = QUERY_LANGUAGES
    # the filters written into the query: (name, value, excluded), to show them in a form
    typed: list[tuple[str, str, bool]] = field(default_factory=list)
    prefixes: int = 0  # prefix clauses so far (at most MAX_PREFIXES)
    places: int = 0  # positions to line up so far (at most MAX_PLACES, see `placed`)


def either(parts: list[Node]) -> Node:
    """One node for alternatives: the node itself when there is one."""
    return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))


# ---------------------------------------------------------------- parsing


def tidy_query(q: str, notes: list[str]) -> str:
    q = q or ""
    if len(q) > MAX_QUERY:
        notes.append(f"The query was shortened to {MAX_QUERY} characters.")
        q = q[:MAX_QUERY]
    q = unicodedata.normalize("NFKC", q).translate(QUOTES)
    return "".join(c if c.isprintable() else " " for c in q)


def text_query(text: str, lang: str | None, phrase: bool, parsed: Parsed) -> Node | None:
    """Query for a word or phrase; None when nothing is left. Text with Han, kana or hangul
    matches as words or as bigrams (`Tiered`)."""
    text = text[: MAX_QUERY if phrase else MAX_WORD]
    words = exact_query(text, parsed) if phrase else stemmed_query(text, lang, parsed)
    if not has_cjk(text):
        return words
    fragments = gram_query(text, lang, phrase, parsed)
    return fragments if words is None else Tiered(words, fragments)


def stemmed_query(text: str, lang: str | None, parsed: Parsed) -> Node | None:
    """Unquoted words: one form per stemmer, ORed. A word that analyses to several tokens
    ("KI-Talente", or Chinese typed without spaces: jieba's words of 数据中心里) stays one
    unit, like a phrase; words joined by spaces match in any order. (Chinese words once
    matched in any order, because a fragment that cut a word never matched as a phrase;
    the bigrams find those now, and scattered characters such as 就 and 能 ranked above
    the passage that holds the fragment.)"""
    adjacent = not re.search(r"\s", text.strip())
    options: list[Node] = []
    for tokens in query_variants(text, lang, parsed.langs):
        if not tokens:
            continue
        together = adjacent and len(tokens) > 1
        parsed.terms.update([" ".join(tokens)] if together else tokens)
        if len(tokens) == 1:
            options.append(Term("text", tokens[0]))
        elif adjacent:
            options.append(Phrase("text", tuple(tokens)))
        else:
            options.append(AllOf(tuple(Term("text", t) for t in tokens)))
    return either(options) if options else None


def exact_query(text: str, parsed: Parsed) -> Sequence | None:
    """A quote: each word in its folded form, unstemmed. A form its stemmer changed is in
    `exact`; a form that is its own stem is in `text`, where no mark says otherwise."""
    slots, forms = [], []
    for k, (_, _, word, is_han) in enumerate(split(text)):
        form = word if is_han else match_form(word)
        options = ((TEXT, form, False),) if is_han else ((EXACT, form, False), (TEXT, form, True))
        slots.append((k, options))
        forms.append(form)
    if not slots:
        return None
    parsed.terms.add('"' + " ".join(forms) + '"')
    return Sequence(tuple(slots))


def gram_query(text: str, lang: str | None, phrase: bool, parsed: Parsed) -> Node:
    """Each Han, kana or hangul run as a run of bigrams at consecutive positions (each in
    `grams`, or a word of `text` starting there: app.search.analysis), and the text's other
    words as words (quoted or not)."""
    parts: list[Node] = []
    for run in CJK_RUN.findall(text):
        slots = tuple((at, ((GRAMS, g, False), (STARTS, g, False))) for at, g in grams(run))
        parts.append(Sequence(slots))
        parsed.terms.add("~" + fold_chars(run))
    rest = CJK_RUN.sub(" ", text).strip()
    if rest:
        words = exact_query(rest, parsed) if phrase else stemmed_query(rest, lang, parsed)
        parts += [words] if words is not None else []
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def prefix_query(word: str, parsed: Parsed) -> Node | None:
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
    parsed.prefixes += 1
    if parsed.prefixes > MAX_PREFIXES:  # see app.search.budget
        if parsed.prefixes == MAX_PREFIXES + 1:
            parsed.notes.append(f"Only the first {MAX_PREFIXES} prefixes were used.")
        return None
    *before, last = tokens
    forms = list(dict.fromkeys([last] + sorted(stems_of(last, parsed.langs))))
    parsed.terms.update(f + "*" for f in forms)
    found = either([Prefix("text", f) for f in forms if len(f) >= 2])
    if before:
        parsed.notes.append(f"{word!r} was searched as {' '.join(before)} and {last}*.")
        words = [text_query(w, None, False, parsed) for w in before]
        return AllOf(tuple([w for w in words if w is not None] + [found]))
    return found


def day_number(iso: str, last: bool = False) -> int:
    """ "2024-05-03" -> 20240503; a year or month alone -> its first (or last) day."""
    parts = [int(p) for p in iso.split("-")[:3]]
    parts += [99 if last else 0] * (3 - len(parts))
    return parts[0] * 10_000 + parts[1] * 100 + parts[2]


def date_filter(value: str) -> DayRange | None:
    lo, _, hi = value.partition("..") if ".." in value else (value, "", value)
    lo, hi = lo.strip(), hi.strip()
    ok = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
    if not (ok.match(lo) and ok.match(hi)) or not (lo or hi):
        return None
    # whoosh 2.7's trie ranges match every passage for an open start (None, made 0) and for
    # an end of 99999999; a start of 1 and an open end were right in 2,651 random ranges
    return DayRange(day_number(lo) if lo else 1, day_number(hi, last=True) if hi else None)


def filter_query(name: str, value: str, speakers: dict[str, set[str]] | None = None) -> Node | None:
    """The node of one filter. `speakers` maps every name and alias of a speaker, in any
    script, and each part of it (name_key form) to their slugs: speaker:达里奥 finds Dario
    Amodei through the alias 达里奥·阿莫迪."""
    value = value.strip().strip("*")
    if not value:
        return None
    if name == "speaker":
        known = sorted((speakers or {}).get(name_key(value), ()))
        if known:
            return either([Term("speaker_slug", slug) for slug in known])
        slug = Term("speaker_slug", value.casefold())
        tokens = analysed(value)
        if not tokens or SLUG.match(value):  # a slug: no phrase over every passage's name
            return slug
        by_name = (
            Phrase("speaker_name", tuple(tokens))
            if len(tokens) > 1
            else Term("speaker_name", tokens[0])
        )
        return AnyOf((slug, by_name))
    if name == "interview":
        return Term("interview_slug", value.casefold())
    if name == "lang":
        return Term("language", value.casefold())
    if name == "kind":
        return Term("kind", value.casefold())
    return date_filter(value)


def parse(
    q: str,
    lang: str | None = None,
    langs: tuple[str, ...] = QUERY_LANGUAGES,
    speakers: dict[str, set[str]] | None = None,
) -> Parsed:
    """Clauses left to right; bare AND is the default, NOT negates the next clause, OR joins
    the next clause to the previous one. Operators without operands are ignored. `langs`:
    the stemmers of the archive's languages (app.search.analysis.stem_languages)."""
    parsed = Parsed(langs=tuple(langs))
    negate_next, or_next, clauses = False, False, 0
    for m in CLAUSE.finditer(tidy_query(q, parsed.notes)):
        word = m.group("word")
        if word in ("AND", "NOT", "OR") and not m.group("field") and not m.group("neg"):
            negate_next = negate_next != (word == "NOT")
            or_next = word == "OR" and bool(parsed.must)
            continue
        # every clause counts, those joined by OR too: they went uncounted, and ~70
        # two-letter prefixes fit in 500 characters (2-3 s alone, 28 s with four at once)
        clauses += 1
        if clauses > MAX_CLAUSES:
            parsed.notes.append(f"Only the first {MAX_CLAUSES} parts of the query were used.")
            break
        negate, negate_next = bool(m.group("neg")) != negate_next, False
        marked = set(parsed.terms)
        built = clause(m, lang, parsed, negate, speakers)
        if negate:  # what a passage must not hold is not marked in it
            parsed.terms = marked
        if built is None or repeated(built, parsed, or_next and not negate):
            continue
        if negate:
            parsed.must_not.append(built)
        elif or_next and parsed.must:
            parsed.must[-1] = ored(parsed.must[-1], built)
        else:
            parsed.must.append(built)
        or_next = False
    return parsed


def ored(last: Node, built: Node) -> AnyOf:
    """`last OR built`, one flat OR for a chain of them: nested pairs made the engine
    estimate every inner OR's size again at each level (a quadratic 40 ms of the 8-word
    OR of bench's hostile queries at 10k passages) and sum the scores a level at a time."""
    return AnyOf((*last.parts, built) if isinstance(last, AnyOf) else (last, built))


def repeated(built: Node, parsed: Parsed, ored: bool) -> bool:
    """A clause the query already has (`"die KI ist" OR "die KI ist" OR …` costs as much
    as its copies, and finds nothing more)."""
    if ored and parsed.must:
        last = parsed.must[-1]
        return built == last or (isinstance(last, AnyOf) and built in last.parts)
    return built in parsed.must or built in parsed.must_not


def clause(
    m: re.Match[str],
    lang: str | None,
    parsed: Parsed,
    negate: bool,
    speakers: dict[str, set[str]] | None = None,
) -> Node | None:
    """The query of one word, phrase or prefix (filters go straight into `parsed`)."""
    word, phrase, name = m.group("word"), m.group("phrase"), (m.group("field") or "").lower()
    if name in FILTER_FIELDS:
        value = phrase if phrase is not None else word
        built = filter_query(name, value, speakers)
        if built is None:
            parsed.notes.append(f"Ignored the empty or malformed filter {m.group()!r}.")
        else:
            (parsed.must_not if negate else parsed.filters).append(built)
            parsed.typed.append((name, value.strip().strip("*"), negate))
        return None
    if name:  # unknown field: its words are plain words, ANDed
        word, phrase = m.group().lstrip("-").replace(":", " ").replace('"', " "), None
    if phrase is not None:  # a misspelt quote gets a suggestion too
        parsed.words += suggestible(phrase)
        return placed(phrase, lambda t: text_query(t, lang, True, parsed), parsed)
    word = word[:MAX_WORD]
    if word.endswith("*") and not name:
        return prefix_query(word, parsed)
    if word.startswith("*"):
        parsed.notes.append(f"Leading wildcards are not supported; searched {word.strip('*')!r}.")
    parsed.words += suggestible(word)
    return placed(word.replace("*", " "), lambda t: text_query(t, lang, False, parsed), parsed)


def placed(text: str, build: Callable[[str], Node | None], parsed: Parsed) -> Node | None:
    """The clause built from `text`, cut to the query's places left (quoted words, CJK
    bigrams: at most MAX_PLACES). Each place is a posting list to open and line up: a
    pasted paragraph of 500 Chinese characters was over a thousand (2 s at 10,000
    passages); its first few dozen characters find the passage it was copied from."""
    left = MAX_PLACES - parsed.places
    marked = set(parsed.terms)
    built = build(text) if left > 0 else None
    count = places(built)
    while count > left:
        text = shortened(text, len(text) * left // count) if left > 0 else ""
        parsed.terms = set(marked)  # the longer text's marks go
        built = build(text) if text.strip() else None
        count = places(built)
        if MAX_PLACES_NOTE not in parsed.notes:
            parsed.notes.append(MAX_PLACES_NOTE)
    parsed.places += count
    return built


def shortened(text: str, size: int) -> str:
    """The first `size` characters of a text, without a word of Latin (or other spaced)
    script cut in two: a quote's last word must stay exact. CJK text may be cut anywhere
    (its bigrams match any fragment)."""
    cut = text[:size]
    if size < len(text) and is_spaced_letter(text[size]):
        while cut and is_spaced_letter(cut[-1]):
            cut = cut[:-1]
    return cut


def is_spaced_letter(char: str) -> bool:
    return char.isalnum() and not CJK_RUN.match(char)


def places(node: object) -> int:
    """Quoted words, phrase words and CJK bigrams of a node (positions to line up)."""
    if isinstance(node, Sequence):
        return len(node.slots)
    if isinstance(node, Phrase):
        return len(node.words)
    if isinstance(node, Tiered):
        return places(node.words) + places(node.grams)
    return sum(places(p) for p in getattr(node, "parts", ()))


def suggestible(text: str) -> list[str]:
    """The words of a text that may get a "did you mean": words of three letters or more
    and runs of two or more Han, kana or hangul characters."""
    runs = [r for r in CJK_RUN.findall(text) if len(r) >= 2]
    return [w for w in WORD_CHARS.findall(CJK_RUN.sub(" ", text))] + runs


def fallback(q: str, lang: str | None) -> Parsed:
    """Plain analysed words, ANDed: what is left when parsing itself went wrong."""
    parsed = Parsed(notes=["The query could not be parsed; searched for its words."])
    words = analysed(tidy_query(q, [])[:MAX_QUERY], lang or "")[:MAX_CLAUSES]
    parsed.must = [Term("text", w) for w in words]
    parsed.terms = set(words)
    return parsed


def keyword_filters(
    speaker: str | None,
    interview: str | None,
    lang: str | None,
    kind: str | None,
    date_from: str | None,
    date_to: str | None,
    speakers: dict[str, set[str]] | None = None,
) -> list[Node]:
    out: list[Node] = []
    for name, value in (
        ("speaker", speaker),
        ("interview", interview),
        ("lang", lang),
        ("kind", kind),
    ):
        if value:
            built = filter_query(name, str(value), speakers)
            out += [built] if built is not None else []
    if date_from or date_to:
        built = date_filter(f"{date_from or ''}..{date_to or ''}")
        out += [built] if built is not None else []
    return out


def prepare(
    q: str,
    *,
    speaker: str | None = None,
    interview: str | None = None,
    lang: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    speakers: dict[str, set[str]] | None = None,
    langs: tuple[str, ...] = QUERY_LANGUAGES,
) -> Parsed:
    """The parsed query with the keyword filters (the search form's fields) added;
    `speakers` resolves speaker names and aliases (see filter_query)."""
    try:
        parsed = parse(q, lang, langs, speakers)
    except Exception:  # a parser bug must not become a 500: fall back to plain words
        parsed = fallback(q, lang)
    parsed.filters += keyword_filters(speaker, interview, lang, kind, date_from, date_to, speakers)
    return parsed

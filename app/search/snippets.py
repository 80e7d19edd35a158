"""Snippets: which stretch of a passage to show and which spans of it to mark, as plain text
and (start, end) offsets. No HTML here: the web layer (app.web.marks) escapes and marks up.

The spans come from the offsets the index stored for the query's terms (see
app.search.run.page_hits) or, for text outside the index, prefixes and quotes, from
analysing the text again (`text_tokens`); CJK fragments are found in the folded text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from app.search.analysis import STEMMERS, fold_chars, split, stems_of
from app.text import match_form

SNIPPET_CHARS = 240


@dataclass
class Snippet:
    """A stretch of a passage with spans to mark.

    `text` is the stretch (no leading or trailing whitespace), `marks` are (start, end)
    offsets into it, sorted and not overlapping; `cut_start` / `cut_end` say that the
    passage goes on before / after it (shown as "…")."""

    text: str
    marks: list[tuple[int, int]] = field(default_factory=list)
    cut_start: bool = False
    cut_end: bool = False


class Terms(NamedTuple):
    """SearchResult.terms by kind: `words` (analysed forms), `prefixes` ("xy*"), `phrases`
    (a term with spaces: stems marked only where they stand together), `quotes` ('"a b"':
    folded forms marked only where they stand together, unstemmed) and `fragments` ("~xy":
    Han, kana or hangul text, marked wherever its folded characters stand)."""

    words: set[str]
    prefixes: tuple[str, ...]
    phrases: list[list[str]]
    quotes: list[list[str]]
    fragments: list[str]


# (start, end, the forms of the word, position) of a word of a text
Token = tuple[int, int, tuple[str, ...], int]
# (start, end, the term it marks) of a stretch of text to mark
Span = tuple[int, int, str]


def split_terms(terms: Collection[str]) -> Terms:
    quotes = [t[1:-1].split(" ") for t in terms if len(t) > 2 and t[0] == t[-1] == '"']
    fragments = [t[1:] for t in terms if t.startswith("~") and len(t) > 1]
    rest = [t for t in terms if not (t.startswith("~") or t.startswith('"'))]
    return Terms(
        words={t for t in rest if " " not in t and not t.endswith("*")},
        prefixes=tuple(t[:-1] for t in rest if t.endswith("*")),
        phrases=[t.split(" ") for t in rest if " " in t],
        quotes=quotes,
        fragments=fragments,
    )


def marks(tokens: list[Token], terms: Terms, text: str = "") -> list[Span]:
    """(start, end, key) to mark, from tokens (start, end, forms, position): a token whose
    forms hold a word or start with a prefix, each run of positions holding a phrase or
    (by the first, folded form alone) a quote, and each fragment found in `text`."""
    words, prefixes = terms.words, terms.prefixes
    out = [
        (s, e, forms[0])
        for s, e, forms, _ in tokens
        if words.intersection(forms) or (prefixes and forms[0].startswith(prefixes))
    ]
    if terms.phrases or terms.quotes:
        at = {pos: (s, e, forms) for s, e, forms, pos in tokens}
        for phrase, exact in [(p, False) for p in terms.phrases] + [
            (q, True) for q in terms.quotes
        ]:
            for s, _, forms, pos in tokens:
                if holds(forms, phrase[0], exact) and all(  # the first word, then the rest
                    holds(at.get(pos + k, (0, 0, ()))[2], word, exact)
                    for k, word in enumerate(phrase)
                ):
                    out.append((s, at[pos + len(phrase) - 1][1], " ".join(phrase)))
    folded = None
    for piece in terms.fragments if text else ():
        if piece not in text and folded is None:  # written in other forms (繁體, width)
            folded = fold_chars(text)
        found = text if piece in text else folded or ""
        out += [(m.start(), m.end(), piece) for m in re.finditer(re.escape(piece), found)]
    return out


def holds(forms: tuple[str, ...], word: str, exact: bool) -> bool:
    return (forms[:1] == (word,)) if exact else word in forms


def text_forms(word: str, is_han: bool) -> tuple[str, ...]:
    """The forms a word of a text can take in the index: folded, then each stem."""
    if is_han:
        return (word,)
    form = match_form(word)
    return form, *sorted(stems_of(form, STEMMERS) - {form})


def text_tokens(text: str) -> list[Token]:
    """(start, end, forms, position) of every word of a text, analysed again."""
    return [(s, e, text_forms(word, han), i) for i, (s, e, word, han) in enumerate(split(text))]


def window(text: str, spans: list[Span], limit: int) -> tuple[int, int]:
    """(start, end) of a `limit`-character stretch of text holding the most different terms
    (so a phrase wins over a cluster of "von" or "的"); of several, the one starting latest,
    which puts the rarer terms near its start rather than at its cut-off end."""
    if len(text) <= limit:
        return 0, len(text)
    spans, width = sorted(spans) or [(0, 0, "")], limit * 3 // 4
    best, most, j = spans[0][0], 0, 0
    inside: Counter[str] = Counter()
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


def cut(text: str, start: int, end: int, spans: list[Span]) -> Snippet:
    """text[start:end] without its outer whitespace (no "…" above an empty line), with the
    spans that lie inside it; of overlapping spans, the one starting first (and of those the
    longest) is kept."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    kept: list[tuple[int, int]] = []
    at = start
    for s, e, *_ in sorted(spans, key=lambda span: (span[0], -span[1])):
        if s < at or e > end:
            continue
        kept.append((s - start, e - start))
        at = e
    return Snippet(text[start:end], kept, start > 0, end < len(text))


def snippet(text: str, spans: list[Span], limit: int = SNIPPET_CHARS) -> Snippet:
    """The `limit`-character stretch of text with the most marked terms (see `window`)."""
    return cut(text, *window(text, spans, limit), spans)


def text_snippet(text: str, terms: Collection[str], limit: int | None = None) -> Snippet:
    """Any text (a passage shown on a page) with the search terms marked.

    `terms` are SearchResult.terms (see split_terms). Without `limit`, the whole text."""
    text = text or ""
    spans = marks(text_tokens(text), split_terms(terms), text)
    return snippet(text, spans, limit or len(text))

"""Snippets: which stretch of a passage to show and which spans of it to mark, as plain text
and (start, end) offsets. No HTML here: the web layer (app.web.marks) escapes and marks up.

The spans come from the offsets the index stored for the query's terms (see
app.search.run.page_hits) or, for text outside the index and for prefixes, from analysing
the text again (`text_tokens`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.search.analysis import split, stem
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


def text_tokens(text: str) -> list[tuple]:
    """(start, end, forms, position) of every word of a text, analysed again."""
    return [(s, e, text_forms(word, han), i) for i, (s, e, word, han) in enumerate(split(text))]


def window(text: str, spans, limit: int) -> tuple[int, int]:
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


def cut(text: str, start: int, end: int, spans) -> Snippet:
    """text[start:end] without its outer whitespace (no "…" above an empty line), with the
    spans that lie inside it; of overlapping spans, the one starting first (and of those the
    longest) is kept."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    kept, at = [], start
    for s, e, *_ in sorted(spans, key=lambda span: (span[0], -span[1])):
        if s < at or e > end:
            continue
        kept.append((s - start, e - start))
        at = e
    return Snippet(text[start:end], kept, start > 0, end < len(text))


def snippet(text: str, spans, limit: int = SNIPPET_CHARS) -> Snippet:
    """The `limit`-character stretch of text with the most marked terms (see `window`)."""
    return cut(text, *window(text, spans, limit), spans)


def text_snippet(text: str, terms, limit: int | None = None) -> Snippet:
    """Any text (a passage shown on a page) with the search terms marked.

    `terms` are SearchResult.terms (see split_terms). Without `limit`, the whole text."""
    text = text or ""
    spans = marks(text_tokens(text), *split_terms(terms))
    return snippet(text, spans, limit or len(text))

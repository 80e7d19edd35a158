"""Marked text as HTML: the one place where search spans become `<mark>` elements.

The search package hands out plain text and (start, end) spans (app.search.snippets);
here the text is escaped and the spans wrapped, so a scraped `<script>` stays text.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.search.snippets import Snippet, cut, text_snippet


def marked(text: str, spans) -> Markup:
    """text, HTML-escaped, with the (start, end) spans (sorted, not overlapping) in <mark>."""
    out, at = [], 0
    for s, e in spans:
        out += [escape(text[at:s]), Markup("<mark>"), escape(text[s:e]), Markup("</mark>")]
        at = e
    out.append(escape(text[at:]))
    return Markup("").join(out)


def snippet_html(snippet: Snippet) -> Markup:
    """A snippet marked, with "…" where the passage goes on."""
    before = Markup("…") if snippet.cut_start else Markup("")
    after = Markup("…") if snippet.cut_end else Markup("")
    return before + marked(snippet.text, snippet.marks) + after


def mark_spans(text: str, start: int, end: int, spans) -> Markup:
    """text[start:end], escaped, with the (start, end, …) spans of text in <mark>."""
    return snippet_html(cut(text, start, end, spans))


def highlight(text: str, terms, limit: int | None = None) -> Markup:
    """The one way to show text with search terms marked: escaped, terms in <mark>.

    `terms` are SearchResult.terms. With `limit`, only a window of that many characters
    around the most matches is shown."""
    return snippet_html(text_snippet(text, terms, limit))

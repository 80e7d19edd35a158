"""A passage cited three ways (plain text, BibTeX, the bare quote), its words in one pair of
the quote marks of the passage's language.

A passage that the source already prints inside quote marks ("Du sagtest, …") loses that
outer pair first: a citation with two pairs (“"…"”) reads as a quote of a quote.
"""

from __future__ import annotations

import re

from app.text import slugify
from app.web.labels import language_name
from app.web.views import Citation, InterviewCard, PassageView, Version

# opening and closing marks of each language's primary quotation (CLDR's delimiters)
MARKS = {
    "de": ("„", "“"),
    "zh": ("“", "”"),  # simplified Chinese; traditional Chinese texts take 「」 (zh-Hant)
    "zh-Hant": ("「", "」"),
    "ja": ("「", "」"),
    "ko": ("“", "”"),
    "fr": ("«\u00a0", "\u00a0»"),
    "es": ("«", "»"),
    "it": ("«", "»"),
    "pt": ("“", "”"),
    "ru": ("«", "»"),
    "pl": ("„", "”"),
    "nl": ("“", "”"),
    "sv": ("”", "”"),
    "en": ("“", "”"),
}
PAIRS = {
    '"': '"',
    "“": "”",
    "„": "“",
    "«": "»",
    "»": "«",
    "「": "」",
    "『": "』",
    "‘": "’",
    "'": "'",
}
# a BibTeX value's special characters, escaped so that any title survives
BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def marks(language: str) -> tuple[str, str]:
    return MARKS.get(language, MARKS["en"])


def unquoted(text: str) -> str:
    """The text without its outer quote marks: one pair around the whole text, or one pair
    around each paragraph (the way a quote running over paragraphs is printed)."""
    text = text.strip()
    paragraphs = re.split(r"(\n\s*\n)", text)  # the separators stay at odd positions
    bare = [one_quote(part) for part in paragraphs[::2]]
    if all(b is not None for b in bare):
        paragraphs[::2] = bare
        return "".join(paragraphs)
    whole = one_quote(text)
    return text if whole is None else whole


def one_quote(text: str) -> str | None:
    """The words inside a text that is exactly one quotation, else None."""
    text = text.strip()
    if len(text) < 2:
        return None
    opening, closing = text[0], text[-1]
    if PAIRS.get(opening) == closing or (opening in "„“" and closing in "“”"):
        inner = text[1:-1]
        if opening not in inner and closing not in inner:
            return inner.strip()
    return None


def quote(text: str, language: str) -> str:
    opening, closing = marks(language)
    return f"{opening}{unquoted(text)}{closing}"


def is_other_version(interview: InterviewCard, version: Version) -> bool:
    first = interview.languages[0] if interview.languages else None
    return version.language != first or "translation" in version.provenance


def plain(
    passage: PassageView, interview: InterviewCard, version: Version, *, who: str, url: str
) -> str:
    """„Words“ — who, title, show #episode, publisher, date (language version). url"""
    parts = [f"{quote(passage.text, passage.language)} — {who}", interview.title]
    if interview.show and interview.show not in interview.title:
        episode = f" #{interview.episode}" if interview.episode else ""
        parts.append(interview.show + episode)
    if version.publisher and version.publisher != interview.show:
        parts.append(version.publisher)
    if interview.date:
        parts.append(interview.date)
    text = ", ".join(parts)
    if is_other_version(interview, version):
        text += f" ({language_name(version.language)} version)"
    return f"{text}. {url}"


def bibtex_value(text: str) -> str:
    return BIBTEX_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def bibtex(
    passage: PassageView, interview: InterviewCard, version: Version, *, who: str, url: str
) -> str:
    """A @misc entry (biblatex reads date, language and urldate-less url as they are)."""
    date = interview.date or version.published_date
    surname = slugify(who.split()[-1]) if who.split() else "anon"
    key = f"{surname or 'anon'}{date[:4]}_{passage.id[:8].lower()}"
    # a one-word name (an outlet, a label) in braces, so BibTeX does not split it
    author = bibtex_value(who) if " " in who.strip() else "{" + bibtex_value(who) + "}"
    where = interview.show + (f" #{interview.episode}" if interview.episode else "")
    fields = [
        ("author", author),
        ("title", bibtex_value(interview.title)),
        ("howpublished", bibtex_value(where)),
        ("publisher", bibtex_value(version.publisher)),
        ("year", date[:4]),
        ("date", date),
        ("language", language_name(version.language).lower()),
        ("note", bibtex_value(quote(passage.text, passage.language))),
        ("url", url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"


def cite(
    passage: PassageView, interview: InterviewCard, version: Version, *, who: str, url: str
) -> Citation:
    return Citation(
        plain=plain(passage, interview, version, who=who, url=url),
        bibtex=bibtex(passage, interview, version, who=who, url=url),
        quote=quote(passage.text, passage.language),
    )

"""What readers see instead of codes: language and kind names, roles, clock times, the
notes a version carries, which version a text is, and the links to a passage (the citation
is in citations.py).

Wording lives here so that pages and their JSON twins say the same thing.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from app.text import HAN_CHAR, HANGUL_CHAR, KANA_CHAR
from app.web.views import InterviewCard, PassageView, Version

LANGUAGES = {
    "de": "German",
    "zh": "Chinese",
    "en": "English",
    "ja": "Japanese",
    "ko": "Korean",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
}
# Each language's name in itself: a reader of the other version reads that language.
ENDONYMS = {
    "de": "Deutsch",
    "zh": "中文",
    "en": "English",
    "ja": "日本語",
    "ko": "한국어",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "nl": "Nederlands",
}
KINDS = {
    "interview": "Interview",
    "interview_summary": "Interview summary",
    "essay": "Essay",
    "article": "Article",
}
ROLES = ("host", "interviewer", "guest", "author")  # the order participants are listed in
REMOVED = "This passage was removed from the archive."


PAGE_KEYS = ("page", "appearances_page")  # page 1 is the page with no number


def link(path: str, params: dict | None = None, **more) -> str:
    """path?query with the empty values and page 1 left out (short, shareable URLs)."""
    merged = {**(params or {}), **more}
    query = "&".join(part for part in (Links.part(k, v) for k, v in merged.items()) if part)
    return f"{path}?{query}" if query else path


class Links:
    """Links to `path` that differ from one query (`params`) in a value or two: the facet
    links of a search page, ~100 of them. Each key's part of the query is encoded once;
    link(path, dict(params, **changes)) gives the same string, since urlencode joins the
    parts of each key in the dict's order and a changed key keeps its place."""

    def __init__(self, path: str, params: dict):
        self.path = path
        self.parts = {k: self.part(k, v) for k, v in params.items()}

    @staticmethod
    def part(key: str, value) -> str:
        if value in (None, "") or (key in PAGE_KEYS and str(value) == "1"):
            return ""
        # what urlencode({key: value}) gives, without its checks of every argument's type
        return f"{quote_plus(str(key))}={quote_plus(str(value))}"

    def to(self, **changes) -> str:
        parts = {**self.parts, **{k: self.part(k, v) for k, v in changes.items()}}
        query = "&".join(part for part in parts.values() if part)
        return f"{self.path}?{query}" if query else self.path


def passage_url(interview_slug: str, document_key: str, passage_id: str, q: str = "") -> str:
    """Where a passage stands in its interview: its version shown, in the window holding it
    (`at`: a long version is shown a window at a time), the query marked."""
    path = f"/interviews/{interview_slug}"
    return link(path, version=document_key, q=q, at=passage_id) + f"#{passage_id}"


def counterpart_url(slug: str, version: str, counterpart: str, here: str) -> str:
    """The other version opened at the counterpart (near: this passage; with script off
    the fragment still lands there)."""
    return link(f"/interviews/{slug}", version=version, near=here) + f"#{counterpart}"


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code or "unknown")


def endonym(code: str) -> str:
    return ENDONYMS.get(code, language_name(code))


def kind_name(code: str) -> str:
    return KINDS.get(code, code)


def clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    h, rest = divmod(int(seconds), 3600)
    return f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}"


def text_language(text: str, default: str = "") -> str:
    """The script of a short string (a name, an alias): lang attributes need it."""
    if KANA_CHAR.search(text):
        return "ja"
    if HANGUL_CHAR.search(text):
        return "ko"
    return "zh" if HAN_CHAR.search(text) else default


def provenance_notes(provenance: list[str], language: str, original: str) -> list[str]:
    notes = []
    if "ai_generated" in provenance:
        notes.append("AI-generated summary: quotes may not be verbatim.")
    elif "summary" in provenance:
        notes.append("Summary, not a verbatim transcript: quotes may be paraphrased.")
    if "translation" in provenance or (original and language and original != language):
        notes.append(
            f"{LANGUAGES.get(language, language or 'Unknown')} translation"
            + (f" of the {LANGUAGES.get(original, original)} original." if original else ".")
        )
    return notes


def attribution(passage: PassageView, interview: InterviewCard, version: Version) -> str:
    """Who a passage is credited to: its speaker, else its label, the show or the publisher."""
    if passage.speaker:
        return passage.speaker.name
    return passage.speaker_label or interview.show or version.publisher


def version_label(language: str, provenance: list[str]) -> str:
    """Which version a text is, in words: "German · translation · AI-generated summary"."""
    what = []
    if "translation" in provenance:
        what.append("translation")
    elif "transcript" in provenance:
        what.append("verbatim transcript")
    if "ai_generated" in provenance:
        what.append("AI-generated summary")
    elif "summary" in provenance:
        what.append("summary")
    return " · ".join([language_name(language).capitalize()] + (what or ["original text"]))

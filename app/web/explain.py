"""Why a search filter matches nothing, in words: "No speaker called “KI”."

Pure functions over what the archive holds (the read layer gathers it): the names and
aliases of speakers, the interview slugs, languages, kinds and the span of dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.text import name_key
from app.web.labels import kind_name, language_name

# what separates the parts of a name: spaces, the middle dots of Chinese and Japanese
# transliterations (达里奥·阿莫迪), hyphens
NAME_PARTS = re.compile(r"[\s·・‧•\-_.]+")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class Known:
    """What the archive holds, for checking filter values."""

    speakers: dict[str, set[str]] = field(default_factory=dict)  # name key -> slugs
    interviews: set[str] = field(default_factory=set)
    languages: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""


def speaker_keys(rows) -> dict[str, set[str]]:
    """name key -> slugs, from (slug, name, aliases) rows: every spelling whole and each
    part of it of two characters or more, so that "达里奥" finds "达里奥·阿莫迪"."""
    out: dict[str, set[str]] = {}
    for slug, name, aliases in rows:
        for spelling in [slug, name, *aliases]:
            key = name_key(spelling)
            for part in {key, *NAME_PARTS.split(key)}:
                if len(part) >= 2:
                    out.setdefault(part, set()).add(slug)
    return out


def note(name: str, value: str, known: Known) -> str:
    """Why one filter can match nothing, or "" when its value exists in the archive."""
    value = value.strip()
    if name == "speaker" and name_key(value) not in known.speakers:
        return f"No speaker called “{value}”: see the list of speakers for names and aliases."
    if name == "interview" and value.casefold() not in known.interviews:
        return f"No interview “{value}” in the archive."
    if name == "lang" and value.casefold() not in known.languages:
        held = ", ".join(language_name(code) for code in known.languages)
        return f"No passage in the language “{value}”; the archive holds {held}."
    if name == "kind" and value.casefold() not in known.kinds:
        held = ", ".join(kind_name(code).lower() for code in known.kinds)
        return f"No interview of the kind “{value}”; kinds are {held}."
    if name == "date":
        return date_note(value, known)
    return ""


def date_note(value: str, known: Known) -> str:
    lo, _, hi = value.partition("..") if ".." in value else (value, "", value)
    lo, hi = lo.strip(), hi.strip()
    if not (known.first_date and all(DATE.match(x) for x in (lo, hi) if x)):
        return ""
    # compare as strings: a year or month covers every day it begins ("2024" <= "2024-05")
    after_last = lo and lo > known.last_date
    before_first = hi and hi + "\uffff" < known.first_date
    if after_last or before_first:
        span = f"{known.first_date} to {known.last_date}"
        return f"No passage is dated {value}: the archive's dates run from {span}."
    return ""


def notes(filters: list[tuple[str, str, bool]], known: Known) -> list[str]:
    """A note for each filter (name, value, excluded) that cannot match; excluding a value
    that does not exist excludes nothing and needs no note."""
    out = [note(name, value, known) for name, value, excluded in filters if not excluded]
    return list(dict.fromkeys(n for n in out if n))

"""The registry in data/: people (names and aliases in every script, affiliation, role),
shows with their hosts, and outlets; and how a page's text is searched for them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from app.parse.documents import Person
from app.text import CJK_CHAR, name_key, slugify


@dataclass
class Show:
    name: str
    aliases: list[str]
    hosts: list[str] = field(default_factory=list)
    language: str = ""
    is_outlet: bool = False


@dataclass
class Registry:
    people: list[Person]
    shows: list[Show]

    @classmethod
    def load(cls, data_dir: Path) -> Registry:
        people_doc = tomllib.loads((data_dir / "people.toml").read_text("utf-8"))
        shows_doc = tomllib.loads((data_dir / "shows.toml").read_text("utf-8"))
        people = [
            Person(
                p["name"],
                slugify(p["name"]),
                list(p.get("aliases", [])),
                p.get("affiliation", ""),
                p.get("role", ""),
                in_registry=True,
            )
            for p in people_doc.get("person", [])
        ]
        shows = [
            Show(
                s["name"],
                list(s.get("aliases", [s["name"]])),
                list(s.get("hosts", [])),
                s.get("language", ""),
            )
            for s in shows_doc.get("show", [])
        ]
        shows += [
            Show(
                s["name"],
                list(s.get("aliases", [s["name"]])),
                [],
                s.get("language", ""),
                is_outlet=True,
            )
            for s in shows_doc.get("outlet", [])
        ]
        return cls(people, shows)

    def __post_init__(self) -> None:
        # Folded once per registry: a lookup is a dict access, not a fold of every alias.
        self.people_by_key = index_by_key(self.people)
        self.outlets_by_key = index_by_key([s for s in self.shows if s.is_outlet])
        self.fits = people_by_name_part(self.people)

    def spellings(self, page: str = "") -> dict[str, str]:
        """Every name and alias of the registry's people → their slug, for the text of
        `page`: a spelling two people share ("Amodei": Dario and Daniela) is the one of
        them the page names in full, as `person_on_page` decides, and none otherwise."""
        named = self.mentioned_people(page) if page else []
        out: dict[str, str] = {}
        for p in self.people:
            for n in [p.name, *p.aliases]:
                one = p if not self.shared(name_key(n)) else self.person_on_page(n, named)
                if one is not None:
                    out[n] = one.slug
        return out

    def person(self, name: str) -> Person | None:
        """The one person `name` (folded) is a name or alias of; None when it is nobody's,
        or when it fits two people ("Amodei": Dario and Daniela): only the page can say
        which of them it is (`person_on_page`)."""
        key = name_key(name)
        found = self.people_by_key.get(key, [])
        if len(found) != 1 or self.shared(key):
            return None
        return found[0]

    def shared(self, key: str) -> bool:
        """A spelling that is a name, or a part of the names, of more than one person."""
        return len(self.fits.get(key, ())) > 1

    def person_on_page(self, name: str, named_in_full: list[Person]) -> Person | None:
        """A spelling two people share is the one of them the page names in full."""
        key = name_key(name)
        if not self.shared(key) or not self.people_by_key.get(key):
            return None
        found = [p for p in named_in_full if p.slug in self.fits[key]]
        return found[0] if len(found) == 1 else None

    def outlet(self, name: str) -> Show | None:
        """Publications only: a podcast's name in a label is a title, not an interviewer."""
        found = self.outlets_by_key.get(name_key(name), [])
        return found[0] if found else None

    def mentioned_people(self, text: str) -> list[Person]:
        """The people the text names: a spelling two people share names neither."""
        found = names_in(text, tuple(n for p in self.people for n in [p.name, *p.aliases]))
        keys = {name_key(n) for n in found if not self.shared(name_key(n))}
        return [p for p in self.people if keys & {name_key(n) for n in [p.name, *p.aliases]}]

    def mentioned_shows(self, text: str) -> list[Show]:
        found = names_in(text, tuple(a for s in self.shows for a in s.aliases))
        return [s for s in self.shows if found & set(s.aliases)]


class Named(Protocol):
    name: str
    aliases: list[str]


E = TypeVar("E", bound=Named)


def index_by_key(entries: list[E]) -> dict[str, list[E]]:
    """Folded name and aliases → the entries that carry them, in registry order."""
    out: dict[str, list[E]] = {}
    for entry in entries:
        for key in dict.fromkeys(name_key(n) for n in [entry.name, *entry.aliases] if n):
            out.setdefault(key, []).append(entry)
    return out


# Where a full name divides into parts: spaces and the middle dots of katakana and
# Chinese renderings of foreign names ("ダリオ・アモデイ", "丹妮拉·阿莫迪").
NAME_PARTS = re.compile(r"[\s・·•‧=-]+")


def people_by_name_part(people: list[Person]) -> dict[str, set[str]]:
    """Folded spelling → the slugs of the people it fits: as a whole name or alias, or as
    a part of one ("Amodei" fits Dario Amodei and Daniela Amodei)."""
    out: dict[str, set[str]] = {}
    for p in people:
        for n in [p.name, *p.aliases]:
            key = name_key(n)
            for part in {key, *NAME_PARTS.split(key)}:
                if part:
                    out.setdefault(part, set()).add(p.slug)
    return out


@lru_cache(maxsize=256)
def name_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a whole registry: a page is scanned once, not once per alias.
    Latin names must stand as words ("Lex" is not in "Lexikon"); Chinese ones need not."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    return re.compile(
        "|".join(
            re.escape(n) if CJK_CHAR.search(n) else rf"(?<!\w){re.escape(n)}(?!\w)" for n in ordered
        )
    )


def names_in(text: str, names: tuple[str, ...]) -> set[str]:
    """Which of `names` the text mentions (overlapping mentions count too).

    A plain substring test first: one pattern of every registry spelling tried at every
    position of a page cost most of a parse; the few names a page holds make a small one.
    """
    present = tuple(n for n in names if n and n in text)
    if not present:
        return set()
    pattern = name_pattern(present)
    found, at = set(), 0
    while m := pattern.search(text, at):
        found.add(m.group(0))
        at = m.start() + 1
    return found

"""The registry in data/: people (names and aliases in every script, affiliation, role),
shows with their hosts, and outlets; and how a page's text is searched for them."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

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

    def spellings(self) -> dict[str, str]:
        """Every name and alias of the registry's people → their slug."""
        return {n: p.slug for p in self.people for n in [p.name, *p.aliases]}

    def person(self, name: str) -> Person | None:
        return named(self.people, name)

    def outlet(self, name: str) -> Show | None:
        """Publications only: a podcast's name in a label is a title, not an interviewer."""
        return named([s for s in self.shows if s.is_outlet], name)

    def mentioned_people(self, text: str) -> list[Person]:
        found = names_in(text, tuple(n for p in self.people for n in [p.name, *p.aliases]))
        return [p for p in self.people if found & {p.name, *p.aliases}]

    def mentioned_shows(self, text: str) -> list[Show]:
        found = names_in(text, tuple(a for s in self.shows for a in s.aliases))
        return [s for s in self.shows if found & set(s.aliases)]


Entry = TypeVar("Entry", Person, Show)


def named(entries: Iterable[Entry], name: str) -> Entry | None:
    """The entry whose name or one of whose aliases is `name` (folded), or None."""
    key = name_key(name)
    return next(
        (e for e in entries if key == name_key(e.name) or key in (name_key(a) for a in e.aliases)),
        None,
    )


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

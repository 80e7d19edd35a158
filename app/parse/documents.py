"""What the pure parser stages hand to the store: plain dataclasses, no database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Person:
    """A resolved speaker or participant."""

    name: str
    slug: str
    aliases: list[str] = field(default_factory=list)
    affiliation: str = ""
    role: str = ""
    is_organization: bool = False
    in_registry: bool = False
    anonymous: bool = False  # an unnamed role or diarisation label, scoped to one page


@dataclass
class ParsedPassage:
    text: str
    role: str = "narration"  # question | answer | turn | author (an essay's) | narration
    label: str = ""  # speaker label as printed
    speaker: Person | None = None
    section: str = ""
    timestamp: int | None = None
    # How the speaker was known: label | initials | surname | alternation | continuation |
    # diarisation | byline (an essay's author) | introduction ("I'm …"), or "" (unattributed).
    evidence: str = ""


@dataclass
class ParsedDocument:
    key: str  # stable: file name, or file name#item-slug
    source_file: str
    sha256: str
    encoding: str
    language: str
    title: str
    text: str
    passages: list[ParsedPassage]
    publisher: str = ""
    published_date: str = ""
    date_text: str = ""
    source_urls: list[str] = field(default_factory=list)
    source_credit: str = ""
    provenance: list[str] = field(default_factory=list)
    kind: str = "article"
    # The conversation this document is a version of.
    show: str = ""
    show_language: str = ""
    episode: str = ""
    interview_date: str = ""
    participants: list[tuple[str, Person]] = field(default_factory=list)  # (role, person)
    warnings: list[str] = field(default_factory=list)

    def people(self, role: str) -> list[Person]:
        return [p for r, p in self.participants if r == role]

"""What the read layer returns: plain dataclasses, one per page and per card on a page.

Pages render them and the API returns them as its response models, so the OpenAPI schema
describes exactly what the pages show. No database or index object leaves the read layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.search.run import SearchResult


@dataclass
class SpeakerRef:
    slug: str
    name: str


@dataclass
class Participant:
    role: str
    slug: str
    name: str


@dataclass
class PassageView:
    id: str
    ordinal: int
    text: str
    role: str
    section: str
    timestamp: int | None
    time: str  # the timestamp as h:mm:ss, "" when none
    speaker_label: str
    speaker: SpeakerRef | None
    language: str
    document_key: str
    interview_slug: str
    interview_title: str


@dataclass
class InterviewCard:
    slug: str
    title: str
    title_language: str
    kind: str
    show: str
    episode: str
    date: str
    languages: list[str]
    participants: list[Participant]


@dataclass
class Version:
    key: str
    language: str
    title: str
    publisher: str
    published_date: str
    date_text: str
    source_urls: list[str]
    source_credit: str
    provenance: list[str]
    notes: list[str]  # what a reader must know: translation, AI summary …
    kind: str


@dataclass
class Section:
    title: str
    anchor: str  # the id of its first passage
    part: int = 1  # the window of the interview page it starts in


@dataclass
class InterviewPage:
    interview: InterviewCard
    versions: list[Version]
    version: Version  # the one shown
    sections: list[Section]
    passages: list[PassageView]  # the window shown: `part` of `parts`
    part: int = 1
    parts: int = 1


@dataclass
class SpeakerCard:
    slug: str
    name: str
    aliases: list[str]
    affiliation: str
    role: str
    is_organization: bool
    interviews: int = 0


@dataclass
class Appearance:
    interview: InterviewCard
    roles: list[str]


@dataclass
class SpeakerPage:
    speaker: SpeakerCard
    appearances: list[Appearance]
    passages: list[PassageView]
    passage_total: int
    page: int
    pages: int


@dataclass
class PassagePage:
    passage: PassageView
    interview: InterviewCard
    version: Version
    before: list[PassageView]
    after: list[PassageView]
    attribution: str  # who said it: the speaker, else the label, show or publisher
    url: str  # the permanent link, absolute
    citation: str  # plain text, as the page offers it for copying


@dataclass
class Moved:
    """A passage id that went away: new_id when the words live on elsewhere."""

    old_id: str
    new_id: str | None
    interview_slug: str


@dataclass
class HomeStats:
    interviews: int
    speakers: int
    passages: int
    documents: int
    languages: dict[str, int] = field(default_factory=dict)  # language -> passages


@dataclass
class SearchPage:
    result: SearchResult
    speakers: dict[str, str]  # slug -> name, for the facets and filters
    interviews: dict[str, str]  # slug -> title

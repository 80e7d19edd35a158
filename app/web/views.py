"""What the read layer returns: plain dataclasses, one per page and per card on a page.

Pages render them and the API returns them as its response models, so the OpenAPI schema
describes exactly what the pages show. Every field carries a description and an example
(`doc`), which /openapi.json publishes. No database or index object leaves the read layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field
from pydantic.fields import FieldInfo

from app.search.run import SearchResult


def doc(description: str, example: object) -> FieldInfo:
    return Field(description=description, examples=[example])


Slug = Annotated[str, doc("The record's stable name in URLs.", "dario-amodei")]
Lang = Annotated[str, doc("ISO 639-1 language code.", "de")]
PageNo = Annotated[int, doc("This page's number, from 1.", 1)]
PageSize = Annotated[int, doc("Items per page (at most 100).", 20)]
Total = Annotated[int, doc("How many items there are on all pages together.", 42)]
Next = Annotated[str | None, doc("URL of the next page; null on the last.", "/api/speakers?page=2")]
Prev = Annotated[str | None, doc("URL of the previous page; null on the first.", None)]


@dataclass
class SpeakerRef:
    """A speaker wherever one is named: the same two fields in every response."""

    slug: Slug
    name: Annotated[str, doc("The speaker's name as the archive writes it.", "Dario Amodei")]


@dataclass
class Participant:
    role: Annotated[str, doc("host, interviewer, guest or author.", "guest")]
    speaker: SpeakerRef


@dataclass
class Counterpart:
    """The passage that says the same in another version of the interview."""

    id: Annotated[str, doc("Id of the passage in the other version.", "6F4F6KXY5L6U")]
    url: Annotated[str, doc("Its permanent link.", "/p/6f4f6kxy5l6u")]
    version: Annotated[str, doc("Key of its version (document).", "001.txt")]
    language: Lang
    score: Annotated[float, doc("How sure the alignment is, 0 to 1.", 0.98)]


@dataclass
class PassageView:
    id: Annotated[str, doc("Stable passage id; /p/{id} is its permanent page.", "4KXQ2M7RZC3A")]
    ordinal: Annotated[int, doc("Position of the passage in its version, from 0.", 12)]
    text: Annotated[str, doc("The words, verbatim as the source prints them.", "Ich denke …")]
    role: Annotated[str, doc("question, answer, turn or narration.", "answer")]
    section: Annotated[str, doc("Heading the passage stands under, or empty.", "Talentdichte")]
    timestamp: Annotated[int | None, doc("Seconds from the start of the recording.", 5905)]
    time: Annotated[str, doc("The timestamp as hh:mm:ss; empty when none.", "01:38:25")]
    moment_url: Annotated[
        str,
        doc(
            "The version's own media URL opened at this moment; empty unless the source "
            "names its media and the passage has a timestamp.",
            "https://www.youtube.com/watch?v=ugvHCXCOmm4&t=5905s",
        ),
    ]
    speaker_label: Annotated[str, doc("The speaker label as printed.", "Lex Fridman")]
    speaker: Annotated[SpeakerRef | None, doc("Who speaks, when the archive knows.", None)]
    language: Lang
    document_key: Annotated[str, doc("Key of the version (document) it belongs to.", "002.txt")]
    interview_slug: Annotated[str, doc("Slug of its interview.", "lex-fridman-452")]
    interview_title: Annotated[str, doc("Title of its interview.", "Lex Fridman Podcast #452")]
    evidence: Annotated[
        str,
        doc(
            "How the speaker was known: label, surname, initials, alternation, continuation, "
            "diarisation, byline, introduction; empty when nobody is named.",
            "label",
        ),
    ] = ""
    counterparts: Annotated[
        list[Counterpart], doc("The passages that say the same in other versions.", [])
    ] = field(default_factory=list)


@dataclass
class QuotedIn:
    """A passage of another interview that shares a long run of words with this one."""

    passage: Annotated[PassageView, doc("The passage of another interview.", None)]
    words: Annotated[int, doc("Words (or CJK characters) in the longest shared run.", 12)]
    spans: Annotated[
        list[tuple[int, int]], doc("The shared words: [start, end) offsets in its text.", [])
    ]
    spans_here: Annotated[
        list[tuple[int, int]], doc("The same words in the text of this passage.", [])
    ]


@dataclass
class InterviewCard:
    slug: Slug
    title: Annotated[str, doc("Title (composed in English for multi-version ones).", "…")]
    title_language: Lang
    kind: Annotated[str, doc("interview, interview_summary, essay or article.", "interview")]
    show: Annotated[str, doc("Show or outlet, or empty.", "Lex Fridman Podcast")]
    episode: Annotated[str, doc("Episode number as printed, or empty.", "452")]
    date: Annotated[str, doc("ISO date of the conversation, or empty.", "2024-11-11")]
    languages: Annotated[list[str], doc("Languages of its versions, first first.", ["de", "zh"])]
    participants: Annotated[list[Participant], doc("People and their roles.", [])]


@dataclass
class Version:
    key: Annotated[str, doc("The document key; ?version= takes it.", "000_120461cb871c2243.txt")]
    language: Lang
    title: Annotated[str, doc("The version's own title.", "Anthropic-Mitgründer …")]
    publisher: Annotated[str, doc("Who published this version.", "WirtschaftsWoche")]
    published_date: Annotated[str, doc("ISO date printed on the page, or empty.", "2025-01-09")]
    date_text: Annotated[str, doc("The date as printed.", "9小时前")]
    source_urls: Annotated[list[str], doc("Every URL the source page names.", [])]
    source_url: Annotated[str, doc("The original page's URL; empty when unnamed.", "")]
    media_url: Annotated[
        str,
        doc(
            "The recording the source names (YouTube, video or audio file); empty if none.",
            "https://www.youtube.com/watch?v=ugvHCXCOmm4",
        ),
    ]
    source_credit: Annotated[str, doc("Credit line as printed.", "Quelle: lexfridman.com")]
    provenance: Annotated[
        list[str], doc("transcript, translation, summary, ai_generated.", ["transcript"])
    ]
    label: Annotated[
        str, doc("Which version this is, in words.", "German · translation of the transcript")
    ]
    notes: Annotated[list[str], doc("What a reader must know about this version.", [])]
    kind: Annotated[str, doc("interview, interview_summary, essay or article.", "interview")]


@dataclass
class Section:
    title: Annotated[str, doc("The heading.", "Talentdichte")]
    anchor: Annotated[str, doc("The id of its first passage.", "4KXQ2M7RZC3A")]
    part: Annotated[int, doc("The window of the interview page it starts in.", 1)] = 1


@dataclass
class InterviewPage:
    interview: InterviewCard
    versions: Annotated[list[Version], doc("Every version of the interview.", [])]
    version: Annotated[Version, doc("The version shown.", None)]
    sections: Annotated[list[Section], doc("Its table of contents.", [])]
    passages: Annotated[
        list[PassageView], doc("The passages of the window shown (`part` of `parts`).", [])
    ]
    focus: Annotated[
        str, doc("The passage to open at (?near=): the counterpart of the one read.", "")
    ] = ""
    part: Annotated[int, doc("The window shown of a long version (400 passages each).", 1)] = 1
    parts: Annotated[int, doc("How many windows the version has.", 1)] = 1


@dataclass
class CompareRow:
    """Passages of two versions that say the same; one side empty where the other version
    has nothing (a gap)."""

    a: Annotated[list[PassageView], doc("Passages of version a (empty: a gap).", [])]
    b: Annotated[list[PassageView], doc("Passages of version b (empty: a gap).", [])]
    score: Annotated[float | None, doc("The link's score, 0 to 1; null for a gap.", 0.98)]


@dataclass
class ComparePage:
    interview: Annotated[InterviewCard, doc("The interview.", None)]
    versions: Annotated[list[Version], doc("Every version of the interview.", [])]
    a: Annotated[Version, doc("The version in the left column.", None)]
    b: Annotated[Version, doc("The version in the right column.", None)]
    rows: Annotated[
        list[CompareRow], doc("Both versions in reading order, aligned: one window.", [])
    ]
    part: Annotated[int, doc("The window of rows shown (400 rows each).", 1)] = 1
    parts: Annotated[int, doc("How many windows the pair has.", 1)] = 1


@dataclass
class SpeakerCard:
    slug: Slug
    name: Annotated[str, doc("Name.", "Dario Amodei")]
    aliases: Annotated[list[str], doc("Other spellings, in every script.", ["达里奥·阿莫迪"])]
    affiliation: Annotated[str, doc("Organisation.", "Anthropic")]
    role: Annotated[str, doc("Role there.", "CEO")]
    is_organization: Annotated[bool, doc("An outlet speaking as interviewer.", False)]
    interviews: Annotated[int, doc("How many interviews they take part in.", 3)] = 0


@dataclass
class Appearance:
    interview: InterviewCard
    roles: Annotated[list[str], doc("Their roles in it.", ["guest"])]


class Paged:
    """How many pages a list of pages has (for the page's links to its neighbours)."""

    total: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class AppearanceList(Paged):
    items: Annotated[list[Appearance], doc("Their interviews on this page, newest first.", [])]
    page: PageNo
    page_size: PageSize
    total: Total
    next: Next
    prev: Prev


@dataclass
class InterviewList:
    items: Annotated[list[InterviewCard], doc("The interviews on this page.", [])]
    page: PageNo
    page_size: PageSize
    total: Total
    next: Next
    prev: Prev


@dataclass
class SpeakerList:
    items: Annotated[list[SpeakerCard], doc("The speakers on this page.", [])]
    page: PageNo
    page_size: PageSize
    total: Total
    next: Next
    prev: Prev


@dataclass
class PassageList(Paged):
    items: Annotated[list[PassageView], doc("The passages on this page.", [])]
    page: PageNo
    page_size: PageSize
    total: Total
    next: Next
    prev: Prev


@dataclass
class SpeakerPage:
    speaker: SpeakerCard
    appearances: Annotated[
        AppearanceList, doc("Their interviews, newest first, one page of them.", None)
    ]
    passages: Annotated[PassageList, doc("Their passages, one page of them.", None)]


@dataclass
class Citation:
    """One passage cited three ways: the words in one pair of the language's quote marks."""

    plain: Annotated[
        str,
        doc(
            "Plain text: words, who, where, when, the permanent link.",
            "„Ich denke …“ — Dario Amodei, … https://…/p/4KXQ2M7RZC3A",
        ),
    ]
    bibtex: Annotated[str, doc("A BibTeX @misc entry.", "@misc{amodei2024_4kxq2m7r, …}")]
    quote: Annotated[str, doc("Only the words, in the language's quote marks.", "„Ich denke …“")]


@dataclass
class PassagePage:
    passage: PassageView
    interview: InterviewCard
    version: Version
    before: Annotated[list[PassageView], doc("Passages just before it.", [])]
    after: Annotated[list[PassageView], doc("Passages just after it.", [])]
    attribution: Annotated[str, doc("Who said it (speaker, label, show or publisher).", "")]
    url: Annotated[str, doc("The permanent link, absolute.", "https://…/p/4KXQ2M7RZC3A")]
    citation: Citation
    other_versions: Annotated[
        list[PassageView], doc("Its counterparts in the other versions.", [])
    ] = field(default_factory=list)
    also_quoted_in: Annotated[
        list[QuotedIn], doc("Passages of other interviews that share its words.", [])
    ] = field(default_factory=list)


@dataclass
class Moved:
    """A passage id that went away: new_id when the words live on elsewhere."""

    old_id: str
    new_id: str | None
    interview_slug: str


@dataclass
class HomeStats:
    interviews: Annotated[int, doc("Interviews (and essays).", 8)]
    speakers: Annotated[int, doc("Speakers.", 8)]
    passages: Annotated[int, doc("Passages.", 164)]
    documents: Annotated[int, doc("Source versions.", 9)]
    languages: Annotated[dict[str, int], doc("Passages per language.", {"de": 85})] = field(
        default_factory=dict
    )


@dataclass
class ApiError:
    """Every error of /api/* (400, 404, 405, 410, 422, 503) has this shape."""

    status: Annotated[int, doc("The HTTP status.", 422)]
    title: Annotated[str, doc("The status in words.", "Unprocessable Content")]
    detail: Annotated[str, doc("What went wrong, for a person.", "page must be a number ≥ 1")]
    parameter: Annotated[str | None, doc("The query parameter at fault, if one.", "page")] = None
    interview: Annotated[
        str | None, doc("For a removed passage: its interview's API URL.", None)
    ] = None


@dataclass
class Suggestion:
    """An interview the filter's text field suggests as a title is typed."""

    slug: Slug
    title: Annotated[str, doc("The interview's title.", "Dario Amodei im Gespräch")]


@dataclass
class Suggestions:
    """Interviews whose title holds every word typed, at most ten."""

    q: Annotated[str, doc("The text typed.", "amodei")]
    items: Annotated[list[Suggestion], doc("The interviews suggested, best first.", [])]


@dataclass
class SearchPage:
    result: SearchResult
    speakers: dict[str, str]  # slug -> name, for the facets and filters
    interviews: dict[str, str]  # slug -> title
    notes: list[str] = field(default_factory=list)  # why filters match nothing

"""SQLModel tables: what the archive stores.

Documents are source pages (or one item of an index page); interviews group the documents
that are versions of one conversation (or one essay); passages are the citable units.
List-valued columns (aliases, urls, provenance) are JSON text so SQLite stays plain.
"""

from __future__ import annotations

import json

from sqlmodel import Field, SQLModel


def dumps(values) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def loads(text: str | None) -> list:
    return json.loads(text) if text else []


class Speaker(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True)
    name: str
    aliases: str = "[]"  # JSON list: every spelling seen, in every script
    affiliation: str = ""
    role: str = ""  # e.g. "CEO", "co-founder"
    is_organization: bool = False  # a publication speaking as interviewer ("WirtschaftsWoche")
    in_registry: bool = False  # known to data/people.toml, or only seen as a label


class Interview(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True)
    key: str = Field(index=True, unique=True)  # evidence key: show/outlet + episode + guests
    title: str
    kind: str = "interview"  # interview | interview_summary | essay | article
    show: str = ""  # show or outlet
    episode: str = ""
    date: str = ""  # ISO date of the conversation (aired), or the earliest version's
    original_language: str = ""


class InterviewSpeaker(SQLModel, table=True):
    interview_id: int = Field(foreign_key="interview.id", primary_key=True)
    speaker_id: int = Field(foreign_key="speaker.id", primary_key=True)
    role: str = Field(primary_key=True)  # host | guest | interviewer | author


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True)  # file name, or file name#item-slug for index items
    source_file: str = Field(index=True)
    sha256: str  # of the source file's bytes
    encoding: str
    language: str
    title: str
    publisher: str = ""
    published_date: str = ""  # ISO when the page states a date
    date_text: str = ""  # the raw date text as printed
    aired_date: str = ""  # ISO date the page gives for the conversation itself
    source_urls: str = "[]"  # JSON list of original URLs found in the page
    source_credit: str = ""  # "文章来源(…)" / "Quelle: …" lines as printed
    provenance: str = "[]"  # JSON list: transcript | translation | summary | ai_generated
    kind: str = "interview"
    text: str = ""  # the cleaned text
    interview_id: int | None = Field(default=None, foreign_key="interview.id", index=True)
    participants: str = "[]"  # JSON list of [role, speaker slug] this version names
    warnings: str = "[]"  # JSON list of parser warnings for this document


class Passage(SQLModel, table=True):
    id: str = Field(primary_key=True)  # stable id used in URLs, see app/passage_ids.py
    document_id: int = Field(foreign_key="document.id", index=True)
    ordinal: int
    speaker_id: int | None = Field(default=None, foreign_key="speaker.id", index=True)
    speaker_label: str = ""  # the label as printed ("Ben", "主持人")
    role: str = "narration"  # question | answer | turn | narration
    section: str = ""
    timestamp: int | None = None  # seconds from the start of the recording
    text: str


class PassageRedirect(SQLModel, table=True):
    """Ids handed out earlier that no longer exist: 301 to new_id, or 410 with the interview."""

    old_id: str = Field(primary_key=True)
    new_id: str | None = None
    interview_slug: str = ""
    document_key: str = ""


class ArchiveMeta(SQLModel, table=True):
    """Key/value facts about the archive: parser version, content version, indexed version."""

    key: str = Field(primary_key=True)
    value: str = ""


class PassageLink(SQLModel, table=True):
    """Two passages of two versions of one interview that say the same (app/align.py).

    Stored in both directions; a passage merged from several by a translator has one row
    for each of them, all with the link's score."""

    passage_id: str = Field(primary_key=True)
    other_id: str = Field(primary_key=True)
    interview_id: int = Field(index=True)
    score: float = 0.0  # 0..1: the logistic of the link's log-odds


class PassageQuote(SQLModel, table=True):
    """Two passages of different interviews that share a long run of words (app/quotes.py).

    Stored in both directions; `spans` marks the shared words in passage_id's text."""

    passage_id: str = Field(primary_key=True)
    other_id: str = Field(primary_key=True)
    words: int = 0  # length of the longest shared run, in words (or CJK characters)
    spans: str = "[]"  # JSON list of [start, end] character offsets into passage_id's text

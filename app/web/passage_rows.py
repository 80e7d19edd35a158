"""Passages and their neighbours read in plain SQL, for the pages read most often.

A passage page made ten ORM statements; building and compiling them, and turning rows into
Passage, Document, Speaker and Interview objects only to copy five fields out of each, cost
~8 ms where SQLite's own work is well under 1 ms. These read only the columns the views
show, straight into the view dataclasses. The statements are the ORM's own, column for
column (same joins, same order), so the rows and their order are the same.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlmodel import Session

from app.models import Document, Interview, loads
from app.web import labels, moments
from app.web.views import Counterpart, Participant, PassageView, SpeakerRef

PASSAGE_SELECT = """
SELECT p.id, p.ordinal, p.text, p.role, p.section, p.timestamp, p.speaker_label, p.evidence,
       s.id, s.slug, s.name, d.id, d.language, d."key", d.title, d.source_urls, i.id, i.slug,
       i.title
FROM passage p
JOIN document d ON p.document_id = d.id
LEFT OUTER JOIN speaker s ON p.speaker_id = s.id
LEFT OUTER JOIN interview i ON d.interview_id = i.id
"""
# a speaker's passages: newest interview first, in reading order within each
PASSAGE_ORDER = " ORDER BY i.date DESC, d.id, p.ordinal"

DOCUMENT_COLUMNS = [
    "id",
    "key",
    "language",
    "title",
    "publisher",
    "published_date",
    "date_text",
    "source_urls",
    "source_credit",
    "provenance",
    "kind",
    "interview_id",
]
INTERVIEW_COLUMNS = [
    "id",
    "slug",
    "key",
    "title",
    "kind",
    "show",
    "episode",
    "date",
    "original_language",
]


def marks(values: Collection[Any]) -> str:
    return ", ".join("?" * len(values))


def rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    return list(session.connection().exec_driver_sql(sql, tuple(params)).all())


def passages(
    session: Session,
    where: list[tuple[str, list[Any]]],
    *,
    order: bool = True,
    offset: int = 0,
    limit: int | None = None,
    media: bool = True,
) -> list[PassageView]:
    """The passages matching every (SQL condition, its parameters) of `where`; `media`
    gives each its moment in its version's recording."""
    sql = PASSAGE_SELECT + " WHERE " + " AND ".join(cond for cond, _ in where)
    params = [value for _, values in where for value in values]
    if order:
        sql += PASSAGE_ORDER
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
    recordings: dict[int, str] = {}  # document id -> the recording it names
    out = []
    for pid, ordinal, text, role, section, ts, label, evidence, *rest in rows(session, sql, params):
        sid, sslug, sname, did, language, key, dtitle, urls, iid, islug, ititle = rest
        if media and did not in recordings:
            recordings[did] = moments.media_url(
                [url for url in loads(urls) if moments.is_real(url)]
            )
        out.append(
            PassageView(
                id=pid,
                ordinal=ordinal,
                text=text,
                role=role,
                section=section,
                timestamp=ts,
                time=labels.clock(ts),
                moment_url=moments.moment_url(recordings.get(did, ""), ts),
                speaker_label=label,
                evidence=evidence,
                speaker=SpeakerRef(sslug, sname) if sid is not None else None,
                language=language,
                document_key=key,
                interview_slug=islug if iid is not None else "",
                interview_title=ititle if iid is not None else dtitle,
            )
        )
    return out


def with_counterparts(session: Session, views: list[PassageView]) -> None:
    """Fill each passage's counterparts in the other versions, surest first."""
    by_id = {p.id: p for p in views}
    if not by_id:
        return
    found = rows(
        session,
        'SELECT l.passage_id, l.other_id, l.score, d."key", d.language FROM passagelink l'
        " JOIN passage p ON l.other_id = p.id JOIN document d ON p.document_id = d.id"
        f" WHERE l.passage_id IN ({marks(by_id)}) ORDER BY d.id, p.ordinal",
        list(by_id),
    )
    for pid, other, score, key, language in found:
        by_id[pid].counterparts.append(
            Counterpart(id=other, url=f"/p/{other}", version=key, language=language, score=score)
        )


def passage_place(
    session: Session, passage_id: str
) -> tuple[int, Document, Interview | None] | None:
    """A passage's ordinal, its document (without its text) and interview, in one read."""
    docs = ", ".join(f'd."{c}"' for c in DOCUMENT_COLUMNS)
    interviews = ", ".join(f'i."{c}"' for c in INTERVIEW_COLUMNS)
    found = rows(
        session,
        f"SELECT p.ordinal, {docs}, {interviews} FROM passage p"
        " JOIN document d ON p.document_id = d.id"
        " LEFT OUTER JOIN interview i ON d.interview_id = i.id WHERE p.id = ?",
        [passage_id],
    )
    if not found:
        return None
    ordinal, *values = found[0]
    doc = Document(**dict(zip(DOCUMENT_COLUMNS, values[: len(DOCUMENT_COLUMNS)])))
    iv = dict(zip(INTERVIEW_COLUMNS, values[len(DOCUMENT_COLUMNS) :]))
    return ordinal, doc, Interview(**iv) if iv["id"] is not None else None


def versions_of(session: Session, interview_id: int) -> list[tuple[str, str]]:
    """(language, title) of an interview's versions, in document order."""
    sql = "SELECT language, title FROM document WHERE interview_id = ? ORDER BY id"
    return [(language, title) for language, title in rows(session, sql, [interview_id])]


def people_of(session: Session, interview_id: int) -> list[Participant]:
    """(role, speaker) of an interview's people, in the order the rows come."""
    found = rows(
        session,
        "SELECT x.role, s.slug, s.name FROM interviewspeaker x"
        " JOIN speaker s ON x.speaker_id = s.id WHERE x.interview_id = ?",
        [interview_id],
    )
    return [Participant(role, SpeakerRef(slug, name)) for role, slug, name in found]

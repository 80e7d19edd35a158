"""Links between passages, kept inside the ingest's write transaction.

Two kinds: counterparts (passages of two versions of one interview that say the same,
app/align.py), recomputed for every interview one of whose versions changed; and shared
words (passages of different documents with a long run in common, app/quotes.py),
recomputed for the whole archive when anything changed, since a new document can quote
any old one. Both are derived: ALIGN_VERSION in the archive's meta says which code made
them, and a different one recomputes everything.
"""

from __future__ import annotations

import itertools
import json

from sqlmodel import Session, delete, or_, select

from app.align import Unit, align
from app.models import Document, Passage, PassageLink, PassageQuote, PassageRedirect, Speaker
from app.quotes import Text, shared_words

ALIGN_VERSION = "1"  # raise when app/align.py or app/quotes.py decide differently


def interviews_of(session: Session, source_files) -> set[int]:
    """Interviews that have a version from these files (call before and after a change)."""
    files = list(source_files)
    if not files:
        return set()
    rows = session.exec(select(Document.interview_id).where(Document.source_file.in_(files)))
    return {i for i in rows if i is not None}


def all_interviews(session: Session) -> set[int]:
    return {i for i in session.exec(select(Document.interview_id)) if i is not None}


def carry_over(session: Session) -> None:
    """Links to a passage id that vanished follow its redirect, or go."""
    live = select(Passage.id)
    for model in (PassageLink, PassageQuote):
        stale = or_(model.passage_id.not_in(live), model.other_id.not_in(live))
        for row in session.exec(select(model).where(stale)).all():
            a, b = moved(session, row.passage_id), moved(session, row.other_id)
            session.delete(row)
            session.flush()
            if a and b and a != b and session.get(model, (a, b)) is None:
                session.add(model(**{**row.model_dump(), "passage_id": a, "other_id": b}))
    session.flush()


def moved(session: Session, pid: str) -> str | None:
    """The id itself while it exists, else where its redirect points (None: gone)."""
    if session.get(Passage, pid) is not None:
        return pid
    redirect = session.get(PassageRedirect, pid)
    return redirect.new_id if redirect else None


def units(session: Session, document_id: int) -> list[Unit]:
    rows = session.exec(
        select(Passage.id, Passage.role, Speaker.slug, Passage.text)
        .join(Speaker, Passage.speaker_id == Speaker.id, isouter=True)
        .where(Passage.document_id == document_id)
        .order_by(Passage.ordinal)
    )
    return [Unit(pid, role, slug or "", text) for pid, role, slug, text in rows]


def realign(session: Session, interview_ids: set[int], names: dict[str, str]) -> int:
    """Recompute the counterparts of these interviews' versions; returns how many links."""
    made = 0
    for interview_id in sorted(interview_ids):
        session.exec(delete(PassageLink).where(PassageLink.interview_id == interview_id))
        docs = session.exec(
            select(Document.id).where(Document.interview_id == interview_id).order_by(Document.id)
        ).all()
        versions = {doc: units(session, doc) for doc in docs}
        for a, b in itertools.combinations(docs, 2):
            for link in align(versions[a], versions[b], names):
                for x, y in itertools.product(link.a, link.b):
                    session.add(
                        PassageLink(
                            passage_id=x, other_id=y, interview_id=interview_id, score=link.score
                        )
                    )
                    session.add(
                        PassageLink(
                            passage_id=y, other_id=x, interview_id=interview_id, score=link.score
                        )
                    )
                    made += 1
    session.flush()
    return made


def requote(session: Session) -> int:
    """Recompute which passages share a long run of words; returns how many pairs."""
    session.exec(delete(PassageQuote))
    texts = [
        Text(pid, doc, text)
        for pid, doc, text in session.exec(select(Passage.id, Passage.document_id, Passage.text))
    ]
    found = shared_words(texts)
    for s in found:
        session.add(
            PassageQuote(passage_id=s.a, other_id=s.b, words=s.words, spans=json.dumps(s.spans_a))
        )
        session.add(
            PassageQuote(passage_id=s.b, other_id=s.a, words=s.words, spans=json.dumps(s.spans_b))
        )
    session.flush()
    return len(found)


def refresh(session: Session, touched: set[int], names: dict[str, str], stale: bool) -> None:
    """After an ingest's changes: carry links over moved ids, realign the interviews that
    changed (all of them when the links were made by other code), recompute shared words."""
    carry_over(session)
    realign(session, all_interviews(session) if stale else touched, names)
    requote(session)

"""Links between passages, kept inside the ingest's write transaction.

Two kinds: counterparts (passages of two versions of one interview that say the same,
app/align.py), recomputed for every interview one of whose versions changed; and shared
words (passages of different documents with a long run in common, app/quotes.py),
recomputed for the whole archive when anything changed, since a new document can quote
any old one; versions of one interview are counterparts, not quotes of each other. Both are derived: ALIGN_VERSION in the archive's meta says which code made
them, and a different one recomputes everything.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import insert
from sqlmodel import Session, col, delete, or_, select

from app.align import Unit, align
from app.models import Document, Passage, PassageLink, PassageQuote, PassageRedirect, Speaker
from app.quotes import Text, shared_words

ALIGN_VERSION = "3"  # raise when app/align.py or app/quotes.py decide differently


def interviews_of(session: Session, source_files) -> set[int]:
    """Interviews that have a version from these files (call before and after a change)."""
    files = list(source_files)
    if not files:
        return set()
    rows = session.exec(select(Document.interview_id).where(col(Document.source_file).in_(files)))
    return {i for i in rows if i is not None}


def all_interviews(session: Session) -> set[int]:
    return {i for i in session.exec(select(Document.interview_id)) if i is not None}


def carry_over(session: Session) -> None:
    """Links to a passage id that vanished follow its redirect, or go."""
    carry_over_rows(session, PassageLink)
    carry_over_rows(session, PassageQuote)
    session.flush()


Link = TypeVar("Link", PassageLink, PassageQuote)  # both tables: passage_id, other_id


def carry_over_rows(session: Session, model: type[Link]) -> None:
    live = select(Passage.id)
    stale = or_(col(model.passage_id).not_in(live), col(model.other_id).not_in(live))
    for row in session.exec(select(model).where(stale)).all():
        a, b = moved(session, row.passage_id), moved(session, row.other_id)
        session.delete(row)
        session.flush()
        if a and b and a != b and session.get(model, (a, b)) is None:
            session.add(model(**{**row.model_dump(), "passage_id": a, "other_id": b}))


def moved(session: Session, pid: str) -> str | None:
    """The id itself while it exists, else where its redirect points (None: gone)."""
    if session.get(Passage, pid) is not None:
        return pid
    redirect = session.get(PassageRedirect, pid)
    return redirect.new_id if redirect else None


def units(session: Session, document_id: int) -> list[Unit]:
    rows = session.exec(
        select(Passage.id, Passage.role, Speaker.slug, Passage.text)
        .join(Speaker, col(Passage.speaker_id) == Speaker.id, isouter=True)
        .where(Passage.document_id == document_id)
        .order_by(col(Passage.ordinal))
    )
    return [Unit(pid, role, slug or "", text) for pid, role, slug, text in rows]


PAIRWISE = 4  # up to this many versions every pair is aligned; beyond, through a pivot


def realign(
    session: Session, interview_ids: set[int], spellings: Callable[[str], dict[str, str]]
) -> int:
    """Recompute the counterparts of these interviews' versions; returns how many links.

    `spellings` gives the registry's names for a text (Registry.spellings): the text of
    all the interview's versions, which tell one conversation, so that a surname two
    people share anchors a passage on the one of them the pages name in full.

    Every pair of versions is aligned while an interview has at most PAIRWISE of them
    (an original, a translation, a summary, a repost). With more, the cost would grow
    with the square of their number, so each version is aligned with a pivot (the one
    with the most passages) and two other versions are linked where they meet the same
    passage of the pivot."""
    made = 0
    for interview_id in sorted(interview_ids):
        session.exec(delete(PassageLink).where(col(PassageLink.interview_id) == interview_id))
        ids = session.exec(
            select(Document.id)
            .where(Document.interview_id == interview_id)
            .order_by(col(Document.id))
        )
        docs = [d for d in ids if d is not None]  # a stored row's id is never None
        versions = {doc: units(session, doc) for doc in docs}
        names = spellings(pages_of(session, interview_id))
        pairs: dict[tuple[str, str], float] = {}
        if len(docs) <= PAIRWISE:
            for a, b in itertools.combinations(docs, 2):
                add_links(pairs, align(versions[a], versions[b], names))
        else:
            pivot = max(docs, key=lambda d: (len(versions[d]), -d))
            for doc in docs:
                if doc != pivot:
                    add_links(pairs, align(versions[pivot], versions[doc], names))
            compose(pairs, {u.id: doc for doc, us in versions.items() for u in us}, pivot)
        rows = [
            dict(passage_id=x, other_id=y, interview_id=interview_id, score=score)
            for (x, y), score in pairs.items()
        ]
        if rows:
            session.execute(insert(PassageLink), rows)
        made += len(rows) // 2
    session.flush()
    return made


def pages_of(session: Session, interview_id: int) -> str:
    """The texts of an interview's versions, one after another."""
    texts = session.exec(select(Document.text).where(Document.interview_id == interview_id))
    return "\n\n".join(texts)


def add_links(pairs: dict[tuple[str, str], float], links) -> None:
    for link in links:
        for x, y in itertools.product(link.a, link.b):
            pairs[x, y] = pairs[y, x] = link.score


def compose(pairs: dict[tuple[str, str], float], doc_of: dict[str, int], pivot: int) -> None:
    """Link the passages of two other versions that both link one passage of the pivot,
    with the lower of the two scores."""
    through: dict[str, list[tuple[str, float]]] = {}
    for (x, y), score in list(pairs.items()):
        if doc_of[x] == pivot:
            through.setdefault(x, []).append((y, score))
    for linked in through.values():
        for (y, s), (z, t) in itertools.permutations(linked, 2):
            if doc_of[y] != doc_of[z]:
                pairs.setdefault((y, z), min(s, t))


def requote(session: Session) -> int:
    """Recompute which passages share a long run of words; returns how many pairs."""
    session.exec(delete(PassageQuote))
    records = session.exec(
        select(Passage.id, Passage.document_id, Document.interview_id, Passage.text).join(
            Document, col(Passage.document_id) == Document.id
        )
    )
    # a document outside any interview is its own source (negative: apart from interview ids)
    texts = [Text(pid, interview or -doc, text) for pid, doc, interview, text in records]
    found = shared_words(texts)
    rows = [
        row
        for s in found
        for row in (
            dict(passage_id=s.a, other_id=s.b, words=s.words, spans=json.dumps(s.spans_a)),
            dict(passage_id=s.b, other_id=s.a, words=s.words, spans=json.dumps(s.spans_b)),
        )
    ]
    if rows:
        session.execute(insert(PassageQuote), rows)
    session.flush()
    return len(found)


def refresh(
    session: Session, touched: set[int], names: Callable[[str], dict[str, str]], stale: bool
) -> None:
    """After an ingest's changes: carry links over moved ids, realign the interviews that
    changed (all of them when the links were made by other code), recompute shared words."""
    carry_over(session)
    realign(session, all_interviews(session) if stale else touched, names)
    requote(session)

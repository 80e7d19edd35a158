"""The read layer for two versions side by side: rows of passages that say the same.

The links come from the ingest's alignment (app/align.py); this only lays them out. Both
versions are read in order; a row holds the passages of one link (one on each side, or
several where a translator merged or split turns) or one passage alone, a gap opposite.

Long versions are shown a window at a time, as the interview page shows them: a window is
read.WINDOW rows. The rows are laid out from the passages' ids and the links alone (a few
bytes a passage, never the text: a 3,000-turn pair loaded whole took seconds and its page
megabytes); only the window's passages are then read. A row is never cut, so a link
group stands whole in one window, and a passage is in exactly one window.
"""

from __future__ import annotations

from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from app.models import Document, Interview, Passage, PassageLink
from app.web import read
from app.web.views import ComparePage, CompareRow

Links = dict[tuple[str, str], float]  # (passage of a, passage of b) -> the link's score
Layout = list[tuple[list[str], list[str], float | None]]  # rows of ids: a, b, score


def pick(keys: list[str], wanted: str, avoid: str = "") -> str:
    """A version key from user input: unknown keys fall back to the first other version."""
    if wanted in keys and wanted != avoid:
        return wanted
    return next((k for k in keys if k != avoid), keys[0])


def get_compare(
    session: Session,
    *,
    slug: str,
    a: str = "",
    b: str = "",
    part: int | str = 1,
    at: str = "",
) -> ComparePage | None:
    """Versions a and b side by side, one window of rows: `part`, or the window holding
    the passage `at` (of either version)."""
    row = session.exec(select(Interview).where(Interview.slug == slug)).first()
    if row is None:
        return None
    docs = session.exec(
        select(Document)
        .options(defer(read.DOCUMENT_TEXT))  # up to a file's size, never shown here
        .where(Document.interview_id == row.id)
        .order_by(col(Document.id))
    ).all()
    if not docs:
        return None
    assert row.id is not None  # read back from the archive
    keys = [d.key for d in docs]
    key_a = pick(keys, a)
    key_b = pick(keys, b, avoid=key_a) if len(keys) > 1 else key_a
    doc_a, doc_b = docs[keys.index(key_a)], docs[keys.index(key_b)]
    plan = layout(session, doc_a.id, doc_b.id if doc_b is not doc_a else None)
    parts = max(1, -(-len(plan) // read.WINDOW))
    k = window_at(plan, at) or read.page_number(part, parts)
    shown = plan[(k - 1) * read.WINDOW : k * read.WINDOW]
    ids = [pid for a_ids, b_ids, _ in shown for pid in a_ids + b_ids]
    views = {p.id: p for p in read._passages(session, ids=ids)} if ids else {}
    versions = [read.to_version(d, row.original_language) for d in docs]
    return ComparePage(
        interview=read.interview_card(session, interview_id=row.id),
        versions=versions,
        a=versions[keys.index(key_a)],
        b=versions[keys.index(key_b)],
        rows=[
            CompareRow([views[x] for x in a_ids], [views[y] for y in b_ids], score)
            for a_ids, b_ids, score in shown
        ],
        part=k,
        parts=parts,
    )


def window_at(plan: Layout, at: str) -> int:
    """The window (from 1) whose rows hold passage `at`; 0 when none does."""
    if at:
        for n, (a_ids, b_ids, _) in enumerate(plan):
            if at in a_ids or at in b_ids:
                return n // read.WINDOW + 1
    return 0


def layout(session: Session, doc_a: int | None, doc_b: int | None) -> Layout:
    """Every row of the pair, as passage ids: two statements whatever the versions' length
    (ids in reading order; the links between the two versions), no text."""
    order: dict[int | None, list[str]] = {doc_a: [], doc_b: []}
    for pid, document_id in session.exec(
        select(Passage.id, Passage.document_id)
        .where(col(Passage.document_id).in_([d for d in (doc_a, doc_b) if d is not None]))
        .order_by(col(Passage.document_id), col(Passage.ordinal))
    ):
        order[document_id].append(pid)
    return rows(
        order[doc_a], order[doc_b] if doc_b is not None else [], links(session, doc_a, doc_b)
    )


def links(session: Session, doc_a: int | None, doc_b: int | None) -> Links:
    """The links from version a's passages to version b's."""
    if doc_a is None or doc_b is None:
        return {}
    pa, pb = aliased(Passage), aliased(Passage)
    found = session.exec(
        select(PassageLink.passage_id, PassageLink.other_id, PassageLink.score)
        .join(pa, col(PassageLink.passage_id) == pa.id)
        .join(pb, col(PassageLink.other_id) == pb.id)
        .where(pa.document_id == doc_a, pb.document_id == doc_b)
    )
    return {(x, y): score for x, y, score in found}


def groups(links: Links) -> dict[str, int]:
    """Passage id -> the number of its link group (passages joined by links, both sides)."""
    group: dict[str, int] = {}
    for n, (x, y) in enumerate(sorted(links)):
        gx, gy = group.get(x), group.get(y)
        if gx is None and gy is None:
            group[x] = group[y] = n
        elif gx is None or gy is None:
            known = gx if gx is not None else gy
            assert known is not None  # both None was the branch above
            group[x] = group[y] = known
        elif gx != gy:  # two groups meet: relabel one
            for k, g in group.items():
                if g == gy:
                    group[k] = gx
    return group


def rows(left: list[str], right: list[str], links: Links) -> Layout:
    """Both versions (passage ids in reading order); linked passages side by side, the
    others opposite a gap. Links are monotone (the alignment never crosses), so one pass
    over both lists suffices; a passage whose group is out of step is shown opposite a
    gap, never moved."""
    group = groups(links)
    out: Layout = []
    i = j = 0
    while i < len(left) or j < len(right):
        ga = group.get(left[i]) if i < len(left) else None
        gb = group.get(right[j]) if j < len(right) else None
        if j >= len(right) or (i < len(left) and (ga is None or (gb is not None and ga != gb))):
            out.append(([left[i]], [], None))
            i += 1
        elif i >= len(left) or gb is None:
            out.append(([], [right[j]], None))
            j += 1
        else:
            assert ga is not None  # a passage of no group took the first branch
            a_side = run(left, i, group, ga)
            b_side = run(right, j, group, gb)
            scores = [links[x, y] for x in a_side for y in b_side if (x, y) in links]
            out.append((a_side, b_side, min(scores)))
            i, j = i + len(a_side), j + len(b_side)
    return out


def run(ids: list[str], start: int, group: dict[str, int], g: int) -> list[str]:
    """The passages from `start` on that belong to link group g, as long as they follow on."""
    end = start
    while end < len(ids) and group.get(ids[end]) == g:
        end += 1
    return ids[start:end]

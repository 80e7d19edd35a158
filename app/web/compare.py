"""The read layer for two versions side by side: rows of passages that say the same.

The links come from the ingest's alignment (app/align.py); this only lays them out. Both
versions are read in order; a row holds the passages of one link (one on each side, or
several where a translator merged or split turns) or one passage alone, a gap opposite.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import Document, Interview, PassageLink
from app.web import read
from app.web.views import ComparePage, CompareRow, PassageView


def pick(keys: list[str], wanted: str, avoid: str = "") -> str:
    """A version key from user input: unknown keys fall back to the first other version."""
    if wanted in keys and wanted != avoid:
        return wanted
    return next((k for k in keys if k != avoid), keys[0])


def get_compare(session: Session, *, slug: str, a: str = "", b: str = "") -> ComparePage | None:
    row = session.exec(select(Interview).where(Interview.slug == slug)).first()
    if row is None:
        return None
    docs = session.exec(
        select(Document).where(Document.interview_id == row.id).order_by(col(Document.id))
    ).all()
    if not docs:
        return None
    assert row.id is not None  # read back from the archive
    keys = [d.key for d in docs]
    key_a = pick(keys, a)
    key_b = pick(keys, b, avoid=key_a) if len(keys) > 1 else key_a
    doc_a, doc_b = docs[keys.index(key_a)], docs[keys.index(key_b)]
    assert doc_a.id is not None and doc_b.id is not None
    left = read._passages(session, document_ids=[doc_a.id])
    right = read._passages(session, document_ids=[doc_b.id]) if doc_b is not doc_a else []
    versions = [read.to_version(d, row.original_language) for d in docs]
    return ComparePage(
        interview=read.interview_card(session, interview_id=row.id),
        versions=versions,
        a=versions[keys.index(key_a)],
        b=versions[keys.index(key_b)],
        rows=rows(left, right, links_between(session, left, right)),
    )


def links_between(
    session: Session, left: list[PassageView], right: list[PassageView]
) -> dict[tuple[str, str], float]:
    if not left or not right:
        return {}
    right_ids = {p.id for p in right}
    found = session.exec(
        select(PassageLink.passage_id, PassageLink.other_id, PassageLink.score).where(
            col(PassageLink.passage_id).in_([p.id for p in left])
        )
    )
    return {(x, y): score for x, y, score in found if y in right_ids}


def groups(links: dict[tuple[str, str], float]) -> dict[str, int]:
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


def rows(
    left: list[PassageView], right: list[PassageView], links: dict[tuple[str, str], float]
) -> list[CompareRow]:
    """Both versions in reading order; linked passages side by side, the others opposite a
    gap. Links are monotone (the alignment never crosses), so one pass over both lists
    suffices; a passage whose group is out of step is shown opposite a gap, never moved."""
    group = groups(links)
    out: list[CompareRow] = []
    i = j = 0
    while i < len(left) or j < len(right):
        ga = group.get(left[i].id) if i < len(left) else None
        gb = group.get(right[j].id) if j < len(right) else None
        if j >= len(right) or (i < len(left) and (ga is None or (gb is not None and ga != gb))):
            out.append(CompareRow([left[i]], [], None))
            i += 1
        elif i >= len(left) or gb is None:
            out.append(CompareRow([], [right[j]], None))
            j += 1
        else:
            assert ga is not None  # a passage of no group took the first branch
            a_side = run(left, i, group, ga)
            b_side = run(right, j, group, gb)
            scores = [links[x.id, y.id] for x in a_side for y in b_side if (x.id, y.id) in links]
            out.append(CompareRow(a_side, b_side, min(scores)))
            i, j = i + len(a_side), j + len(b_side)
    return out


def run(
    passages: list[PassageView], start: int, group: dict[str, int], g: int
) -> list[PassageView]:
    """The passages from `start` on that belong to link group g, as long as they follow on."""
    end = start
    while end < len(passages) and group.get(passages[end].id) == g:
        end += 1
    return passages[start:end]

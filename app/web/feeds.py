"""Atom feeds (RFC 4287): new interviews, a speaker's passages, a saved search.

Each feed has the elements the RFC requires (id, title, updated, an author, rel="self")
and each entry its id, title, updated and link. Ids are the entries' permanent URLs, which
never change for a passage (/p/{id}) or an interview (/interviews/{slug}). Built with
ElementTree, so every scraped character is escaped as XML needs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from sqlmodel import Session

from app.search.run import Hit
from app.web import labels, read
from app.web.deps import BaseDep, IndexDep, SessionDep
from app.web.exports import plain_snippet
from app.web.views import InterviewCard, PassageView

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES = 50
SITE = "AI-lab interview archive"
ET.register_namespace("", ATOM)

router = APIRouter(prefix="/feeds", include_in_schema=False)


@dataclass
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    link: str
    summary: str = ""
    content: str = ""
    language: str = ""
    authors: list[str] = field(default_factory=list)


def rfc3339(date: str, fallback: str) -> str:
    """An ISO date (YYYY[-MM[-DD]]) as an RFC 3339 time at midnight UTC; else `fallback`."""
    if not date:
        return fallback
    parts = (date.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def atom(*, title: str, self_url: str, page_url: str, updated: str, entries: list[Entry]) -> bytes:
    root = ET.Element(f"{{{ATOM}}}feed")
    sub(root, "id", self_url)
    sub(root, "title", title)
    newest = max([e.updated for e in entries], default=updated)
    sub(root, "updated", newest)
    author = sub(root, "author")
    sub(author, "name", SITE)
    sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(root, "link", rel="alternate", href=page_url, type="text/html")
    sub(root, "generator", SITE)
    for e in entries:
        entry = sub(root, "entry")
        sub(entry, "id", e.id)
        sub(entry, "title", e.title)
        sub(entry, "updated", e.updated)
        sub(entry, "link", rel="alternate", href=e.link, type="text/html")
        for name in e.authors:
            sub(sub(entry, "author"), "name", name)
        if e.summary:
            sub(entry, "summary", e.summary)
        if e.content:
            content = sub(entry, "content", e.content, type="text")
            if e.language:
                content.set("xml:lang", e.language)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def sub(parent: ET.Element, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def interview_entry(card: InterviewCard, base: str, fallback: str) -> Entry:
    people = [p.speaker.name for p in card.participants if p.role in ("guest", "author")]
    where = ", ".join(x for x in [card.show, card.date] if x)
    languages = ", ".join(labels.language_name(code) for code in card.languages)
    return Entry(
        id=f"{base}/interviews/{card.slug}",
        title=card.title,
        updated=rfc3339(card.date, fallback),
        link=f"{base}/interviews/{card.slug}",
        summary=f"{labels.kind_name(card.kind)}{': ' + where if where else ''} ({languages})",
        authors=people or [p.speaker.name for p in card.participants],
    )


def passage_entry(p: PassageView, base: str, updated: str, who: str = "") -> Entry:
    who = who or (p.speaker.name if p.speaker else p.speaker_label)
    words = p.text if len(p.text) <= 80 else p.text[:79] + "…"
    return Entry(
        id=f"{base}/p/{p.id}",
        title=f"{who}: {words}" if who else words,
        updated=updated,
        link=f"{base}/p/{p.id}",
        summary=f"in {p.interview_title}" + (f" at {p.time}" if p.time else ""),
        content=p.text,
        language=p.language,
        authors=[who] if who else [],
    )


def hit_entry(h: Hit, base: str, fallback: str) -> Entry:
    return Entry(
        id=f"{base}/p/{h.id}",
        title=f"{h.speaker or h.interview_title}: {h.interview_title}"
        if h.speaker
        else h.interview_title,
        updated=rfc3339(h.date, fallback),
        link=f"{base}/p/{h.id}",
        summary=plain_snippet(h.snippet),
        language=h.language,
        authors=[h.speaker] if h.speaker else [],
    )


def feed(
    session: Session,
    base: str,
    *,
    title: str,
    path: str,
    page: str,
    entries: Callable[[str], list[Entry]],
) -> Response:
    """A feed of the archive at `path` (and its page at `page`); `entries` gets the time
    the archive last changed, the date of an entry that has none."""
    updated = read.archive_updated(session)
    body = atom(
        title=f"{title} · {SITE}",
        self_url=f"{base}{path}",
        page_url=f"{base}{page}",
        updated=updated,
        entries=entries(updated),
    )
    return Response(body, media_type=MEDIA_TYPE)


@router.get("/interviews.atom")
def interviews_feed(session: SessionDep, base: BaseDep):
    def entries(updated: str) -> list[Entry]:
        cards = read.latest_interviews(session, limit=ENTRIES)
        return [interview_entry(c, base, updated) for c in cards]

    return feed(
        session,
        base,
        title="New interviews",
        path="/feeds/interviews.atom",
        page="/interviews",
        entries=entries,
    )


@router.get("/speakers/{slug}.atom")
def speaker_feed(session: SessionDep, base: BaseDep, slug: str):
    speaker = read.speaker_card(session, slug=slug)
    if speaker is None:
        raise HTTPException(404, "No such speaker.")

    def entries(updated: str) -> list[Entry]:
        dates = {c.slug: c.date for c in read.list_interviews(session, speaker=slug)}
        return [
            passage_entry(p, base, rfc3339(dates.get(p.interview_slug, ""), updated))
            for p in read.speaker_passages(session, slug=slug, limit=ENTRIES)
        ]

    return feed(
        session,
        base,
        title=speaker.name,
        path=f"/feeds/speakers/{slug}.atom",
        page=f"/speakers/{slug}",
        entries=entries,
    )


@router.get("/search.atom")
def search_feed(session: SessionDep, index: IndexDep, base: BaseDep, q: str = ""):
    def entries(updated: str) -> list[Entry]:
        found = read.run_search(session, index=index, q=q, page_size=ENTRIES)
        return [hit_entry(h, base, updated) for h in found.result.hits]

    query = urlencode({"q": q})
    return feed(
        session,
        base,
        title=f"Search “{q}”",
        path=f"/feeds/search.atom?{query}",
        page=f"/search?{query}",
        entries=entries,
    )

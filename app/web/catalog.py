"""What the archive's names are (speakers, interviews, languages, kinds, the span of dates)
and how much it holds (the home page's counts).

A search page needs the names four times over (the facets' names, the filter form, the
speaker names a query may use, why a filter matches nothing), and the home, speakers and
interviews pages need some of them: read separately, a search request read the speaker
and interview tables 14 times. The passages per language are a join over every passage
(66 ms at 100,000 passages), on every home page and /api/stats. All of it changes only
when an ingest commits, which bumps the archive's content version (the ETags use it too),
so it is read once per content version and engine, and a request after a new ingest reads
it afresh.

Everything here is shared between requests and threads: callers must not change what
they get (lists are copied where a caller might).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app import store
from app.models import (
    Document,
    Interview,
    InterviewSpeaker,
    Passage,
    Speaker,
    loads,
)
from app.text import match_form, name_key
from app.web import explain
from app.web.labels import KINDS, LANGUAGES
from app.web.views import HomeStats, SpeakerCard

# All change together at every ingest; the stamp tells apart two archives that reached
# the same count (another archive installed in place, a file deleted and ingested afresh
# under a running server); updated_at does for archives older than the stamp.
VERSION_KEYS = ("content_version", "content_stamp", "updated_at")


@dataclass(frozen=True)
class Catalog:
    speakers: list[SpeakerCard]  # people first, the busiest first (the speakers page)
    speaker_names: dict[str, str]  # slug -> name
    interview_titles: dict[str, str]  # slug -> title
    options: dict[str, list[tuple[str, str]]]  # (value, label) choices of the filter forms
    known: explain.Known  # what filter values can match
    stats: HomeStats  # how many records of each kind, passages per language
    title_slugs: dict[str, str]  # a title as typed (name_key) -> slug, titles of one interview
    # (slug, title, title's match_form) in title order: the interview filter's suggestions
    # look through them at each keystroke
    folded_titles: list[tuple[str, str, str]]
    version: tuple[str, ...] = ()  # the content version it was read at


_cache: weakref.WeakKeyDictionary[Engine, tuple[tuple[str, ...], Catalog]] = (
    weakref.WeakKeyDictionary()
)
_building = threading.Lock()


def catalog(session: Session) -> Catalog:
    """The catalog as this session's snapshot sees it: read once per request (kept in
    session.info) and once per content version (kept per engine)."""
    found = session.info.get("catalog")
    if found is not None:
        return found
    version = content_version(session)
    engine = session.get_bind()
    cached = _cache.get(engine) if isinstance(engine, Engine) else None
    if cached is None or cached[0] != version:
        # one thread builds it while the others of this worker wait for it, rather than
        # every request of a busy moment after an ingest reading the tables at once
        with _building:
            cached = _cache.get(engine) if isinstance(engine, Engine) else None
            if cached is None or cached[0] != version:
                cached = (version, replace(read_catalog(session), version=version))
                if isinstance(engine, Engine):
                    _cache[engine] = cached
    session.info["catalog"] = cached[1]
    return cached[1]


def content_version(session: Session) -> tuple[str, ...]:
    return store.meta_values(session, VERSION_KEYS)


def read_catalog(session: Session) -> Catalog:
    """Ten statements, whatever the archive's size."""
    counts: dict[int | None, int] = dict(
        session.exec(
            select(
                InterviewSpeaker.speaker_id,
                func.count(func.distinct(InterviewSpeaker.interview_id)),
            ).group_by(col(InterviewSpeaker.speaker_id))
        ).all()
    )
    speakers = session.exec(select(Speaker)).all()
    cards = sorted(
        (to_card(s, counts.get(s.id, 0)) for s in speakers),
        # people before the outlets that speak as interviewer, the busiest first
        key=lambda c: (c.is_organization, -c.interviews, c.name),
    )
    interviews = session.exec(
        select(Interview.slug, Interview.title, Interview.kind, Interview.date)
    ).all()
    languages = sorted(set(session.exec(select(Document.language).distinct()).all()) - {""})
    kinds = sorted({kind for _, _, kind, _ in interviews} - {""})
    dates = [date for _, _, _, date in interviews if date]
    titles = sorted(((slug, title) for slug, title, _, _ in interviews), key=lambda row: row[1])
    typed = Counter(name_key(title) for _, title in titles)
    return Catalog(
        speakers=cards,
        speaker_names={c.slug: c.name for c in cards},
        interview_titles=dict(titles),
        options={
            "speaker": [(c.slug, c.name) for c in cards],
            "interview": titles,
            "lang": [(code, LANGUAGES.get(code, code)) for code in languages],
            "kind": [(code, KINDS.get(code, code)) for code in kinds],
        },
        known=explain.Known(
            speakers=explain.speaker_keys((c.slug, c.name, c.aliases) for c in cards),
            interviews={slug for slug, *_ in interviews},
            languages=languages,
            kinds=kinds,
            first_date=min(dates, default=""),
            last_date=max(dates, default=""),
        ),
        stats=read_stats(session),
        # a title two interviews share names neither: its slug is needed then
        title_slugs={
            name_key(title): slug for slug, title in titles if typed[name_key(title)] == 1
        },
        folded_titles=[(slug, title, match_form(title)) for slug, title in titles],
    )


def read_stats(session: Session) -> HomeStats:
    languages = Counter(
        dict(
            session.exec(
                select(Document.language, func.count(col(Passage.id)))
                .join(Passage, col(Passage.document_id) == Document.id)
                .group_by(Document.language)
            ).all()
        )
    )
    return HomeStats(**store.counts(session), languages=dict(languages.most_common()))


def to_card(speaker: Speaker, interviews: int = 0) -> SpeakerCard:
    return SpeakerCard(
        slug=speaker.slug,
        name=speaker.name,
        aliases=loads(speaker.aliases),
        affiliation=speaker.affiliation,
        role=speaker.role,
        is_organization=speaker.is_organization,
        interviews=interviews,
    )

"""The read layer shared by pages and API: records in, the dataclasses of app.web.views out.

Pages and API call only these functions, so every HTML page and its JSON twin show the
same facts; they never write SQL or open the index themselves. Every function takes the
Session first and keyword-only arguments after it.
"""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, func, select

from app import links, store
from app.models import (
    Document,
    Interview,
    InterviewSpeaker,
    Passage,
    PassageLink,
    PassageRedirect,
    Speaker,
    loads,
)
from app.search import run as engine
from app.search.index import SearchIndex
from app.search.query import prepare
from app.text import match_form, name_key
from app.web import citations, explain, labels, moments, passage_rows, results
from app.web.catalog import catalog, to_card
from app.web.labels import ROLES
from app.web.views import (
    Appearance,
    AppearanceList,
    HomeStats,
    InterviewCard,
    InterviewList,
    InterviewPage,
    Moved,
    Participant,
    PassageList,
    PassagePage,
    PassageView,
    QuotedIn,
    SearchPage,
    Section,
    SpeakerCard,
    SpeakerList,
    SpeakerPage,
    SpeakerRef,
    Suggestion,
    Version,
)

SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (the protocol's cap)
# Passages per window of an interview page: one page of a 3,000-turn transcript took 19 s
# and 5.3 GB; a window costs the same whatever the document's length.
WINDOW = 400
# sqlmodel types the column as its value (str); defer() takes the class attribute, which is
# SQLAlchemy's at run time
DOCUMENT_TEXT = cast("QueryableAttribute[str]", Document.text)


# ---------------------------------------------------------------- records to views


def page_number(value, pages: int = 10_000) -> int:
    """A page number from user input: garbage means page 1, never an error."""
    try:
        return min(max(1, int(str(value).strip())), max(1, pages))
    except (TypeError, ValueError):
        return 1


def real_urls(doc: Document) -> list[str]:
    return [url for url in loads(doc.source_urls) if moments.is_real(url)]


def to_version(doc: Document, original: str = "") -> Version:
    provenance = loads(doc.provenance)
    urls = real_urls(doc)
    return Version(
        key=doc.key,
        language=doc.language,
        title=doc.title,
        publisher=doc.publisher,
        published_date=doc.published_date,
        date_text=doc.date_text,
        source_urls=urls,
        source_url=moments.source_url(urls),
        media_url=moments.media_url(urls),
        source_credit=doc.source_credit,
        provenance=provenance,
        label=labels.version_label(doc.language, provenance),
        notes=labels.provenance_notes(provenance, doc.language, original),
        kind=doc.kind,
    )


def to_passage(
    p: Passage,
    doc: Document,
    speaker: Speaker | None,
    interview: Interview | None,
    media: str = "",
) -> PassageView:
    return PassageView(
        id=p.id,
        ordinal=p.ordinal,
        text=p.text,
        role=p.role,
        section=p.section,
        timestamp=p.timestamp,
        time=labels.clock(p.timestamp),
        moment_url=moments.moment_url(media, p.timestamp),
        speaker_label=p.speaker_label,
        evidence=p.evidence,
        speaker=SpeakerRef(speaker.slug, speaker.name) if speaker else None,
        language=doc.language,
        document_key=doc.key,
        interview_slug=interview.slug if interview else "",
        interview_title=interview.title if interview else doc.title,
    )


# ---------------------------------------------------------------- interviews


def _documents_by_interview(
    session: Session, *, only: list[int] | None = None
) -> dict[int | None, list[tuple[str, str]]]:
    """interview id -> [(language, title)] of its versions, in document order (no text);
    of the interviews `only` names, or of all."""
    out: dict[int | None, list[tuple[str, str]]] = {}
    stmt = select(Document.interview_id, Document.language, Document.title)
    if only is not None:
        stmt = stmt.where(col(Document.interview_id).in_(only))
    for interview_id, language, title in session.exec(stmt.order_by(col(Document.id))):
        out.setdefault(interview_id, []).append((language, title))
    return out


def _participants(
    session: Session, *, only: list[int] | None = None
) -> dict[int | None, list[Participant]]:
    """interview id -> its people, by role; of the interviews `only` names, or of all."""
    out: dict[int | None, list[Participant]] = {}
    stmt = select(
        InterviewSpeaker.interview_id, InterviewSpeaker.role, Speaker.slug, Speaker.name
    ).join(Speaker, col(InterviewSpeaker.speaker_id) == Speaker.id)
    if only is not None:
        stmt = stmt.where(col(InterviewSpeaker.interview_id).in_(only))
    for interview_id, role, slug, name in session.exec(stmt):
        out.setdefault(interview_id, []).append(Participant(role, SpeakerRef(slug, name)))
    return {interview_id: _by_role(people) for interview_id, people in out.items()}


def _by_role(people: list[Participant]) -> list[Participant]:
    return sorted(
        people, key=lambda p: (ROLES.index(p.role) if p.role in ROLES else 9, p.speaker.name)
    )


def _card(row: Interview, docs: list[tuple[str, str]], people: list[Participant]) -> InterviewCard:
    languages = list(dict.fromkeys(lang for lang, _ in docs))
    # a single version's title is in its language; a composed title is ours, in English
    title_language = docs[0][0] if len(docs) == 1 else "en"
    return InterviewCard(
        slug=row.slug,
        title=row.title,
        title_language=title_language,
        kind=row.kind,
        show=row.show,
        episode=row.episode,
        date=row.date,
        languages=languages,
        participants=people,
    )


# list_interviews' order: dated first, newest first, then by title; ties in the order
# rows were written (the order Python's stable sort left them in when it sorted here)
NEWEST_FIRST = (
    (col(Interview.date) != "").desc(),
    col(Interview.date).desc(),
    col(Interview.title).desc(),
    col(Interview.id),
)


def _filtered(stmt, *, lang: str | None, speaker: str | None, kind: str | None):
    """The interviews with a version in `lang`, with `speaker` among their people, of
    `kind` (each only when given), in SQL: the filters read no interview they drop."""
    if lang:
        stmt = stmt.where(
            select(Document.id)
            .where(Document.interview_id == Interview.id, Document.language == lang)
            .exists()
        )
    if speaker:
        stmt = stmt.where(
            select(InterviewSpeaker.interview_id)
            .join(Speaker, col(InterviewSpeaker.speaker_id) == Speaker.id)
            .where(InterviewSpeaker.interview_id == Interview.id, Speaker.slug == speaker)
            .exists()
        )
    if kind:
        stmt = stmt.where(Interview.kind == kind)
    return stmt


def list_interviews(
    session: Session,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[InterviewCard]:
    """The interviews the filters keep, newest first (undated last), `limit` of them from
    `offset`: only those are read, with their versions and people."""
    rows = session.exec(
        _filtered(select(Interview), lang=lang, speaker=speaker, kind=kind)
        .order_by(*NEWEST_FIRST)
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [row.id for row in rows if row.id is not None]  # stored rows all have one
    docs, people = _documents_by_interview(session, only=ids), _participants(session, only=ids)
    return [_card(row, docs.get(row.id, []), people.get(row.id, [])) for row in rows]


def count_interviews(
    session: Session,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    kind: str | None = None,
) -> int:
    """How many interviews list_interviews() would give, counted, not read."""
    stmt = select(func.count()).select_from(Interview)
    return session.exec(_filtered(stmt, lang=lang, speaker=speaker, kind=kind)).one()


def latest_interviews(session: Session, *, limit: int) -> list[InterviewCard]:
    """The first `limit` of list_interviews(): the home page showed six and read every
    interview, version and participant of the archive to do so."""
    return list_interviews(session, limit=limit)


def interview_card(session: Session, *, interview_id: int) -> InterviewCard:
    row = session.get(Interview, interview_id)
    assert row is not None  # callers pass the id of an interview they read
    docs = _documents_by_interview(session, only=[interview_id]).get(interview_id, [])
    return _card(row, docs, _participants(session, only=[interview_id]).get(interview_id, []))


def _passages(
    session: Session,
    *,
    document_ids: list[int] | None = None,
    speaker_id: int | None = None,
    ordinals: tuple[int, int] | None = None,
    ids: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[PassageView]:
    where: list[tuple[str, list[Any]]] = [("1", [])]
    if document_ids is not None:
        where.append((f"p.document_id IN ({passage_rows.marks(document_ids)})", list(document_ids)))
    if speaker_id is not None:
        where.append(("p.speaker_id = ?", [speaker_id]))
    if ordinals:
        where.append(("p.ordinal >= ? AND p.ordinal <= ?", list(ordinals)))
    if ids is not None:
        where.append((f"p.id IN ({passage_rows.marks(ids)})", list(ids)))
    out = passage_rows.passages(session, where, offset=offset, limit=limit)
    with_counterparts(session, out)
    return out


# ---------------------------------------------------------------- links between passages


def with_counterparts(session: Session, passages: list[PassageView]) -> None:
    """Fill each passage's counterparts in the other versions, surest first."""
    passage_rows.with_counterparts(session, passages)


def focus_in(session: Session, *, near: str, document_id: int) -> str:
    """The passage of this version at the place of passage `near` (of any version): itself,
    its counterpart, or the counterpart of the closest passage before it that has one."""
    pid = links.moved(session, near) if near else None
    row = session.get(Passage, pid) if pid else None
    if row is None:
        return ""
    if row.document_id == document_id:
        return row.id
    # passage of near's version -> its first counterpart in this version
    linked = dict(
        session.exec(
            select(PassageLink.passage_id, PassageLink.other_id)
            .join(Passage, col(PassageLink.other_id) == Passage.id)
            .where(Passage.document_id == document_id)
            .order_by(col(Passage.ordinal).desc())
        ).all()
    )
    before = session.exec(
        select(Passage.id)
        .where(Passage.document_id == row.document_id, Passage.ordinal <= row.ordinal)
        .order_by(col(Passage.ordinal).desc())
    )
    return next((linked[p] for p in before if p in linked), "")


def also_quoted_in(session: Session, *, passage_id: str) -> list[QuotedIn]:
    mine = {
        other: (words, spans)
        for other, words, spans in passage_rows.rows(
            session,
            "SELECT other_id, words, spans FROM passagequote WHERE passage_id = ?",
            [passage_id],
        )
    }
    if not mine:
        return []
    back = dict(
        passage_rows.rows(
            session,
            "SELECT passage_id, spans FROM passagequote"
            f" WHERE other_id = ? AND passage_id IN ({passage_rows.marks(mine)})",
            [passage_id, *mine],
        )
    )
    found = [
        QuotedIn(
            passage=p,
            words=mine[p.id][0],
            spans=[tuple(x) for x in json.loads(back[p.id])] if p.id in back else [],
            spans_here=[tuple(x) for x in json.loads(mine[p.id][1])],
        )
        for p in passage_rows.passages(
            session,
            [(f"p.id IN ({passage_rows.marks(mine)})", list(mine))],
            order=False,
            media=False,
        )
    ]
    return sorted(found, key=lambda q: (-q.words, q.passage.id))


def sections_of(session: Session, document_id: int) -> list[Section]:
    """The headings of a whole document, each with the window it starts in (ids and
    ordinals only: the contents of a long page list sections of every window)."""
    out: list[Section] = []
    rows = session.exec(
        select(Passage.section, Passage.id, Passage.ordinal)
        .where(Passage.document_id == document_id, Passage.section != "")
        .order_by(col(Passage.ordinal))
    )
    for title, pid, ordinal in rows:
        if not out or out[-1].title != title:
            out.append(Section(title, pid, ordinal // WINDOW + 1))
    return out


def get_interview(
    session: Session,
    *,
    slug: str,
    version: str | None = None,
    near: str = "",
    part: int | str = 1,
    at: str = "",
) -> InterviewPage | None:
    """An interview with all its versions; `version` (a document key) picks the one shown,
    the first version otherwise (an unknown key too: a stale link still shows the text).
    `near` (a passage id of any version) names the place to open at. A long version is
    shown WINDOW passages at a time: `part`, or the window holding the passage `at` (or the
    place `near` names); links to a passage name it, so they survive a change of WINDOW."""
    row = session.exec(select(Interview).where(Interview.slug == slug)).first()
    if row is None:
        return None
    docs = session.exec(
        select(Document)
        .options(defer(DOCUMENT_TEXT))  # up to a file's size per version, never shown here
        .where(Document.interview_id == row.id)
        .order_by(col(Document.id))
    ).all()
    if not docs:
        return None
    versions = [to_version(d, row.original_language) for d in docs]
    shown = next((d for d in docs if d.key == version), docs[0])
    assert row.id is not None and shown.id is not None  # rows read back from the archive
    focus = focus_in(session, near=near, document_id=shown.id)
    part, parts = window_of(session, shown.id, part, at or focus)
    first = (part - 1) * WINDOW
    passages = _passages(session, document_ids=[shown.id], ordinals=(first, first + WINDOW - 1))
    return InterviewPage(
        interview=interview_card(session, interview_id=row.id),
        versions=versions,
        version=versions[docs.index(shown)],
        sections=sections_of(session, shown.id),
        passages=passages,
        focus=focus,
        part=part,
        parts=parts,
    )


def whole_interview(session: Session, *, slug: str, version: str | None = None):
    """An interview page with every passage of the version shown, all windows joined: the
    .txt and .md exports are the whole text, however long."""
    found = get_interview(session, slug=slug, version=version)
    if found is None:
        return None
    document_id = session.exec(select(Document.id).where(Document.key == found.version.key)).one()
    assert document_id is not None  # the id of a stored row
    for part in range(2, found.parts + 1):
        found.passages += _passages(
            session,
            document_ids=[document_id],
            ordinals=((part - 1) * WINDOW, part * WINDOW - 1),
        )
    return found


def window_of(session: Session, document_id: int, part: int | str, at: str) -> tuple[int, int]:
    """(the window to show, how many there are)."""
    total = session.exec(
        select(func.count()).select_from(Passage).where(Passage.document_id == document_id)
    ).one()
    parts = max(1, -(-total // WINDOW))
    ordinal = (
        session.exec(
            select(Passage.ordinal).where(Passage.id == at, Passage.document_id == document_id)
        ).first()
        if at
        else None
    )
    if ordinal is not None:
        return ordinal // WINDOW + 1, parts
    return min(page_number(part), parts), parts


# ---------------------------------------------------------------- speakers


def list_speakers(session: Session) -> list[SpeakerCard]:
    """Every speaker, people before the outlets that speak as interviewer, the busiest
    first (read once per content version: app/web/catalog.py)."""
    return list(catalog(session).speakers)


def get_speaker(
    session: Session,
    *,
    slug: str,
    page: int | str = 1,
    page_size: int = 20,
    appearances_page: int | str = 1,
    appearances_size: int = 20,
) -> SpeakerPage | None:
    """A speaker with one page of their interviews and one of their passages, each read
    alone in SQL (a page number past the last shows the last)."""
    speaker = session.exec(select(Speaker).where(Speaker.slug == slug)).first()
    if speaker is None:
        return None
    appearances = speaker_appearances(
        session, speaker=speaker, page=appearances_page, page_size=appearances_size
    )
    total = session.exec(
        select(func.count()).select_from(Passage).where(Passage.speaker_id == speaker.id)
    ).one()
    page = page_number(page, max(1, -(-total // page_size)))
    passages = _passages(
        session, speaker_id=speaker.id, offset=(page - 1) * page_size, limit=page_size
    )
    return SpeakerPage(
        speaker=to_card(speaker, appearances.total),
        appearances=appearances,
        passages=PassageList(passages, page, page_size, total, None, None),
    )


def speaker_appearances(
    session: Session, *, speaker: Speaker, page: int | str, page_size: int
) -> AppearanceList:
    """One page of the interviews a speaker takes part in, with their roles in each: a
    speaker of hundreds of interviews read every one of them for one page."""
    total = count_interviews(session, speaker=speaker.slug)
    page = page_number(page, max(1, -(-total // page_size)))
    cards = list_interviews(
        session, speaker=speaker.slug, offset=(page - 1) * page_size, limit=page_size
    )
    roles: dict[str, list[str]] = {}
    for interview_slug, role in session.exec(
        select(Interview.slug, InterviewSpeaker.role)
        .join(Interview, col(InterviewSpeaker.interview_id) == Interview.id)
        .where(
            InterviewSpeaker.speaker_id == speaker.id,
            col(Interview.slug).in_([card.slug for card in cards]),
        )
    ):
        roles.setdefault(interview_slug, []).append(role)
    items = [Appearance(card, sorted(roles[card.slug])) for card in cards]
    return AppearanceList(items, page, page_size, total, None, None)


def interview_list(
    session: Session, *, page: int | str, page_size: int, last: bool = False, **filters
) -> InterviewList:
    """One page of list_interviews (next and prev are the caller's URLs to fill in). With
    `last`, as the interviews page wants it, a page past the last (or no number) shows the
    last; the API's page past the last is empty."""
    total = count_interviews(session, **filters)
    if last:
        page = page_number(page, max(1, -(-total // page_size)))
    start = (int(page) - 1) * page_size
    cards = list_interviews(session, offset=start, limit=page_size, **filters)
    return InterviewList(cards, int(page), page_size, total, None, None)


def speaker_list(session: Session, *, page: int, page_size: int) -> SpeakerList:
    cards = list_speakers(session)
    start = (page - 1) * page_size
    return SpeakerList(cards[start : start + page_size], page, page_size, len(cards), None, None)


# ---------------------------------------------------------------- passages


def get_passage(
    session: Session, *, passage_id: str, context: int = 2, base_url: str = ""
) -> PassagePage | Moved | None:
    """The passage with `context` passages either side; Moved for an id that went away.

    `base_url` (no trailing slash) makes the permanent link in its citation absolute."""
    place = passage_rows.passage_place(session, passage_id)
    if place is None:
        return moved(session, passage_id=passage_id)
    ordinal, doc, interview = place
    assert doc.id is not None  # a passage's document (a foreign key)
    around = _passages(
        session, document_ids=[doc.id], ordinals=(ordinal - context, ordinal + context)
    )
    at = next(i for i, p in enumerate(around) if p.id == passage_id)
    card = (
        _card(
            interview,
            passage_rows.versions_of(session, interview.id),
            _by_role(passage_rows.people_of(session, interview.id)),
        )
        if interview and interview.id is not None
        else InterviewCard(
            slug="",
            title=doc.title,
            title_language=doc.language,
            kind=doc.kind,
            show="",
            episode="",
            date=doc.published_date,
            languages=[doc.language],
            participants=[],
        )
    )
    passage = around[at]
    version = to_version(doc, interview.original_language if interview else "")
    who = labels.attribution(passage, card, version)
    url = f"{base_url}/p/{passage.id}"
    return PassagePage(
        passage=passage,
        interview=card,
        version=version,
        before=around[:at],
        after=around[at + 1 :],
        attribution=who,
        url=url,
        citation=citations.cite(passage, card, version, who=who, url=url),
        other_versions=(
            _passages(session, ids=[c.id for c in passage.counterparts])
            if passage.counterparts
            else []
        ),
        also_quoted_in=also_quoted_in(session, passage_id=passage.id),
    )


def moved(session: Session, *, passage_id: str) -> Moved | None:
    redirect = session.get(PassageRedirect, passage_id)
    if redirect is None:
        return None
    target = redirect.new_id if redirect.new_id and session.get(Passage, redirect.new_id) else None
    return Moved(old_id=passage_id, new_id=target, interview_slug=redirect.interview_slug)


# ---------------------------------------------------------------- home, filters, sitemap


def home_stats(session: Session) -> HomeStats:
    """Records of each kind and passages per language (once per content version)."""
    return catalog(session).stats


def filter_options(session: Session) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for the filter forms: only values the archive holds."""
    return catalog(session).options


FIXED_PATHS = ["/", "/interviews", "/speakers"]


def _sitemapped(session: Session) -> list[tuple[str, Any, Any, int]]:
    """(path prefix, the column of the rows' keys, their order, how many rows): the
    interviews and speakers in the order they were written, the passages by id."""
    return [
        (prefix, key, order, session.exec(select(func.count()).select_from(table)).one())
        for prefix, key, order, table in [
            ("/interviews/", Interview.slug, Interview.id, Interview),
            ("/speakers/", Speaker.slug, Speaker.id, Speaker),
            ("/p/", Passage.id, Passage.id, Passage),
        ]
    ]


def sitemap_files(session: Session) -> int:
    """How many sitemap files the archive's pages need (SITEMAP_LIMIT URLs each; beyond
    one file, /sitemap.xml is an index of them), counted, not read."""
    total = len(FIXED_PATHS) + sum(count for *_, count in _sitemapped(session))
    return max(1, -(-total // SITEMAP_LIMIT))


def sitemap_paths(session: Session, *, part: int = 1) -> list[str]:
    """The paths of sitemap file `part`: the fixed pages, the interviews, the speakers,
    then the passages by id, SITEMAP_LIMIT to a file; a file reads only its own rows."""
    low, high = (part - 1) * SITEMAP_LIMIT, part * SITEMAP_LIMIT
    paths = FIXED_PATHS[low:high]
    at = len(FIXED_PATHS)  # where the next table's rows begin in the whole list
    for prefix, key, order, count in _sitemapped(session):
        first, last = max(low, at), min(high, at + count)
        if first < last:
            rows = session.exec(
                select(key).order_by(col(order)).offset(first - at).limit(last - first)
            ).all()
            paths += [f"{prefix}{value}" for value in rows]
        at += count
    return paths


def archive_ready(session: Session) -> int:
    """How many passages the archive holds (raises when the file is not an archive)."""
    return session.exec(select(func.count()).select_from(Passage)).one()


# ---------------------------------------------------------------- search


def run_search(
    session: Session,
    *,
    index: SearchIndex,
    q: str = "",
    speaker: str = "",
    interview: str = "",
    lang: str = "",
    kind: str = "",
    date_from: str = "",
    date_to: str = "",
    page: int | str = 1,
    page_size: int = 20,
    sort: str = "relevance",
    group: bool = False,
) -> SearchPage:
    """A search page: the hits (by relevance or newest first, grouped by interview when
    asked), names for the facets, and why filters match nothing when they cannot. Kept
    per state of the archive and its index (app/web/results.py): callers must not change
    what they get."""
    asked = dict(speaker=speaker, interview=interview, lang=lang, kind=kind)
    asked.update(date_from=date_from, date_to=date_to)
    number = page_number(page)
    names = catalog(session)
    cache = results.cache_for(session.get_bind())
    if cache is None:
        return _search(session, index, q, asked, number, page_size, sort, group)
    state = (str(index.root), index.live_name(), names.version)
    key = (results.query_key(q), *asked.values(), number, page_size, sort, group)
    return cache.answer(
        state, key, lambda: _search(session, index, q, asked, number, page_size, sort, group)
    )


def _search(
    session: Session,
    index: SearchIndex,
    q: str,
    asked: dict[str, str],
    page: int,
    page_size: int,
    sort: str,
    group: bool,
) -> SearchPage:
    known = known_values(session)
    result = engine.search(
        index,
        q or "",
        speaker=asked["speaker"] or None,
        interview=asked["interview"] or None,
        lang=asked["lang"] or None,
        kind=asked["kind"] or None,
        date_from=asked["date_from"] or None,
        date_to=asked["date_to"] or None,
        page=page,
        page_size=page_size,
        sort=sort,
        group_by_interview=group,
        speakers=known.speakers,
    )
    drop_gone_hits(session, result)
    names = catalog(session)
    dates = [asked["date_from"], asked["date_to"]]
    keyword = [
        (name, value, False)
        for name, value in [
            ("speaker", asked["speaker"]),
            ("interview", asked["interview"]),
            ("lang", asked["lang"]),
            ("kind", asked["kind"]),
            ("date", "..".join(dates) if any(dates) else ""),
        ]
        if value
    ]
    # a filter that matched passages needs no excuse (a speaker found by a printed label)
    notes = explain.notes(result.filters + keyword, known) if result.total == 0 else []
    return SearchPage(
        result=result,
        speakers=names.speaker_names,
        interviews=names.interview_titles,
        notes=notes,
    )


def interview_slug(session: Session, value: str) -> str:
    """The interview filter's value as the search reads it: a slug stays as it is, the
    title of one interview (as typed in the filter's text field, case and width aside)
    becomes that interview's slug; anything else stays, and the search says it matches
    nothing."""
    names = catalog(session)
    if not value or value in names.interview_titles:
        return value
    return names.title_slugs.get(name_key(value), value)


def interview_field(session: Session, slug: str) -> str:
    """What the interview filter's text field shows for a slug: its title when the title
    leads back to it alone, else the slug itself."""
    names = catalog(session)
    title = names.interview_titles.get(slug, "")
    return title if title and names.title_slugs.get(name_key(title)) == slug else slug


SUGGESTIONS = 10


def interview_suggestions(
    session: Session, *, q: str, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """Interviews whose title holds every word typed (case, width and accents aside),
    those whose title starts with the first word first, then by title: the interview
    filter's suggestions. Nothing for an empty text."""
    words = [match_form(w) for w in q.split()][:20]
    if not words:
        return []
    found: list[tuple[bool, int, str, str]] = []
    for slug, title, folded in catalog(session).folded_titles:  # in title order
        if all(w in folded for w in words):
            found.append((not folded.startswith(words[0]), len(found), slug, title))
    return [Suggestion(slug=slug, title=title) for *_, slug, title in sorted(found)[:limit]]


def known_values(session: Session) -> explain.Known:
    """What filter values can match: speakers' names and aliases, slugs, languages, kinds,
    the span of dates."""
    return catalog(session).known


def drop_gone_hits(session: Session, result) -> None:
    """Hits of an index behind its archive (an ingest killed between commit and index
    switch, a failed build) may name passages that are gone: leave them out rather than
    link to a 410."""
    ids = [h.id for h in result.hits]
    if not ids:
        return
    present = set(session.exec(select(Passage.id).where(col(Passage.id).in_(ids))).all())
    gone = len(ids) - len(present)
    if gone:
        result.hits = [h for h in result.hits if h.id in present]
        result.total = max(result.total - gone, len(result.hits))
        note = f"{gone} results left out: the search index is being brought up to date."
        result.message = f"{result.message} {note}".strip()


def search_terms(q: str | None) -> list[str]:
    """The analysed terms of a query (phrases as one term with spaces), to mark them in a
    page reached from a search."""
    if not q:
        return []
    return sorted(prepare(q).terms)


# ---------------------------------------------------------------- versions, feeds


def archive_version(session: Session) -> str:
    """What changes when the archive or its index changes: the content version (bumped by
    every ingest that changed something, with the stamp that makes it unique to this
    archive) and the version the index was built from."""
    keys = ("content_version", "content_stamp", "indexed_version")
    return "/".join(store.meta_values(session, keys))


def archive_updated(session: Session) -> str:
    """When the archive last changed (RFC 3339); the epoch for archives older than that fact."""
    return store.get_meta(session, "updated_at") or "1970-01-01T00:00:00Z"


def speaker_passages(session: Session, *, slug: str, limit: int = 50) -> list[PassageView]:
    """A speaker's passages, newest interview first (their feed)."""
    speaker = session.exec(select(Speaker).where(Speaker.slug == slug)).first()
    if speaker is None:
        return []
    return _passages(session, speaker_id=speaker.id, limit=limit)


def speaker_card(session: Session, *, slug: str) -> SpeakerCard | None:
    speaker = session.exec(select(Speaker).where(Speaker.slug == slug)).first()
    return to_card(speaker) if speaker else None

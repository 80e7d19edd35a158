"""Store: SQLite engines and the one write transaction that applies an ingest.

WAL mode lets pages keep reading the previous archive while an ingest writes; all of an
ingest's changes commit at once (BEGIN IMMEDIATE … COMMIT), so a killed ingest leaves the
previous archive whole.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import event
from sqlmodel import Session, col, create_engine, delete, func, select
from sqlmodel.sql.expression import Select

from app import schema
from app.models import (
    ArchiveMeta,
    Document,
    Interview,
    InterviewSpeaker,
    Passage,
    PassageRedirect,
    Speaker,
    dumps,
    loads,
)
from app.parse.documents import ParsedDocument, Person
from app.redirects import OldPassage, Redirect
from app.search.entry import IndexEntry
from app.text import slugify

log = logging.getLogger(__name__)


def write_engine(db_path: Path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(conn, _record):
        conn.isolation_level = None  # we issue BEGIN ourselves (pysqlite's is deferred)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer; fail early, not at COMMIT

    with engine.begin() as conn:
        for line in schema.migrate(conn):
            log.info("%s: %s", db_path, line)
    return engine


READERS = 64  # connections a server process may open beyond the 5 it keeps


def read_engine(db_path: Path):
    """Read-only: the server never writes, and cannot create an empty archive by mistake."""
    engine = create_engine(
        f"sqlite:///file:{db_path}?mode=ro&uri=true",
        connect_args={"timeout": 30, "check_same_thread": False},
        # a connection for every thread that may ask for one: routes run in a pool of 40
        # threads (anyio's default), and each request's session holds its connection
        # until the answer is sent; with SQLAlchemy's 5 + 10 the 16th reader waited up to
        # 30 s and then failed. Read-only SQLite connections are cheap; 5 stay open.
        pool_size=5,
        max_overflow=READERS,
    )

    @event.listens_for(engine, "connect")
    def _connect(conn, _record):
        conn.isolation_level = None  # pysqlite runs each SELECT in a transaction of its own
        conn.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # one snapshot per Session (a request): a page read in several queries while an
        # ingest commits sees the old archive or the new, never an interview of the old
        # with the passages of the new (an interview page without passages)
        conn.exec_driver_sql("BEGIN")

    return engine


def schema_version(engine) -> int:
    with engine.connect() as conn:
        return schema.version_of(conn)


def get_meta(session: Session, key: str) -> str:
    row = session.get(ArchiveMeta, key)
    return row.value if row else ""


def meta_values(session: Session, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Several facts at once, "" for a missing one, in the session's snapshot. Plain SQL:
    every request reads them (the ETag, the catalog), and building the ORM's statement
    cost 1.7 ms a time where the read itself costs 0.2."""
    marks = ", ".join("?" * len(keys))
    rows = session.connection().exec_driver_sql(
        f"SELECT key, value FROM archivemeta WHERE key IN ({marks})", keys
    )
    found: dict[str, str] = {key: value for key, value in rows.all()}
    return tuple(found.get(key, "") for key in keys)


def bump_content_version(session: Session) -> None:
    """Mark the archive changed: the content version counts changes, and the stamp, new at
    each change, tells apart two archives that counted the same number of them (caches and
    ETags key on both: an archive installed in place of another at the same count served
    the other's kept answers)."""
    version = int(get_meta(session, "content_version") or 0) + 1
    set_meta(session, "content_version", str(version))
    set_meta(session, "content_stamp", uuid.uuid4().hex)


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(ArchiveMeta, key) or ArchiveMeta(key=key)
    row.value = value
    session.add(row)


def counts(session: Session) -> dict[str, int]:
    """How many records of each kind the archive holds."""
    return {
        name: session.exec(select(func.count()).select_from(model)).one()
        for name, model in (
            ("documents", Document),
            ("interviews", Interview),
            ("speakers", Speaker),
            ("passages", Passage),
        )
    }


def has_passages(session: Session) -> bool:
    return session.exec(select(Passage.id).limit(1)).first() is not None


def file_hashes(session: Session) -> dict[str, str]:
    return {
        name: sha for name, sha in session.exec(select(Document.source_file, Document.sha256)).all()
    }


def interview_key(doc: ParsedDocument) -> str:
    guests = sorted({p.slug for r, p in doc.participants if r in ("guest", "author")})
    if doc.kind == "essay" and guests:
        return f"essay|{','.join(guests)}|{doc.key.split('#')[-1]}"
    if doc.show and guests:
        return f"{slugify(doc.show.replace(chr(39), ''))}|{doc.episode}|{','.join(guests)}"
    return f"doc|{doc.key}"


def interview_slug(session: Session, key: str) -> str:
    parts = [p for p in re.split(r"[|,#]", key.removeprefix("doc|").removeprefix("essay|")) if p]
    words = slugify("-".join(parts).replace(".txt", "").replace(".md", "")).split("-")
    base = (
        "-".join(dict.fromkeys(words))[:80].strip("-") or "interview"
    )  # no "dario-amodei-…-dario-amodei"
    slug, n = base, 2
    while (
        other := session.exec(select(Interview).where(Interview.slug == slug)).first()
    ) and other.key != key:
        slug, n = f"{base}-{n}", n + 1
    return slug


def upsert_speaker(session: Session, person: Person) -> Speaker:
    row = session.exec(select(Speaker).where(Speaker.slug == person.slug)).first()
    if row is None:
        row = Speaker(slug=person.slug, name=person.name)
    aliases = list(dict.fromkeys(loads(row.aliases) + person.aliases))
    row.aliases = dumps(a for a in aliases if a != row.name)
    row.affiliation = person.affiliation or row.affiliation
    row.role = person.role or row.role
    row.is_organization = person.is_organization or row.is_organization
    row.in_registry = person.in_registry or row.in_registry
    session.add(row)
    session.flush()
    return row


def upsert_interview(session: Session, doc: ParsedDocument) -> Interview:
    key = interview_key(doc)
    row = session.exec(select(Interview).where(Interview.key == key)).first()
    if row is None:
        row = Interview(key=key, slug=interview_slug(session, key), title=doc.title)
    row.kind = doc.kind if row.id is None or doc.kind == "interview" else row.kind
    row.show = doc.show or row.show
    row.episode = doc.episode or row.episode
    row.original_language = doc.show_language or row.original_language
    session.add(row)
    session.flush()
    return row


def save_document(session: Session, doc: ParsedDocument, ids: list[str]) -> Document:
    """The document and its passages; `ids` are its passages' ids (app.passage_ids, hashed
    once by the ingest for its redirect plan and carried here)."""
    interview = upsert_interview(session, doc)
    speakers = {p.slug: upsert_speaker(session, p) for _, p in doc.participants}
    for pas in doc.passages:
        if pas.speaker and pas.speaker.slug not in speakers:
            speakers[pas.speaker.slug] = upsert_speaker(session, pas.speaker)
    row = Document(
        key=doc.key,
        source_file=doc.source_file,
        sha256=doc.sha256,
        encoding=doc.encoding,
        language=doc.language,
        title=doc.title,
        publisher=doc.publisher,
        published_date=doc.published_date,
        date_text=doc.date_text,
        aired_date=doc.interview_date,
        source_urls=dumps(doc.source_urls),
        source_credit=doc.source_credit,
        provenance=dumps(doc.provenance),
        kind=doc.kind,
        text=doc.text,
        interview_id=interview.id,
        warnings=dumps(doc.warnings),
        participants=dumps([r, p.slug] for r, p in doc.participants),
    )
    session.add(row)
    session.flush()
    assert row.id is not None  # the flush gave the row its id
    if len(ids) != len(doc.passages):
        raise ValueError(f"{doc.key}: {len(ids)} ids for {len(doc.passages)} passages")
    for n, (pid, pas) in enumerate(zip(ids, doc.passages)):
        session.add(
            Passage(
                id=pid,
                document_id=row.id,
                ordinal=n,
                text=pas.text,
                role=pas.role,
                speaker_id=speakers[pas.speaker.slug].id if pas.speaker else None,
                speaker_label=pas.label,
                evidence=pas.evidence,
                section=pas.section,
                timestamp=pas.timestamp,
            )
        )
    return row


def old_passages(session: Session, source_files: list[str]) -> list[OldPassage]:
    """The current passages of these files, read before the write transaction opens."""
    found: list[OldPassage] = []
    for chunk in chunks(source_files):
        # five columns: more than sqlmodel's select() has typed overloads for
        columns: Select[str, str, int, str, str | None] = Select(
            col(Passage.id),
            col(Document.key),
            col(Passage.ordinal),
            col(Passage.text),
            col(Interview.slug),
        )
        rows = session.exec(
            columns.join(Document, col(Passage.document_id) == Document.id)
            .join(Interview, col(Document.interview_id) == Interview.id, isouter=True)
            .where(col(Document.source_file).in_(chunk))
        )
        found += [OldPassage(pid, key, n, text, slug or "") for pid, key, n, text, slug in rows]
    return found


def chunks(values: list, size: int = 500) -> Iterator[list]:
    """SQLite allows a limited number of bound parameters per statement."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def remove_file(session: Session, source_file: str) -> None:
    doc_ids = session.exec(select(Document.id).where(Document.source_file == source_file)).all()
    if doc_ids:
        session.exec(delete(Passage).where(col(Passage.document_id).in_(doc_ids)))
        session.exec(delete(Document).where(col(Document.id).in_(doc_ids)))
        session.flush()


def save_redirects(session: Session, redirects: list[Redirect], new_ids: list[str]) -> None:
    """Vanished ids point to their new place (or to nothing: 410); an id that exists again
    is no longer redirected."""
    gone = [r.old_id for r in redirects]
    for chunk in chunks(gone + new_ids):
        session.exec(delete(PassageRedirect).where(col(PassageRedirect.old_id).in_(chunk)))
    session.add_all(
        PassageRedirect(
            old_id=r.old_id,
            new_id=r.new_id,
            interview_slug=r.interview_slug,
            document_key=r.document_key,
        )
        for r in redirects
    )
    session.flush()


def replace_file(
    session: Session, source_file: str, docs: list[ParsedDocument], ids: dict[str, list[str]]
) -> None:
    """The file's documents in place of its old ones; `ids`: document key -> passage ids."""
    remove_file(session, source_file)
    for doc in docs:
        save_document(session, doc, ids[doc.key])
    session.flush()


def refresh_interviews(session: Session) -> None:
    """Derived facts of each interview from its current versions; orphans go."""
    for interview in session.exec(select(Interview)).all():
        docs = session.exec(select(Document).where(Document.interview_id == interview.id)).all()
        session.exec(
            delete(InterviewSpeaker).where(col(InterviewSpeaker.interview_id) == interview.id)
        )
        if not docs:
            session.delete(interview)
            continue
        link_participants(session, interview, docs)
        dates = sorted(d.published_date for d in docs if d.published_date)
        aired = sorted(d.aired_date for d in docs if d.aired_date)
        interview.date = (aired or dates or [""])[0]
        interview.title = docs[0].title if len(docs) == 1 else composed_title(session, interview)
        session.add(interview)
    session.flush()
    used = set(session.exec(select(Passage.speaker_id)).all()) | set(
        session.exec(select(InterviewSpeaker.speaker_id)).all()
    )
    for speaker in session.exec(select(Speaker)).all():
        if speaker.id not in used:
            session.delete(speaker)


def link_participants(session: Session, interview: Interview, docs: Sequence[Document]) -> None:
    links = {(role, slug) for d in docs for role, slug in loads(d.participants)}
    for role, slug in sorted(links):
        speaker = session.exec(select(Speaker).where(Speaker.slug == slug)).first()
        if speaker:
            assert interview.id is not None and speaker.id is not None  # rows read back
            session.merge(
                InterviewSpeaker(interview_id=interview.id, speaker_id=speaker.id, role=role)
            )


def composed_title(session: Session, interview: Interview) -> str:
    guests = session.exec(
        select(Speaker.name)
        .join(InterviewSpeaker, col(InterviewSpeaker.speaker_id) == Speaker.id)
        .where(InterviewSpeaker.interview_id == interview.id, InterviewSpeaker.role == "guest")
    ).all()
    show = interview.show + (f" #{interview.episode}" if interview.episode else "")
    return f"{' & '.join(sorted(guests))} on {show}" if guests and show else interview.key


def index_entries(session: Session) -> Iterator[IndexEntry]:
    """One entry per passage, in reading order, as the search index takes them, streamed.

    A join of whole rows carried the document's text on every passage row (a 1 MB
    transcript of 3,000 turns took 3.3 GB to index): the facts of documents, interviews and
    speakers are read once each, and passages row by row with only their own columns."""
    # the interview's columns are None for a document without one (outer join)
    doc_columns: Select[int, str, str, str, str, str, str, str | None, str | None, str | None] = (
        Select(
            col(Document.id),
            col(Document.key),
            col(Document.title),
            col(Document.language),
            col(Document.published_date),
            col(Document.kind),
            col(Document.provenance),
            col(Interview.slug),
            col(Interview.title),
            col(Interview.date),
        )
    )
    docs = {
        row[0]: row[1:]
        for row in session.exec(
            doc_columns.join(Interview, col(Document.interview_id) == Interview.id, isouter=True)
        )
    }
    speakers = {
        i: (name, slug)
        for i, name, slug in session.exec(select(Speaker.id, Speaker.name, Speaker.slug))
    }
    passage_columns: Select[str, int, str, int | None, str, int | None, int, str] = Select(
        col(Passage.id),
        col(Passage.document_id),
        col(Passage.text),
        col(Passage.speaker_id),
        col(Passage.section),
        col(Passage.timestamp),
        col(Passage.ordinal),
        col(Passage.role),
    )
    passages = session.exec(
        passage_columns.order_by(col(Passage.document_id), col(Passage.ordinal)).execution_options(
            yield_per=500
        )
    )
    for pid, doc_id, text, speaker_id, section, timestamp, ordinal, role in passages:
        key, title, language, published, kind, provenance, i_slug, i_title, i_date = docs[doc_id]
        name, slug = speakers.get(speaker_id, ("", ""))
        yield IndexEntry(
            id=pid,
            text=text,
            language=language,
            speaker_name=name,
            speaker_slug=slug,
            interview_slug=i_slug or "",
            # an interview row has a title: i_title is None exactly when i_slug is
            interview_title=i_title if i_title is not None else title,
            document_key=key,
            date=i_date or published,
            kind=kind,
            section=section,
            provenance=loads(provenance),
            timestamp=timestamp,
            ordinal=ordinal,
            role=role,
        )

"""The ingest pipeline: files → parsed → stored → indexed, with a report for every file.

The only module that joins reading, storing and indexing. Parsing happens before the
write transaction opens, so a broken file is reported and skipped without touching the
archive, and the archive changes in one commit.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlmodel import Session

from app import links, store
from app.config import Settings
from app.parse.decode import DecodeError
from app.parse.documents import ParsedDocument
from app.parse.pipeline import PARSER_VERSION, ParseError, parse_bytes
from app.parse.speakers import Registry
from app.passage_ids import passage_ids
from app.redirects import Redirect, plan
from app.sources import RECORD_SUFFIX, Source, discover


class IngestLocked(RuntimeError):
    pass


class IndexNotBuilt(RuntimeError):
    """The archive is written but its search index could not be rebuilt."""


@dataclass
class FileReport:
    name: str
    status: str  # new | changed | unchanged | failed | skipped | removed
    documents: int = 0
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    reindexed: bool = False
    index_error: str = ""  # why the index was not rebuilt; the previous one still serves

    @property
    def failures(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def skipped(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(f.name, w) for f in self.files for w in f.warnings]


# Lock files this process holds. A forked child (the index writer's worker processes)
# shares the lock with its parent, so a child outliving a killed ingest kept every later
# ingest out. Children let go of their copy at once: the lock lives and dies with the
# ingest. (dup2 of /dev/null, not close: the child's file object may still close that fd.)
_held: set[int] = set()


def _drop_inherited_locks() -> None:
    if not _held:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    for fd in _held:
        os.dup2(null, fd)
    os.close(null)
    _held.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


ORPHAN_WAIT = 10.0  # seconds a lock whose ingest has died may stay held by its children


def locked(handle: IO[str]) -> bool:
    """Take the lock. When the ingest that holds it has died, a worker process it was
    forking at that moment still holds a copy until it exits (at once, by its parent-death
    signal, but late on a busy machine: the next ingest was refused); wait for it then."""
    deadline = time.monotonic() + ORPHAN_WAIT
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            handle.seek(0)
            if alive(handle.read().strip()) or time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def alive(pid: str) -> bool:
    """Whether the process named in the lock file runs ("" or junk: assume it does)."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (ValueError, PermissionError, OverflowError):
        return True
    return True


@contextmanager
def writer_lock(db_path: Path):
    """One ingest at a time per archive; a second one is told who holds it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        if not locked(handle):
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise IngestLocked(f"another ingest (pid {holder}) is writing {db_path}")
        _held.add(handle.fileno())
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            _held.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_file(
    source: Source, known_sha: str | None, settings: Settings, registry: Registry
) -> tuple[FileReport, list | None]:
    """The file's report, and its parsed documents when it is new or changed."""
    name = source.key
    try:
        data = read_bounded(source.path, settings.max_file_bytes)
    except OSError as exc:
        return FileReport(name, "failed", error=f"cannot read: {exc.strerror or exc}"), None
    except TooLarge as exc:
        return FileReport(name, "failed", error=str(exc)), None
    if known_sha == hashlib.sha256(data).hexdigest():
        return FileReport(name, "unchanged"), None
    try:
        docs = parse_bytes(name, data, registry, **fetch_origin(source.path))
    except (DecodeError, ParseError) as exc:
        return FileReport(name, "failed", error=str(exc)), None
    except Exception as exc:  # a parser bug must not cost the other files
        return FileReport(name, "failed", error=f"parser error: {exc!r}"), None
    warnings = [f"{d.key}: {w}" if len(docs) > 1 else w for d in docs for w in d.warnings]
    passages = sum(len(d.passages) for d in docs)
    status = "changed" if known_sha else "new"
    return FileReport(name, status, len(docs), passages, warnings), docs


class TooLarge(ValueError):
    pass


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, refused above the limit: one huge page costs memory and index
    space in proportion, and a file that grows while read is caught too."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        size = max(os.path.getsize(path), len(data))
        raise TooLarge(
            f"too large: {size / 1e6:.1f} MB, the limit is {limit / 1e6:g} MB (ARCHIVE_MAX_FILE_MB)"
        )
    return data


def snapshots(settings: Settings) -> list[Path]:
    """The pages `archive add` keeps (their records and half-written files aside)."""
    folder = settings.sources_dir
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.endswith((RECORD_SUFFIX, ".part"))
    )


def added_pages(settings: Settings, paths: list[Path]) -> set[str]:
    """Snapshots `archive add` keeps: ingesting another folder does not remove them."""
    folder = settings.sources_dir
    if any(p.resolve() == folder.resolve() for p in paths):
        return set()
    return {p.name for p in snapshots(settings)}


def fetch_origin(path: Path) -> dict[str, str]:
    """The source URL and HTTP charset of a snapshot `archive add` made, from its record."""
    record = path.with_name(path.name + RECORD_SUFFIX)
    if not record.exists():
        return {}
    try:
        data = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    charset = re.search(r"charset=\s*\"?([\w.:-]+)", data.get("content_type", ""), re.I)
    return {
        "source_url": data.get("final_url") or data.get("url") or "",
        "http_charset": charset.group(1) if charset else "",
    }


def ingest(
    settings: Settings,
    paths: list[Path],
    progress: Callable[[str], None] | None = None,
    stage: Callable[[str], None] = lambda what: None,
) -> IngestReport:
    """`progress` hears each file's name as it is read; `stage` each later step."""
    report = IngestReport()
    with writer_lock(settings.db_path):
        engine = store.write_engine(settings.db_path)
        registry = Registry.load(settings.data_dir)
        with Session(engine) as session:
            reparse = store.get_meta(session, "parser_version") != PARSER_VERSION
            relink = store.get_meta(session, "links_version") != links.ALIGN_VERSION
            hashes = store.file_hashes(session)
        known = {} if reparse else hashes
        sources, skipped = discover(paths)
        if reparse:  # added pages are re-read by the new parser too
            unread = set(hashes) - {s.key for s in sources}
            sources += [Source(p, p.name) for p in snapshots(settings) if p.name in unread]
        parsed = {}
        for source in sources:
            if progress:
                progress(source.key)
            file_report, docs = read_file(source, known.get(source.key), settings, registry)
            if file_report.status == "new" and source.key in hashes:
                file_report.status = "changed"  # re-parsed for a new parser version
            report.files.append(file_report)
            if docs is not None:
                parsed[source.key] = docs
        report.files += [FileReport(s.key, "skipped", error=s.reason) for s in skipped]
        sync = any(p.is_dir() for p in paths)
        kept = {s.key for s in sources} | added_pages(settings, paths)
        gone = set(hashes) - kept if sync else set()
        report.files += [FileReport(name, "removed") for name in sorted(gone)]
        if parsed or gone or reparse or relink:
            # each new passage's id is hashed here once, and carried to the redirect plan
            # and the store (hashing a passage's normalised text is most of an unchanged
            # re-parse's store time; it was done three times)
            new = new_passages(parsed)
            stage("finding where edited passages went")
            with Session(engine) as session:
                moved = plan_redirects(session, new, gone)
            stage("writing the archive")
            with Session(engine) as session:
                apply(session, parsed, new, gone, moved, registry)
        with Session(engine) as session:
            report.totals = store.counts(session)
        try:
            report.reindexed = reindex_if_stale(settings, engine, stage=stage)
        except IndexNotBuilt as exc:
            report.index_error = str(exc)
        engine.dispose()
    return report


# file name -> (document key -> [(passage id, text)] in reading order)
NewPassages = dict[str, dict[str, list[tuple[str, str]]]]


def plan_redirects(session: Session, new: NewPassages, gone: set[str]) -> list[Redirect]:
    """Outside the write transaction: readers and the lock wait only for the writing."""
    old = store.old_passages(session, sorted(set(new) | gone))
    return plan(old, {key: passages for docs in new.values() for key, passages in docs.items()})


def new_passages(parsed: dict[str, list[ParsedDocument]]) -> NewPassages:
    """The id of every passage of the parsed files, hashed once per ingest."""
    new: NewPassages = {}
    for name, docs in parsed.items():
        new[name] = {}
        for doc in docs:
            texts = [p.text for p in doc.passages]
            new[name][doc.key] = list(zip(passage_ids(doc.key, texts), texts))
    return new


def apply(
    session: Session,
    parsed: dict[str, list[ParsedDocument]],
    new: NewPassages,
    gone: set[str],
    moved: list[Redirect],
    registry: Registry,
) -> None:
    """All changes in one transaction: readers see the old archive or the new, never half.
    `new` holds the ids of `parsed`'s passages (new_passages)."""
    touched = links.interviews_of(session, [*parsed, *gone])
    for name, docs in parsed.items():
        ids = {key: [pid for pid, _ in passages] for key, passages in new[name].items()}
        store.replace_file(session, name, docs, ids)
    for name in gone:
        store.replace_file(session, name, [], {})
    new_ids = [pid for docs in new.values() for passages in docs.values() for pid, _ in passages]
    store.save_redirects(session, moved, new_ids)
    store.refresh_interviews(session)
    touched |= links.interviews_of(session, parsed)
    stale = store.get_meta(session, "links_version") != links.ALIGN_VERSION
    links.refresh(session, touched, registry.spellings, stale)
    store.set_meta(session, "links_version", links.ALIGN_VERSION)
    store.set_meta(session, "parser_version", PARSER_VERSION)
    store.bump_content_version(session)
    # when the archive last changed: the feeds' <updated> (RFC 3339, UTC)
    store.set_meta(session, "updated_at", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    session.flush()
    pause_point("write")
    session.commit()
    pause_point("commit")


def pause_point(name: str) -> None:
    """Stop here for good when ARCHIVE_PAUSE_AT names this point ("write": every change is
    written but not committed; "commit": committed, index not rebuilt), after touching the
    file ARCHIVE_PAUSE_FILE. The kill tests use it to kill an ingest at a known moment."""
    if os.environ.get("ARCHIVE_PAUSE_AT") != name:
        return
    Path(os.environ["ARCHIVE_PAUSE_FILE"]).touch()
    while True:
        time.sleep(60)


def reindex_if_stale(
    settings: Settings,
    engine,
    force: bool = False,
    stage: Callable[[str], None] = lambda what: None,
) -> bool:
    """Rebuild the search index when it was built from another version of the records
    (also after an ingest was killed between its commit and its index switch), in an
    older index format, or when it cannot be opened (a class path it names is gone, a
    pointer to a deleted folder)."""
    from app.search.index import INDEX_FORMAT, build_index, readable  # whoosh: when needed

    with Session(engine) as session:
        version = f"{store.get_meta(session, 'content_version')}+{INDEX_FORMAT}"
        if (
            not force
            and version == store.get_meta(session, "indexed_version")
            and settings.index_root.exists()
            and readable(settings.index_root)
        ):
            return False
        stage("building the search index")
        try:
            build_index(settings.index_root, store.index_entries(session), built_from=version)
        except Exception as exc:  # a full disk, a broken index folder, an engine error
            raise IndexNotBuilt(
                f"search index not rebuilt ({reason(exc)}); the previous index still serves, "
                "and the next ingest or `archive reindex` builds it"
            ) from exc
        store.set_meta(session, "indexed_version", version)
        session.commit()
    return True


def reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return str(exc) or type(exc).__name__

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
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from app import links, store
from app.config import Settings
from app.parse.decode import DecodeError
from app.parse.pipeline import PARSER_VERSION, ParseError, parse_bytes
from app.parse.speakers import Registry

# `archive add` keeps what it fetched beside its snapshot under this suffix: not a source.
RECORD_SUFFIX = ".fetch.json"


class IngestLocked(RuntimeError):
    pass


@dataclass
class FileReport:
    name: str
    status: str  # new | changed | unchanged | failed | removed
    documents: int = 0
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    reindexed: bool = False

    @property
    def failures(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(f.name, w) for f in self.files for w in f.warnings]


@contextmanager
def writer_lock(db_path: Path):
    """One ingest at a time per archive; a second one is told who holds it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise IngestLocked(f"another ingest (pid {holder}) is writing {db_path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every file of a folder is a source: the format is told by its content, and what
    no reader takes is reported with its reason. Hidden files, fetch records and
    half-written snapshots (.part) are not sources."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.endswith((RECORD_SUFFIX, ".part"))
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


def read_file(path: Path, known_sha: str | None, registry: Registry, report: list[FileReport]):
    """Parsed documents of a new or changed file; None when unchanged or failed."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.append(FileReport(name, "failed", error=f"cannot read: {exc.strerror or exc}"))
        return None
    if known_sha == hashlib.sha256(data).hexdigest():
        report.append(FileReport(name, "unchanged"))
        return None
    try:
        docs = parse_bytes(name, data, registry, **fetch_origin(path))
    except (DecodeError, ParseError) as exc:
        report.append(FileReport(name, "failed", error=str(exc)))
        return None
    except Exception as exc:  # a parser bug must not cost the other files
        report.append(FileReport(name, "failed", error=f"parser error: {exc!r}"))
        return None
    report.append(
        FileReport(
            name,
            "changed" if known_sha else "new",
            len(docs),
            sum(len(d.passages) for d in docs),
            [f"{d.key}: {w}" if len(docs) > 1 else w for d in docs for w in d.warnings],
        )
    )
    return docs


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
        present = set(hashes)
        files = discover(paths)
        if reparse:  # added pages are re-read by the new parser too
            names = {p.name for p in files}
            files += [p for p in snapshots(settings) if p.name in present - names]
        parsed = {}
        for path in files:
            if progress:
                progress(path.name)
            docs = read_file(path, known.get(path.name), registry, report.files)
            if report.files[-1].status == "new" and path.name in present:
                report.files[-1].status = "changed"  # re-parsed for a new parser version
            if docs is not None:
                parsed[path.name] = docs
        sync = any(p.is_dir() for p in paths)
        gone = present - {p.name for p in files} - added_pages(settings, paths) if sync else set()
        report.files += [FileReport(name, "removed") for name in sorted(gone)]
        with Session(engine) as session:
            if parsed or gone or reparse or relink:
                stage("writing the archive")
                apply(session, parsed, gone, registry)
            report.totals = store.counts(session)
        report.reindexed = reindex_if_stale(settings, engine, stage=stage)
        engine.dispose()
    return report


def apply(session: Session, parsed: dict, gone: set[str], registry: Registry) -> None:
    """All changes in one transaction: readers see the old archive or the new, never half."""
    touched = links.interviews_of(session, [*parsed, *gone])
    for name, docs in parsed.items():
        store.replace_file(session, name, docs)
    for name in gone:
        store.replace_file(session, name, [])
    store.refresh_interviews(session)
    touched |= links.interviews_of(session, parsed)
    stale = store.get_meta(session, "links_version") != links.ALIGN_VERSION
    links.refresh(session, touched, registry.spellings(), stale)
    store.set_meta(session, "links_version", links.ALIGN_VERSION)
    store.set_meta(session, "parser_version", PARSER_VERSION)
    version = int(store.get_meta(session, "content_version") or 0) + 1
    store.set_meta(session, "content_version", str(version))
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
    older index format, or when it cannot be opened (a class path it names is gone)."""
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
        build_index(settings.index_root, store.index_entries(session))
        store.set_meta(session, "indexed_version", version)
        session.commit()
    return True

"""An index built elsewhere: `archive reindex --out FOLDER`, `archive install-index FOLDER`.

The archive and its index change only at ingest, so one machine can build the index and
others copy it in. A built folder records the state of the archive it was built from
(BUILT_FROM): installing checks that the archive here is in that same state, copies the
folder beside the live one and switches the pointer as an ingest does, so a running server
moves to it between two searches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

from sqlmodel import Session, select

from app import store
from app.config import Settings
from app.ingest import writer_lock
from app.models import Passage
from app.search import index

BUILT_FROM = "BUILT_FROM.json"


class IndexCopyError(RuntimeError):
    """A folder that cannot be built or installed; the message says why, in one line."""


def archive_state(session: Session) -> dict:
    """What an index depends on. Content versions count ingests, so two archives can share
    one; the digest of the passage ids (which hash each passage's text) tells them apart."""
    ids = session.exec(select(Passage.id).order_by(Passage.id)).all()
    return {
        "content_version": store.get_meta(session, "content_version"),
        "index_format": index.INDEX_FORMAT,
        "passages": len(ids),
        "passage_ids": hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16],
    }


def build_elsewhere(settings: Settings, out: Path) -> dict:
    """Build the archive's index into the new folder `out`; the live index is untouched."""
    out = Path(out)
    if out.exists():
        raise IndexCopyError(f"{out} exists: give a new folder")
    if not settings.db_path.exists():
        raise IndexCopyError(f"no archive at {settings.db_path}")
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")  # never a half index at out
    engine = store.read_engine(settings.db_path)
    try:
        with writer_lock(settings.db_path), Session(engine) as session:  # no ingest meanwhile
            state = archive_state(session)
            index.write_folder(
                partial,
                store.index_entries(session),
                processes_from=index.MULTIPROCESS_FROM,
                built_from=f"{state['content_version']}+{index.INDEX_FORMAT}",
            )
        (partial / BUILT_FROM).write_text(json.dumps(state), encoding="utf-8")
        os.rename(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        engine.dispose()
    return state


def install(settings: Settings, folder: Path, archive: Path | None = None) -> Path:
    """Switch the archive's index to a copy of `folder`, made by build_elsewhere from an
    archive in the same state as this one; with `archive`, first copy that archive file
    into this one."""
    folder = Path(folder)
    try:
        built = json.loads((folder / BUILT_FROM).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexCopyError(f"{folder} is not an index built by `archive reindex --out`") from None
    if archive is not None:
        check_shipped(Path(archive), folder, built)
    with writer_lock(settings.db_path):
        if archive is not None:
            restore(Path(archive), settings.db_path)
        return _install(settings, folder, built)


def check_shipped(archive: Path, folder: Path, built: dict) -> None:
    """Refuse before anything changes when the shipped archive is not the one the index
    was built from."""
    if not archive.is_file():
        raise IndexCopyError(f"no archive at {archive}")
    engine = store.read_engine(archive)
    try:
        with Session(engine) as session:
            state = archive_state(session)
    finally:
        engine.dispose()
    if state != built:
        raise IndexCopyError(
            f"{folder} was built from another state of the archive "
            f"({describe(built)}; {archive}: {describe(state)})"
        )


def restore(shipped: Path, db_path: Path) -> None:
    """Copy an archive file into the live one through SQLite's backup API: a server reading
    it sees the old archive or the new one, never a mix (replacing the file under it
    would leave its connections on the old file, beside a write-ahead log of the new)."""
    source = sqlite3.connect(f"file:{shipped}?mode=ro", uri=True)
    target = sqlite3.connect(db_path, timeout=30)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _install(settings: Settings, folder: Path, built: dict) -> Path:
    engine = store.write_engine(settings.db_path)
    try:
        with Session(engine) as session:
            here = archive_state(session)
            if built != here:
                raise IndexCopyError(
                    f"{folder} was built from another state of the archive "
                    f"({describe(built)}; here: {describe(here)})"
                )
            live = index.install_folder(settings.index_root, folder)
            # the archive now knows its index is current: the next ingest need not rebuild it
            store.set_meta(
                session, "indexed_version", f"{here['content_version']}+{index.INDEX_FORMAT}"
            )
            session.commit()
    finally:
        engine.dispose()
    return live


def describe(state: dict) -> str:
    return (
        f"content version {state.get('content_version') or '?'}, "
        f"index format {state.get('index_format')}, {state.get('passages')} passages"
    )

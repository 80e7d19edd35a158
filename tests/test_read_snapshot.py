"""The server's reads: one Session (one request) reads one state of the archive, even when
an ingest commits between two of its queries (found by the load test during ingests: an
interview page, read in several queries, showed no passages)."""

from __future__ import annotations

import sqlite3

from conftest import copy_archive
from sqlmodel import Session, func, select

from app import store
from app.models import Passage


def test_a_session_reads_one_snapshot(archive, tmp_path):
    settings = copy_archive(archive, tmp_path / "copy")
    engine = store.read_engine(settings.db_path)
    try:
        with Session(engine) as session:
            before = session.exec(select(func.count()).select_from(Passage)).one()
            writer = sqlite3.connect(settings.db_path)
            writer.execute("PRAGMA foreign_keys=OFF")
            writer.execute("DELETE FROM passage")
            writer.commit()
            writer.close()
            assert session.exec(select(func.count()).select_from(Passage)).one() == before
        with Session(engine) as session:  # the next request sees the commit
            assert session.exec(select(func.count()).select_from(Passage)).one() == 0
    finally:
        engine.dispose()

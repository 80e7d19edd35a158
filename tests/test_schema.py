"""Archives carry their schema version, and an archive of an older schema is migrated.

tests/schema/v1.sql is an archive as the code wrote it before versions were recorded; every
migration added to app/schema.py must bring it to the newest version with its rows, its
passage ids and its redirects intact.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import schema
from app.config import ROOT, settings_for
from app.ingest import ingest
from app.models import Document, Interview, Passage, PassageRedirect, Speaker
from app.store import read_engine, schema_version, write_engine
from app.web.app import create_app

V1 = ROOT / "tests" / "schema" / "v1.sql"


def v1_archive(folder):
    path = folder / "archive.db"
    with sqlite3.connect(path) as con:
        con.executescript(V1.read_text("utf-8"))
    return path


def test_a_new_archive_is_made_at_the_newest_version(tmp_path):
    engine = write_engine(tmp_path / "new.db")
    assert schema_version(engine) == schema.CURRENT
    engine.dispose()


def test_a_version_1_archive_is_migrated_with_its_rows_and_redirects(tmp_path):
    path = v1_archive(tmp_path)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 0
    engine = write_engine(path)
    assert schema_version(engine) == schema.CURRENT
    engine.dispose()
    with Session(read_engine(path)) as session:
        assert {p.id for p in session.exec(select(Passage))} == {"AAAAAAAAAAAA", "BBBBBBBBBBBB"}
        assert session.exec(select(Speaker)).one().name == "Dario Amodei"
        assert session.exec(select(Interview)).one().slug == "an-old-interview"
        assert session.exec(select(Document)).one().key == "old.txt"
        redirects = {r.old_id: r.new_id for r in session.exec(select(PassageRedirect))}
    assert redirects == {"CCCCCCCCCCCC": "BBBBBBBBBBBB", "DDDDDDDDDDDD": None}

    settings = settings_for(path, index_dir=tmp_path / "index")
    with TestClient(create_app(settings)) as client:
        page = client.get("/p/BBBBBBBBBBBB")
        assert page.status_code == 200 and "Because." in page.text
        moved = client.get("/p/CCCCCCCCCCCC", follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["location"].endswith("/p/BBBBBBBBBBBB")
        assert client.get("/p/DDDDDDDDDDDD").status_code == 410


@pytest.mark.slow
def test_a_migrated_archive_takes_new_ingests(tmp_path):
    path = v1_archive(tmp_path)
    seed = sorted((ROOT / "seeds").iterdir())[0]
    report = ingest(settings_for(path, index_dir=tmp_path / "index"), [seed])
    assert not report.failures
    with Session(read_engine(path)) as session:
        keys = {d.key for d in session.exec(select(Document))}
        ids = {p.id for p in session.exec(select(Passage))}
    assert {"old.txt", seed.name} <= keys  # a file ingest leaves the other files alone
    assert {"AAAAAAAAAAAA", "BBBBBBBBBBBB"} <= ids


@pytest.mark.slow
def test_an_archive_of_a_newer_schema_is_refused_in_one_line(tmp_path):
    path = tmp_path / "future.db"
    write_engine(path).dispose()
    with sqlite3.connect(path) as con:
        con.execute(f"PRAGMA user_version = {schema.CURRENT + 1}")
    with pytest.raises(schema.SchemaError, match="newer than this code"):
        write_engine(path)
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", "--db", str(path), str(ROOT / "seeds")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode != 0
    assert "newer than this code" in run.stderr and "Traceback" not in run.stderr


def test_a_killed_migration_leaves_the_old_version(tmp_path, monkeypatch):
    """A step that fails rolls back with the version stamp: the archive stays at its version."""
    path = v1_archive(tmp_path)

    def broken(conn):
        conn.exec_driver_sql("ALTER TABLE passage ADD COLUMN doomed TEXT")
        raise RuntimeError("the machine stopped here")

    monkeypatch.setattr(
        schema, "MIGRATIONS", [*schema.MIGRATIONS, schema.Migration(99, "doomed", broken)]
    )
    monkeypatch.setattr(schema, "CURRENT", 99)
    with pytest.raises(RuntimeError):
        write_engine(path)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 0
        columns = {row[1] for row in con.execute("PRAGMA table_info(passage)")}
    assert "doomed" not in columns


@pytest.mark.slow
def test_version_2_adds_the_link_tables_and_the_next_ingest_fills_them(tmp_path):
    path = v1_archive(tmp_path)
    write_engine(path).dispose()
    with sqlite3.connect(path) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        assert {"passagelink", "passagequote"} <= tables
        assert con.execute("select count(*) from passagelink").fetchone()[0] == 0
    report = ingest(settings_for(path, index_dir=tmp_path / "index"), [ROOT / "seeds"])
    assert not report.failures
    with sqlite3.connect(path) as con:
        assert con.execute("select count(*) from passagelink").fetchone()[0] > 0


def test_version_3_adds_how_each_passage_speaker_was_known(tmp_path):
    path = v1_archive(tmp_path)
    write_engine(path).dispose()
    with sqlite3.connect(path) as con:
        columns = {row[1] for row in con.execute("PRAGMA table_info(passage)")}
        evidence = {row[0] for row in con.execute("SELECT evidence FROM passage")}
    assert "evidence" in columns and evidence == {""}  # old passages: not recorded

"""Shared fixtures: a real archive built by the real ingest from the real seeds.

Nothing here is mocked: the pages and the API are tested on the same SQLite file and
whoosh index that `archive ingest seeds/` makes.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import ROOT, Settings, settings_for
from app.ingest import ingest
from app.main import create_app

SEEDS = ROOT / "seeds"


def build_archive(folder: Path, sources: list[Path]) -> Settings:
    settings = settings_for(folder / "archive.db")
    report = ingest(settings, sources)
    assert not report.failures, [f.error for f in report.failures]
    return settings


def copy_archive(settings: Settings, folder: Path) -> Settings:
    """A writable copy of an archive's SQLite file that shares its search index."""
    with sqlite3.connect(settings.db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy must hold every change
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings.db_path, folder / "archive.db")
    return settings_for(folder / "archive.db", index_dir=settings.index_root)


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Settings:
    return build_archive(tmp_path_factory.mktemp("archive"), [SEEDS])


@pytest.fixture(scope="session")
def client(archive):
    with TestClient(create_app(archive)) as client:
        yield client


@pytest.fixture(scope="session")
def lenny(client) -> dict:
    """The interview of seeds 000 (German) and 001 (Chinese), as the API gives it."""
    slug = next(i["slug"] for i in client.get("/api/interviews").json()
                if {"de", "zh"} <= set(i["languages"]))
    return client.get(f"/api/interviews/{slug}").json()

"""Shared fixtures: a real archive built by the real ingest from the real seeds.

Nothing here is mocked: the pages and the API are tested on the same SQLite file and
whoosh index that `archive ingest seeds/` makes.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# Before the app is imported: results the tests compare must not depend on how busy the
# machine is. tests/test_budget.py sets the budgets it tests itself.
os.environ.setdefault("ARCHIVE_SEARCH_SECONDS", "10")
os.environ.setdefault("ARCHIVE_HARD_SECONDS", "20")

import httpx  # noqa: E402
import pytest  # noqa: E402
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import ROOT, Settings, settings_for
from app.ingest import ingest
from app.models import Speaker
from app.store import bump_content_version, write_engine
from app.web.app import create_app

SEEDS = ROOT / "seeds"


def build_archive(folder: Path, sources: list[Path]) -> Settings:
    settings = settings_for(folder / "archive.db")
    report = ingest(settings, sources)
    assert not report.failures, [f.error for f in report.failures]
    return settings


def copy_archive(settings: Settings, folder: Path) -> Settings:
    """A writable copy of an archive's SQLite file that shares its search index.

    Its seeds folder does not exist: pages must render from the records alone."""
    with sqlite3.connect(settings.db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy must hold every change
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings.db_path, folder / "archive.db")
    return settings_for(
        folder / "archive.db",
        index_dir=settings.index_root,
        seeds_dir=folder / "no-seeds",
        data_dir=folder / "no-data",
    )


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
    slug = next(
        i["slug"]
        for i in client.get("/api/interviews").json()["items"]
        if {"de", "zh"} <= set(i["languages"])
    )
    return client.get(f"/api/interviews/{slug}").json()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(settings: Settings, workers: int = 1):
    """`archive serve` in its own process on a free port; yields its base URL. Its output
    goes to serve-<port>.log beside the archive."""
    with serving(settings, workers) as (base, _process):
        yield base


@contextmanager
def serving(settings: Settings, workers: int = 1):
    """`archive serve` in its own process; yields its base URL and the process (whose
    memory the budget tests read)."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("archive")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(settings.db_path),
        "--workers",
        str(workers),
    ]
    env = {**os.environ, "ARCHIVE_INDEX": str(settings.index_root)}
    log = settings.db_path.with_name(f"serve-{port}.log")
    # a file, not a pipe: a full pipe would stall the server's access log mid-test
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process, log)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_health(base: str, process: subprocess.Popen, log: Path, tries: int = 300) -> None:
    for _ in range(tries):
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not answer /healthz")


@pytest.fixture(scope="session")
def server(archive):
    with running_server(archive) as base:
        yield base


def bump(settings, alias: str = "") -> None:
    """What an ingest does: change a record, bump the content version, commit."""
    engine = write_engine(settings.db_path)
    with Session(engine) as session:
        if alias:
            speaker = session.exec(select(Speaker).where(Speaker.slug == "benjamin-mann")).one()
            speaker.aliases = f'["{alias}"]'
            session.add(speaker)
        bump_content_version(session)
        session.commit()
    engine.dispose()

"""An index built elsewhere and copied in: `archive reindex --out`, `archive install-index`,
run as real commands on real archives of the seeds."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import running_server
from sqlmodel import Session

from app import store
from app.config import ROOT, Settings, settings_for
from app.ingest import ingest, reindex_if_stale
from app.search.index import POINTER, SearchIndex, current_folder
from app.search.run import matching_ids

SEEDS = ROOT / "seeds"
QUERIES = ["数据中心", "Anthropic", '"Benjamin Mann"', "KI lang:de"]


def archive_cli(*args: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("archive")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def copy_without_index(settings: Settings, folder: Path) -> Settings:
    """The archive file alone, as another machine would receive it: no index yet."""
    with sqlite3.connect(settings.db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder.mkdir(parents=True)
    shutil.copy(settings.db_path, folder / "archive.db")
    return settings_for(folder / "archive.db")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Settings, Path]:
    """An archive of the seeds and an index of it built with `reindex --out`."""
    home = tmp_path_factory.mktemp("builder")
    settings = settings_for(home / "archive.db")
    ingest(settings, [SEEDS])
    out = home / "shipped-index"
    run = archive_cli("reindex", "--db", str(settings.db_path), "--out", str(out))
    assert run.returncode == 0, run.stderr
    return settings, out


@pytest.mark.slow
def test_reindex_out_leaves_the_live_index_alone(built):
    settings, out = built
    live = current_folder(settings.index_root)
    assert live is not None and live.parent == settings.index_root
    assert not (out / POINTER).exists() and (out / "BUILT_FROM.json").exists()
    assert not list(out.parent.glob(".shipped-index.partial-*"))


@pytest.mark.slow
def test_install_gives_the_same_hits(built, tmp_path):
    settings, out = built
    there = copy_without_index(settings, tmp_path / "machine-b")
    run = archive_cli("install-index", str(out), "--db", str(there.db_path))
    assert run.returncode == 0, run.stderr
    assert current_folder(there.index_root).name.startswith("build-")
    ours, theirs = SearchIndex(settings.index_root), SearchIndex(there.index_root)
    try:
        for q in QUERIES:
            expected = matching_ids(ours, q)
            assert expected and matching_ids(theirs, q) == expected, q
    finally:
        ours.close()
        theirs.close()
    # the archive knows its index is current: the next ingest does not rebuild it
    assert not reindex_if_stale(there, store.write_engine(there.db_path))
    assert out.exists(), "the shipped folder is copied, not moved"


@pytest.mark.slow
def test_install_switches_a_reader_between_searches(built, tmp_path):
    settings, out = built
    there = copy_without_index(settings, tmp_path / "machine-b")
    reindex_if_stale(there, store.write_engine(there.db_path), force=True)
    reader = SearchIndex(there.index_root)
    try:
        before = current_folder(there.index_root)
        found = matching_ids(reader, "Anthropic")
        assert found
        assert archive_cli("install-index", str(out), "--db", str(there.db_path)).returncode == 0
        after = current_folder(there.index_root)
        assert after != before and before.exists(), "kept while this reader holds it"
        assert matching_ids(reader, "Anthropic") == found
        assert reader._local.name == after.name, "the next search reads the installed copy"
    finally:
        reader.close()


@pytest.mark.slow
def test_an_index_of_another_archive_is_refused(built, tmp_path):
    settings, out = built
    other = settings_for(tmp_path / "other" / "archive.db")
    ingest(other, sorted(SEEDS.glob("00[01]_*.txt")))  # the same pages, not all of them
    before = (other.index_root / POINTER).read_text()
    run = archive_cli("install-index", str(out), "--db", str(other.db_path))
    assert run.returncode == 5, run.stderr
    assert "built from another state of the archive" in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr
    assert (other.index_root / POINTER).read_text() == before
    assert sorted(p.name for p in other.index_root.iterdir() if p.name.startswith(".")) == []


@pytest.mark.slow
def test_bad_folders_get_one_line(built, tmp_path):
    settings, out = built
    run = archive_cli("reindex", "--db", str(settings.db_path), "--out", str(out))
    assert run.returncode == 5 and "exists" in run.stderr and "Traceback" not in run.stderr
    run = archive_cli("install-index", str(tmp_path), "--db", str(settings.db_path))
    assert run.returncode == 5 and "not an index built" in " ".join(run.stderr.split())
    with Session(store.read_engine(settings.db_path)) as session:
        assert store.get_meta(session, "indexed_version")


@pytest.mark.slow
def test_install_with_the_archive_while_a_server_reads(built, tmp_path):
    """Another machine with an older archive and its own index, read by a running server:
    the shipped archive and index replace both, and every request meanwhile is answered."""
    settings, out = built
    there = settings_for(tmp_path / "machine-b" / "archive.db")
    ingest(there, sorted(SEEDS.glob("00[01]_*.txt")))
    shipped = copy_without_index(settings, tmp_path / "shipped")
    with running_server(there) as base, httpx.Client(base_url=base) as http:
        before = http.get("/api/stats").json()["passages"]
        install = subprocess.Popen(
            [str(Path(sys.executable).with_name("archive")), "install-index", str(out)]
            + ["--db", str(there.db_path), "--archive", str(shipped.db_path)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        while install.poll() is None:
            assert http.get("/search", params={"q": "Anthropic"}).status_code == 200
            assert http.get("/api/stats").status_code == 200
        assert install.returncode == 0, install.stderr.read()
        after = http.get("/api/stats").json()["passages"]
        with Session(store.read_engine(settings.db_path)) as session:
            assert before < after == store.counts(session)["passages"]
        found = http.get("/api/search", params={"q": "数据中心"}).json()
        assert found["total"] and http.get(f"/p/{found['hits'][0]['id']}").status_code == 200


@pytest.mark.slow
def test_a_shipped_archive_that_does_not_match_changes_nothing(built, tmp_path):
    settings, out = built
    there = copy_without_index(settings, tmp_path / "machine-b")
    other = settings_for(tmp_path / "other" / "archive.db")
    ingest(other, sorted(SEEDS.glob("00[01]_*.txt")))
    run = archive_cli(
        "install-index", str(out), "--db", str(there.db_path), "--archive", str(other.db_path)
    )
    assert run.returncode == 5 and "another state" in " ".join(run.stderr.split())
    with (
        Session(store.read_engine(there.db_path)) as a,
        Session(store.read_engine(settings.db_path)) as b,
    ):
        assert store.counts(a) == store.counts(b), "the archive here is left as it was"
    assert not there.index_root.exists()

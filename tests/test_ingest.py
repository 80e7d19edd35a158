"""Ingest into real SQLite files: repeatable ids, changes, removals, failures, kills, locks."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.config import ROOT, settings_for
from app.ingest import IngestLocked, ingest, writer_lock
from app.models import Document, Interview, Passage, PassageRedirect
from app.store import read_engine

SEEDS = ROOT / "seeds"


def copy_seeds(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, target / f.name)
    return target


def passage_rows(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as con:
        return dict(con.execute("select id, text from passage"))


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as con:
        return tuple(
            con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("document", "interview", "passage")
        )


@pytest.fixture()
def sources(tmp_path) -> Path:
    return copy_seeds(tmp_path / "sources")


@pytest.mark.slow
def test_seed_archive_records(tmp_path, sources):
    settings = settings_for(tmp_path / "a" / "archive.db")
    report = ingest(settings, [sources])
    assert not report.failures
    assert report.totals["documents"] == 9
    with Session(read_engine(settings.db_path)) as session:
        docs = {d.key: d for d in session.exec(select(Document)).all()}
        german, chinese = docs["000_120461cb871c2243.txt"], docs["001_18a6d7e100dca724.txt"]
        assert german.interview_id == chinese.interview_id  # one conversation, two versions
        interview = session.get(Interview, german.interview_id)
        assert interview.show == "Lenny's Podcast"
        assert german.encoding.startswith("utf-8") and len(german.sha256) == 64
        essays = [d for d in docs.values() if d.kind == "essay"]
        assert len(essays) == 3 and len({d.interview_id for d in essays}) == 3


@pytest.mark.slow
def test_reingest_is_a_no_op_and_ids_are_stable(tmp_path, sources):
    first = settings_for(tmp_path / "one" / "archive.db")
    second = settings_for(tmp_path / "two" / "archive.db")
    ingest(first, [sources])
    ids = passage_rows(first.db_path)
    again = ingest(first, [sources])
    assert {f.status for f in again.files} == {"unchanged"}
    assert not again.reindexed
    assert passage_rows(first.db_path) == ids
    ingest(second, [sources])  # a fresh archive from the same files: the same ids
    assert passage_rows(second.db_path) == ids


@pytest.mark.slow
def test_an_index_in_an_older_format_is_rebuilt_once(tmp_path, sources):
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [sources])
    with sqlite3.connect(settings.db_path) as con:  # as an archive of format 1 recorded it
        con.execute("UPDATE archivemeta SET value = '1' WHERE key = 'indexed_version'")
    assert ingest(settings, [sources]).reindexed
    assert not ingest(settings, [sources]).reindexed


@pytest.mark.slow
def test_an_index_naming_a_missing_class_is_answered_and_rebuilt(tmp_path, sources):
    """An index file names our analyzer and posting format by class path; if a path stops
    resolving (a class moved without an INDEX_FORMAT bump), the server still answers and
    the next ingest rebuilds the index although the records did not change."""
    from fastapi.testclient import TestClient

    from app.search.index import current_folder, is_tantivy
    from app.web.app import create_app

    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [sources])
    folder = current_folder(settings.index_root)
    if is_tantivy(folder):  # ARCHIVE_ENGINE=tantivy: its metadata no longer parses
        (folder / "meta.json").write_text("{", encoding="utf-8")
    else:
        (toc,) = folder.glob("*.toc")
        data = toc.read_bytes()
        assert b"app.search.stored" in data
        toc.write_bytes(data.replace(b"app.search.stored", b"app.search.gone__"))
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["indexed"] is False
        page = client.get("/search", params={"q": "Talent"})
        assert page.status_code == 200 and "cannot be read" in page.text
        found = client.get("/api/search", params={"q": "Talent"}).json()
        assert found["total"] == 0 and "rebuilt by the next ingest" in found["message"]
    again = ingest(settings, [sources])
    assert {f.status for f in again.files} == {"unchanged"} and again.reindexed
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["indexed"] is True
        assert client.get("/api/search", params={"q": "Talent"}).json()["total"] > 0
    assert not ingest(settings, [sources]).reindexed


@pytest.mark.slow
def test_ids_survive_other_documents_and_passages_changing(tmp_path, sources):
    settings = settings_for(tmp_path / "a" / "archive.db")
    ingest(settings, [sources])
    before = passage_rows(settings.db_path)
    page = sources / "003_ffeda769ab359e5c.txt"
    text = page.read_text("utf-8")
    edited = text.replace("Was macht Sie da so sicher?", "Was macht Sie da so sicher, Herr Kass?")
    page.write_text(edited, "utf-8")
    (sources / "000_120461cb871c2243.txt").unlink()
    report = ingest(settings, [sources])
    statuses = {f.name: f.status for f in report.files}
    assert statuses["003_ffeda769ab359e5c.txt"] == "changed"
    assert statuses["000_120461cb871c2243.txt"] == "removed"
    after = passage_rows(settings.db_path)
    untouched = {
        i: t
        for i, t in before.items()
        if "Herr Kass" not in t and t in after.values() and "Was macht Sie da so sicher" not in t
    }
    assert all(i in after for i in untouched)  # every unchanged passage kept its id
    with Session(read_engine(settings.db_path)) as session:
        moved = [r for r in session.exec(select(PassageRedirect)).all() if r.new_id]
        gone = [r for r in session.exec(select(PassageRedirect)).all() if not r.new_id]
        assert len(moved) == 1 and "Herr Kass" in session.get(Passage, moved[0].new_id).text
        assert gone and all(r.document_key == "000_120461cb871c2243.txt" for r in gone)
        assert gone[0].interview_slug == "lennys-podcast-benjamin-mann"
        assert not session.exec(
            select(Document).where(Document.source_file == "000_120461cb871c2243.txt")
        ).all()


@pytest.mark.slow
def test_broken_files_are_reported_and_skipped(tmp_path, sources):
    (sources / "empty.txt").write_bytes(b"")
    (sources / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (sources / "chrome-only.txt").write_text("Startseite\n\n  • Home\n  • News\n  • Login\n")
    settings = settings_for(tmp_path / "a" / "archive.db")
    report = ingest(settings, [sources])
    failed = {f.name: f.error for f in report.failures}
    assert set(failed) == {"empty.txt", "image.txt", "chrome-only.txt"}
    assert "empty" in failed["empty.txt"].lower()
    assert "binary" in failed["image.txt"].lower()
    assert report.totals["documents"] == 9


@pytest.mark.slow
def test_cli_exit_code_and_summary(tmp_path, sources):
    (sources / "empty.txt").write_bytes(b"")
    db = tmp_path / "cli" / "archive.db"
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", str(sources), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"CI": "true", "PATH": ""},
    )
    assert run.returncode == 1
    assert "passages" in run.stderr and "empty.txt" in run.stderr and "failures" in run.stderr
    assert counts(db)[0] == 9


def test_second_ingest_is_refused_while_one_writes(tmp_path):
    settings = settings_for(tmp_path / "a" / "archive.db")
    with writer_lock(settings.db_path), pytest.raises(IngestLocked, match="another ingest"):
        ingest(settings, [SEEDS])


def killed_at(point: str, settings, folder: Path, tmp_path: Path) -> None:
    """Run `archive ingest folder` until it reaches the pause point, then SIGKILL it."""
    marker = tmp_path / f"paused-{point}"
    env = {**os.environ, "ARCHIVE_PAUSE_AT": point, "ARCHIVE_PAUSE_FILE": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", str(folder), "--db", str(settings.db_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert proc.poll() is None, "the ingest ended before its pause point"
        assert time.monotonic() < deadline, "the ingest never reached its pause point"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def changed_copies(sources: Path, folder: Path, copies: int) -> None:
    folder.mkdir()
    for n in range(copies):
        for f in sources.glob("*.txt"):
            text = f.read_text("utf-8") + f"\n\nKopie {n}\n"
            (folder / f"{n:03d}_{f.name}").write_text(text, "utf-8")


@pytest.mark.slow
def test_killed_ingest_leaves_the_previous_archive_whole(tmp_path, sources):
    """Killed with every change written but not committed: the previous archive, whole."""
    settings = settings_for(tmp_path / "a" / "archive.db")
    ingest(settings, [sources])
    before, ids = counts(settings.db_path), passage_rows(settings.db_path)
    changed_copies(sources, tmp_path / "big", 4)
    killed_at("write", settings, tmp_path / "big", tmp_path)
    with sqlite3.connect(settings.db_path) as con:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert counts(settings.db_path) == before
    assert passage_rows(settings.db_path) == ids
    report = ingest(settings, [sources])  # the archive takes the next ingest at once
    assert not report.failures and passage_rows(settings.db_path) == ids


@pytest.mark.slow
def test_killed_after_commit_the_next_ingest_repairs_the_index(tmp_path, sources):
    """Killed between the commit and the index switch: the new archive is complete and the
    stale index is rebuilt by the next ingest, even when no file changed."""
    settings = settings_for(tmp_path / "a" / "archive.db")
    ingest(settings, [sources])
    changed_copies(sources, tmp_path / "big", 3)
    killed_at("commit", settings, tmp_path / "big", tmp_path)
    assert counts(settings.db_path)[0] == 3 * 9
    report = ingest(settings, [tmp_path / "big"])
    assert report.reindexed and all(f.status == "unchanged" for f in report.files)


@pytest.mark.slow
def test_pages_and_search_keep_answering_while_an_ingest_rewrites(tmp_path, sources):
    """WAL readers and the index switch: a reader sees the old archive or the new, never an
    error or an empty result, while ingests replace files and rebuild the index."""
    import threading

    from fastapi.testclient import TestClient

    from app.web.app import create_app

    settings = settings_for(tmp_path / "a" / "archive.db")
    ingest(settings, [sources])
    problems, rounds, done = [], [0], threading.Event()

    def read_in_a_loop():
        with TestClient(create_app(settings)) as client:
            while not done.is_set():
                for url in (
                    "/api/search?q=Kinnlade",
                    "/api/search?q=人才",
                    "/interviews/wirtschaftswoche-zack-kass",
                ):
                    response = client.get(url)
                    if response.status_code != 200:
                        problems.append((url, response.status_code))
                    elif url.startswith("/api") and not response.json()["hits"]:
                        problems.append((url, "no hits"))
                rounds[0] += 1

    reader = threading.Thread(target=read_in_a_loop)
    reader.start()
    page = sources / "003_ffeda769ab359e5c.txt"
    original = page.read_text("utf-8")
    for n in range(4):
        page.write_text(original + f"\n\nNachtrag {n}.\n", "utf-8")
        assert ingest(settings, [sources]).reindexed
    done.set()
    reader.join()
    assert rounds[0] > 0 and not problems, problems[:5]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def copies(sources: Path, target: Path, n: int) -> Path:
    target.mkdir()
    for k in range(n):
        for f in sources.glob("*.txt"):
            text = f.read_text("utf-8") + f"\n\nKopie {k}\n"
            (target / f"{k:02d}_{f.name}").write_text(text, "utf-8")
    return target


@pytest.mark.slow
def test_a_killed_multiprocess_index_build_leaves_no_lock_and_no_workers(tmp_path, sources):
    """The index writer's worker processes outlived a killed ingest and held its lock: every
    later ingest was refused ("another ingest (pid …) is writing")."""
    big = copies(sources, tmp_path / "big", 6)
    settings = settings_for(tmp_path / "a" / "archive.db")
    env = {**os.environ, "ARCHIVE_INDEX_PROCESSES_FROM": "100", "CI": "true"}
    command = [sys.executable, "-m", "app.cli", "ingest", str(big), "--db", str(settings.db_path)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = children(proc.pid)
        time.sleep(0.02)
    assert workers, "the ingest ended before its index writer started worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    report = ingest(settings, [big])  # at once: the lock died with the killed ingest
    assert report.reindexed and report.totals["documents"] == 6 * 9
    time.sleep(0.5)
    assert not [pid for pid in workers if alive(pid)]


@pytest.mark.slow
def test_a_full_disk_during_the_index_build_keeps_the_previous_index(
    tmp_path, sources, monkeypatch
):
    from fastapi.testclient import TestClient

    from app.search.index import current_folder
    from app.web.app import create_app

    settings = settings_for(tmp_path / "a" / "archive.db")
    ingest(settings, [sources])
    live = current_folder(settings.index_root)
    page = sources / "003_ffeda769ab359e5c.txt"
    text = page.read_text("utf-8")
    page.write_text(text.replace("so sicher?", "so sicher, Quastenflosser?"), "utf-8")
    monkeypatch.setenv("ARCHIVE_INDEX_FULL_AFTER", "20")
    report = ingest(settings, [sources])
    assert not report.reindexed and "No space left on device" in report.index_error
    assert "previous index still serves" in report.index_error
    assert current_folder(settings.index_root) == live
    assert sorted(settings.index_root.iterdir()) == sorted([live, settings.index_root / "CURRENT"])
    with TestClient(create_app(settings)) as client:  # the previous index answers
        assert client.get("/api/search?q=Kinnlade").json()["hits"]
    monkeypatch.delenv("ARCHIVE_INDEX_FULL_AFTER")
    again = ingest(settings, [sources])  # the archive can ingest again: it catches up
    assert again.reindexed and not again.index_error
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/search?q=Quastenflosser").json()["hits"]


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"CI": "true", "PATH": "", "COLUMNS": "300", **(env or {})},
        timeout=300,
    )


def error_lines(run: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in run.stderr, run.stderr
    return [line for line in run.stderr.splitlines() if line.startswith("error:")]


@pytest.mark.slow
def test_cli_errors_are_one_line_with_their_exit_code(tmp_path, sources):
    db = tmp_path / "a" / "archive.db"
    with writer_lock(db):  # `archive reindex` during an ingest
        run = run_cli("reindex", "--db", str(db))
    assert run.returncode == 3
    assert len(error_lines(run)) == 1 and "another ingest" in run.stderr
    run = run_cli("ingest", str(tmp_path / "nothing"), "--db", str(db))
    assert run.returncode == 2 and len(error_lines(run)) == 1
    not_an_archive = tmp_path / "notes.db"
    not_an_archive.write_bytes(b"these are notes, not an archive\n" * 200)
    run = run_cli("ingest", str(sources), "--db", str(not_an_archive))
    assert run.returncode == 4 and len(error_lines(run)) == 1
    assert "not a database" in run.stderr


@pytest.mark.slow
def test_a_full_disk_in_a_multiprocess_build_is_one_line_and_ends(tmp_path, sources):
    db = tmp_path / "a" / "archive.db"
    env = {"ARCHIVE_INDEX_FULL_AFTER": "150", "ARCHIVE_INDEX_PROCESSES_FROM": "100"}
    run = run_cli("ingest", str(sources), "--db", str(db), env=env)
    assert run.returncode == 4
    [line] = error_lines(run)
    assert "No space left on device" in line and "previous index still serves" in line
    # the archive is written (what the seeds give, whatever the parser makes of them);
    # the index catches up later
    documents, interviews, passages = counts(db)
    assert (documents, interviews) == (9, 8) and passages > 150
    assert run_cli("reindex", "--db", str(db)).returncode == 0


@pytest.mark.slow
def test_a_file_over_the_size_limit_is_refused(tmp_path, sources):
    big = sources / "huge.txt"
    big.write_text("Ein sehr großes Blatt.\n\n" + "Wort " * 20_000, "utf-8")
    settings = settings_for(tmp_path / "archive.db", max_file_bytes=60_000)
    report = ingest(settings, [sources])
    [failed] = report.failures
    assert failed.name == "huge.txt"
    assert failed.error == "too large: 0.1 MB, the limit is 0.06 MB (ARCHIVE_MAX_FILE_MB)"
    assert report.totals["documents"] == 9  # the seeds are all under the limit


@pytest.mark.slow
def test_the_server_tells_an_index_behind_or_missing_and_never_fails(
    tmp_path, sources, monkeypatch
):
    """After a kill between commit and switch the old index served while /healthz said
    indexed; a pointer to a missing folder made every search and /healthz answer 500."""
    from fastapi.testclient import TestClient

    from app.web.app import create_app

    settings = settings_for(tmp_path / "a" / "archive.db")
    ingest(settings, [sources])
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["index"] == "ok"
        page = sources / "003_ffeda769ab359e5c.txt"
        page.write_text(page.read_text("utf-8").replace("so sicher?", "so gewiss?"), "utf-8")
        monkeypatch.setenv("ARCHIVE_INDEX_FULL_AFTER", "5")  # committed, not switched
        assert ingest(settings, [sources]).index_error
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["index"] == "behind"
        # the old index still has the edited passage under its old id: it is left out
        found = client.get("/api/search?q=sicher").json()
        with sqlite3.connect(settings.db_path) as con:
            live = {i for (i,) in con.execute("select id from passage")}
        assert found["hits"] and all(h["id"] in live for h in found["hits"])
        assert "left out" in found["message"]
        assert client.get("/search?q=sicher").status_code == 200
        (settings.index_root / "CURRENT").write_text("build-gone", "utf-8")
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["index"] == "unreadable"
        for url in ("/api/search?q=Kinnlade", "/search?q=Kinnlade"):
            assert client.get(url).status_code == 200
        assert "cannot be read" in client.get("/api/search?q=Kinnlade").json()["message"]
        monkeypatch.delenv("ARCHIVE_INDEX_FULL_AFTER")
        assert ingest(settings, [sources]).reindexed  # nothing changed, but no index: rebuilt
        assert client.get("/healthz").json()["index"] == "ok"
        assert client.get("/api/search?q=gewiss").json()["hits"]


@pytest.mark.slow
def test_each_new_passage_is_hashed_once_per_ingest(tmp_path, monkeypatch):
    """The redirect plan, the redirects and the store share one hashing of the ids (it was
    done three times). Counted by wrapping hashlib as app.passage_ids sees it."""
    from generated import transcript

    import app.passage_ids

    hashed = []

    class CountingHashlib:
        def sha256(self, data: bytes):
            hashed.append(data)
            return hashlib.sha256(data)

    monkeypatch.setattr(app.passage_ids, "hashlib", CountingHashlib())
    src = tmp_path / "src"
    src.mkdir()
    for n in range(2):
        (src / f"t{n}.txt").write_text(transcript(12, words=10, seed=n), "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [src])
    assert len(hashed) == len(passage_rows(settings.db_path)) == 24
    hashed.clear()
    (src / "t1.txt").write_text(transcript(14, words=10, seed=5), "utf-8")  # one file changed
    ingest(settings, [src])
    assert len(hashed) == 14
    hashed.clear()
    ingest(settings, [src])  # nothing changed: nothing parsed, nothing hashed
    assert hashed == []


def test_a_lock_left_to_the_children_of_a_dead_ingest_is_waited_for(tmp_path):
    """A worker forked at the moment its ingest was killed holds the lock until it exits
    (late, on a busy machine): the next ingest waits for it instead of being refused."""
    db = tmp_path / "archive.db"
    lock = db.with_name(db.name + ".lock")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(str(dead.pid))  # the ingest that took the lock, gone
    hold = "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
    hold += "fcntl.flock(f, fcntl.LOCK_EX); print(flush=True); time.sleep(0.6)"
    child = subprocess.Popen([sys.executable, "-c", hold, str(lock)], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline()  # it holds the lock now
    start = time.monotonic()
    with writer_lock(db):
        waited = time.monotonic() - start
    child.wait()
    assert 0.1 < waited < 10, waited
    assert lock.read_text() == str(os.getpid())

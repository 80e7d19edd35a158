"""Which files an ingest reads: keys by relative path, links kept inside the folder, and
every entry left out reported with its reason."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from app.config import ROOT, settings_for
from app.ingest import ingest
from app.sources import discover

SEEDS = ROOT / "seeds"
GERMAN = SEEDS / "003_ffeda769ab359e5c.txt"
OTHER = SEEDS / "002_bba25088e3cb1a14.txt"


def keys(db) -> list[str]:
    with sqlite3.connect(db) as con:
        return sorted(k for (k,) in con.execute("select distinct source_file from document"))


@pytest.mark.slow
def test_files_of_one_name_in_two_subfolders_stay_two_documents(tmp_path):
    folder = tmp_path / "sources"
    for sub, seed in (("sub1", GERMAN), ("sub2", OTHER)):
        (folder / sub).mkdir(parents=True)
        shutil.copy(seed, folder / sub / "same.txt")
    shutil.copy(GERMAN, folder / "top.txt")  # the same bytes as sub1/same.txt, another file
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [folder])
    assert keys(settings.db_path) == ["sub1/same.txt", "sub2/same.txt", "top.txt"]
    with sqlite3.connect(settings.db_path) as con:
        ids = dict(con.execute("select id, text from passage"))
    again = ingest(settings, [folder])  # used to flip between the two files every time
    assert {f.status for f in again.files} == {"unchanged"} and not again.reindexed
    with sqlite3.connect(settings.db_path) as con:
        assert dict(con.execute("select id, text from passage")) == ids
        assert con.execute("select count(*) from passageredirect").fetchone()[0] == 0


@pytest.mark.slow
def test_a_file_moved_into_a_subfolder_redirects_its_old_ids(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(GERMAN, folder / "page.txt")
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [folder])
    with sqlite3.connect(settings.db_path) as con:
        old = {t: i for i, t in con.execute("select id, text from passage")}
    (folder / "2024").mkdir()
    (folder / "page.txt").rename(folder / "2024" / "page.txt")
    ingest(settings, [folder])
    with sqlite3.connect(settings.db_path) as con:
        new = {t: i for i, t in con.execute("select id, text from passage")}
        moves = dict(con.execute("select old_id, new_id from passageredirect"))
    assert keys(settings.db_path) == ["2024/page.txt"]
    assert all(moves[old[t]] == new[t] for t in old)


@pytest.mark.slow
def test_links_out_of_the_folder_and_odd_entries_are_skipped_with_a_reason(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Geheim\n\nroot:x:0:0:Geheimnis 4711 steht hier.\n", "utf-8")
    folder = tmp_path / "sources"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(OTHER, folder / "page.txt")
    shutil.copy(GERMAN, folder / "sub" / "notes.dat")
    (folder / "out.txt").symlink_to(outside)
    (folder / "out-dir").symlink_to(tmp_path)
    (folder / "dangling.txt").symlink_to(folder / "nothing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "inside.txt").symlink_to(folder / "sub" / "notes.dat")  # the file is read once
    (folder / "again.txt").symlink_to(folder / "page.txt")  # the same file twice
    (folder / ".hidden.txt").write_text("Versteckt.\n\nNicht lesen.\n")
    os.mkfifo(folder / "pipe.txt")  # reading it would block the ingest for ever
    (folder / "sub" / "page.txt.fetch.json").write_text("{}")  # `archive add`'s record
    (folder / "sub" / "next.html.part").write_text("<p>half")
    sources, skipped = discover([folder])
    assert [s.key for s in sources] == ["page.txt", "sub/notes.dat"]
    reasons = {s.key: s.reason for s in skipped}
    assert reasons == {
        "out.txt": "link to a target outside the folder",
        "out-dir": "link to a target outside the folder",
        "dangling.txt": "link to nothing (dangling)",
        "loop.txt": "link loop",
        "again.txt": f"duplicate of {folder / 'page.txt'}",
        ".hidden.txt": "hidden (its name starts with a dot)",
        "pipe.txt": "not a regular file (FIFO)",
        "inside.txt": f"duplicate of {folder / 'sub' / 'notes.dat'}",
        "sub/page.txt.fetch.json": "fetch record of `archive add`",
        "sub/next.html.part": "half-written snapshot (.part)",
    }
    db = tmp_path / "archive.db"
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"CI": "true", "PATH": "", "COLUMNS": "200"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    for key, reason in reasons.items():
        assert f"skipped {key}: {reason}" in run.stderr
    assert keys(db) == ["page.txt", "sub/notes.dat"]
    with sqlite3.connect(db) as con:  # the file outside the folder was not published
        texts = "\n".join(t for (t,) in con.execute("select text from passage"))
    assert "Geheimnis 4711" not in texts

"""Exports: an interview as text and Markdown, search hits as CSV and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import os
from urllib.parse import quote

import pytest

from app.config import ROOT


def test_interview_as_plain_text(client, lenny):
    slug = lenny["interview"]["slug"]
    response = client.get(f"/interviews/{slug}.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert text.startswith(lenny["version"]["title"])
    assert "Guest: Benjamin Mann" in text and "Host: Lenny Rachitsky" in text
    assert f"Version: {lenny['version']['label']}" in text
    assert f"In the archive: http://testserver/interviews/{slug}" in text
    for p in lenny["passages"]:  # every passage, verbatim, with its permanent link
        assert p["text"] in text and f"http://testserver/p/{p['id']}" in text
    named = [p for p in lenny["passages"] if p["speaker"]]
    assert f"\n{named[0]['speaker']['name']}:\n{named[0]['text']}" in text


def test_chinese_version_as_text(client, lenny):
    slug, key = lenny["interview"]["slug"], lenny["versions"][1]["key"]
    text = client.get(f"/interviews/{slug}.txt?version={quote(key)}").text
    assert "Source: https://mp.weixin.qq.com/s/Xyf-9ugYFSR_CY8J6mxVJA" in text
    assert "数据中心" in text


def test_timestamps_and_recording_in_markdown(client):
    slug = client.get("/api/interviews?speaker=lex-fridman").json()["items"][0]["slug"]
    response = client.get(f"/interviews/{slug}.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    md = response.text
    assert md.startswith("# ")
    assert "- **Recording:** <https://www.youtube.com/watch?v=ugvHCXCOmm4>" in md
    # a timestamp is a link to that moment of the recording the page names
    assert "[01:38:25](https://www.youtube.com/watch?v=ugvHCXCOmm4&t=5905s)" in md
    made_up = "https://www.youtube.com/watch?v=lexfridman"  # a summary's invention
    assert f"<{made_up}>" not in md and f"]({made_up}" not in md
    assert "AI-generated" in md


def test_markdown_escapes_the_words_it_holds(client, lenny):
    md = client.get(f"/interviews/{lenny['interview']['slug']}.md").text
    assert "**Benjamin Mann**" in md  # our markup
    body = [
        line
        for line in md.splitlines()
        if line and not line.startswith(("#", "-", "**", "<sub>", ">"))
    ]
    assert body and all("[" not in line.replace("\\[", "") for line in body)


def test_unknown_interview_exports_are_404(client):
    assert client.get("/interviews/nope.txt").status_code == 404
    assert client.get("/interviews/nope.md").status_code == 404


def test_search_as_csv_and_jsonl(client):
    api = client.get("/api/search?q=KI&page_size=30").json()
    response = client.get("/api/search?q=KI&page_size=30&format=csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [h["id"] for h in api["hits"]] and len(rows) == 30
    assert rows[0]["url"] == f"http://testserver/p/{rows[0]['id']}"
    assert "<mark>" not in response.text
    lines = client.get("/api/search?q=数据中心&format=jsonl")
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in lines.text.splitlines()]
    assert records and all("数据中心" in r["snippet"] for r in records)
    assert records[0]["speaker_slug"] == "benjamin-mann"
    bad = client.get("/api/search?q=KI&format=xml")
    assert bad.status_code == 422 and bad.json()["parameter"] == "format"


# ---------------------------------------------------------------- the whole archive


def table_rows(settings) -> dict[str, list[dict]]:
    from sqlmodel import Session

    from app.export import TABLES, rows
    from app.store import read_engine

    engine = read_engine(settings.db_path)
    with Session(engine) as session:
        out = {name: list(rows(session, model)) for name, model in TABLES.items()}
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def with_redirect(archive, tmp_path_factory):
    """A copy of the seed archive with a redirect in it (one kind of record of each)."""
    from conftest import copy_archive
    from sqlmodel import Session

    from app.models import PassageRedirect
    from app.store import write_engine

    settings = copy_archive(archive, tmp_path_factory.mktemp("source"))
    engine = write_engine(settings.db_path)
    with Session(engine) as session:
        session.add(PassageRedirect(old_id="oldoldoldold", new_id=None, interview_slug="x"))
        session.commit()
    engine.dispose()
    return settings


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.slow
def test_archive_export_round_trip_keeps_every_record_and_id(with_redirect, tmp_path, fmt):
    from fastapi.testclient import TestClient

    from app.config import settings_for
    from app.web.app import create_app

    out = tmp_path / ("archive.jsonl" if fmt == "jsonl" else "archive-csv")
    done = run_cli("export", str(out), "--format", fmt, "--db", str(with_redirect.db_path))
    assert done.returncode == 0, done.stderr
    before = table_rows(with_redirect)
    assert all(before.values()) and before["passage_redirect"]
    restored = settings_for(tmp_path / "restored.db")
    done = run_cli("ingest", str(out), "--db", str(restored.db_path))
    assert done.returncode == 0, done.stderr
    assert table_rows(restored) == before  # every column of every record, ids included
    with TestClient(create_app(restored)) as client:
        passage = before["passage"][0]["id"]
        assert client.get(f"/p/{passage}").status_code == 200
        assert client.get("/p/oldoldoldold").status_code == 410
        assert client.get("/api/search?q=数据中心").json()["total"] >= 1  # index rebuilt
    # the restored archive goes on as any other: the same seeds are unchanged files
    again = run_cli("ingest", str(ROOT / "seeds"), "--db", str(restored.db_path))
    assert again.returncode == 0 and "│ files unchanged │     5 │" in again.stderr
    assert [p["id"] for p in table_rows(restored)["passage"]] == [
        p["id"] for p in before["passage"]
    ]


@pytest.mark.slow
def test_a_broken_export_is_refused_and_nothing_is_lost(with_redirect, tmp_path):
    from app.config import settings_for

    out = tmp_path / "archive.jsonl"
    assert run_cli("export", str(out), "--db", str(with_redirect.db_path)).returncode == 0
    lines = out.read_text("utf-8").splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[: len(lines) // 2]) + "\n", "utf-8")
    target = settings_for(tmp_path / "target.db")
    assert run_cli("ingest", str(out), "--db", str(target.db_path)).returncode == 0
    before = table_rows(target)
    done = run_cli("ingest", str(cut), "--db", str(target.db_path))
    assert done.returncode == 1 and "the manifest says" in done.stderr
    assert table_rows(target) == before
    assert (
        run_cli(
            "export", str(tmp_path / "x"), "--format", "xml", "--db", str(target.db_path)
        ).returncode
        == 2
    )


def run_cli(*args: str):
    import subprocess
    import sys
    from pathlib import Path

    archive_cmd = str(Path(sys.executable).with_name("archive"))
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ARCHIVE_INDEX", None)
    return subprocess.run([archive_cmd, *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_csv_cells_keep_none_apart_from_empty_and_backslashes():
    from app.export import cell, typed
    from app.models import PassageRedirect

    fields = PassageRedirect.model_fields
    for value in (None, "", "\\N", "\\x", "abc"):
        written = {name: cell(value if name == "new_id" else "k", fields[name]) for name in fields}
        assert typed(PassageRedirect, written, from_text=True)["new_id"] == value


@pytest.mark.slow
def test_a_long_interview_is_exported_whole(tmp_path):
    """Pages show a long version a window at a time; its exports hold every turn."""
    from fastapi.testclient import TestClient

    from app.config import settings_for
    from app.ingest import ingest
    from app.web.app import create_app
    from app.web.read import WINDOW

    turns = WINDOW + 50
    lines = ["# A very long conversation", ""]
    for n in range(turns):
        who = "Lex Fridman" if n % 2 == 0 else "Dario Amodei"
        lines += [f"{who}: Turn number {n} of the long talk.", ""]
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "long.txt").write_text("\n".join(lines), "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    assert not ingest(settings, [sources]).failures
    with TestClient(create_app(settings)) as client:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        for suffix in (".txt", ".md"):
            text = client.get(f"/interviews/{slug}{suffix}").text
            assert f"Turn number {turns - 1} of the long talk." in text
            assert text.count("of the long talk.") == turns

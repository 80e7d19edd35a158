"""archive add against a real HTTP server on 127.0.0.1, into a real archive."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.config import ROOT, settings_for
from app.fetch import add_urls, snapshot_stem
from app.ingest import ingest
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry

CASES = Path(__file__).parent / "cases" / "formats"
PAGE = (CASES / "bold_labels.html").read_bytes()
EDITED = PAGE.replace(b"That is most of the job.", b"That is most of the job, and the fun.")


class Site:
    """What the server answers, per path: (status, headers, body, delay in seconds)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}

    def set(self, path, body=b"", status=200, ctype="text/html; charset=utf-8", delay=0.0, **h):
        self.routes[path] = (status, {"Content-Type": ctype, **h}, body, delay)


def handler_for(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body, delay = site.routes.get(
                self.path, (404, {"Content-Type": "text/plain"}, b"not found", 0.0)
            )
            time.sleep(delay)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "X-Stream" not in headers:  # else the length is unknown until the end
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client stops reading a body over its limit.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture()
def site():
    found = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(found))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.base = f"http://127.0.0.1:{server.server_address[1]}"
    found.set("/interview", PAGE)
    found.set("/moved", status=301, ctype="text/plain", Location="/interview")
    found.set("/loop", status=302, ctype="text/plain", Location="/loop")
    found.set("/broken", b"oops", status=500, ctype="text/plain")
    found.set("/slow", PAGE, delay=2.0)
    found.set("/big", PAGE + b"<!--" + b"x" * 400_000 + b"-->")
    found.set("/big-stream", PAGE + b"<!--" + b"x" * 400_000 + b"-->", **{"X-Stream": "1"})
    found.set("/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), ctype="image/png")
    chrome = b"<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>"
    found.set("/empty", chrome)
    found.set("/talk.vtt", (CASES / "voice_tags.vtt").read_bytes(), ctype="text/vtt")
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture()
def settings(tmp_path):
    s = settings_for(tmp_path / "data" / "archive.db")
    ingest(s, [ROOT / "seeds" / "003_ffeda769ab359e5c.txt"])
    return s


def state(settings) -> tuple:
    """Everything a failed add must leave alone: rows, ids, versions, snapshot files."""
    with sqlite3.connect(settings.db_path) as con:
        rows = con.execute("select id, text from passage order by id").fetchall()
        docs = con.execute("select key, sha256 from document order by key").fetchall()
        meta = con.execute("select * from archivemeta order by 1").fetchall()
    folder = settings.sources_dir
    files = sorted((p.name, p.read_bytes()) for p in folder.iterdir()) if folder.exists() else []
    return rows, docs, meta, files


@pytest.mark.slow
def test_add_a_page_then_again_unchanged_then_changed(site, settings):
    url = site.base + "/interview"
    [added] = add_urls(settings, [url])
    assert added.status == "new" and added.passages == 7, added
    snapshot = settings.sources_dir / added.name
    assert snapshot.read_bytes() == PAGE and added.name.startswith("127-0-0-1")
    record = json.loads(snapshot.with_name(added.name + ".fetch.json").read_text())
    assert record["url"] == url and record["final_url"] == url and record["status"] == 200
    assert record["content_type"].startswith("text/html") and len(record["sha256"]) == 64
    with sqlite3.connect(settings.db_path) as con:
        row = con.execute("select source_urls from document where key=?", (added.name,))
        urls = json.loads(row.fetchone()[0])
    # the canonical URL first, then the address it came from
    assert urls[:2] == ["https://review.example.org/interviews/jane-doe-scaling", url]

    before = state(settings)
    [again] = add_urls(settings, [url])
    assert again.status == "unchanged"
    assert state(settings) == before  # not even the record's fetch time moves

    site.set("/interview", EDITED)
    [changed] = add_urls(settings, [url])
    assert changed.status == "changed" and changed.name == added.name
    old_ids = {i for i, _ in before[0]}
    new_rows = dict(state(settings)[0])
    edited = [i for i, t in new_rows.items() if t.endswith("and the fun.")]
    assert len(edited) == 1 and edited[0] not in old_ids
    assert len(old_ids - set(new_rows)) == 1  # only the edited passage got a new id
    with sqlite3.connect(settings.db_path) as con:
        moved = con.execute("select new_id from passageredirect").fetchall()
    assert (edited[0],) in moved


@pytest.mark.slow
def test_pages_and_their_json_link_the_source(site, settings):
    from fastapi.testclient import TestClient

    from app.web.app import create_app

    url = site.base + "/interview"
    add_urls(settings, [url])
    canonical = "https://review.example.org/interviews/jane-doe-scaling"
    with TestClient(create_app(settings)) as client:
        listed = client.get("/api/interviews?page_size=100").json()["items"]
        slug = next(i["slug"] for i in listed if i["title"].startswith("Jane Doe on why"))
        data = client.get(f"/api/interviews/{slug}").json()
        assert data["version"]["source_urls"][:2] == [canonical, url]
        assert f'href="{canonical}"' in client.get(f"/interviews/{slug}").text
        passage = data["passages"][1]["id"]
        assert (
            client.get(f"/api/passages/{passage}").json()["version"]["source_urls"][0] == canonical
        )
        assert f'href="{canonical}"' in client.get(f"/p/{passage}").text


@pytest.mark.slow
def test_a_canonical_link_that_is_no_web_address_is_dropped(site, settings):
    site.set(
        "/odd", PAGE.replace(b"https://review.example.org/interviews", b"javascript:alert(1)//")
    )
    [added] = add_urls(settings, [site.base + "/odd"])
    with sqlite3.connect(settings.db_path) as con:
        row = con.execute("select source_urls from document where key=?", (added.name,))
        assert json.loads(row.fetchone()[0]) == [site.base + "/odd"]


@pytest.mark.slow
def test_redirect_is_followed_and_named_after_the_url_asked(site, settings):
    [added] = add_urls(settings, [site.base + "/moved"])
    assert added.status == "new"
    assert added.name.startswith(snapshot_stem(site.base + "/moved"))
    record = json.loads((settings.sources_dir / (added.name + ".fetch.json")).read_text())
    assert record["final_url"] == site.base + "/interview"


@pytest.mark.slow
def test_a_seed_served_as_text_reads_as_the_file_does(site, settings):
    seed = ROOT / "seeds" / "000_120461cb871c2243.txt"
    site.set("/seed", seed.read_bytes(), ctype="text/plain; charset=utf-8")
    [added] = add_urls(settings, [site.base + "/seed"])
    assert added.status == "new" and added.name.endswith(".txt")
    with sqlite3.connect(settings.db_path) as con:
        rows = con.execute(
            "select p.text from passage p join document d on d.id = p.document_id "
            "where d.key = ? order by p.ordinal",
            (added.name,),
        ).fetchall()
    direct = parse_bytes(seed.name, seed.read_bytes(), Registry.load(ROOT / "data"))
    assert [t for (t,) in rows] == [p.text for d in direct for p in d.passages]


@pytest.mark.slow
def test_subtitles_by_url(site, settings):
    [added] = add_urls(settings, [site.base + "/talk.vtt"])
    assert added.status == "new" and added.name.endswith(".vtt") and added.passages == 4


@pytest.mark.parametrize(
    "path,limits,message",
    [
        ("/nowhere", {}, "HTTP 404"),
        ("/broken", {}, "HTTP 500"),
        ("/loop", {}, "more than 5 redirects"),
        ("/slow", {"timeout": 0.5}, "timeout"),
        ("/big", {"max_bytes": 100_000}, "larger than 97 KB (Content-Length)"),
        ("/big-stream", {"max_bytes": 100_000}, "larger than 97 KB: stopped reading"),
        ("/logo.png", {}, "image/png is not a page"),
        ("/empty", {}, "no interview text"),
    ],
)
@pytest.mark.slow
def test_failures_leave_the_archive_untouched(site, settings, path, limits, message):
    add_urls(settings, [site.base + "/interview"])
    before = state(settings)
    [result] = add_urls(settings, [site.base + path], **limits)
    assert result.status == "failed" and message in result.error, result.error
    assert "\n" not in result.error
    assert state(settings) == before


@pytest.mark.slow
def test_cli_one_line_per_url_and_exit_code(site, tmp_path):
    db = tmp_path / "cli" / "archive.db"
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "add", site.base + "/interview"]
        + [site.base + "/nowhere", site.base + "/loop", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"CI": "true", "PATH": "", "COLUMNS": "200"},
        timeout=120,
    )
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1, run.stderr
    assert any(line.startswith("new " + site.base + "/interview") for line in lines)
    assert any("/nowhere: HTTP 404" in line for line in lines)
    assert any("/loop: more than 5 redirects" in line for line in lines)
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from document").fetchone()[0] == 1


@pytest.mark.slow
def test_ingesting_another_folder_keeps_added_pages(site, settings, tmp_path):
    [added] = add_urls(settings, [site.base + "/interview"])
    other = tmp_path / "other"
    other.mkdir()
    (other / "talk.vtt").write_bytes((CASES / "voice_tags.vtt").read_bytes())
    report = ingest(settings, [other])
    assert added.name not in {f.name for f in report.files if f.status == "removed"}
    with sqlite3.connect(settings.db_path) as con:
        keys = {k for (k,) in con.execute("select key from document")}
    assert added.name in keys and "talk.vtt" in keys


@pytest.mark.slow
def test_a_new_parser_version_rereads_added_pages(site, settings):
    [added] = add_urls(settings, [site.base + "/interview"])
    with sqlite3.connect(settings.db_path) as con:
        con.execute("update archivemeta set value = 'old' where key = 'parser_version'")
    report = ingest(settings, [ROOT / "seeds" / "003_ffeda769ab359e5c.txt"])
    assert {f.name: f.status for f in report.files}[added.name] == "changed"
    with sqlite3.connect(settings.db_path) as con:  # its record still gives its address
        row = con.execute("select source_urls from document where key=?", (added.name,))
        assert site.base + "/interview" in json.loads(row.fetchone()[0])

"""The load test keeps working: a tiny archive, a real 2-worker server, the full request
mix at each concurrency while `archive ingest` rewrites pages and switches the index.
Only errors and empty pages are asserted; its timings are printed, never checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import ROOT


@pytest.mark.slow
def test_no_error_and_no_empty_page_during_ingests(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--size",
            "200",
            "--workers",
            "2",
            "--requests",
            "12",
            "--during-ingest",
            "--ingests",
            "2",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "errors: 0 of" in run.stdout and "empty pages: 0" in run.stdout
    assert "-- during ingest, round 1" in run.stdout and "-- after the last switch" in run.stdout
    for concurrency in (1, 8, 32):
        assert f"\n{concurrency:>11} search " in run.stdout
    for kind in ("home", "search", "interview", "passage", "api"):
        assert f" {kind} " in run.stdout, kind
    ingests = [line for line in run.stdout.splitlines() if line.startswith("ingest ")]
    assert len(ingests) >= 2 and all("exit 0" in line for line in ingests), ingests
    searching = run.stdout.split("queries find passages")[0].rsplit(",", 1)[1].split()
    assert int(searching[0]) > 0, "the query mix must find passages"

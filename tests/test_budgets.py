"""Memory and time budgets on a generated 1 MB, 3,000-turn transcript (issue #10, finding 1).

Budgets are far from the normal figures (measured ones are in the README's Limits), so
only a cost that grows with the wrong thing trips them. Memory is measured in separate
processes: the peak of this test process says nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from generated import transcript

from app.config import ROOT, settings_for

pytestmark = pytest.mark.slow

INGEST_PEAK_MB = 400


@pytest.fixture(scope="module")
def long_archive(tmp_path_factory):
    """The transcript ingested by `archive ingest` in a child process, and its peak RSS."""
    folder = tmp_path_factory.mktemp("long")
    (folder / "sources").mkdir()
    text = transcript(3000)
    assert 1_000_000 <= len(text.encode()) <= 1_200_000
    (folder / "sources" / "long.txt").write_text(text, "utf-8")
    settings = settings_for(folder / "archive.db")
    script = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "from app.config import settings_for\n"
        "from app.ingest import ingest\n"
        "report = ingest(settings_for(Path(sys.argv[1])), [Path(sys.argv[2])])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "print(json.dumps({'totals': report.totals, 'peak_mb': peak}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(settings.db_path), str(folder / "sources")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return settings, json.loads(run.stdout.splitlines()[-1])


def test_ingesting_a_long_transcript_stays_within_its_memory_budget(long_archive):
    """The index entries were read with a join that carried the whole document text on
    every passage row: 5.5 GB for this transcript."""
    _, measured = long_archive
    assert measured["totals"]["passages"] == 3000
    assert measured["peak_mb"] <= INGEST_PEAK_MB, measured

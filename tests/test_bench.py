"""The benchmark keeps working: CI runs it at a tiny size. Its figures are printed, never
asserted (speed is judged by reading them, see README)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import ROOT


@pytest.mark.slow
def test_bench_runs_at_a_tiny_size(tmp_path):
    run = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "--sizes", "300", "--engine", "whoosh,tantivy"),
            *("--json", str(tmp_path / "figures.json")),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for line in ("passages/s", "p50", "phrase", "common", "FTS5 hit sets"):
        assert line in run.stdout, line
    for engine in (1, 2):  # whoosh's and tantivy's report
        assert "0/" not in run.stdout.split("FTS5 hit sets:")[engine].split("\n")[0]
    assert "300 passages, whoosh | 300 passages, tantivy" in run.stdout
    assert (tmp_path / "figures.json").stat().st_size > 0


@pytest.mark.slow
def test_align_bench_runs_at_a_tiny_size():
    run = subprocess.run(
        [sys.executable, "-m", "bench.align", "--sizes", "300"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for line in ("passages (", "alignment:", "also quoted in:", "per 10,000 passages"):
        assert line in run.stdout, line
    refused = subprocess.run(
        [sys.executable, "-m", "bench.align", "--sizes", "50000"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert refused.returncode != 0 and "20,000" in refused.stderr

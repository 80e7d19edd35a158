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
        [sys.executable, "-m", "bench", "--sizes", "300", "--json", str(tmp_path / "figures.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for line in ("passages/s", "p50", "phrase", "common", "FTS5 hit sets"):
        assert line in run.stdout, line
    assert "0/" not in run.stdout.split("FTS5 hit sets:")[1].split("\n")[0]
    assert (tmp_path / "figures.json").stat().st_size > 0

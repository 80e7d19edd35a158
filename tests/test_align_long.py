"""Aligning long pairs of versions: the corridor around the diagonal gives what the whole
table gives, and a pair of 3,000 turns a side aligns in bounded memory (it took 543 MB
and 22 s at 900 turns, more than 5 GB at 3,000, when every cell of the table was kept)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from long_pair import long_pair
from test_compare import pair_texts

from app.align import BAND, Names, Scorer, Unit, best_path, corridor, prepare
from app.config import ROOT


def cells(rows: list[tuple[int, int]]) -> set[tuple[int, int]]:
    return {(i, j) for i, (lo, hi) in enumerate(rows) for j in range(lo, hi + 1)}


@pytest.mark.parametrize("na, nb, width", [(30, 30, 4), (25, 74, 5), (74, 25, 5), (97, 13, 3)])
def test_the_corridor_of_b_against_a_is_the_mirror_of_a_against_b(na, nb, width):
    forward = cells(corridor(na, nb, width))
    backward = {(i, j) for j, i in cells(corridor(nb, na, width))}
    assert forward == backward
    assert (0, 0) in forward and (na, nb) in forward
    assert len(forward) < (na + 1) * (nb + 1)  # a corridor, not the table


def paths(a: list[Unit], b: list[Unit]) -> tuple[list, list]:
    """The links of the corridor and of the whole table, with the same scores."""
    names = Names({})
    scorer = Scorer(prepare(a, names), prepare(b, names), 1.0, {})
    banded = best_path(scorer, len(a), len(b), BAND).links
    return banded, best_path(scorer, len(a), len(b), None).links


@pytest.mark.slow  # the whole table of 200 x 200: about a second
def test_the_corridor_finds_the_path_of_the_whole_table():
    a, b, _ = long_pair(200)
    banded, full = paths(a, b)
    assert banded == full and len(full) > 180


@pytest.mark.slow
def test_the_corridor_widens_where_one_version_leaves_out_a_long_stretch():
    """b lacks 80 of a's turns: the path leaves the diagonal by 40, beyond BAND, so the
    corridor is doubled until it holds the path."""
    a, b, _ = long_pair(200)
    b = b[:60] + b[140:]
    banded, full = paths(a, b)
    assert banded == full
    assert any(j - i > BAND for i, _, j, _, _ in full) or any(
        i - j > BAND for i, _, j, _, _ in full
    )


MEASURE = """
import resource, sys, time, tracemalloc
from long_pair import long_pair
from test_compare import pair_texts
from app.align import align

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
a, b, truth = long_pair({turns})
started = time.perf_counter()
links = align(a, b)
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
found = {{(x, y) for link in links for x in link.a for y in link.b}}
tracemalloc.start()  # again, counting what the alignment allocates (slower: not timed)
align(a, b)
traced = tracemalloc.get_traced_memory()[1] / 2**20
print(len(a), len(b), seconds, grown, traced, len(found), len(found & truth), len(truth))
"""


def measured(turns: int) -> tuple[float, float, float, int, int, int]:
    """Generate and align a pair in a fresh interpreter: (seconds aligning, MB the peak
    RSS grew from before the pair was made, MB of the peak the alignment allocated,
    links found, of them right, links that are right)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(MEASURE.format(turns=turns))],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=True,
    ).stdout.split()
    na, nb, seconds, grown, traced, found, right, truth = out
    print(
        f"\n{turns} turns ({na} x {nb} passages): {float(seconds):.1f} s, peak RSS grew "
        f"{float(grown):.0f} MB, allocated at most {float(traced):.1f} MB, "
        f"{found} links, {right} right of {truth}"
    )
    return float(seconds), float(grown), float(traced), int(found), int(right), int(truth)


@pytest.mark.slow  # seconds: the programme scores some 300,000 cells twice
@pytest.mark.parametrize("turns", [900, 3000])
def test_a_long_pair_aligns_in_bounded_memory_and_rightly(turns):
    seconds, grown, traced, found, right, truth = measured(turns)
    assert (
        grown < 300 and traced < 300
    )  # the whole table took 543 MB at 900 turns, gigabytes at 3,000
    assert seconds < 300  # minutes when it blows up; about ten seconds now
    assert found == right == truth


INGEST = """
import resource, sys, time
from pathlib import Path
from sqlmodel import Session, func, select
from app.config import settings_for
from app.ingest import ingest
from app.models import PassageLink
from app.store import write_engine

folder = Path(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
report = ingest(settings_for(folder / "archive.db"), [folder / "src"])
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
assert not report.failures, report.failures
with Session(write_engine(folder / "archive.db")) as session:
    rows = session.exec(select(func.count()).select_from(PassageLink)).one()
print(seconds, grown, rows)
"""


@pytest.mark.slow  # parses, stores, indexes and aligns 6,000 passages: seconds
def test_a_3000_turn_pair_is_ingested_end_to_end(tmp_path):
    """The pair of test_compare.py, 3,000 turns a side, ingested from its text files: each
    of a's turns is linked but the two b leaves out (a merged turn links twice)."""
    (tmp_path / "src").mkdir()
    a, b = pair_texts(3000, merged={100, 1500, 2200}, dropped={700, 2600})
    (tmp_path / "src" / "a.txt").write_text(a, "utf-8")
    (tmp_path / "src" / "b.txt").write_text(b, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", INGEST, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seconds, grown, rows = out.stdout.split()
    print(
        f"\ningest of a 3,000-turn pair: {float(seconds):.1f} s, peak RSS grew {float(grown):.0f} MB"
    )
    assert int(rows) == 2 * 2998  # both directions of each linked pair
    assert float(grown) < 300

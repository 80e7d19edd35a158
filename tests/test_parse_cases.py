"""Golden cases: pages in formats and languages the seeds do not have (page.txt → page.json).

Add a case by dropping a page and its expected summary into tests/cases/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import ROOT
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry

CASES = sorted((Path(__file__).parent / "cases").glob("*.txt"))


@pytest.mark.parametrize("page", CASES, ids=[p.stem for p in CASES])
def test_case(page: Path):
    expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
    [doc] = parse_bytes(page.name, page.read_bytes(), Registry.load(ROOT / "data"))
    for field in ("title", "language", "kind", "published_date"):
        if field in expected:
            assert getattr(doc, field) == expected[field], field
    turns = [p for p in doc.passages if p.speaker]
    assert len(turns) == len(expected["turns"])
    for got, (speaker, role, timestamp, start) in zip(turns, expected["turns"]):
        assert (got.speaker.name, got.role, got.timestamp) == (speaker, role, timestamp)
        assert got.text.startswith(start), got.text
    if "evidence" in expected:  # how each turn's speaker was known
        assert [p.evidence for p in turns] == expected["evidence"]
    narration = [p.text for p in doc.passages if not p.speaker]
    assert len(narration) == len(expected["narration_starts"])
    for got, start in zip(narration, expected["narration_starts"]):
        assert got.startswith(start), got
    everything = doc.title + "\n" + "\n".join(p.text for p in doc.passages)
    for absent in expected["absent"]:
        assert absent not in everything, absent

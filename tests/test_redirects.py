"""Redirects of edited passages: the right target, from a bounded set of candidates."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest
from generated import WORDS, transcript, turn_text

from app.config import settings_for
from app.ingest import ingest
from app.passage_ids import tokens
from app.redirects import BY_SHINGLES, NEARBY, Candidates, OldPassage, plan


def test_an_edited_passage_redirects_to_its_new_text_and_a_deleted_one_to_nothing():
    rng = random.Random(3)
    texts = [turn_text(rng, 30) for _ in range(50)]
    old = [OldPassage(f"old{n}", "doc.txt", n, t, "slug") for n, t in enumerate(texts)]
    edited = [t.replace(".", ", sagt sie.", 1) for t in texts]
    del edited[10]  # a deleted passage has no counterpart
    edited.insert(0, turn_text(rng, 30))  # and a new one moves the rest down by one
    new = {"doc.txt": [(f"new{n}", t) for n, t in enumerate(edited)]}
    moves = {r.old_id: r.new_id for r in plan(old, new)}
    assert moves["old0"] == "new1" and moves["old49"] == "new49"
    assert moves["old10"] is None
    assert all(moves[f"old{n}"] == f"new{n + 1}" for n in range(10))


def test_a_passage_moved_far_away_is_found_by_its_words():
    rng = random.Random(4)
    texts = [turn_text(rng, 30) for _ in range(200)]
    old = [OldPassage(f"old{n}", "doc.txt", n, t, "") for n, t in enumerate(texts)]
    moved = texts[1:150] + [texts[0] + " Nachtrag."] + texts[150:]
    new = {"doc.txt": [(f"id-{t[:20]}-{n}", t) for n, t in enumerate(moved)]}
    target = next(r.new_id for r in plan(old, new) if r.old_id == "old0")
    assert target == f"id-{texts[0][:20]}-149"


@pytest.mark.slow
def test_the_candidates_are_bounded_whatever_the_document_size():
    rng = random.Random(5)
    targets = [(str(n), turn_text(rng, 30)) for n in range(3000)]
    finder = Candidates(targets, old_count=3000)
    common = " ".join(WORDS)  # shares shingles with every passage
    for ordinal in (0, 1500, 2999):
        picks = finder.near(OldPassage("x", "d", ordinal, common, ""), tokens(common))
        assert len(picks) <= BY_SHINGLES + 2 * NEARBY + 1


@pytest.mark.slow
def test_reingesting_a_long_transcript_with_every_turn_edited_costs_about_a_first_ingest(
    tmp_path,
):
    """Closest-text matching of every vanished id against every new passage was quadratic:
    editing all turns of a 3,000-turn file did not finish in 5 minutes."""
    folder = tmp_path / "sources"
    folder.mkdir()
    page = folder / "long.txt"
    text = transcript(1000)
    page.write_text(text, "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    start = time.perf_counter()
    ingest(settings, [folder])
    first = time.perf_counter() - start
    with sqlite3.connect(settings.db_path) as con:
        before = dict(con.execute("select ordinal, id from passage"))
    page.write_text(text.replace(".\n", ", sagt er.\n"), "utf-8")
    start = time.perf_counter()
    report = ingest(settings, [folder])
    again = time.perf_counter() - start
    assert report.files[0].status == "changed"
    # a budget far from the normal figure (about 1x): only a blow-up trips it
    assert again < 3 * first + 5, (first, again)
    print(f"first ingest {first:.1f} s, every turn edited {again:.1f} s")
    with sqlite3.connect(settings.db_path) as con:
        after = dict(con.execute("select ordinal, id from passage"))
        moves = dict(con.execute("select old_id, new_id from passageredirect"))
    assert len(moves) == 1000
    assert all(moves[before[n]] == after[n] for n in (0, 1, 700, 999))


def test_one_short_edited_passage_late_in_a_document_is_found():
    """Its place is scaled by the document's old length, not by the vanished ones'."""
    rng = random.Random(6)
    texts = [turn_text(rng, 30) for _ in range(40)]
    texts[30] = "Was macht Sie da so sicher?"
    old = [OldPassage(f"old{n}", "doc.txt", n, t, "") for n, t in enumerate(texts)]
    edited = texts[:30] + ["Was macht Sie da so sicher, Herr Kass?"] + texts[31:]
    new = {"doc.txt": [(f"old{n}" if n != 30 else "new", t) for n, t in enumerate(edited)]}
    assert [(r.old_id, r.new_id) for r in plan(old, new)] == [("old30", "new")]

"""Who said it, measured: the fidelity report over tests/corpus/ and its command.

The corpus pages are real pages the parser was not written against; their golden files
say who speaks each turn. See README "Who said it" for how turns are aligned.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.config import ROOT
from app.parse.fidelity import check_corpus, corpus_pages, golden_path
from app.parse.speakers import Registry

CORPUS = ROOT / "tests" / "corpus"
# The issue's targets over the corpus.
RIGHT, WRONG = 0.95, 0.01
# What the parser reaches today: a change that falls below it is a regression.
RIGHT_FLOOR, NAMEABLE_FLOOR = 0.98, 0.98


@pytest.fixture(scope="module")
def report():
    return check_corpus(CORPUS, Registry.load(ROOT / "data"))


def test_every_page_has_a_readable_golden_file():
    pages = corpus_pages(CORPUS)
    assert len(pages) >= 40
    for page in pages:
        golden = json.loads(golden_path(page).read_text("utf-8"))
        assert golden["turns"], page.name
        for turn in golden["turns"]:
            assert turn["starts"].strip() and "speaker" in turn and "role" in turn, page.name


def test_no_page_fails_to_parse(report):
    assert [p.name for p in report.read if p.error] == []


def test_at_most_one_turn_in_a_hundred_under_a_wrong_person(report):
    wrong = [
        (p.name, t.starts, t.found) for p in report.read for t in p.turns if t.verdict == "wrong"
    ]
    assert report.share("wrong") <= WRONG, wrong


def test_attribution_does_not_fall_below_what_it_reached(report):
    assert report.share("right") >= RIGHT_FLOOR
    assert report.share_nameable("right") >= NAMEABLE_FLOOR


def test_the_issue_targets(report):
    misses = [
        (p.name, t.starts, t.expected, t.found)
        for p in report.read
        for t in p.turns
        if t.verdict != "right"
    ]
    assert report.share("right") >= RIGHT, misses
    assert report.share("wrong") <= WRONG
    assert report.boilerplate_passages == 0, [(p.name, p.boilerplate) for p in report.read]


def write_page(folder: Path, name: str, text: str, golden: dict) -> Path:
    page = folder / name
    page.write_text(text, "utf-8")
    golden_path(page).write_text(json.dumps(golden, ensure_ascii=False), "utf-8")
    return page


PAGE = """Ein Gespräch über Sprachmodelle mit Ursula Keller

Ursula Keller forscht in Zürich. Das Gespräch führte Jan Weber.

Frage: Frau Keller, was können Sprachmodelle heute?

Keller: Sie schreiben erstaunlich gut.

Und sie rechnen schlecht.

Frage: Warum?

Keller: Weil sie Wörter vorhersagen.

Teilen auf Facebook
"""


def test_a_page_is_judged_turn_by_turn(tmp_path):
    golden = {
        "format": "text",
        "turns": [
            {"speaker": None, "role": "narration", "starts": "Ursula Keller forscht"},
            {"speaker": "Jan Weber", "role": "question", "starts": "Frau Keller, was"},
            {"speaker": "Ursula Keller", "role": "answer", "starts": "Sie schreiben"},
            # a turn the parser continues (the same person): right, found inside
            {"speaker": "Ursula Keller", "role": "answer", "starts": "Und sie rechnen"},
            # a golden file that disagrees with the page: the parser's person is wrong
            {"speaker": "Ursula Keller", "role": "question", "starts": "Warum?"},
            {"speaker": "Ursula Keller", "role": "answer", "starts": "Weil sie"},
        ],
        "boilerplate": ["Teilen auf Facebook", "Das Gespräch führte"],
    }
    write_page(tmp_path, "de_test.txt", PAGE, golden)
    [page] = check_corpus(tmp_path, Registry.load(ROOT / "data")).pages
    verdicts = [(t.verdict, t.found, t.at_start) for t in page.turns]
    assert verdicts == [
        ("right", None, True),
        ("right", "Jan Weber", True),
        ("right", "Ursula Keller", True),
        ("right", "Ursula Keller", False),
        ("wrong", "Jan Weber", True),
        ("right", "Ursula Keller", True),
    ]
    # the share button is gone; the intro sentence is narration, so it is in a passage
    assert page.boilerplate == ["Das Gespräch führte"]


def test_pages_in_formats_without_a_reader_are_skipped(tmp_path):
    write_page(tmp_path, "x.docx", "PK", {"format": "docx", "turns": []})
    write_page(
        tmp_path,
        "y.vtt",
        "WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n",
        {"format": "vtt", "turns": [{"speaker": None, "role": "turn", "starts": "Hello."}]},
    )
    docx, vtt = check_corpus(tmp_path, Registry.load(ROOT / "data")).pages
    assert docx.skipped and not vtt.skipped and vtt.turns[0].verdict == "right"


def test_check_corpus_command_prints_the_figures(tmp_path):
    write_page(
        tmp_path,
        "de_test.txt",
        PAGE,
        {
            "format": "text",
            "turns": [{"speaker": "Ursula Keller", "role": "answer", "starts": "Sie schreiben"}],
        },
    )
    result = CliRunner().invoke(app, ["check-corpus", str(tmp_path), "-v"])
    assert result.exit_code == 0, result.output
    assert "de_test.txt" in result.output and "right 100.0%, wrong 0.0%" in result.output


def test_parse_command_shows_turns_speakers_and_evidence():
    result = CliRunner().invoke(app, ["parse", str(ROOT / "seeds" / "003_ffeda769ab359e5c.txt")])
    assert result.exit_code == 0, result.output
    assert "Zack Kass" in result.output and "WirtschaftsWoche" in result.output
    assert "label" in result.output and "alternation" in result.output


def test_parse_command_refuses_a_missing_file_in_one_line(tmp_path):
    result = CliRunner().invoke(app, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "no such file" in result.output

"""Every form an interview comes in: HTML layouts, subtitles, transcript exports.

The files under tests/cases/formats/ were written for these tests; each is parsed by the
real pipeline and checked for turns, speakers, timestamps, title, date and clean text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.config import ROOT, settings_for
from app.ingest import ingest
from app.parse import formats
from app.parse.captions import read_srt, read_vtt
from app.parse.extract import decode_page, extract
from app.parse.pipeline import ParseError, parse_bytes
from app.parse.speakers import Registry

CASES = Path(__file__).parent / "cases" / "formats"
REGISTRY = Registry.load(ROOT / "data")
MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|\*\*|^#+ |&[a-z]+;|^>>|^\[\d|-->|WEBVTT", re.M)
CHROME = [
    "cookie",
    "Cookies",
    "Accept all",
    "Advertisement",
    "Related",
    "Comments",
    "Great interview",
    "©",
    "All rights reserved",
    "Newsletter",
    "Log in",
    "Startseite",
    "Impressum",
    "Datenschutz",
    "Akzeptieren",
    "Subscribe",
    "premium plan",
    "相关阅读",
    "版权所有",
    "登录",
    "首页",
    "dataLayer",
    "font-family",
]


def parse(name: str):
    path = CASES / name
    return parse_bytes(path.name, path.read_bytes(), REGISTRY)


def turns(doc) -> list[tuple[str, int | None, str]]:
    return [(p.speaker.name if p.speaker else "", p.timestamp, p.text) for p in doc.passages]


def assert_clean(doc) -> None:
    for p in doc.passages:
        assert not MARKUP.search(p.text), p.text
        for word in CHROME:
            assert word not in p.text, (word, p.text)
    assert not MARKUP.search(doc.title) and "|" not in doc.title


def test_html_bold_labels_in_paragraphs():
    [doc] = parse("bold_labels.html")
    assert doc.title == "Jane Doe on why scaling still works"
    assert doc.publisher == "The Gradient Review"
    assert doc.published_date == "2024-03-05"
    assert doc.language == "en"
    assert doc.source_urls[0] == "https://review.example.org/interviews/jane-doe-scaling"
    assert doc.kind == "interview"
    got = turns(doc)
    assert [s for s, _, _ in got] == ["", *["Sam Writer", "Jane Doe"] * 3]
    assert got[0][2].startswith("Jane Doe leads the pretraining team")
    assert got[2][2].startswith("By accident, really.")
    # The paragraph after a turn, and the line after a <br>, stay in the speaker's turn.
    assert "another three to believe it." in got[2][2]
    assert got[4][2] == (
        "Data is a limit, but not the only one.\n\n"
        "Energy matters too, and so does the time it takes to build a data centre."
    )
    assert {p.section for p in doc.passages[3:]} == {"Compute and data"}
    assert_clean(doc)


def test_html_speaker_spans_with_timestamps_in_latin1():
    [doc] = parse("speaker_spans_latin1.html")
    assert doc.encoding == "cp1252"  # ISO-8859-1 as declared (browsers read it as 1252)
    assert doc.title == "Gespräch mit Anna Schmidt"
    assert doc.publisher == "Podcast Zeitgeist"
    assert doc.published_date == "2023-11-02"
    assert doc.language == "de"
    got = [(s, t) for s, t, _ in turns(doc) if s]
    assert got == [
        ("Max Müller", 5),
        ("Anna Schmidt", 12),
        ("Max Müller", 90),
        ("Anna Schmidt", 101),
    ]
    last = doc.passages[-1].text
    assert last.startswith("Ein Seminar über Übersetzung") and "Ich bin dabei geblieben" in last
    assert_clean(doc)


def test_html_definition_list():
    [doc] = parse("definition_list.html")
    assert doc.title == "Transcript: A talk with Lee Chen"
    assert doc.published_date == "2025-01-12"
    assert doc.publisher == "Frontier Notes"
    got = turns(doc)
    assert [s for s, _, _ in got] == ["Host", "Lee Chen", "Host", "Lee Chen"]
    assert [p.role for p in doc.passages] == ["question", "answer"] * 2
    assert got[3][2] == (
        "Because that is where models fail in ways we do not measure.\n\n"
        "Short tests saturate within a year."
    )
    assert_clean(doc)


@pytest.mark.slow
def test_html_gb2312_declared_charset():
    [doc] = parse("gb2312.html")
    assert doc.encoding == "gb18030"  # GB2312 as declared, read by its superset
    assert doc.title == "对话王明：大模型的下一步"
    assert doc.publisher == "科技观察"
    assert doc.published_date == "2024-06-18"
    assert doc.language == "zh"
    got = turns(doc)
    assert [s for s, _, _ in got if s] == ["李华", "王明", "李华", "王明"]
    assert got[-1][2].startswith("数据的质量")
    assert_clean(doc)


def test_html_names_alone_above_their_speech():
    turn = "<h4>{0}</h4><p>{1}</p><p>That is what {0} thinks, part {2}.</p>"
    body = "".join(
        turn.format(name, text, n)
        for n, (name, text) in enumerate(
            [
                ("Ada Byron", "Where did the idea come from?"),
                ("Alan Turing", "From a question about machines."),
                ("Ada Byron", "And then?"),
                ("Alan Turing", "Then a paper."),
            ]
        )
    )
    page = f"<html lang='en'><head><title>Two voices</title></head><body><article><h1>Two voices</h1><p>An introduction to the talk.</p>{body}</article></body></html>"
    [doc] = parse_bytes("t.html", page.encode(), REGISTRY)
    got = [(p.speaker.name if p.speaker else "", p.text) for p in doc.passages]
    assert got[1:] == [
        ("Ada Byron", "Where did the idea come from?\n\nThat is what Ada Byron thinks, part 0."),
        (
            "Alan Turing",
            "From a question about machines.\n\nThat is what Alan Turing thinks, part 1.",
        ),
        ("Ada Byron", "And then?\n\nThat is what Ada Byron thinks, part 2."),
        ("Alan Turing", "Then a paper.\n\nThat is what Alan Turing thinks, part 3."),
    ]


def test_html_times_belong_to_their_own_speaker():
    flat = (
        "<div class='t'><span class='speaker'>Ann Lee</span> <span class='time'>00:00:01</span>"
        "<p>Hi there, Bo.</p><span class='speaker'>Bo Chen</span><p>Hello, Ann.</p>"
        "<span class='speaker'>Ann Lee</span><span class='time'>00:00:09</span><p>Bye now.</p>"
        "<span class='speaker'>Bo Chen</span><p>Bye, then.</p></div>"
    )
    page = f"<html><head><title>Flat</title></head><body><article><h1>Flat</h1>{flat}</article></body></html>"
    [doc] = parse_bytes("flat.html", page.encode(), REGISTRY)
    assert [(p.speaker.name, p.timestamp, p.text) for p in doc.passages] == [
        ("Ann Lee", 1, "Hi there, Bo."),
        ("Bo Chen", None, "Hello, Ann."),
        ("Ann Lee", 9, "Bye now."),
        ("Bo Chen", None, "Bye, then."),
    ]


def test_html_bold_names_with_times_after_them():
    rows = [
        "<p><strong>Lex Fridman</strong> (00:00:12): Let us begin with the basics.</p>",
        "<p><strong>Dario Amodei</strong> [00:01:05] Sure. Scaling is the basic idea.</p>",
        "<p>It has held for a decade.</p>",
        "<p><b>Lex Fridman</b> 01:02:03 Why does it hold?</p>",
        "<p><strong>Dario Amodei:</strong> (1:02:09) Nobody knows for sure.</p>",
    ]
    page = f"<html lang='en'><head><title>Times after names</title></head><body><article><h1>Times after names</h1>{''.join(rows)}</article></body></html>"
    [doc] = parse_bytes("times.html", page.encode(), REGISTRY)
    assert [(p.speaker.name, p.timestamp) for p in doc.passages] == [
        ("Lex Fridman", 12),
        ("Dario Amodei", 65),
        ("Lex Fridman", 3723),
        ("Dario Amodei", 3729),
    ]
    assert doc.passages[1].text == "Sure. Scaling is the basic idea.\n\nIt has held for a decade."
    assert_clean(doc)


def test_html_transcript_as_a_table_of_names_and_speech():
    rows = [
        ("Mira Patel", "We started with a simple question about memory."),
        ("Tom Berg", "And what did you find out in the end?"),
        ("Mira Patel", "That models forget in surprising ways, and that is useful."),
        ("Tom Berg", "Useful how, exactly?"),
    ]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    page = f"<html lang='en'><head><title>Table talk</title></head><body><article><h1>Table talk</h1><p>A conversation on memory, printed as a table.</p><table>{table}</table></article></body></html>"
    [doc] = parse_bytes("table.html", page.encode(), REGISTRY)
    assert [(p.speaker.name, p.text) for p in doc.passages if p.speaker] == rows


def test_declared_charset_before_the_guess():
    body = "<p>Ĉu ŝi ĝojas?</p>".encode("iso-8859-3")  # Esperanto: no guess reads Latin-3
    page = b'<html><head><meta charset="iso-8859-3"></head><body>' + body + b"</body></html>"
    assert decode_page(page).encoding == "iso8859-3"
    assert "Ĉu ŝi ĝojas?" in decode_page(page).text
    latin = "<p>Der Käse ist würzig, und die Brötchen sind frisch gebacken.</p>"
    wrong = b'<html><head><meta charset="utf-8"></head><body>' + latin.encode("latin-1")
    decoded = decode_page(wrong)  # declared UTF-8, written in Latin-1: the guess, with a warning
    assert (
        "Der Käse ist würzig" in decoded.text and "declared charset utf-8" in decoded.warnings[-1]
    )
    assert extract(page, http_charset="iso-8859-3").encoding == "iso8859-3"
    utf8 = '<html><head><meta charset="windows-1252"></head><body><p>Käse und Brötchen</p>'
    decoded = decode_page(utf8.encode("utf-8"))  # declared 1252, written in UTF-8
    assert decoded.encoding == "utf-8" and "Käse und Brötchen" in decoded.text


def test_webvtt_voice_tags():
    [doc] = parse("voice_tags.vtt")
    assert doc.title == "Building evaluation suites with Lee Chen"
    assert doc.language == "en"
    assert turns(doc) == [
        ("Maria Lopez", 1, "Welcome back. Today I am talking with Lee Chen about evaluation."),
        (
            "Lee Chen",
            8,
            "Thanks, Maria. It is good to be here. Evaluation is the part nobody wants to do.",
        ),
        ("Maria Lopez", 15, "Why is that?"),
        ("Lee Chen", 18, "Because it is slow & it shows you where you are wrong."),
    ]
    assert_clean(doc)


def test_rolling_captions_in_a_txt_are_read_as_webvtt():
    path = CASES / "rolling.txt"
    assert formats.sniff(path.name, path.read_bytes()) == formats.VTT
    [doc] = parse("rolling.txt")
    assert turns(doc) == [
        ("Maria Lopez", 0, "so the first question is how you got into this field"),
        (
            "Lee Chen",
            5,
            "by accident really i was studying linguistics and then a friend asked me to help",
        ),
        ("Maria Lopez", 12, "and it stuck"),
        ("Lee Chen", 15, "it did"),
    ]
    assert_clean(doc)


def test_formats_are_told_by_content():
    fragment = b"<div class='post'><p><b>Ann:</b> Hi.</p><p><b>Bo:</b> Hello.</p></div>"
    assert formats.sniff("saved.txt", fragment) == formats.HTML
    assert formats.sniff("page", b"<!DOCTYPE html><html><body>x</body></html>") == formats.HTML
    assert formats.sniff("talk.txt", b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nHi") == "vtt"
    assert formats.sniff("talk.txt", b"1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n") == "srt"
    assert formats.sniff("a.txt", b"<3 this talk: a fan's notes\n\nMore text.") == formats.TEXT
    assert formats.sniff("notes.txt", b"{not json at all} just text") == formats.TEXT


def test_repeated_lines_are_speech_when_captions_do_not_roll():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n- No.\n\n00:02.000 --> 00:03.000\n- No.\n"
    found = read_vtt(text)
    assert [(t.speaker, t.start, t.text) for t in found.turns] == [("", 1, "No."), ("", 2, "No.")]


def test_srt_name_prefixes_and_dash_changes():
    [doc] = parse("name_prefixes.srt")
    got = turns(doc)
    assert [(s, t) for s, t, _ in got] == [
        ("Lex Fridman", 2),
        ("Dario Amodei", 8),
        ("", 16),  # "- Does it worry you?" "- Sometimes it does.": changes without names
        ("", 16),
        ("Lex Fridman", 19),
        ("Dario Amodei", 62),
    ]
    assert got[0][2] == (
        "The following is a conversation with Dario Amodei, CEO of Anthropic. "
        "Let me start with scaling."
    )
    assert got[1][2].endswith("that it keeps working. It has kept working for ten years.")
    assert [p.role for p in doc.passages if p.speaker] == ["question", "answer"] * 2
    assert_clean(doc)


def test_a_prefix_that_is_no_name_stays_in_the_text():
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nANNA: Hello.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nNote: this is not a speaker.\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nBEN: Good to see you.\n\n"
        "4\n00:00:04,000 --> 00:00:05,000\nANNA: Good.\n\n"
        "5\n00:00:05,000 --> 00:00:06,000\nBEN: Yes.\n"
    )
    [doc] = parse_bytes("x.srt", srt.encode(), REGISTRY)
    assert [(p.speaker.name if p.speaker else "", p.text) for p in doc.passages] == [
        ("Anna", "Hello."),
        ("", "Note: this is not a speaker."),
        ("Ben", "Good to see you."),
        ("Anna", "Good."),
        ("Ben", "Yes."),
    ]
    assert [t.speaker for t in read_srt(srt).turns] == ["Anna", "Note", "Ben", "Anna", "Ben"]


def test_whisper_json_with_names():
    [doc] = parse("whisper_named.json")
    assert doc.language == "en" and doc.title == "whisper named"
    assert [(s, t) for s, t, _ in turns(doc)] == [
        ("Sam Writer", 0),
        ("Jane Doe", 7),
        ("Sam Writer", 65),
        ("Jane Doe", 68),
    ]
    assert doc.passages[0].text == (
        "Welcome to the show, Jane. How did you start working on interpretability?"
    )


def test_whisper_json_diarization_ids_are_turns_without_names():
    [doc] = parse("whisper_segments.json")
    assert all(p.speaker is None for p in doc.passages)
    assert [(p.timestamp, p.text[:20]) for p in doc.passages] == [
        (0, "Welcome to the show,"),
        (7, "I read a paper on ci"),
        (16, "And what are you wor"),
        (18, "Sparse features in l"),
    ]


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("a.json", b'{"results": []}', "JSON without transcript segments"),
        ("a.json", b"{not json", "not valid JSON"),
        ("a.txt", b"%PDF-1.7\n" + bytes(100), "PDF"),
        ("a.vtt", b"WEBVTT\n\nNOTE nothing here\n", "no cue with text"),
    ],
)
def test_unreadable_sources_say_why(name, data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_bytes(name, data, REGISTRY)


@pytest.mark.slow
def test_mixed_folder_ingests_every_supported_file(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for path in CASES.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "seed.txt").write_bytes((ROOT / "seeds" / "003_ffeda769ab359e5c.txt").read_bytes())
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4\n" + bytes(300))
    (folder / "config.json").write_text(json.dumps({"theme": "dark"}))
    report = ingest(settings_for(tmp_path / "db" / "archive.db"), [folder])
    failed = {f.name: f.error for f in report.failures}
    assert set(failed) == {"slides.pdf", "config.json"}
    assert "PDF" in failed["slides.pdf"] and "segments" in failed["config.json"]
    read = {f.name for f in report.files if f.status == "new"}
    assert read == {p.name for p in CASES.iterdir()} | {"seed.txt"}


CORPUS = Path(__file__).parent / "corpus"
CORPUS_FILES = sorted(
    p
    for p in CORPUS.glob("*")
    if p.suffix in (".html", ".vtt", ".srt", ".json") and not p.name.endswith(".golden.json")
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_real_pages_of_every_format(path):
    """The corpus's HTML, subtitle and JSON pages: clean passages, no chrome, and where the
    page names every speaker, the golden speakers in order."""
    golden = json.loads(path.with_name(path.name + ".golden.json").read_text("utf-8"))
    docs = parse_bytes(path.name, path.read_bytes(), REGISTRY)
    passages = [p for d in docs for p in d.passages]
    text = "\n".join(p.text for p in passages)
    for chrome in golden["boilerplate"]:
        assert chrome not in text, chrome
    for p in passages:
        assert not MARKUP.search(p.text), p.text
    for turn in golden["turns"]:
        assert turn["starts"].strip() in " ".join(text.split()), turn["starts"]
    if all(t["speaker"] for t in golden["turns"]) and set(golden["people"].values()) >= {
        t["speaker"] for t in golden["turns"]
    }:
        got = [p.speaker.name if p.speaker else None for p in passages]
        assert got == [t["speaker"] for t in golden["turns"]]


def test_a_declared_charset_gets_the_same_clean_up_as_a_guessed_one():
    """Control characters go whichever way the charset was found (a page that declares
    Latin-1 and holds a BEL and a carriage return)."""
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Käse\x07 und\r\nBrot</p>'
    decoded = decode_page(html.encode("latin-1"))
    assert decoded.encoding.replace("-", "") in ("iso88591", "latin1", "cp1252")
    assert "\x07" not in decoded.text and "\r" not in decoded.text
    assert "Käse und\nBrot" in decoded.text
    assert any("control" in w for w in decoded.warnings)

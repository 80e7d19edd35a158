"""Decoding real bytes: every encoding we promise, and clear refusals."""

from __future__ import annotations

import pytest

from app.config import ROOT
from app.parse.decode import DecodeError, decode_bytes

GERMAN = "Größe für Übersetzung, schöne Grüße aus München"
CHINESE_SHORT = "数据中心里的天才国度"
TRADITIONAL = "達里奧·阿莫迪 接受訪問"
SEED_001 = (ROOT / "seeds" / "001_18a6d7e100dca724.txt").read_text("utf-8")


@pytest.mark.parametrize(
    "data, encoding, text",
    [
        (GERMAN.encode("utf-8"), "utf-8", GERMAN),
        (b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), "utf-8-sig", GERMAN),
        (b"\xff\xfe" + GERMAN.encode("utf-16-le"), "utf-16-le", GERMAN),
        (b"\xfe\xff" + GERMAN.encode("utf-16-be"), "utf-16-be", GERMAN),
        (CHINESE_SHORT.encode("gbk"), "gb18030", CHINESE_SHORT),
        (SEED_001[1500:3500].encode("gb18030"), "gb18030", SEED_001[1500:3500]),
        (TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
    ],
    ids=["utf8", "utf8-bom", "utf16le", "utf16be", "gbk-short", "gb18030-long", "big5"],
)
def test_encodings(data, encoding, text):
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.text) == (encoding, text)


def test_truncated_utf8_is_not_mistaken_for_a_codepage():
    decoded = decode_bytes(("Größe 数据中心").encode()[:-1])
    assert decoded.encoding == "utf-8" and decoded.text == "Größe 数据中"
    assert decoded.warnings


def test_legacy_latin_text_reads_right_and_says_it_was_guessed():
    decoded = decode_bytes(GERMAN.encode("cp1252"))
    assert decoded.text == GERMAN and decoded.warnings


@pytest.mark.parametrize("word", ["Käse", "Bär", "Öl", "Straße", "Zürich", "Tür auf", "schön"])
def test_short_latin_words_are_not_read_as_utf16_or_asian(word):
    assert decode_bytes(word.encode("cp1252")).text == word


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("模型", "big5"),
        ("訪談", "big5"),
        ("人工智慧的對話", "big5"),
        ("中国", "gbk"),
        ("我们", "gbk"),
    ],
)
def test_short_chinese_in_legacy_codepages(text, encoding):
    assert decode_bytes(text.encode(encoding)).text == text


def test_a_stray_byte_is_not_taken_for_a_cut_character():
    # Not silently dropped as a "truncated" character, and not read as cp1252 mojibake.
    with pytest.raises(DecodeError, match="not text"):
        decode_bytes("Größe".encode() + b"\x80")


def test_newlines_and_nfc():
    decoded = decode_bytes("Gro\u0308\u00dfe\r\nzwei\rdrei".encode("utf-8"))
    assert decoded.text == "Größe\nzwei\ndrei"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b" \n\t\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "binary"),
        (b"PK\x03\x04" + bytes(range(256)), "binary"),
        (b"\xff\xfe\x00\xd8", "broken"),
    ],
)
def test_refusals_say_why(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


@pytest.mark.parametrize("seed", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds_decode_as_utf8_unchanged(seed):
    data = seed.read_bytes()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and decoded.text == data.decode("utf-8")


def test_controls_past_the_binary_check_and_bidi_overrides_are_removed():
    """A NUL after the first 4 KB and U+202E in a title reached HTML and JSON raw."""
    body = "Wort " * 1000
    data = f"Titel \u202eslitiT\n\n{body}\x00Ende\x1b[0m\x0cneue Seite\u2066x\u2069".encode()
    decoded = decode_bytes(data)
    assert decoded.text == f"Titel slitiT\n\n{body}Ende[0m\nneue Seitex"
    assert decoded.warnings == ["5 control or bidi-override characters removed"]
    assert decode_bytes("a\tb\nc \u200f".encode()).text == "a\tb\nc \u200f"  # kept


@pytest.mark.slow
def test_controls_never_reach_pages_or_json(tmp_path):
    from fastapi.testclient import TestClient

    from app.config import settings_for
    from app.ingest import ingest
    from app.web.app import create_app

    folder = tmp_path / "sources"
    folder.mkdir()
    seed = (ROOT / "seeds" / "003_ffeda769ab359e5c.txt").read_text("utf-8")
    head, rest = seed[:5000], seed[5000:]
    head = head.replace(" ", " \u202e", 1)
    (folder / "page.txt").write_text(head + "\x00\x07" + rest.replace(" ", " \u202e", 3), "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    assert not ingest(settings, [folder]).failures
    with TestClient(create_app(settings)) as client:
        [interview] = client.get("/api/interviews").json()["items"]
        for url in (f"/interviews/{interview['slug']}", f"/api/interviews/{interview['slug']}"):
            text = client.get(url).text
            assert "\x00" not in text and "\x07" not in text and "\u202e" not in text
            assert "\\u0000" not in text and "\\u202e" not in text

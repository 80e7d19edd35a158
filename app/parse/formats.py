"""Which reader a source needs, told by its bytes first and its name second.

A `.txt` that is really WebVTT is read as WebVTT, a page saved without an extension as
HTML. What no reader takes is refused with the reason, for the ingest report.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

HTML = "html"
VTT = "vtt"
SRT = "srt"
TRANSCRIPT_JSON = "json"  # speech-to-text exports: Whisper's segments and the like
TEXT = "text"

# The suffix a snapshot of each format is saved under (archive add).
SUFFIX = {HTML: ".html", VTT: ".vtt", SRT: ".srt", TRANSCRIPT_JSON: ".json", TEXT: ".txt"}

SRT_TIMING = re.compile(
    rb"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}"
)
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S)
HTML_TAGS = re.compile(rb"<(body|head|meta|title|div|p|article)[\s>/]", re.I)
# Magic numbers of formats people drop into a folder of sources by mistake.
FOREIGN = [
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenOffice document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"ID3", "an MP3 file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
    (b"{\\rtf", "an RTF document"),
]


class UnsupportedFormat(ValueError):
    """No reader of the archive takes these bytes; the message says what they are."""


def head_text(data: bytes) -> bytes:
    """The start of the file without a byte-order mark; UTF-16/32 reduced to ASCII."""
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            return data[2:4096].decode(enc, "ignore").encode("ascii", "ignore")
    return data[:4096].removeprefix(codecs.BOM_UTF8)


def sniff(name: str, data: bytes) -> str:
    head = head_text(data)
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    for magic, what in FOREIGN:
        if head.startswith(magic):
            raise UnsupportedFormat(f"binary file ({what}), not a supported format")
    if re.match(rb"^WEBVTT(\s|$)", head):
        return VTT
    if SRT_TIMING.match(head):
        return SRT
    if HTML_START.match(head) or (suffix in ("html", "htm", "xhtml") and HTML_TAGS.search(head)):
        return HTML
    if head.lstrip().startswith(b"<") and len(HTML_TAGS.findall(head)) >= 3:
        return HTML  # a fragment of a page (starts with a tag, tags throughout)
    if suffix == "json":
        return json_kind(data)
    if head.lstrip().startswith(b"{"):  # an export saved under another name
        try:
            return json_kind(data)
        except UnsupportedFormat:
            return TEXT
    return TEXT


def json_kind(data: bytes) -> str:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise UnsupportedFormat("not valid JSON (UTF-8 expected)") from None
    if transcript_segments(doc):
        return TRANSCRIPT_JSON
    raise UnsupportedFormat(
        'JSON without transcript segments (expected {"segments": [{"start", "text"}]})'
    )


def transcript_segments(doc: Any) -> list[dict[str, Any]]:
    """The segment list of a speech-to-text export: Whisper's `segments`, AssemblyAI's
    `utterances`, Deepgram's `results.utterances`, or a bare list of segments."""
    if isinstance(doc, dict):
        results: dict[str, Any] = doc["results"] if isinstance(doc.get("results"), dict) else {}
        found = doc.get("segments") or doc.get("utterances") or results.get("utterances")
    else:
        found = doc
    if not isinstance(found, list):
        return []
    segments = [s for s in found if isinstance(s, dict)]
    spoken = [s for s in segments if isinstance(s.get("text", s.get("transcript")), str)]
    return segments if spoken and len(spoken) == len(segments) else []

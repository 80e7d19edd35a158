"""Subtitles and speech-to-text exports → speaker turns with start times.

WebVTT and SRT cues, and the segments of Whisper-style JSON, become turns: a speaker is
named by a `<v Name>` voice tag, a `NAME:` prefix or a speaker field; `>>` and a leading
`-` say only that the speaker changed. Consecutive cues of one speaker make one turn,
which keeps the start of its first cue. Rolling captions (each cue repeats the line
before) are joined without the repeats. Who a name is, and whether a prefix is a name at
all, is left to speaker resolution, as for text pages.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.parse.formats import transcript_segments
from app.text import BASIC_HAN, HAN_CHAR

TIMING = re.compile(
    r"^\s*(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*"
    r"(?P<end>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>", re.I)
# Markup in cue text: HTML-like tags, karaoke times <00:00:01.500>, SSA overrides {\an8}.
TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>|\{\\[^}]*\}")
SOUND = re.compile(r"^(\[[^\]]*\]|\([^)]*\)|♪+)$")
CHANGE = re.compile(r"^(>>+|[-–—](?=\s))\s*")
# "ANNA:" / "Anna Schmidt:" / "陈伟：" at the start of a cue line. Capitalised words only:
# "so: …" is speech. Resolution still decides whether the name is a speaker.
NAME_PREFIX = re.compile(
    rf"^(?P<name>[A-ZÄÖÜ][\w.'’-]*(?: [A-ZÄÖÜ][\w.'’-]*){{0,3}}|[{BASIC_HAN}·]{{2,8}})\s*[:：]\s*"
    r"(?P<rest>.*)$"
)
# Diarization ids name no one: "SPEAKER_00", "Speaker 2", "spk1", "Host B", AssemblyAI's "A".
ANONYMOUS = re.compile(
    r"^((speaker|spk|sprecher|person|voice|host|guest|s)[\s_-]*(\d+|[A-Z])|[A-Z])$", re.I
)
PARAGRAPH_CHARS = 600  # long monologues are cut into paragraphs at sentence ends
SENTENCE_END = re.compile(r"[.!?。！？…][\"'”’」)]*$")


@dataclass
class Cue:
    start: float
    lines: list[str]


@dataclass
class Turn:
    speaker: str  # "" when the file does not say who speaks
    start: int  # seconds, from the turn's first cue
    paragraphs: list[str] = field(default_factory=list)
    explicit: bool = False  # a voice tag, speaker field or ">> NAME:" says so
    prefix: str = ""  # the "NAME: " as printed, given back when the name is no speaker
    key: str = ""  # who speaks: a name, a diarization id, or "?n" for an unnamed change
    starts: list[int] = field(default_factory=list)  # each paragraph's first cue

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Transcript:
    turns: list[Turn]
    title: str = ""
    language: str = ""


def seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total: float = sum(float(p) * 60**i for i, p in enumerate(reversed(parts)))
    return total


def cue_blocks(text: str) -> list[list[str]]:
    return [b.split("\n") for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]


def read_cues(text: str) -> list[Cue]:
    """Cues of a WebVTT or SRT file: the timing line, then the payload up to a blank line."""
    cues = []
    for block in cue_blocks(text):
        at = next((i for i, line in enumerate(block) if TIMING.match(line)), None)
        if at is None or at > 1:  # the header, NOTE, STYLE and REGION blocks
            continue
        timing = TIMING.match(block[at])
        assert timing is not None  # the line found above
        start = seconds(timing.group("start"))
        cues.append(Cue(start, [line.strip() for line in block[at + 1 :] if line.strip()]))
    return cues


def vtt_header(text: str) -> tuple[str, str]:
    """(title, language): "WEBVTT - Title" and the "Language: en" line YouTube writes."""
    header = cue_blocks(text)[0] if text.strip() else []
    title = re.sub(r"^WEBVTT\s*[-–:]?\s*", "", header[0]).strip() if header else ""
    lang = next(
        (m.group(1) for line in header[1:] if (m := re.match(r"Language:\s*([\w-]+)", line))), ""
    )
    return title, lang.split("-")[0].lower()


def read_vtt(text: str) -> Transcript:
    title, language = vtt_header(text)
    return Transcript(cue_turns(read_cues(text)), title, language)


def read_srt(text: str) -> Transcript:
    return Transcript(cue_turns(read_cues(text)))


def plain(line: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(TAG.sub("", line))).strip()


def rolling(cues: list[list[str]]) -> bool:
    """Roll-up captions repeat the previous cue's last line (or whole text) at the top of
    the next. Only a file that does so throughout is de-duplicated: in others a repeated
    line ("No." – "No.") is speech."""
    pairs = [(a, b) for a, b in zip(cues, cues[1:]) if a and b]
    repeats = sum(b[0] == a[-1] or " ".join(b).startswith(" ".join(a)) for a, b in pairs)
    return len(pairs) >= 3 and repeats >= 0.3 * len(pairs)


def new_lines(previous: list[str], lines: list[str]) -> list[str]:
    """What a rolling cue adds to the one before it."""
    before, now = " ".join(previous), " ".join(lines)
    if before and now.startswith(before):
        rest = now[len(before) :].strip()
        return [rest] if rest else []
    for k in range(min(len(previous), len(lines)), 0, -1):
        if previous[-k:] == lines[:k]:
            return lines[k:]
    return lines


def voiced(lines: list[str]) -> list[tuple[str | None, str]]:
    """(voice, text) per cue line; a voice tag holds until the next one in its cue."""
    out, voice = [], None
    for line in lines:
        if m := VOICE.search(line):
            voice = m.group("name").strip()
        text = plain(line)
        if text and not SOUND.match(text):
            out.append((voice, text))
    return out


def cue_turns(cues: list[Cue]) -> list[Turn]:
    lines = [voiced(cue.lines) for cue in cues]
    texts = [[t for _, t in cue] for cue in lines]
    if rolling(texts):
        # What a cue adds has the voice of its last line.
        lines = [
            [(cue[-1][0], t) for t in new_lines(texts[i - 1] if i else [], texts[i])]
            for i, cue in enumerate(lines)
        ]
    builder = TurnBuilder()
    for cue, cue_lines in zip(cues, lines):
        for voice, text in cue_lines:
            builder.line(int(cue.start), text, voice)
    return builder.done()


class TurnBuilder:
    """Joins cue lines into turns while the speaker stays the same."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.changes = 0  # unnamed speaker changes so far: each starts a speaker of its own

    def line(self, start: int, text: str, voice: str | None) -> None:
        if voice:
            self.add(start, text, voice, explicit=True)
            return
        changed = CHANGE.match(text)
        if changed:
            text = text[changed.end() :]
        named = NAME_PREFIX.match(text)
        if named:
            prefix = text[: named.start("rest")]
            self.add(start, named.group("rest"), named.group("name"), bool(changed), prefix)
        elif changed or not self.turns:
            self.add(start, text, "")
        else:
            self.append(start, text)

    def add(
        self, start: int, text: str, speaker: str, explicit: bool = False, prefix: str = ""
    ) -> None:
        """A cue line by `speaker` ("" = someone new, unnamed)."""
        if ANONYMOUS.match(speaker):
            key, speaker = "#" + speaker.casefold(), ""
        elif speaker:
            key = speaker
        else:
            self.changes += 1
            key = f"?{self.changes}"
        # A printed prefix stays its own turn until resolution says it is a name.
        if self.turns and key == self.turns[-1].key and not prefix:
            self.append(start, text)
            return
        self.turns.append(Turn(display(speaker), start, [], explicit, prefix, key))
        self.append(start, text)

    def append(self, start: int, text: str) -> None:
        turn = self.turns[-1]
        last = turn.paragraphs[-1] if turn.paragraphs else ""
        if not text:
            return
        if not last or (len(last) >= PARAGRAPH_CHARS and SENTENCE_END.search(last)):
            turn.paragraphs.append(text)
            turn.starts.append(start)
        else:
            turn.paragraphs[-1] = join(last, text)

    def done(self) -> list[Turn]:
        return [t for t in self.turns if t.paragraphs]


def join(a: str, b: str) -> str:
    """Cue lines break anywhere: a space between words, none between Chinese characters."""
    if not a or not b:
        return a or b
    if HAN_CHAR.match(a[-1]) or HAN_CHAR.match(b[0]) or a[-1] in "，。！？、；：":
        return a + b
    return a + " " + b


def display(name: str) -> str:
    """ "JOHN SMITH" as printed in closed captions is John Smith."""
    return name.title() if name.isupper() and len(name) > 1 else name


def read_json(data: bytes) -> Transcript:
    """Segments of a speech-to-text export (see formats.transcript_segments). A speaker
    field names the turn; without one, `>>` and `NAME:` in the text work as in captions."""
    doc = json.loads(data.decode("utf-8-sig"))
    segments = transcript_segments(doc)
    starts: list[Any] = [s.get("start") for s in segments if s.get("start") is not None]
    # AssemblyAI counts milliseconds in integers; Whisper and Deepgram seconds in floats.
    ms = bool(starts) and all(isinstance(x, int) for x in starts) and max(starts) >= 1000
    builder = TurnBuilder()
    for seg in segments:
        text = re.sub(r"\s+", " ", str(seg.get("text", seg.get("transcript")) or "")).strip()
        start = int(float(seg.get("start") or 0) / (1000 if ms else 1))
        speaker = str(seg.get("speaker") if seg.get("speaker") is not None else "").strip()
        if not text or SOUND.match(text):
            continue
        if speaker:  # the field says who speaks: a ">>" left in the text is debris
            builder.add(
                start, CHANGE.sub("", text) if text.startswith(">>") else text, speaker, True
            )
        else:
            builder.line(start, text, None)
    meta = doc if isinstance(doc, dict) else {}
    language = language_code(str(meta.get("language") or ""))
    return Transcript(builder.done(), str(meta.get("title") or ""), language)


LANGUAGE_NAMES = {"english": "en", "german": "de", "chinese": "zh", "french": "fr"}


def language_code(value: str) -> str:
    value = value.strip().lower()
    return LANGUAGE_NAMES.get(value, value if len(value) == 2 else "")

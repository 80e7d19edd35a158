"""How faithfully the parser says who said what, measured on tests/corpus/.

Each page `X.<ext>` has `X.<ext>.golden.json`: the turns a reader sees ("speaker" or null,
"role", "starts": the turn's first words) and "boilerplate" strings no passage may hold.
A golden turn is aligned with the found passage that starts with its first words, else
the one that contains them (a turn the parser ran into its neighbour). The turn is right
when that passage's speaker is the golden person (matched through the registry's names
and aliases, or the page's own label for them), or when both are nobody; wrong when the
passage names someone else. Pages in formats the parser cannot read yet are skipped.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.parse.documents import ParsedPassage, Person
from app.parse.names import without_honorific
from app.parse.pipeline import parse_bytes
from app.parse.registry import Registry
from app.text import name_key

# The module that reads each non-text format; a format counts once its reader exists.
FORMAT_READERS = dict.fromkeys(("html", "vtt", "srt", "json", "whisper-json"), "app.parse.formats")


@dataclass
class TurnCheck:
    starts: str
    expected: str | None
    found: str | None  # the found passage's speaker name, None when unattributed
    at_start: bool  # the golden turn begins a passage (not run into another)
    located: bool  # its first words are in some passage at all
    verdict: str  # right | wrong | missed (a person expected, nobody named) | lost
    nameable: bool = True  # the page names the expected person somewhere (or expects nobody)


@dataclass
class PageReport:
    name: str
    turns: list[TurnCheck] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)  # golden strings found in passages
    skipped: str = ""  # why the page was not read
    error: str = ""
    title_ok: bool = False  # the document's title is the golden one (or none when none)

    def count(self, verdict: str) -> int:
        return sum(t.verdict == verdict for t in self.turns)


@dataclass
class CorpusReport:
    pages: list[PageReport]

    @property
    def read(self) -> list[PageReport]:
        return [p for p in self.pages if not p.skipped]

    def total(self, verdict: str) -> int:
        return sum(p.count(verdict) for p in self.read)

    @property
    def expected(self) -> int:
        return sum(len(p.turns) for p in self.read)

    @property
    def found(self) -> int:
        return sum(t.at_start for p in self.read for t in p.turns)

    def share(self, verdict: str) -> float:
        return self.total(verdict) / self.expected if self.expected else 0.0

    def share_nameable(self, verdict: str) -> float:
        """Among the turns whose speaker the page names at all: an outlet known only from
        the URL, an interviewer named only on another page cannot be found by any parser."""
        turns = [t for p in self.read for t in p.turns if t.nameable]
        return sum(t.verdict == verdict for t in turns) / len(turns) if turns else 0.0

    @property
    def boilerplate_passages(self) -> int:
        return sum(len(p.boilerplate) for p in self.read)


def squash(text: str) -> str:
    """Whitespace and markdown emphasis differ between a golden file and the parser."""
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def readable(fmt: str) -> bool:
    if fmt in ("text", "txt", "", None):
        return True
    module = FORMAT_READERS.get(fmt)
    return bool(module and importlib.util.find_spec(module) is not None)


def same_person(expected: str, speaker: Person | None, label: str, registry: Registry) -> bool:
    if speaker is None:
        return False
    names = {name_key(n) for n in [speaker.name, *speaker.aliases, label] if n}
    if name_key(expected) in names:
        return True
    known = registry.person(expected) or registry.outlet(expected)
    if known is None:
        return False
    return bool(names & {name_key(n) for n in [known.name, *known.aliases]})


def locate(starts: str, texts: list[str], after: int) -> tuple[int | None, bool]:
    """The passage a golden turn begins (or lies in), looked for in reading order from the
    previous turn's passage on, so that a short "Okay." finds its own place."""
    want = squash(starts)
    order = list(range(after, len(texts))) + list(range(0, after))
    for i in order:
        if texts[i].startswith(want):
            return i, True
    for i in order:
        if want in texts[i]:
            return i, False
    return None, False


def check_page(page: Path, registry: Registry) -> PageReport:
    golden = json.loads(golden_path(page).read_text("utf-8"))
    report = PageReport(page.name)
    if not readable(golden.get("format", "text")):
        report.skipped = f"format {golden.get('format')} has no reader yet"
        return report
    try:
        docs = parse_bytes(page.name, page.read_bytes(), registry)
    except ValueError as exc:
        docs, report.error = [], str(exc)
    passages = [p for d in docs for p in d.passages]
    report.title_ok = bool(docs) and docs[0].title == (golden.get("title") or "")
    texts = [squash(p.text) for p in passages]
    page_text = page.read_bytes().decode("utf-8", "replace")
    cursor = 0
    for turn in golden["turns"]:
        at, at_start = locate(turn["starts"], texts, cursor)
        found = passages[at] if at is not None else None
        cursor = at if at is not None else cursor
        expected = turn.get("speaker")
        speaker = found.speaker if found else None
        verdict = judge(expected, found, golden.get("people", {}), registry)
        report.turns.append(
            TurnCheck(
                turn["starts"],
                expected,
                speaker.name if speaker else None,
                at_start,
                found is not None,
                verdict,
                named_on_page(expected, page_text, golden.get("people", {}), registry),
            )
        )
    for text in golden.get("boilerplate", []):
        report.boilerplate += [text for p in passages if squash(text) in squash(p.text)]
    return report


def judge(
    expected: str | None,
    found: ParsedPassage | None,
    labels: dict[str, str],
    registry: Registry,
) -> str:
    if found is None:
        return "lost"
    speaker = found.speaker
    if expected is None:
        # "Interviewer", "Speaker 2": an unnamed voice of this page names nobody either.
        return "right" if speaker is None or speaker.anonymous else "wrong"
    if same_person(expected, speaker, found.label, registry):
        return "right"
    if speaker is None or speaker.anonymous:
        return "missed"
    if name_key(speaker.name) == name_key(without_honorific(found.label)):
        # The label kept as printed ("AI 앵커", "캐스터"): right when the golden file says
        # that this page's label is the expected person.
        return "right" if labels.get(found.label) == expected else "wrong"
    return "wrong"


def named_on_page(
    expected: str | None, text: str, labels: dict[str, str], registry: Registry
) -> bool:
    if expected is None:
        return True
    known = registry.person(expected) or registry.outlet(expected)
    names = [expected, expected.split(" (")[0], *(known.aliases if known else [])]
    names += [label for label, who in labels.items() if who == expected]
    folded = name_key(text)
    return any(name_key(n) in folded for n in names if n)


def golden_path(page: Path) -> Path:
    return page.with_name(page.name + ".golden.json")


def corpus_pages(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.endswith(".golden.json") and golden_path(p).exists()
    )


def check_corpus(folder: Path, registry: Registry) -> CorpusReport:
    return CorpusReport([check_page(p, registry) for p in corpus_pages(folder)])

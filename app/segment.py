"""Segment cleaned paragraphs: index-page items, the head (title, byline), headings, turns.

Labels are found here but not resolved: `speakers.py` says who a label is and whether it
is a speaker at all (a paragraph such as "In dieser Situation: …" has the shape of a label).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.dates import find_dates

QUOTE_OPEN = "\"„“«‚‘「『"
SENTENCE_END = ".!?。！？:：;；…\"”'’」』)）,，"
BOLD_LABEL_INSIDE = re.compile(r"^\*\*(?P<label>[^*\n]{1,60}?)\s*[:：]\s*\*\*\s*(?P<rest>.*)$", re.S)
BOLD_LABEL_OUTSIDE = re.compile(r"^\*\*(?P<label>[^*\n]{1,60}?)\*\*\s*[:：]\s*(?P<rest>.*)$", re.S)
PLAIN_LABEL = re.compile(r"^(?P<label>[^\s:：*#>•\-\[\d][^:：\n]{0,40}?)\s*[:：][ \t]*(?P<rest>.*)$", re.S)
PAREN = re.compile(r"^(?P<name>.+?)\s*[(（\[](?P<paren>[^)）\]]{1,24})[)）\]]$")
TIMESTAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$")
CONTINUED = re.compile(r"^(fortgesetzt|fortsetzung|continued|cont'?d\.?|cont\.|suite|续|继续|接上)$", re.I)
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*]+)\*\*$")
CJK_NUMBERED_HEADING = re.compile(r"^[0-9一二三四五六七八九十]{1,3}[、.]\s*\S")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ITEM_META_SEPARATOR = re.compile(r"\s[·•|]\s")


@dataclass
class Label:
    name: str
    timestamp: int | None = None
    continued: bool = False
    bold: bool = False


@dataclass
class Block:
    """One paragraph in reading order: a heading, or text with an optional label."""
    text: str
    heading: bool = False
    label: Label | None = None
    raw: str = ""                    # the paragraph as printed, label included


@dataclass
class Item:
    paragraphs: list[str]
    meta: str = ""                   # "August 7, 2025 · 1 min · author"


@dataclass
class Head:
    title: str = ""
    publisher: str = ""
    date_iso: str = ""
    date_text: str = ""
    body: list[str] = field(default_factory=list)


def is_item_meta(p: str) -> bool:
    """A byline of an index-page entry: a date plus separated fields (reading time, author)."""
    return len(p) <= 100 and bool(find_dates(p)) and bool(ITEM_META_SEPARATOR.search(p))


def split_items(paragraphs: list[str]) -> list[Item]:
    """An index page (several entries, each with its byline) yields one item per entry."""
    metas = [i for i, p in enumerate(paragraphs) if is_item_meta(p)]
    if len(metas) < 2:
        return [Item(paragraphs)]
    items: list[Item] = []
    if metas[0] == 0:  # bylines above their entries
        bounds = metas + [len(paragraphs)]
        for a, b in zip(bounds, bounds[1:]):
            items.append(Item(paragraphs[a + 1:b], meta=paragraphs[a]))
    else:  # bylines below their entries
        start = 0
        for m in metas:
            items.append(Item(paragraphs[start:m], meta=paragraphs[m]))
            start = m + 1
    return [item for item in items if item.paragraphs]


def is_lowercase_copy(p: str, title: str) -> bool:
    """Sites repeat the title in lower case (often behind keywords) as a meta line."""
    core = re.sub(r"\W+", " ", title.casefold()).strip()
    return p == p.lower() and len(core) > 8 and core in re.sub(r"\W+", " ", p.casefold())


def byline(p: str) -> tuple[str, str, str] | None:
    """(publisher, ISO date, raw date) from a short line that is a date plus a name."""
    dates = find_dates(p)
    if not dates or len(p) > 80:
        return None
    _, iso, raw = dates[0]
    rest = p.replace(raw, " ")
    rest = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", " ", rest)
    rest = ITEM_META_SEPARATOR.sub(" ", rest)
    rest = re.sub(r"\b\d+\s*(min|Min\.?|分钟)\b", " ", rest).strip(" ·|•-")
    if len(rest) > 40:
        return None
    return rest.strip(), iso, raw


def split_head(paragraphs: list[str], front_title: str = "", meta: str = "") -> Head:
    head = Head()
    body = list(paragraphs)
    if front_title:
        head.title = front_title
    elif body and len(body[0]) <= 300:
        head.title = strip_markup(body.pop(0))
    for source in ([meta] if meta else []):
        found = byline(source)
        if found:
            head.publisher = found[0].split("·")[-1].strip()
            head.date_iso, head.date_text = found[1], found[2]
    kept = []
    for i, p in enumerate(body):
        if i < 4 and head.title and is_lowercase_copy(p, head.title):
            continue
        found = byline(p) if i < 4 and not head.date_iso else None
        if found:
            head.publisher = head.publisher or found[0]
            head.date_iso, head.date_text = found[1], found[2]
            continue
        kept.append(p)
    head.body = kept
    return head


def strip_markup(text: str) -> str:
    """Markdown emphasis and heading marks are layout, not words."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text, flags=re.S)
    return re.sub(r"^#{1,6}\s+", "", text).strip()


def parse_label(p: str) -> tuple[Label, str] | None:
    """(label, rest of the paragraph) when the paragraph opens with a speaker-label shape."""
    bold = True
    m = BOLD_LABEL_INSIDE.match(p) or BOLD_LABEL_OUTSIDE.match(p)
    if not m:
        bold = False
        m = PLAIN_LABEL.match(p)
    if not m:
        return None
    name, label = m.group("label").strip(), Label("")
    pm = PAREN.match(name)
    if pm:
        paren = pm.group("paren").strip()
        ts = TIMESTAMP.match(paren)
        if ts:
            h, mi, s = (int(x) if x else 0 for x in ts.groups())
            label.timestamp = h * 3600 + mi * 60 + s
        elif CONTINUED.match(paren):
            label.continued = True
        else:
            return None  # "Name (Anthropic):" is an affiliation; too rare to guess at
        name = pm.group("name").strip()
    if not plausible_name(name):
        return None
    label.name, label.bold = name, bold
    return label, m.group("rest").strip()


def plausible_name(name: str) -> bool:
    if not name or "http" in name.lower() or re.search(r"[,，。.!?！？;；\"“”„]", name.rstrip(".")):
        return False
    if CJK.search(name):
        return len(name) <= 12
    return len(name.split()) <= 5


def is_heading(p: str, following: str | None) -> bool:
    if MARKDOWN_HEADING.match(p) or BOLD_LINE.match(p):
        return True
    if following is None or "\n" in p:
        return False
    if CJK_NUMBERED_HEADING.match(p) and len(p) <= 40 and p[-1] not in "。.;；,，:：":
        return True  # "3、我们该如何面对…?" numbered section titles may ask a question
    if p[-1] in SENTENCE_END:
        return False
    if CJK.search(p):
        return 4 <= len(p) <= 30 and not CJK_NUMBERED_HEADING.match(following)
    words = p.split()
    return 2 <= len(words) <= 12 and len(p) <= 90 and (p[0].isupper() or p[0].isdigit())


def blocks(paragraphs: list[str]) -> list[Block]:
    out: list[Block] = []
    for i, p in enumerate(paragraphs):
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        parsed = parse_label(p)
        if parsed:
            label, rest = parsed
            out.append(Block(rest, label=label, raw=p))
        elif is_heading(p, following):
            m = MARKDOWN_HEADING.match(p) or BOLD_LINE.match(p)
            out.append(Block(m.group("text").strip() if m else p, heading=True, raw=p))
        else:
            out.append(Block(p, raw=p))
    return out


def starts_quoted(text: str) -> bool:
    return bool(text) and text[0] in QUOTE_OPEN


@dataclass
class RawTurn:
    label: Label | None              # None: narration
    paragraphs: list[str]
    section: str = ""
    role: str = ""                   # set by the Q&A rule: question | answer


def turns(blocks_: list[Block], speaker_labels: set[str]) -> list[RawTurn]:
    """A turn runs from a speaker's label over the following paragraphs until the next
    label or heading. A turn whose speech is in quotation marks ends at the first
    paragraph that is not (the commentary after a quoted excerpt)."""
    out: list[RawTurn] = []
    section, current = "", None
    for b in blocks_:
        if b.heading:
            section, current = strip_markup(b.text), None
            continue
        if b.label and b.label.name in speaker_labels:
            same = current is not None and current.label.name == b.label.name
            if b.label.continued and same:
                current.paragraphs += [b.text] if b.text else []
                continue
            current = RawTurn(b.label, [b.text] if b.text else [], section)
            out.append(current)
            continue
        text = b.raw or b.text
        if current is not None and current.paragraphs and starts_quoted(current.paragraphs[0]) \
                and not starts_quoted(text):
            current = None
        if current is not None:
            current.paragraphs.append(text)
        else:
            out.append(RawTurn(None, [text], section))
    return [t for t in out if t.paragraphs]


def question_like(p: str) -> bool:
    return "?" in p or "？" in p


def alternate_unlabelled(turns_: list[RawTurn]) -> list[RawTurn]:
    """Q&A pages often label only the first exchange ("WirtschaftsWoche: …", "Zack Kass: …")
    and print the rest as alternating paragraphs. When the labels stop after that first
    exchange and the unlabelled paragraphs that follow read as question, answer, question,
    …, split them accordingly."""
    labelled = [i for i, t in enumerate(turns_) if t.label]
    if len(labelled) != 2 or labelled[1] != labelled[0] + 1:
        return turns_
    asker, answerer = turns_[labelled[0]], turns_[labelled[1]]
    if asker.label.name == answerer.label.name or not question_like(asker.paragraphs[0]):
        return turns_
    extra = answerer.paragraphs[1:]
    asks, answers = extra[0::2], extra[1::2]
    if len(extra) < 4 or not asks:
        return turns_
    ask_ratio = sum(map(question_like, asks)) / len(asks)
    answer_ratio = sum(map(question_like, answers)) / max(1, len(answers))
    if ask_ratio < 0.6 or ask_ratio <= answer_ratio:
        return turns_
    asker.role, answerer.role = "question", "answer"
    answerer.paragraphs = answerer.paragraphs[:1]
    split = [RawTurn(asker.label if n % 2 == 0 else answerer.label, [p], answerer.section,
                     "question" if n % 2 == 0 else "answer") for n, p in enumerate(extra)]
    i = labelled[1] + 1
    return turns_[:i] + split + turns_[i:]

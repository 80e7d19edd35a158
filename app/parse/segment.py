"""Segment cleaned paragraphs: index-page items, the head (title, byline), headings, turns.

Label shapes come from `labels.py`, the page's label set from `induction.py`, who a label
is from `speakers.py`, turns without labels from `alternation.py`; here paragraphs become
blocks and blocks become turns: a label starts a turn, an unlabelled paragraph continues
it (a timed one as a new passage of the same speaker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.parse.dates import find_dates
from app.parse.labels import (
    DASH_LEAD,
    EMBED_CREDIT,
    LEADING_TIMESTAMP,
    TIMESTAMP,
    Label,
    looks_like_name,
    parse_label,
    plausible_name,
    seconds,
    without_role,
)
from app.parse.names import role_of, without_honorific
from app.text import BASIC_HAN, CJK_CHAR, HAN_CHAR, HANGUL_SYLLABLES, KATAKANA

QUOTE_OPEN = '"„“«‚‘「『'
SENTENCE_END = ".!?。！？:：;；…\"”'’」』)）,，"
QUESTION_LINE = re.compile(r"^\*\*(?P<text>[^*]+[?？])\s*\*\*$")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*]+)\*\*$")
CJK_NUMBERED_HEADING = re.compile(r"^[0-9一二三四五六七八九十]{1,3}[、.]\s*\S")
ITEM_META_SEPARATOR = re.compile(r"\s[·•|]\s")


@dataclass
class Block:
    """One paragraph in reading order: a heading, or text with an optional label."""

    text: str
    heading: bool = False
    label: Label | None = None
    raw: str = ""  # the paragraph as printed, label included
    timestamp: int | None = None  # a bare timestamp opens the paragraph
    boundary: bool = False  # a caption's ">>": someone else speaks, nobody says who


@dataclass
class Item:
    paragraphs: list[str]
    meta: str = ""  # "August 7, 2025 · 1 min · author"


@dataclass
class Head:
    title: str = ""
    publisher: str = ""
    date_iso: str = ""
    date_text: str = ""
    author: str = ""  # "by Matthew Mikolay" above the text
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
            items.append(Item(paragraphs[a + 1 : b], meta=paragraphs[a]))
    else:  # bylines below their entries
        # The first entry is as long as the others; what stands above it is the page's header.
        gaps = sorted(b - a - 1 for a, b in zip(metas, metas[1:]))
        size = gaps[len(gaps) // 2]
        start = max(0, metas[0] - size) if size else 0
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
    if not dates or len(p) > 80 or EMBED_CREDIT.match(p):
        return None
    _, iso, raw = dates[0]
    rest = p.replace(raw, " ")
    rest = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", " ", rest)
    rest = ITEM_META_SEPARATOR.sub(" ", rest)
    rest = re.sub(r"\b\d+\s*(min|Min\.?|分钟)\b", " ", rest).strip(" ·|•-")
    rest = publisher_of(rest)
    if len(rest) > 40:
        return None
    return rest.strip(), iso, raw


BYLINE_NOISE = re.compile(
    r"\b(by|von|posted( on)?|published|updated|aktualisiert|read|lesezeit|uhr|am|pm|aus|"
    r"episode \d+|folge \d+|ein interview von|interview)\b|作者\s*[:：]\s*\S+|"
    r"(浏览|阅读|views?|点赞|收藏)\s*[\d,.]+\s*[万kK]?|[\d,.]+\s*[万kK]?\s*(views?|reads?)|"
    r"\d+\s*/\s*\d{2,4}|[,;|•·]",
    re.I,
)


JOURNALISTS_BYLINE = re.compile(r"기자|記者|记者|\breporter", re.I)


def publisher_of(rest: str) -> str:
    """The name left in a byline once its furniture is gone: "来源：智东西 作者：程茜" is
    智东西, "Posted on … by Lex Fridman" is Lex Fridman; counters and issue numbers go."""
    m = re.search(r"(?:来源|Quelle|Source)\s*[:：]\s*(\S+)", rest, re.I)
    if m:
        return m.group(1)
    if JOURNALISTS_BYLINE.search(rest):
        return ""  # "김상희 기자, 백재원 기자 기사 입력": reporters' names, not the outlet
    rest = re.sub(r"\s+", " ", BYLINE_NOISE.sub(" ", rest)).strip(" -–—:：")
    return "" if re.search(r"\d", rest) else rest


TITLE_LIKE_MIN_WORDS = 4
AUTHOR_LINE = re.compile(r"^(by|von|ein interview von|interview:|text:|作者|文\s*[|｜/])\b", re.I)


# A byline that is only a name: "by Matthew Mikolay", "Von Anna Müller", "Par Jean Dupont".
AUTHOR_ONLY = re.compile(
    r"^(?i:by|von|par|por|text(?: von)?|interview(?: von)?)\s+"
    r"(?P<name>[A-ZÄÖÜÉ][\w'’.-]+(?:\s+(?:de|van|von|der)?\s*[A-ZÄÖÜÉ][\w'’.-]+){1,3})$"
)


def headline_like(p: str) -> bool:
    if len(p) > 200 or AUTHOR_LINE.match(p) or "\n" in p:
        return False
    if sum(c.isalpha() for c in p) <= 0.6 * len(p):
        return False  # "4.8 • 5K Ratings", "1:28:46": counters, not words
    if HAN_CHAR.search(p):
        return len(p) >= 6
    deck = p.rstrip()[-1:] in ".。" and len(p) > 60
    return len(p.split()) >= TITLE_LIKE_MIN_WORDS and not deck


def title_index(body: list[str]) -> int:
    """The headline is the nearest headline-like paragraph above the byline (a deck and an
    author line may stand between them); what is above the headline is the site's header.
    Without a byline near the top, -1: the first paragraph, unless it is the body itself."""
    for b, p in enumerate(body[:12]):
        if byline(p):
            if b == 0:  # a blog's date above its title
                below = topical_title(body[1:])
                return below + 1 if below is not None else 0
            above = [i for i in range(b) if headline_like(body[i])]
            topical = [i for i in above if topical_score(body, i) >= 0.25]
            return topical[-1] if topical else (above[-1] if above else 0)
    return -1


def body_sentence(p: str) -> bool:
    """The conversation itself, not a headline: a labelled or dashed turn, a long question,
    a paragraph of several sentences. Such a page has no title of its own."""
    if parse_label(p) and not re.match(r"^[^:：]{1,60}[:：]\s*\S", p.split("\n")[0][:200]):
        return True
    if DASH_LEAD.match(p) or "\n" in p:
        return True
    question = p.rstrip().endswith(("?", "？")) and len(p) > (20 if CJK_CHAR.search(p) else 60)
    sentences = len(re.findall(r"[.!?](?:\s|$)|[。！？]", p.rstrip()))
    sentence = p.rstrip()[-1:] in ".。" and not p.rstrip().endswith("...") and len(p.split()) > 3
    return question or sentences >= 2 or sentence


def topic_words(text: str) -> set[str]:
    latin = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", text) if not CJK_CHAR.search(w)}
    han = re.findall(f"[{BASIC_HAN}{KATAKANA}{HANGUL_SYLLABLES}]{{2,}}", text)
    return latin | {run[i : i + 2] for run in han for i in range(len(run) - 1)}


def topical_title(body: list[str]) -> int | None:
    """Without a byline, the headline is the short line near the top whose words the text
    goes on to use; the menus, buttons and dates above it ("Skip to content", "登录…",
    "Saturday, October 5, 2024") share none of them. Else the first headline-like line;
    None when the text begins at once."""
    first = None  # else the first headline-like line that is not a date
    for i, p in enumerate(body[:8]):
        if len(p) > 150 or "\n" in p:
            break  # the text has begun
        dates = find_dates(p)
        label = parse_label(p)
        strong = label and (label[0].marked or label[0].kind or role_of(label[0].name))
        if body_sentence(p) or strong or (label and len(label[0].name) <= 3):
            break  # a sentence, "问：…", "Speaker 1 (00:00):": the text has begun
        if dates and len(dates[0][2]) * 2 >= len(p):
            continue
        if len(topic_words(p)) < 2 or not (headline_like(p) or CJK_CHAR.search(p)):
            continue
        if topical_score(body, i) >= 0.25:
            return i
        first = i if first is None else first
    return first


def topical_score(body: list[str], i: int) -> float:
    """How many of a line's words the text below it uses (its paragraphs, not the short
    lines of menus and breadcrumbs that repeat a site's name)."""
    words = topic_words(body[i])
    later = "\n".join(p for p in body[i + 1 :] if len(p) >= 40).casefold()
    return sum(w in later for w in words) / len(words) if words else 0.0


def split_head(paragraphs: list[str], front_title: str = "", meta: str = "") -> Head:
    head = Head()
    body = list(paragraphs)
    if front_title:
        head.title = front_title
    elif body and len(body[0]) <= 300:
        at = title_index(body)
        if at < 0 and (topical := topical_title(body)) is not None:
            head.title = title_text(body[topical])
            body = body[topical + 1 :]  # what stands above it is the site's header
        elif at >= 0 or not body_sentence(body[0]):
            at = max(at, 0)
            head.title = title_text(body[at])
            body = body[at + 1 :]
    if meta and (found := byline(meta)):  # an index entry's "date · N min · author"
        head.publisher, head.date_iso, head.date_text = found
    kept = []
    for i, p in enumerate(body):
        if i < 4 and head.title and is_lowercase_copy(p, head.title):
            continue
        found = byline(p) if i < 4 and not head.date_iso else None
        if found:
            head.publisher = head.publisher or found[0]
            head.date_iso, head.date_text = found[1], found[2]
            continue
        author = AUTHOR_ONLY.match(p) if i < 6 and not head.author else None
        if author:
            head.author = author.group("name")
            continue
        kept.append(p)
    head.body = kept
    return head


def title_text(p: str) -> str:
    """A headline without its markup, and without the anchors a scraper left in it
    ("<a name=tanenbaum>Andrew Tanenbaum</a>"); other tags are words of the page."""
    return re.sub(r"<a\s[^<>]{0,200}>|</a>", "", strip_markup(p)).strip()


def strip_markup(text: str) -> str:
    """Markdown emphasis and heading marks are layout, not words."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text, flags=re.S)
    return re.sub(r"^#{1,6}\s+", "", text).strip()


def is_heading(p: str, following: str | None) -> bool:
    if MARKDOWN_HEADING.match(p) or BOLD_LINE.match(p):
        return True
    if following is None or "\n" in p:
        return False
    if CJK_NUMBERED_HEADING.match(p) and len(p) <= 40 and p[-1] not in "。.;；,，:：":
        return True  # "3、我们该如何面对…?" numbered section titles may ask a question
    if p[-1] in SENTENCE_END or following[:1].islower():
        return False  # a hard-wrapped line: the sentence goes on below
    if HAN_CHAR.search(p):
        return 4 <= len(p) <= 30 and not CJK_NUMBERED_HEADING.match(following)
    words = p.split()
    if len(words) == 1 and p[0].isupper() and len(p) <= 30 and parse_label(following):
        return True  # "Transcript", "Introduction" above the first speaker's label
    return 2 <= len(words) <= 12 and len(p) <= 90 and (p[0].isupper() or p[0].isdigit())


def blocks(paragraphs: list[str], names: set[str]) -> list[Block]:
    """Paragraphs as blocks; only labels of this page's label set (`names`) count."""
    out: list[Block] = []
    mark = None  # "[13:00:00]" alone: the time of what follows, not anyone's words
    for i, p in enumerate(paragraphs):
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        embed = EMBED_CREDIT.match(p)
        if embed and embed.group("label") in names and out and not out[-1].label:
            quoted = out[-1]  # the post above its credit line is the credited person's
            out[-1] = Block(quoted.text, label=Label(embed.group("label")), raw=quoted.raw)
            out.append(Block(p, raw=p, boundary=True))
            continue
        time_mark = TIME_MARK.match(p)
        if time_mark and following is not None:
            mark = seconds(time_mark.group("ts"))
            continue
        parsed = parse_label(p)
        if parsed and mark is not None and parsed[0].timestamp is None:
            parsed[0].timestamp = mark
        mark = None
        if parsed and parsed[0].name in names:
            label, rest = parsed
            out.append(Block(rest, label=label, raw=p))
        elif BIO_BOX.match(p):
            out.append(Block(p, raw=p, boundary=True))
        elif parsed and parsed[0].kind == "caption":
            out.append(Block(parsed[1], raw=parsed[1], boundary=True))
        elif is_heading(p, following) and not (out and out[-1].label and not out[-1].text):
            # (the words right under a label alone on its line are speech, however short)
            m = MARKDOWN_HEADING.match(p) or BOLD_LINE.match(p)
            out.append(Block(m.group("text").strip() if m else p, heading=True, raw=p))
        else:
            lead = LEADING_TIMESTAMP.match(p)
            out.append(Block(p, raw=p, timestamp=seconds(lead.group("ts")) if lead else None))
    return out


CUE = re.compile(r"^\[(applause|music|laughter|musik|applaus|掌声|音乐|笑声)\]$", re.I)


TIME_ALONE = re.compile(r"^[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?[\])]?$")


def time_and_name_lines(paragraphs: list[str]) -> list[str]:
    """ "Dwarkesh Patel" on one line and "00:12:34" on the next (or the other way round):
    one label, put together as "Dwarkesh Patel 00:12:34" so that it reads as one."""
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        p, following = paragraphs[i], paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if TIME_ALONE.match(p) and name_line(following):
            out.append(f"{following} {p.strip('[]()')}")
            i += 2
        elif name_line(p) and TIME_ALONE.match(following):
            out.append(f"{p} {following.strip('[]()')}")
            i += 2
        else:
            out.append(p)
            i += 1
    return out


def name_line(p: str) -> bool:
    name = without_role(p)[0]  # "David Perell (Host)"
    return (
        0 < len(p) <= 50
        and "\n" not in p
        and not re.search(r"[:：.!?。！？,，]$", p)
        and plausible_name(name)
        and looks_like_name(without_honorific(name))
    )


def name_lines(paragraphs: list[str]) -> list[str]:
    """ "藤井キャスター" alone above 「…」: a Japanese write-up's speaker line; printed with
    a colon here so that it is read as a label alone on its line."""
    out = list(paragraphs)
    for i, p in enumerate(paragraphs[:-1]):
        name = without_honorific(p)
        if (
            len(p) <= 30
            and "\n" not in p
            and CJK_CHAR.search(p)
            and p[-1:] not in "。、.!?！？:：」"
            and paragraphs[i + 1].startswith(("「", "『"))
            and plausible_name(p)
            and looks_like_name(name)
        ):
            out[i] = p + "："
    return out


def merge_caption_lines(paragraphs: list[str]) -> list[str]:
    """Auto-captions (YouTube "Show transcript"): a bare timestamp above every few words.
    Five or more such timestamps make one running text; the timestamps and sound cues go."""
    if sum(1 for p in paragraphs if TIMESTAMP.match(p)) < 5:
        return paragraphs
    out: list[str] = []
    run: list[str] = []
    in_run = False
    for p in paragraphs:
        if TIMESTAMP.match(p):
            in_run = True
            continue
        if in_run and len(p) <= 80 and "\n" not in p:
            if not CUE.match(p):
                run.append(p)
            continue
        if run:
            out.append(" ".join(run))
            run, in_run = [], False
        out.append(p)
    if run:
        out.append(" ".join(run))
    return out


# "Margaret Boden 81, ist Kognitionswissenschaftlerin …": a box about a participant.
BIO_BOX = re.compile(r"^[A-ZÄÖÜ][\w'’-]+(?: [A-ZÄÖÜ][\w'’-]+){1,3},? \d{1,3},\s")
TIME_MARK = re.compile(r"^[\[(](?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})[\])]$")


def starts_quoted(text: str) -> bool:
    return bool(text) and text[0] in QUOTE_OPEN


@dataclass
class RawTurn:
    label: Label | None  # None: narration
    paragraphs: list[str]
    section: str = ""
    role: str = ""  # set by the Q&A rule: question | answer
    evidence: str = ""  # how the speaker is known when not by the label: alternation, continuation
    timestamp: int | None = None


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
        if b.boundary:
            current = RawTurn(None, [b.text] if b.text else [], section)
            out.append(current)
            continue
        if b.label and b.label.name in speaker_labels:
            same = current is not None and current.label and current.label.name == b.label.name
            if b.label.continued and same:
                assert current is not None  # `same` says there is one
                current.paragraphs += [b.text] if b.text else []
                continue
            current = RawTurn(b.label, [b.text] if b.text else [], section)
            current.timestamp = b.label.timestamp
            out.append(current)
            if b.label.kind == "trailing":
                current = None  # credited after its words: what follows is not theirs
            continue
        text = b.raw or b.text
        if b.timestamp is not None and current is not None and current.label:
            # "00:12:34 And then …": the same speaker goes on, at a new point in time.
            current = RawTurn(current.label, [text], section, evidence="continuation")
            current.timestamp = b.timestamp
            out.append(current)
            continue
        if (
            current is not None
            and current.paragraphs
            and starts_quoted(current.paragraphs[0])
            and not starts_quoted(text)
        ):
            current = None
        if current is not None:
            current.paragraphs.append(text)
        else:
            out.append(RawTurn(None, [text], section))
    return [t for t in out if t.paragraphs]

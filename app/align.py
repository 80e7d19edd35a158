"""Align the passages of two versions of one conversation: which passages say the same thing.

Gale and Church (1993) align sentences of a text and its translation by dynamic programming
over their lengths; hunalign and others add anchors. Versions of an interview are turns
rather than sentences, so the evidence here is, per candidate pair of blocks:

- role and speaker: a question answers a question, Ben's turn Ben's turn;
- length: the length ratio of the language pair (German runs about 3.5 characters to one
  Chinese character), estimated from the pair itself: a first pass without lengths finds
  the confident links, their median ratio is the pair's ratio, a second pass uses it;
- anchors that survive translation: numbers (with scale words and percentages, in digits,
  in Chinese numerals, in German and English words), names of the registry in any script,
  Latin-script words (product names inside Chinese text, names in German text); a number
  in one block and not in the other counts against the pair (translators keep numbers).

Each link's evidence is a log-odds score (positive: more likely a counterpart than not).
Moves are 1-1, 1-0, 0-1 and merges up to 1-3 / 3-1 (a translator joins or splits the turns
of one speaker). Gaps are affine, as in Gotoh's sequence alignment: leading gaps are free,
opening a gap after a link costs GAP_OPEN, so a weak pair inside a run of strong ones is
kept, and a lone pair of two editors' introductions needs strong evidence of its own.

Everything here is a pure function of plain tuples: the store supplies the passages.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.text import CJK_CHAR, HAN, match_form


class Unit(NamedTuple):
    """One passage as the aligner sees it."""

    id: str
    role: str  # question | answer | turn | narration
    speaker: str  # speaker slug, "" when unknown
    text: str


@dataclass(frozen=True)
class Link:
    a: tuple[str, ...]  # passage ids of version a (one, or several merged)
    b: tuple[str, ...]
    score: float  # 0..1, the logistic of the link's log-odds


PRIOR = -1.5  # a pair of blocks is a counterpart only with evidence
GAP_OPEN = 2.5
MERGE = {1: 0.0, 2: -1.0, 3: -2.0}  # cost of joining 1, 2 or 3 passages into one block
LENGTH_SIGMA = 0.5  # spread of log(length ratio) around the pair's ratio
ANCHOR_CAP = 8.0
MISSING_NUMBER = 0.6
PARTICIPANT = 0.3  # weight of an anchor naming someone who speaks in the conversation

# --- anchors --------------------------------------------------------------------------

SCALES = {
    "tausend": 1e3,
    "thousand": 1e3,
    "million": 1e6,
    "millionen": 1e6,
    "mio": 1e6,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "mrd": 1e9,
    "billion": 1e9,  # English billion; German "Billion" is 1e12 (below)
    "billionen": 1e12,
    "trillion": 1e12,
    "千": 1e3,
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
}
WORD_NUMBERS = {
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "hundert": 100,
    "einhundert": 100, "tausend": 1000, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "twenty": 20, "hundred": 100,
}  # fmt: skip
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
CN_DIGITS |= {"八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零一二两三四五六七八九十百千万亿"
# A lone Chinese numeral is part of a word (一些, 一直) unless a measure word follows it.
CN_MEASURE = "个年月天周倍岁次种位家名人"

DIGIT_NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)*)\s*"
    r"(万亿|万|亿|千|(?:tausend|thousand|millionen|million|mio|milliarden|milliarde|mrd"
    r"|billionen|billion|trillion)\b)?\s*(%|％|prozent\b|percent\b)?",
    re.IGNORECASE,
)
CN_NUMBER = re.compile(rf"(百分之)?([{CN_NUMERAL}]+)([{CN_MEASURE}%％]?)")
WORD = re.compile(rf"(?:[^\W\d_{HAN}]|[\u0300-\u036f])+")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def digit_value(text: str) -> float:
    """'1.000' and '1,000' are thousands; '1,5' and '2.5' are fractions."""
    groups = re.split(r"[.,]", text)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    if len(groups) == 2:
        return float(f"{groups[0]}.{groups[1]}")
    return float(groups[0])


def cn_value(numeral: str) -> float | None:
    """Value of a Chinese numeral (三千亿 → 3e11, 二十 → 20, 2019 written 二〇一九 aside);
    None for runs that are not one number (万一, 一一)."""
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in CN_DIGITS:
            if digit is not None:
                return None
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            if digit is None and not (ch == "十" and section == 0):
                return None
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        else:  # 万 or 亿
            if digit is None and section == 0 and total == 0:
                return None
            section += digit or 0
            total = (total + section) * CN_BIG[ch] if ch == "亿" else total + section * CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def number_key(value: float, percent: bool) -> str:
    return f"#{value:g}{'%' if percent else ''}"


def numbers(text: str) -> list[str]:
    """Numbers as keys that compare across languages: '#3e+11', '#82%', '#2019'."""
    keys = []
    value: float | None
    for m in DIGIT_NUMBER.finditer(text):
        value = digit_value(m.group(1)) * SCALES.get((m.group(2) or "").lower(), 1)
        keys.append(number_key(value, bool(m.group(3))))
    for m in CN_NUMBER.finditer(text):
        percent, numeral, after = m.groups()
        lone = len(numeral) == 1 and numeral not in "十万亿"
        if lone and not (after or percent):
            continue
        value = cn_value(numeral)
        if value is not None and value > 0:
            keys.append(number_key(value, bool(percent) or after in ("%", "％")))
    for word in WORD.findall(text):
        if (value := WORD_NUMBERS.get(word.casefold())) is not None:
            keys.append(number_key(value, False))
    return keys


class Names:
    """Registry people in a text, in any script: Han, kana and hangul spellings are found
    as substrings, Latin ones as runs of whole words (one regex over a thousand spellings
    cost 6 ms a passage; this costs a few microseconds)."""

    def __init__(self, registry: dict[str, str]):
        self.cjk = {n: slug for n, slug in registry.items() if CJK_CHAR.search(n)}
        self.latin = {
            tuple(match_form(w) for w in WORD.findall(n)): slug
            for n, slug in registry.items()
            if not CJK_CHAR.search(n) and WORD.search(n)
        }
        self.longest = max((len(k) for k in self.latin), default=0)

    def __call__(self, text: str, words: list[str]) -> set[str]:
        found = {"@" + slug for n, slug in self.cjk.items() if n in text}
        for i in range(len(words)):
            for n in range(1, self.longest + 1):
                if slug := self.latin.get(tuple(words[i : i + n])):
                    found.add("@" + slug)
        return found


def anchors(text: str, names: Names | None = None) -> set[str]:
    """What of a passage should survive translation: numbers, names, Latin-script words.

    Latin words are kept from every text; between German and Chinese only those that the
    Chinese text also writes in Latin letters can meet (product names, names, terms)."""
    words = [match_form(w) for w in WORD.findall(text) if LATIN.match(w)]
    found = set(numbers(text)) | (names(text, words) if names else set())
    return found | {"w:" + w for w in words if len(w) >= 2 and w not in WORD_NUMBERS}


def is_strong_number(key: str) -> bool:
    """Numbers a translator keeps: percentages and anything from 13 up (years, sums)."""
    if not key.startswith("#"):
        return False
    return key.endswith("%") or float(key[1:].rstrip("%")) >= 13


# --- evidence for one pair of blocks --------------------------------------------------


def length(text: str) -> int:
    """Characters without spaces: German words and Chinese characters both count."""
    return sum(1 for c in text if not c.isspace())


@dataclass
class Block:
    """One passage, or several consecutive passages of one speaker read as one."""

    role: str
    speaker: str
    anchors: set[str]
    numbers: set[str]  # the strong ones: a translation keeps them
    length: int


@dataclass
class Side:
    """One version prepared for aligning: its blocks of 1 to 3 passages by start and size."""

    units: Sequence[Unit]
    blocks: dict[tuple[int, int], Block]


def prepare(units: Sequence[Unit], names: Names) -> Side:
    found = [anchors(u.text, names) for u in units]
    lengths = [length(u.text) for u in units]
    blocks = {}
    for i in range(len(units)):
        for n in MERGE:
            group = units[i : i + n]
            if len(group) < n or len({(u.role, u.speaker) for u in group}) > 1:
                continue  # a translator merges turns of one speaker, never across speakers
            merged = set().union(*found[i : i + n])
            strong = {k for k in merged if is_strong_number(k)}
            blocks[i, n] = Block(
                group[0].role, group[0].speaker, merged, strong, sum(lengths[i : i + n])
            )
    return Side(units, blocks)


def participant_words(units: Sequence[Unit], registry: dict[str, str]) -> set[str]:
    """Anchors that name the people who speak in the conversation: every version's
    introduction names its guest and host, so these say little about which passage is which."""
    slugs = {u.speaker for u in units if u.speaker}
    keys = {"@" + slug for slug in slugs}
    for spelling, slug in registry.items():
        if slug in slugs:
            keys |= {"w:" + match_form(w) for w in WORD.findall(spelling) if LATIN.match(w)}
    return keys


def weights(a: Side, b: Side, registry: dict[str, str]) -> dict[str, float]:
    """Rarer anchors weigh more: log of how many passages of both versions lack them."""
    df: Counter[str] = Counter()
    for side in (a, b):
        for (_, n), block in side.blocks.items():
            if n == 1:
                df.update(block.anchors)
    total = len(a.units) + len(b.units)
    weight = {k: math.log(total / d) for k, d in df.items()}
    for k in participant_words([*a.units, *b.units], registry) & weight.keys():
        weight[k] = PARTICIPANT
    return weight


def role_score(ra: str, rb: str) -> float:
    if ra == rb:
        return 0.0 if ra == "narration" else 1.5
    if {ra, rb} == {"question", "answer"}:
        return -4.0
    if "narration" in (ra, rb):
        return -2.0
    return 0.0  # an unlabelled "turn" against a question or answer


def speaker_score(sa: str, sb: str) -> float:
    if not sa or not sb:
        return 0.0
    return 1.5 if sa == sb else -3.0


class Scorer:
    def __init__(self, a: Side, b: Side, ratio: float | None, registry: dict[str, str]):
        self.a, self.b, self.ratio = a, b, ratio
        self.weight = weights(a, b, registry)

    def score(self, i: int, n: int, j: int, m: int) -> float | None:
        """Log-odds that a[i:i+n] and b[j:j+m] say the same; None when not a valid block."""
        ba, bb = self.a.blocks.get((i, n)), self.b.blocks.get((j, m))
        if ba is None or bb is None:
            return None
        s = PRIOR + MERGE[n] + MERGE[m] + role_score(ba.role, bb.role)
        s += speaker_score(ba.speaker, bb.speaker) + self.length_score(ba.length, bb.length)
        return s + self.anchor_score(ba, bb)

    def length_score(self, la: int, lb: int) -> float:
        if not self.ratio or not la or not lb:
            return 0.0
        z = (math.log(lb / la) - math.log(self.ratio)) / LENGTH_SIGMA
        return 0.5 - z * z / 2

    def anchor_score(self, ba: Block, bb: Block) -> float:
        gain = sum(self.weight[k] for k in ba.anchors & bb.anchors)
        missing = len(ba.numbers ^ bb.numbers)
        return min(gain, ANCHOR_CAP) - MISSING_NUMBER * min(missing, 4)


# --- the dynamic programme ------------------------------------------------------------


def best_path(scorer: Scorer, na: int, nb: int) -> list[tuple[int, int, int, int, float]]:
    """Links (i, n, j, m, log-odds) of the best monotone alignment with affine gaps.

    Two tables: `open` holds the best score at (i, j) when the last move was a gap (or
    nothing was linked yet), `closed` when it was a link; a gap after a link costs
    GAP_OPEN. Only blocks that exist are tried (merges need one speaker)."""
    neg = -math.inf
    table = {True: [[neg] * (nb + 1) for _ in range(na + 1)]}
    table[False] = [[neg] * (nb + 1) for _ in range(na + 1)]
    back: dict[tuple[int, int, bool], tuple] = {}
    table[True][0][0] = 0.0
    sizes_a = [[n for n in MERGE if (i, n) in scorer.a.blocks] for i in range(na)]
    sizes_b = [[m for m in MERGE if (j, m) in scorer.b.blocks] for j in range(nb)]

    def offer(i: int, j: int, is_open: bool, value: float, step: tuple) -> None:
        if value > table[is_open][i][j]:
            table[is_open][i][j] = value
            back[i, j, is_open] = step

    for i in range(na + 1):
        for j in range(nb + 1):
            opened, closed = table[True][i][j], table[False][i][j]
            if opened == neg and closed == neg:
                continue
            from_open = opened >= closed
            top = opened if from_open else closed
            if i < na and j < nb:
                for n in sizes_a[i]:
                    for m in sizes_b[j]:
                        if n > 1 and m > 1:
                            continue
                        s = scorer.score(i, n, j, m)
                        assert s is not None  # sizes_a and sizes_b hold only blocks that exist
                        offer(i + n, j + m, False, top + s, (i, j, from_open, n, m, s))
            gap_open = opened >= closed - GAP_OPEN
            gap = opened if gap_open else closed - GAP_OPEN
            if i < na:
                offer(i + 1, j, True, gap, (i, j, gap_open, 1, 0, 0.0))
            if j < nb:
                offer(i, j + 1, True, gap, (i, j, gap_open, 0, 1, 0.0))
    is_open = table[True][na][nb] >= table[False][na][nb]
    links, key = [], (na, nb, is_open)
    while key in back:
        i, j, was_open, n, m, s = back[key]
        if n and m:
            links.append((i, n, j, m, s))
        key = (i, j, was_open)
    return links[::-1]


def pair_ratio(a: Side, b: Side, links) -> float | None:
    """Median length ratio b/a of the one-to-one links: the pair's own ratio."""
    ratios = [
        b.blocks[j, 1].length / a.blocks[i, 1].length
        for i, n, j, m, _ in links
        if n == m == 1 and a.blocks[i, 1].length and b.blocks[j, 1].length
    ]
    return statistics.median(ratios) if len(ratios) >= 3 else None


def same(x: Unit, y: Unit) -> bool:
    return x.role == y.role and " ".join(x.text.split()) == " ".join(y.text.split())


def align(
    a: Sequence[Unit], b: Sequence[Unit], registry: dict[str, str] | None = None
) -> list[Link]:
    """Which passages of version a correspond to which of version b.

    Passages that open or close both versions with the same words (a repost, an edited
    copy) are linked as they stand, as diff does with a common head and tail; the
    dynamic programme aligns what lies between."""
    head = 0
    while head < min(len(a), len(b)) and same(a[head], b[head]):
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and same(a[-1 - tail], b[-1 - tail]):
        tail += 1
    middle = align_middle(a[head : len(a) - tail], b[head : len(b) - tail], registry or {})
    copied = [Link((x.id,), (y.id,), 1.0) for x, y in zip(a[:head], b[:head])]
    copied_tail = [
        Link((x.id,), (y.id,), 1.0) for x, y in zip(a[len(a) - tail :], b[len(b) - tail :])
    ]
    return copied + middle + copied_tail


def align_middle(a: Sequence[Unit], b: Sequence[Unit], registry: dict[str, str]) -> list[Link]:
    if not a or not b:
        return []
    names = Names(registry)
    side_a, side_b = prepare(a, names), prepare(b, names)
    links = best_path(Scorer(side_a, side_b, None, registry), len(a), len(b))
    ratio = pair_ratio(side_a, side_b, links)
    if ratio:
        links = best_path(Scorer(side_a, side_b, ratio, registry), len(a), len(b))
    return [
        Link(
            tuple(u.id for u in a[i : i + n]),
            tuple(u.id for u in b[j : j + m]),
            round(1 / (1 + math.exp(-s)), 3),
        )
        for i, n, j, m, s in links
    ]

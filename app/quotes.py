"""Where else the same words appear: passages of different interviews that share a long run.

The versions of one interview share words by nature (a repost, an edited transcript) and
are linked as counterparts already (app/align.py); here only other interviews, articles
and summaries count.

A run counts when it is at least 8 words long, or 12 CJK characters (Chinese and Japanese
are written without spaces, so each Han or kana character is a token; a word weighs 3,
a character 2, a run needs 24). Tokens are folded as search folds them (match_form: NFKC,
casefold, no diacritics), so "KI - Talente" and "KI-Talente" share their words.

Finding them scales by winnowing (Schleimer, Wilkerson and Aiken 2003, the method of MOSS):
each passage's k-grams of tokens are hashed, and of every window of W consecutive hashes
only the smallest is kept as a fingerprint. Any run of at least K + W - 1 = 8 shared tokens
shares at least one fingerprint, and a passage keeps about 2 / (W + 1) of its k-grams, so
the table of fingerprints is a third of the text. MinHash/LSH was the other choice: it
estimates the overlap of whole passages, which misses an 8-word quote inside a long answer;
winnowing finds every shared run above the guarantee. Fingerprints that occur in more than
COMMON passages (boilerplate, set phrases) are dropped. Each candidate pair is then checked
on its tokens and its runs are extended to their full length.

Pure functions over plain tuples; the store hands in the passages.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from app.text import HAN, KANA, match_form

K = 4  # tokens per hashed k-gram
W = 5  # k-grams per winnowing window: runs of K + W - 1 = 8 tokens are always found
MIN_WEIGHT = 24  # 8 words of weight 3, or 12 CJK characters of weight 2
WORD_WEIGHT, CHAR_WEIGHT = 3, 2
COMMON = 50  # a fingerprint seen more often than this is boilerplate, not a quote

TOKEN = re.compile(rf"(?P<cjk>[{HAN}{KANA}])|(?P<word>(?:[^\W_{HAN}{KANA}]|[\u0300-\u036f])+)")


class Text(NamedTuple):
    id: str
    source: int  # passages of one source (the versions of one interview) never count here
    text: str


class Token(NamedTuple):
    form: str
    start: int
    end: int
    weight: int


@dataclass(frozen=True)
class Shared:
    a: str
    b: str
    words: int  # tokens in the longest shared run
    spans_a: tuple[tuple[int, int], ...]  # character offsets of the shared runs in a
    spans_b: tuple[tuple[int, int], ...]


fold = functools.lru_cache(maxsize=200_000)(match_form)  # words repeat: fold each once


def tokens(text: str) -> list[Token]:
    return [
        Token(
            fold(m.group(0)),
            m.start(),
            m.end(),
            CHAR_WEIGHT if m.lastgroup == "cjk" else WORD_WEIGHT,
        )
        for m in TOKEN.finditer(text)
    ]


def fingerprints(forms: list[str]) -> dict[int, list[int]]:
    """Winnowed k-gram hashes → where they start. Python's hash is salted per process,
    which is fine: fingerprints live only while one ingest computes them."""
    hashes = [hash(tuple(forms[i : i + K])) for i in range(len(forms) - K + 1)]
    kept: dict[int, list[int]] = {}
    last = -1
    for start in range(max(len(hashes) - W + 1, 1 if hashes else 0)):
        window = hashes[start : start + W]
        at = start + len(window) - 1 - window[::-1].index(min(window))  # rightmost minimum
        if at != last:
            kept.setdefault(hashes[at], []).append(at)
            last = at
    return kept


def runs(ta: list[Token], tb: list[Token], seeds: Iterable[tuple[int, int]]):
    """Maximal runs of equal tokens through the seed positions: (start a, start b, length)."""
    found = set()
    reach: dict[int, int] = {}  # diagonal (i - j) -> where the last run found on it ends
    for i, j in sorted(seeds):
        if reach.get(i - j, -1) > i:
            continue  # inside a run already found: extending it again would cost its length
        if [t.form for t in ta[i : i + K]] != [t.form for t in tb[j : j + K]]:
            continue  # a hash collision
        while i > 0 and j > 0 and ta[i - 1].form == tb[j - 1].form:
            i, j = i - 1, j - 1
        n = 0
        while i + n < len(ta) and j + n < len(tb) and ta[i + n].form == tb[j + n].form:
            n += 1
        found.add((i, j, n))
        reach[i - j] = i + n
    return sorted(found)


def spans(toks: list[Token], start: int, n: int) -> tuple[int, int]:
    return toks[start].start, toks[start + n - 1].end


def merge(pairs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(pairs):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return tuple(out)


def shared_words(texts: Iterable[Text]) -> list[Shared]:
    """Every pair of passages of different sources that share a long run of words."""
    items = list(texts)
    # Tokens are kept only for the passages that turn out to be candidates: holding every
    # passage's tokens took 300 MB at 20,000 passages.
    # fingerprint -> where it occurs, packed as passage << 24 | token position: an int per
    # occurrence, and most fingerprints occur once (a list only for the others)
    table: dict[int, int | list[int]] = {}
    for n, item in enumerate(items):
        for h, starts in fingerprints([t.form for t in tokens(item.text)]).items():
            for at in starts:
                seen = table.get(h)
                packed = n << 24 | at
                if seen is None:
                    table[h] = packed
                elif isinstance(seen, list):
                    seen.append(packed)
                else:
                    table[h] = [seen, packed]
    seeds: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for posting in table.values():
        if not isinstance(posting, list) or len(posting) > COMMON:
            continue
        occurrences = [(x >> 24, x & 0xFFFFFF) for x in posting]
        for x, (p, i) in enumerate(occurrences):
            for q, j in occurrences[x + 1 :]:
                if p != q and items[p].source != items[q].source:
                    seeds[p, q].append((i, j))
    toks: dict[int, list[Token]] = {}
    for p, q in seeds:
        for n in (p, q):
            if n not in toks:
                toks[n] = tokens(items[n].text)
    found = []
    for (p, q), positions in seeds.items():
        long = [
            (i, j, n)
            for i, j, n in runs(toks[p], toks[q], positions)
            if sum(t.weight for t in toks[p][i : i + n]) >= MIN_WEIGHT
        ]
        if long:
            found.append(
                Shared(
                    items[p].id,
                    items[q].id,
                    max(n for _, _, n in long),
                    merge([spans(toks[p], i, n) for i, _, n in long]),
                    merge([spans(toks[q], j, n) for _, j, n in long]),
                )
            )
    return found

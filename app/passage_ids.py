"""Stable passage ids: a link handed out today must reach the same words after re-ingests.

An id hashes the document's key and the passage's own normalised text (plus which
occurrence of that text it is), never its position: adding, removing or editing other
passages or documents leaves it unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher

from app.text import HAN, KANA


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()


def passage_ids(document_key: str, texts: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    ids = []
    for text in texts:
        norm = normalise(text)
        digest = hashlib.sha256(f"{document_key}\n{norm}\n{seen[norm]}".encode()).digest()
        seen[norm] += 1
        ids.append(base64.b32encode(digest).decode()[:12].lower())
    return ids


# Words, and each Han or kana character on its own (Chinese and Japanese have no spaces).
TOKEN = re.compile(f"[{HAN}{KANA}]|[^\\W_{HAN}{KANA}]+|\\S")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(normalise(text))


THRESHOLD = 0.6  # less alike than this, an old passage is gone rather than edited


LONG = 400  # tokens of both texts together, above which order is compared by bigrams


def similarity(a: list[str], b: list[str], at_least: float = 0.0) -> float:
    """How alike two token lists are, 0..1; 0 when a cheap bound is already below
    `at_least`. Short texts: difflib's ratio. Long ones: the overlap of their word pairs,
    because difflib without its junk heuristic is quadratic on repeated words (8 ms for
    two essay-length turns) and with it misses matches of common words."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    if len(a) + len(b) <= LONG:
        return matcher.ratio()
    pairs_a, pairs_b = Counter(zip(a, a[1:])), Counter(zip(b, b[1:]))
    return 2 * sum((pairs_a & pairs_b).values()) / (len(a) + len(b) - 2)

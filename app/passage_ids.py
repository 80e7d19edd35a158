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


def closest(text: str, candidates: dict[str, str], threshold: float = 0.6) -> str | None:
    """The id among candidates (id → text) whose text is most like `text`: where an edited
    passage went, for a 301 from its old id."""
    best, best_ratio = None, threshold
    norm = normalise(text)
    for pid, other in candidates.items():
        matcher = SequenceMatcher(None, norm, normalise(other), autojunk=False)
        if matcher.quick_ratio() >= best_ratio and (ratio := matcher.ratio()) >= best_ratio:
            best, best_ratio = pid, ratio
    return best

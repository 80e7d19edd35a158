"""Did you mean: a query with its unknown words replaced by the closest indexed words.

The candidates are the unstemmed words of the live index and its jieba and hangul words
(its words.txt, see app.search.index.SearchIndex.spelling_words); a word counts as known
when any of its stems is indexed. Words within edit distance 2 that keep the first letters
come first (whoosh's ListCorrector); a CJK word whose first character is the wrong one gets
the closest indexed word of its length that shares one of its bigrams.
"""

from __future__ import annotations

import re
from typing import Any

from whoosh.spelling import ListCorrector

from app.search.analysis import CJK_RUN, QUERY_LANGUAGES, fold_chars, stems_of
from app.search.index import SearchIndex
from app.text import match_form

MAX_WORDS = 5  # words of a query that get a suggestion
MAX_LENGTH = 24  # the edit-distance automaton is slow on long words


def suggest(
    index: SearchIndex,
    searcher: Any,
    words: list[str],
    q: str,
    langs: tuple[str, ...] = QUERY_LANGUAGES,
) -> str:
    """The query `q` with unknown `words` replaced; "" when nothing was replaced. `langs`:
    the stemmers of the archive (a word's stem under another language's stemmer may be
    indexed although the word is misspelt)."""
    corrected, corrector = q, ListCorrector(index.spelling_words())
    for word in words[:MAX_WORDS]:
        cjk = CJK_RUN.fullmatch(word) is not None
        folded = fold_chars(word) if cjk else match_form(word)
        if len(folded) > MAX_LENGTH:
            continue
        if any(searcher.doc_frequency("text", form) for form in stems_of(folded, langs)):
            continue
        # Keeping the first letters cuts the edit-distance search from ~110 ms to a few ms
        found = corrector.suggest(folded, limit=1, prefix=2 if len(folded) >= 6 else 1)
        if not found and cjk:
            found = sharing_bigrams(index, searcher, folded)
        if found and found[0] != folded:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], corrected, count=1)
    return corrected if corrected != q else ""


def sharing_bigrams(index: SearchIndex, searcher: Any, word: str) -> list[str]:
    """The indexed CJK word of the same length that shares a bigram with `word` and differs
    from it in the fewest characters (at most a third of them); the most frequent of those."""
    pairs = {word[i : i + 2] for i in range(len(word) - 1)}
    best: list[tuple[int, int, str]] = []
    for other in index.cached("cjk words", lambda: cjk_words(index.spelling_words())):
        if len(other) != len(word) or not any(p in other for p in pairs):
            continue
        differ = sum(a != b for a, b in zip(word, other))
        if differ <= max(1, len(word) // 3):
            best.append((differ, -searcher.doc_frequency("text", other), other))
    return [min(best)[2]] if best else []


def cjk_words(words: list[str]) -> list[str]:
    return [w for w in words if CJK_RUN.fullmatch(w)]

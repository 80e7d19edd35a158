"""Did you mean: a query with its unknown words replaced by the closest indexed words.

The candidates are the unstemmed words of the live index (its words.txt, see
app.search.index.SearchIndex.spelling_words); a word counts as known when any of its stems
is indexed.
"""

from __future__ import annotations

import re

from whoosh.spelling import ListCorrector

from app.search.analysis import stem
from app.search.index import SearchIndex
from app.text import match_form

MAX_WORDS = 5  # words of a query that get a suggestion
MAX_LENGTH = 24  # the edit-distance automaton is slow on long words


def suggest(index: SearchIndex, searcher, words: list[str], q: str) -> str:
    """The query `q` with unknown `words` replaced; "" when nothing was replaced."""
    corrected, corrector = q, ListCorrector(index.spelling_words())
    for word in words[:MAX_WORDS]:
        folded = match_form(word)
        if len(folded) > MAX_LENGTH:
            continue
        if any(searcher.doc_frequency("text", stem(folded, lang)) for lang in ("de", "en")):
            continue
        # Keeping the first letters cuts the edit-distance search from ~110 ms to a few ms
        found = corrector.suggest(folded, limit=1, prefix=2 if len(folded) >= 6 else 1)
        if found and found[0] != folded:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], corrected, count=1)
    return corrected if corrected != q else ""

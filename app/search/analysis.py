"""Script-aware text analysis shared by the index and the queries.

One analyzer for every passage: Han runs are folded Traditional -> Simplified and segmented
with jieba's dictionary and algorithm (accurate mode, run by rjieba); other runs are split
into words (so hyphens and the seeds' "KI - Talente" spacing give the same tokens), NFKC +
casefolded, stripped of diacritics (ä -> a: "Kunstliche" finds "Künstliche", casefold
makes ß -> ss) and stemmed.

Positions count tokens (phrases need that; jieba.analyse.ChineseAnalyzer counts characters)
and start/end chars point into the original text, so pinpoint highlighting works.

Stemming depends on the passage's language: the index hands the analyzer a `LangText` (a str
that knows its language); German passages get the German Snowball stemmer, all others the
English one (Latin words in Chinese pages are English terms and names). A query does not know
the language of the passages it will meet, so app.search.query analyses each query word once per
stemmer (`query_variants`) and ORs the distinct forms; a lang: filter picks one stemmer.
Measured on the seeds' German vocabulary (2,220 words): the English stemmer alone would split
189 of the 230 word families the German one joins (bereich/bereiche/bereichen), the German
one on English splits law/laws; 42% of German words get a second (English) form in a query,
which costs one more term, not a second pass.

No stop list: whoosh's StopFilter(renumber=True) lets phrases match across removed words.
The analyzer is pickled into the index and into writer processes, so it holds no state:
The segmenter and OpenCC load lazily, once per process.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language

from app.text import HAN, match_form

RUNS = re.compile(rf"(?P<han>[{HAN}]+)|(?P<word>(?:[^\W_{HAN}]|[\u0300-\u036f])+)")
# Languages with their own stemmer; every other language's Latin words are mostly English
# names and terms (in Chinese pages too), so they get the English stemmer.
STEMMERS = {"de": "de", "en": "en"}
QUERY_LANGUAGES = ("de", "en")


class LangText(str):
    """Passage text that carries its language to the analyzer (index time only)."""

    def __new__(cls, text: str, lang: str = ""):
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __reduce__(self):  # pickled into writer processes
        return LangText, (str(self), self.lang)


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _jieba():
    # rjieba binds jieba-rs, a port of jieba with the same dictionary and algorithm: it cut
    # all 2,464 Han runs of the seeds exactly as jieba 0.42 does, 22x faster, and loads its
    # dictionary in 0.2 s instead of 1 s. Segmenting was 65% of an index build with jieba.
    import rjieba

    return rjieba


@functools.cache
def _stemmer(lang: str):
    return stemmer_for_language(lang)


@functools.lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    if word.isdigit():
        return word
    return _stemmer(STEMMERS.get(lang, "en"))(word)


@functools.lru_cache(maxsize=500_000)
def index_form(word: str, lang: str) -> str:
    """The indexed form of a non-Han word: folded, then stemmed (a word recurs: cached)."""
    return stem(match_form(word), lang)


def simplify(han: str) -> str:
    """Traditional -> Simplified, keeping one character per character (offsets stay valid)."""
    han = unicodedata.normalize("NFKC", han)
    converted = _t2s().convert(han)
    if len(converted) == len(han):
        return converted
    return "".join(c if len(s := _t2s().convert(c)) != 1 else s for c in han)


def han_words(run: str):
    """(start, end, word) of the jieba words of one Han run, offsets within the run."""
    at = 0
    for word in _jieba().cut(simplify(run), True):
        yield at, at + len(word), word
        at += len(word)


def han_bigrams(run: str):
    """The alternative to jieba, kept for bench's comparison: overlapping bigrams."""
    run = simplify(run)
    if len(run) == 1:
        yield 0, 1, run
    for i in range(len(run) - 1):
        yield i, i + 2, run[i : i + 2]


def split(text: str, segment=han_words):
    """(start, end, text, is_han) for every token, before stemming."""
    for m in RUNS.finditer(text):
        if m.lastgroup == "han":
            for start, end, word in segment(m.group()):
                yield m.start() + start, m.start() + end, word, True
        else:
            yield m.start(), m.end(), m.group(), False


def terms(text: str, lang: str = "", stemmed: bool = True, segment=han_words) -> list[str]:
    """The indexed forms of a text's tokens, in order."""
    out = []
    for _, _, word, is_han in split(text, segment):
        if not is_han:
            word = match_form(word)
            if stemmed:
                word = stem(word, lang)
        out.append(word)
    return out


def query_variants(text: str, lang: str | None = None) -> list[list[str]]:
    """The distinct token lists of a query text under each stemmer it might meet."""
    langs = (lang,) if lang else QUERY_LANGUAGES
    variants: list[list[str]] = []
    for each in langs:
        tokens = terms(text, each)
        if tokens not in variants:
            variants.append(tokens)
    return variants


class ArchiveAnalyzer(Analyzer):
    """The whoosh analyzer: tokens of `split`, ordinal positions, original char offsets."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        lang = kwargs.get("lang") or getattr(value, "lang", "")
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (start, end, word, is_han) in enumerate(split(value)):
            if not is_han:
                word = index_form(word, lang)
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def analyzer() -> ArchiveAnalyzer:
    return ArchiveAnalyzer()

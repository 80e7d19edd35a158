"""Script-aware text analysis shared by the index and the queries.

Every passage is analysed three ways, one whoosh field each, with shared ordinal positions
for the first two:

- `text`: words for ranking and unquoted queries. Han runs are folded Traditional ->
  Simplified and segmented with jieba's dictionary and algorithm (accurate mode, run by
  rjieba); hangul runs are words as Korean spaces them; other runs are split into words (so
  hyphens and the seeds' "KI - Talente" spacing give the same tokens), NFKC + casefolded,
  stripped of diacritics (ä -> a: "Kunstliche" finds "Künstliche", casefold makes ß -> ss)
  and stemmed by the passage's language. Japanese and Korean passages have no jieba: their
  Han and kana runs are left to `grams`.
- `exact`: the folded, unstemmed form of each word whose stem differs from it, and its stem
  marked (`~stem`) at the same position. A quoted word then matches `exact:form`, or
  `text:form` where no `~form` stands (the word there was its own stem, not a longer word
  with that stem). Indexing every word unstemmed again would cost 2.5x the postings of the
  changed words alone (measured on the seeds: 5,073 vs 1,986); one mark for all changed
  words (`~`) made quotes of common words read a long position list in every passage.
- `grams`: every run of Han, kana and hangul as overlapping character bigrams (a single
  character for a one-character run), like Lucene's CJKBigramFilter, at positions that are
  the bigram's character offset in the passage: a fragment cut anywhere is a run of bigrams
  at consecutive positions, and its marks are (position, position + length). A bigram
  that `text` holds as a word starting at the same character (a two-character jieba or
  hangul word, or a one-character run) is left out: a query reads it there, by the word's
  first character (`STARTS`). That was a third of the bigrams' postings on the seeds.

Positions count tokens (phrases need that; jieba.analyse.ChineseAnalyzer counts characters)
and start/end chars point into the original text, so pinpoint highlighting works.

A query does not know the language of the passages it will meet, so app.search analyses
each query word once per stemmer (`query_variants`) and ORs the distinct forms; a lang:
filter picks one stemmer. Measured on the seeds' German vocabulary (2,220 words): the
English stemmer alone would split 189 of the 230 word families the German one joins
(bereich/bereiche/bereichen), the German one on English splits law/laws.

No stop list: whoosh's StopFilter(renumber=True) lets phrases match across removed words.
The analyzers are pickled into the index and into writer processes, so they hold no state:
the segmenter and OpenCC load lazily, once per process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language

from app.text import HAN, HANGUL, KANA, match_form

RUNS = re.compile(
    rf"(?P<han>[{HAN}]+)|(?P<kana>[{KANA}]+)|(?P<hangul>[{HANGUL}]+)"
    rf"|(?P<word>(?:[^\W_{HAN}{KANA}{HANGUL}]|[\u0300-\u036f])+)"
)
CJK_RUN = re.compile(f"[{HAN}{KANA}{HANGUL}]+")
# The Snowball stemmers whoosh ships, by the passage's language. Latin words of every other
# language are mostly English names and terms (in Chinese pages too): the English stemmer.
STEMMERS = ("de", "en", "fr", "es", "it", "pt", "nl")
# A query word is stemmed for the languages of the archive (`stem_languages`), not all seven:
# the Italian stemmer makes "openai" "open", which would find every "opened".
QUERY_LANGUAGES = ("de", "en")
NO_JIEBA = ("ja", "ko")  # jieba's dictionary is Chinese: their Han runs are bigrams only
MARK = "~"  # in `exact`, before a stem: a word with this stem (not its own) stands here
# Not an index field: `text`'s words placed at their first character's offset, as `grams`
# places bigrams (a query option for the bigrams that `grams` leaves to `text`).
STARTS = "text@start"


def indexed_field(field: str) -> str:
    """The index field a query option reads (STARTS reads `text`)."""
    return "text" if field == STARTS else field


class LangText(str):
    """Passage text that carries its language to the analyzer (index time only)."""

    lang: str

    def __new__(cls, text: str, lang: str = "") -> LangText:
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __reduce__(self) -> tuple[type[LangText], tuple[str, str]]:  # pickled into writers
        return LangText, (str(self), self.lang)


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    # rjieba binds jieba-rs, a port of jieba with the same dictionary and algorithm: it cut
    # all 2,464 Han runs of the seeds exactly as jieba 0.42 does, 22x faster, and loads its
    # dictionary in 0.2 s instead of 1 s. Segmenting was 65% of an index build with jieba.
    import rjieba

    return rjieba


@functools.cache
def _stemmer(lang: str) -> Callable[[str], str]:
    found: Callable[[str], str] = stemmer_for_language(lang)
    return found


def stem_language(lang: str) -> str:
    return lang if lang in STEMMERS else "en"


@functools.lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    if word.isdigit() or not word.isascii() and CJK_RUN.search(word):
        return word
    return _stemmer(stem_language(lang))(word)


@functools.lru_cache(maxsize=500_000)
def index_form(word: str, lang: str) -> str:
    """The indexed form of a non-Han word: folded, then stemmed (a word recurs: cached)."""
    return stem(match_form(word), lang)


@functools.lru_cache(maxsize=1)
def _widths() -> dict[int, str]:
    """NFKC of every character that NFKC maps to one other character (full and half width
    forms, compatibility ideographs), as a str.translate table: NFKC of a whole text may
    change its length (… becomes ...), which would move every offset after it."""
    table = {}
    for code in [*range(0x10000), *range(0x2F800, 0x2FA20)]:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and len(folded) == 1:
            table[code] = folded
    return table


def fold_chars(run: str) -> str:
    """Width (NFKC, one character for one) and Traditional -> Simplified, keeping one
    character per character, so offsets into the run stay offsets into the original."""
    folded = run.translate(_widths())
    converted: str = _t2s().convert(folded)
    if len(converted) == len(folded):
        return converted
    return "".join(c if len(s := _t2s().convert(c)) != 1 else s for c in folded)


# (start, end, word) of the words of one Han run
Segmenter = Callable[[str], Iterable[tuple[int, int, str]]]


def han_words(run: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of the jieba words of one Han run, offsets within the run."""
    at = 0
    for word in _jieba().cut(fold_chars(run), True):
        yield at, at + len(word), word
        at += len(word)


def han_bigrams(run: str) -> Iterator[tuple[int, int, str]]:
    """Overlapping bigrams of one run (the run itself when it is one character)."""
    run = fold_chars(run)
    if len(run) == 1:
        yield 0, 1, run
    for i in range(len(run) - 1):
        yield i, i + 2, run[i : i + 2]


def split(
    text: str, segment: Segmenter = han_words, lang: str = ""
) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, text, is_han) for every word token, before folding and stemming.

    Kana runs are left to the bigrams (no Japanese segmenter runs), and so are Han runs of
    Japanese and Korean passages; hangul runs are words, as Korean spaces them."""
    for m in RUNS.finditer(text):
        kind = m.lastgroup
        if kind == "han":
            if lang in NO_JIEBA:
                continue
            for start, end, word in segment(m.group()):
                yield m.start() + start, m.start() + end, word, True
        elif kind != "kana":
            yield m.start(), m.end(), m.group(), False


@functools.lru_cache(maxsize=8)
def _tokens(text: str, lang: str) -> tuple[tuple[int, int, str, bool], ...]:
    """split() of a passage, kept for the next field: each field analyses the same value."""
    return tuple(split(text, lang=lang))


def grams(text: str) -> list[tuple[int, str]]:
    """(character offset, bigram) for every Han, kana and hangul run of a text (folded once
    for the whole text: one call to OpenCC instead of one a run)."""
    runs = list(CJK_RUN.finditer(text))
    folded = fold_chars(text) if runs else text
    out: list[tuple[int, str]] = []
    for m in runs:
        start, end = m.span()
        if end - start == 1:
            out.append((start, folded[start]))
        out += [(at, folded[at : at + 2]) for at in range(start, end - 1)]
    return out


def terms(
    text: str, lang: str = "", stemmed: bool = True, segment: Segmenter = han_words
) -> list[str]:
    """The indexed forms of a text's tokens, in order."""
    out: list[str] = []
    for _, _, word, is_han in split(text, segment):
        if not is_han:
            word = match_form(word)
            if stemmed:
                word = stem(word, lang)
        out.append(word)
    return out


def stem_languages(languages: Iterable[str]) -> tuple[str, ...]:
    """The stemmers the passages of these languages were indexed with."""
    return tuple(sorted({stem_language(lang) for lang in languages})) or QUERY_LANGUAGES


def query_variants(
    text: str, lang: str | None = None, langs: tuple[str, ...] = QUERY_LANGUAGES
) -> list[list[str]]:
    """The distinct token lists of a query text under each stemmer it might meet (`langs`:
    the stemmers of the archive's languages; a lang: filter picks one)."""
    langs = (lang,) if lang else langs
    # split and fold once: only the stemming depends on the language
    forms = [(w, han) if han else (match_form(w), han) for _, _, w, han in split(text)]
    variants: list[list[str]] = []
    for each in langs:
        tokens = [w if han else stem(w, each) for w, han in forms]
        if tokens not in variants:
            variants.append(tokens)
    return variants


def stems_of(form: str, langs: Iterable[str] = QUERY_LANGUAGES) -> set[str]:
    """The stems a folded word has under the stemmers (prefixes, did-you-mean)."""
    return {stem(form, lang) for lang in langs}


class _Fields(Analyzer):
    """Token plumbing shared by the three analyzers: `tokens` yields (position, start, end,
    text) and __call__ dresses them as whoosh Tokens."""

    def tokens(self, value: str, lang: str) -> Iterator[tuple[int, int, int, str]]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        lang = kwargs.get("lang") or getattr(value, "lang", "") or ""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, start, end, word in self.tokens(value, lang):
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


class ArchiveAnalyzer(_Fields):
    """The `text` field: words (jieba's for Han), folded and stemmed, ordinal positions."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored

    def tokens(self, value: str, lang: str) -> Iterator[tuple[int, int, int, str]]:
        for pos, (start, end, word, is_han) in enumerate(_tokens(str(value), lang)):
            yield pos, start, end, word if is_han else index_form(word, lang)


class ExactAnalyzer(_Fields):
    """The `exact` field: the folded form of each word its stemmer changed, and MARK + its
    stem, at the word's position in `text`."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored

    def tokens(self, value: str, lang: str) -> Iterator[tuple[int, int, int, str]]:
        for pos, (start, end, word, is_han) in enumerate(_tokens(str(value), lang)):
            if is_han:
                continue
            form = match_form(word)
            stemmed = stem(form, lang)
            if stemmed != form:
                yield pos, start, end, form
                yield pos, start, end, MARK + stemmed


class GramAnalyzer(_Fields):
    """The `grams` field: CJK bigrams, each at its character offset as its position, except
    those `text` holds as a word starting there (see the module's note)."""

    __module__ = "app.search.stored"  # the path index files name: see app.search.stored

    def tokens(self, value: str, lang: str) -> Iterator[tuple[int, int, int, str]]:
        text = str(value)
        words = short_words(text, lang)
        for at, gram in grams(text):
            if words.get(at) != gram:
                yield at, at, at + len(gram), gram


def short_words(text: str, lang: str) -> dict[int, str]:
    """Character offset -> the indexed form of each word of `text` of one or two characters
    (a bigram or a one-character run that the word index answers)."""
    out = {}
    for start, end, word, is_han in _tokens(text, lang):
        if end - start <= 2:
            form = word if is_han else index_form(word, lang)
            if len(form) == end - start:
                out[start] = form
    return out


def analyzer() -> ArchiveAnalyzer:
    return ArchiveAnalyzer()

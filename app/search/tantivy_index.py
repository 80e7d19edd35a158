"""The tantivy index: the second engine (ARCHIVE_ENGINE=tantivy), same folders as whoosh's.

Tantivy does no analysis of its own. Our analysis (app.search.analysis: jieba words,
folding, stemming per language, CJK bigrams) turns each passage into token streams, which
are joined with single spaces and indexed with a whitespace tokenizer that has no filters,
so tantivy's positions are the streams' ordinal positions:

- `text`: the indexed form of each word (whoosh's `text`), for words and phrases;
- `forms`: the folded, unstemmed form of each word at the same positions, for quotes (one
  phrase query; whoosh gets the same from `exact` and its marks);
- `grams`: the CJK bigrams, each run's bigrams at consecutive positions and a separator
  token between runs, so a run of bigrams never continues into the next run (whoosh
  numbers bigrams by character offset, which leaves the same gaps);
- `speaker_words`: the speaker's name, analysed as whoosh analyses `speaker_name`.

Keyword fields are raw terms with fast columns (filters, facet aggregations); `day` is a
fast unsigned YYYYMMDD (0: undated, which no date range starting at 1 matches). Stored
values (the passage text, names, titles) go into fields whose analyzer yields no token.
No token stream is stored: the marks of a hit come from its stored text analysed again
in its stored language (`marked_words`, the analysis `streams` indexed), ten passages a
page; storing each passage's tokens and word spans made the index over half as large
again.

A build analyses in worker processes (one per core, forked inside
app.search.index.workers_die_with_parent, so a killed ingest leaves none behind) while the
parent hands the finished JSON documents to tantivy's writer, which indexes them on its
own thread; one batch is analysed while the previous one is written.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import multiprocessing
import os
import re
from array import array
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy

from app.search.analysis import (
    CJK_RUN,
    NO_JIEBA,
    RUNS,
    fold_chars,
    grams,
    han_words,
    index_form,
    split,
)
from app.search.entry import IndexEntry
from app.search.query import day_number
from app.search.snippets import Token
from app.text import HAN, match_form

WORDS_ANALYZER, STORED_ANALYZER = "archive_words", "archive_stored"
RUN_BREAK = "|"  # between two CJK runs in `grams`: never a bigram
EMPTY = "\u2400"  # a word that folds to nothing still takes its position
SPACE = re.compile(r"\s")
ISO_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")
WORDS = re.compile(rf"(?:[^\W\d_{HAN}]|[\u0300-\u036f])+")
HAN_CHAR = re.compile(f"[{HAN}]")
KEYWORDS = ("speaker_slug", "interview_slug", "language", "kind")
STORED = (
    "id",
    "body",
    "speaker_name",
    "interview_title",
    "document_key",
    "date",
    "section",
    "provenance",
    "role",
)
IDS = "ids.jsonl"  # the passage id of each document number `n`, one JSON string a line
BATCH = 2000  # passages analysed at once by the workers (memory stays bounded at any size)
WRITER_HEAP = 128_000_000  # bytes: tantivy flushes a segment when its heap is full; it bounds the ingest's memory (README, Limits)


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("text", "forms", "grams", "speaker_words"):
        builder.add_text_field(name, tokenizer_name=WORDS_ANALYZER, index_option="position")
    for name in KEYWORDS:
        builder.add_text_field(
            name, stored=True, fast=True, tokenizer_name="raw", index_option="basic"
        )
    for name in STORED:
        builder.add_text_field(name, stored=True, tokenizer_name=STORED_ANALYZER)
    builder.add_unsigned_field("day", indexed=True, fast=True)
    builder.add_integer_field("timestamp", stored=True)
    builder.add_integer_field("ordinal", stored=True)
    builder.add_unsigned_field("n", fast=True)
    return builder.build()


def register(ix: tantivy.Index) -> None:
    """Our analyzers (tantivy keeps their names in the schema, not the analyzers)."""
    words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    nothing = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.remove_long(1))
        .build()
    )
    ix.register_tokenizer(WORDS_ANALYZER, words)
    ix.register_tokenizer(STORED_ANALYZER, nothing)


def token(word: str) -> str:
    """One token of a stream as tantivy gets it (a query term goes through here too)."""
    return within_limit(SPACE.sub("", word)) or EMPTY


# tantivy leaves out a token of more than 65,530 bytes (its MAX_TOKEN_LEN) with no more
# than a log line: a passage with a 70,000-letter run lost that word, which a prefix found
# in whoosh. Cut, it keeps its place and its prefixes (no query word is that long).
MAX_TOKEN_BYTES = 65_530


def within_limit(word: str) -> str:
    """The word, or as much of it as fits tantivy's limit (whole characters)."""
    if len(word) * 4 <= MAX_TOKEN_BYTES:  # UTF-8: four bytes a character at most
        return word
    return word.encode("utf-8")[:MAX_TOKEN_BYTES].decode("utf-8", "ignore")


# Words recur: each form is made once per process (as app.search.analysis.index_form is)
@functools.lru_cache(maxsize=500_000)
def indexed_token(word: str, lang: str) -> str:
    return token(index_form(word, lang))


@functools.lru_cache(maxsize=500_000)
def form_token(word: str) -> str:
    return token(folded(word))


folded = functools.lru_cache(maxsize=500_000)(match_form)


# ---------------------------------------------------------------- analysis (in the workers)


def streams(text: str, lang: str) -> tuple[list[str], list[str], list[str]]:
    """(text, forms, grams) token lists of a passage, as app.search.analysis makes them."""
    indexed: list[str] = []
    forms: list[str] = []
    for _, _, word, is_han in split(text, lang=lang):
        indexed.append(word if is_han else indexed_token(word, lang))  # jieba's: a token
        forms.append(word if is_han else form_token(word))
    bigrams: list[str] = []
    last = -2
    for at, gram in grams(text):
        if at != last + 1 and bigrams:
            bigrams.append(RUN_BREAK)
        bigrams.append(gram)
        last = at
    return indexed, forms, bigrams


def marked_words(text: str, lang: str, looked_for: Collection[str]) -> list[Token]:
    """(start, end, (token,), position) of the words of a passage whose token in `text` is
    looked for: the analysis `streams` indexed (split's runs, jieba words, indexed_token),
    made again from the stored text and language for the marks of a hit, so the index
    stores no tokens or spans (tests/test_index.py holds the two together).

    Only looked-for tokens become tuples, and a Han run is cut by jieba only when it holds
    a looked-for word, as it stands or folded (the passage is folded once, as grams() does;
    each of the 3,706 Han runs of the seeds and the test corpus comes out as it does folded
    alone); jieba, OpenCC and a tuple a word were most of a Chinese passage's time. An
    uncut run takes one position: the positions after it all move by the same amount, and
    words that stood together (phrases) still do."""
    if not looked_for:
        return []
    han = [w for w in looked_for if HAN_CHAR.search(w)]
    folded = fold_chars(text) if han else text
    out: list[Token] = []
    pos = -1
    for m in RUNS.finditer(text):
        kind, start = m.lastgroup, m.start()
        if kind == "kana" or (kind == "han" and lang in NO_JIEBA):
            continue  # no token (split leaves them to the bigrams)
        if kind != "han":
            pos += 1
            if (word := indexed_token(m.group(), lang)) in looked_for:
                out.append((start, m.end(), (word,), pos))
            continue
        run = m.group()
        if not any(w in run or w in folded[start : m.end()] for w in han):
            pos += 1
            continue
        for at, end, word in han_words(run):
            pos += 1
            if word in looked_for:
                out.append((start + at, start + end, (word,), pos))
    return out


def analysed(entry: IndexEntry, n: int) -> tuple[str, set[str]]:
    """The JSON document of passage number `n`, and its words for the did-you-mean list."""
    indexed, forms, bigrams = streams(entry.text, entry.language)
    speaker = [token(w if han else index_form(w, "")) for _, _, w, han in split(entry.speaker_name)]
    doc: dict[str, Any] = {
        "body": entry.text,
        "text": " ".join(indexed),
        "forms": " ".join(forms),
        "grams": " ".join(bigrams),
        "speaker_words": " ".join(speaker),
        "provenance": ",".join(entry.provenance),
        "day": day_number(entry.date) if ISO_DATE.match(entry.date) else 0,
        "ordinal": entry.ordinal,
        "n": n,  # line n of IDS: every match's id without reading its stored fields
    }
    for name in (*KEYWORDS, *STORED):
        value = getattr(entry, name, None)
        if name not in doc and value:  # an empty keyword is no term (whoosh's ID field)
            doc[name] = value
    if entry.timestamp is not None:
        doc["timestamp"] = entry.timestamp
    words = {folded(w) for w in WORDS.findall(entry.text) if len(w) >= 3}
    words |= {t for t in indexed if len(t) >= 2 and CJK_RUN.fullmatch(t)}
    return json.dumps(doc, ensure_ascii=False), words


Batch = tuple[list[str], list[str], set[str]]  # JSON documents, their ids, their words


def analysed_batch(job: tuple[int, list[IndexEntry]]) -> Batch:
    """The passages of a batch, numbered from `job[0]`."""
    first, entries = job
    docs, words = [], set()
    for n, entry in enumerate(entries, first):
        doc, found = analysed(entry, n)
        docs.append(doc)
        words |= found
    return docs, [e.id for e in entries], words


# ---------------------------------------------------------------- building


def write_folder(
    folder: Path, entries: Iterable[IndexEntry], *, processes_from: int, built_from: str = ""
) -> None:
    """Write a complete tantivy index into `folder` (no pointer, no switch), with the
    spelling list and the archive version it was built from, as the whoosh build does."""
    from app.search.index import BUILT_FROM, SPELLING, fail_for_tests

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(schema(), path=str(folder), reuse=False)
    register(ix)
    writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
    words: set[str] = set()
    added = 0
    try:
        with open(folder / IDS, "w", encoding="utf-8") as ids:
            for docs, numbered, found in analysed_batches(iter(entries), processes_from):
                words |= found
                ids.writelines(json.dumps(id) + "\n" for id in numbered)
                for doc in docs:
                    writer.add_json(doc)
                    fail_for_tests(added)
                    added += 1
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        with contextlib.suppress(Exception):  # the failure that stopped the build is the news
            writer.rollback()
        raise
    (folder / SPELLING).write_text("\n".join(sorted(words)), encoding="utf-8")
    (folder / BUILT_FROM).write_text(built_from, encoding="utf-8")


def analysed_batches(entries: Iterator[IndexEntry], processes_from: int) -> Iterator[Batch]:
    """Batches of JSON documents, numbered in order. From `processes_from` passages on,
    worker processes analyse them, one batch ahead of the writer."""
    head = list(itertools.islice(entries, processes_from))
    if len(head) < processes_from:
        for start in range(0, len(head), BATCH):
            yield analysed_batch((start, head[start : start + BATCH]))
        return
    from app.search.index import workers_die_with_parent

    procs = max(2, os.cpu_count() or 2)
    rest = itertools.chain(head, entries)
    context = multiprocessing.get_context("fork")
    with workers_die_with_parent(), context.Pool(procs) as pool:
        pending, done = None, 0
        while batch := list(itertools.islice(rest, BATCH)):
            step = -(-len(batch) // procs)
            jobs = [(done + k, batch[k : k + step]) for k in range(0, len(batch), step)]
            job = pool.map_async(analysed_batch, jobs)
            done += len(batch)
            if pending is not None:
                yield from pending.get()
            pending = job
        if pending is not None:
            yield from pending.get()


# ---------------------------------------------------------------- reading


def total(found: tantivy.SearchResult) -> int:
    """The count tantivy's search made (its type stubs do not name it)."""
    return int(getattr(found, "count", 0) or 0)


class IdTable:
    """The lines of IDS as one bytes object and their offsets: a million ids take ~25 MB
    instead of the ~100 MB of a list of str."""

    def __init__(self, data: bytes):
        self.data = data
        self.starts = array("Q", [0])
        at = data.find(b"\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = data.find(b"\n", at + 1)

    def __getitem__(self, n: int) -> str:
        return str(json.loads(self.data[self.starts[n] : self.starts[n + 1] - 1]))


class TantivyFolder:
    """One opened tantivy index folder, shared by the threads of a process."""

    def __init__(self, folder: Path):
        self.path = Path(folder)
        self.index = tantivy.Index.open(str(folder))
        register(self.index)
        self.schema = self.index.schema
        self._ids: IdTable | None = None

    def ids(self) -> IdTable:
        """The passage id of each document number, read once (only checks against other
        engines need every match's id; a page's hits read their stored fields)."""
        if self._ids is None:
            self._ids = IdTable((self.path / IDS).read_bytes())
        return self._ids

    def searcher(self, **_ignored: object) -> TantivySearcher:
        return TantivySearcher(self)

    def doc_count(self) -> int:
        return int(self.index.searcher().num_docs)

    def close(self) -> None:
        """Nothing to release: tantivy unmaps the files when the objects go."""


class TantivySearcher:
    """A thread's searcher (app.search.index.SearchIndex keeps one per thread)."""

    def __init__(self, folder: TantivyFolder):
        self.folder = folder
        self.schema = folder.schema
        self.tantivy = folder.index.searcher()

    def doc_frequency(self, field: str, text: str) -> int:
        """Passages holding a word (did-you-mean asks whether a word is indexed)."""
        return int(self.tantivy.doc_freq(field, token(text)))

    def doc_count(self) -> int:
        return int(self.tantivy.num_docs)

    def count(self, query: tantivy.Query) -> int:
        """Passages matching a query (tantivy counts as it collects the best one)."""
        return total(self.tantivy.search(query, 1))

    def matching_ids(self, query: tantivy.Query) -> set[str]:
        """The id of every passage the query matches, unranked."""
        found = self.tantivy.search(query, max(1, self.count(query)))  # a limit of 0 panics
        numbers = self.tantivy.fast_field_values("n", [addr for _, addr in found.hits])
        ids = self.folder.ids()
        return {ids[int(n or 0)] for n in numbers}

    def close(self) -> None:
        """Nothing to release (see TantivyFolder.close)."""

"""The Whoosh index: one entry per passage, built in a new folder and switched to atomically.

Layout under index_root: one folder per build (`build-<time>-<pid>`) and a pointer file
`CURRENT` naming the live one. Whoosh readers see 0 documents during an in-place rebuild and
the index is not crash-safe, so a build never touches the live folder: it commits a new one,
then os.replace()s the pointer. Readers stat the pointer on every search (cheap) and move to
the new folder; old folders are deleted once no process holds a lease on them.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from app.config import search_engine
from app.search import whoosh_patches
from app.search.analysis import CJK_RUN, LangText
from app.search.entry import IndexEntry
from app.search.matchers import BM25
from app.search.query import day_number
from app.search.stored import ArchiveAnalyzer, ExactAnalyzer, GramAnalyzer, Offsets, Places
from app.text import HAN, match_form

if TYPE_CHECKING:  # tantivy itself loads where a tantivy index is opened (open_folder)
    from app.search.tantivy_index import TantivySearcher

ISO_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")
POINTER = "CURRENT"
# Raise when the schema, the posting format or a class path in app.search.stored changes:
# archives rebuild their index once. 4: the classes are named by app.search.stored.
# 5: the `exact` and `grams` fields, per-language stemmers, CJK words in words.txt.
# 6: a folder records the archive version it was built from (/healthz tells one behind).
# 7: `grams` leaves out the bigrams `text` holds as words starting at the same character.
# 8: a tantivy index stores no token streams or word spans (marks analyse the text again).
INDEX_FORMAT = "8"
SPELLING = "words.txt"  # unstemmed words, folded, and CJK words, sorted: for "did you mean"
WORDS = re.compile(rf"(?:[^\W\d_{HAN}]|[\u0300-\u036f])+")
LEASES = "leases"
BUILT_FROM = "built-from.txt"  # the archive version an index folder was built from
# Below this many passages one process is faster than starting writer processes.
MULTIPROCESS_FROM = 5000
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
MASKS_KEPT = 32  # filter masks per index (100 KB each at 100k passages)


def schema() -> fields.Schema:
    # Offsets keeps positions (phrases) and character offsets (pinpoint highlighting). No
    # spelling=True: whoosh's spelling field cost 11% of the index and a second analysis of
    # every passage; the unstemmed words go to words.txt instead (see spelling_words).
    # Fields nobody searches are only stored: every indexed value is a posting to write
    # (a NUMERIC is 8), and they were 13 of a passage's ~114 postings.
    # `exact` and `grams` (see app.search.analysis) keep positions only.
    text = fields.TEXT(analyzer=ArchiveAnalyzer(), stored=True, chars=True)
    text.format = Offsets()
    exact = fields.TEXT(analyzer=ExactAnalyzer())
    exact.format = Places()
    grams = fields.TEXT(analyzer=GramAnalyzer())
    grams.format = Places()
    return fields.Schema(
        id=fields.STORED(),
        text=text,
        exact=exact,
        grams=grams,
        speaker_name=fields.TEXT(analyzer=ArchiveAnalyzer(), stored=True),
        speaker_slug=fields.ID(stored=True, sortable=True),
        interview_slug=fields.ID(stored=True, sortable=True),
        interview_title=fields.STORED(),
        document_key=fields.STORED(),
        language=fields.ID(stored=True, sortable=True),
        date=fields.STORED(),
        # date as YYYYMMDD: a numeric range is a few trie terms, a range over date strings
        # was an OR of thousands of terms (320 ms for date:2021 at 100k passages)
        day=fields.NUMERIC(int, bits=32, signed=False, sortable=True),
        kind=fields.ID(stored=True, sortable=True),
        section=fields.STORED(),
        provenance=fields.STORED(),
        timestamp=fields.STORED(),
        ordinal=fields.STORED(),
        role=fields.STORED(),
    )


def document(entry: IndexEntry) -> dict[str, Any]:
    """The whoosh document of one passage: the entry's fields, its text analysed in its
    language, and its date as a day number for ranges."""
    text = LangText(entry.text, entry.language)  # one object: pickled once for the workers
    return {
        **vars(entry),  # the fields are named as in schema()
        "text": text,
        "exact": text,
        "grams": text,
        "_stored_text": entry.text,  # store a plain str: readers need not unpickle LangText
        "provenance": ",".join(entry.provenance),
        **({"day": day_number(entry.date)} if ISO_DATE.match(entry.date) else {}),
    }


def build_index(
    index_root: Path,
    entries: Iterable[IndexEntry],
    *,
    processes_from: int | None = None,
    built_from: str = "",
) -> Path:
    """Build a new index folder from the entries, switch the pointer to it, prune old ones.

    From `processes_from` entries on (ARCHIVE_INDEX_PROCESSES_FROM, default
    MULTIPROCESS_FROM), two writer processes share the work. On any failure the new folder
    goes and the live one stays. `built_from` (the archive's content version) is written
    into the folder, so that a server can tell an index that is behind its archive."""
    if processes_from is None:
        processes_from = int(os.environ.get("ARCHIVE_INDEX_PROCESSES_FROM", MULTIPROCESS_FROM))
    whoosh_patches.apply()  # the writer processes are forked: they inherit the patches
    index_root = Path(index_root)
    index_root.mkdir(parents=True, exist_ok=True)
    folder = index_root / f"build-{time.time_ns()}-{os.getpid()}"
    lease = folder / LEASES / f"{os.getpid()}-build"  # a concurrent build must not prune it
    lease.parent.mkdir(parents=True)
    lease.touch()
    try:
        write_folder(folder, entries, processes_from=processes_from, built_from=built_from)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _go_live(index_root, folder, lease)
    return folder


def install_folder(index_root: Path, source: Path) -> Path:
    """Copy an index folder built elsewhere (write_folder) beside the live one and switch
    to it, as build_index does: readers move over between two searches."""
    whoosh_patches.apply()
    index_root = Path(index_root)
    index_root.mkdir(parents=True, exist_ok=True)
    name = f"build-{time.time_ns()}-{os.getpid()}"
    incoming = index_root / f".incoming-{name}"  # not build-*: prune leaves it alone
    try:
        shutil.copytree(source, incoming, ignore=shutil.ignore_patterns(LEASES))
        copied = doc_count(incoming)  # a bad copy fails here
        if copied != doc_count(source):
            raise OSError(f"the copy of {source} holds {copied} passages, not all")
        lease = incoming / LEASES / f"{os.getpid()}-build"
        lease.parent.mkdir()
        lease.touch()
        os.rename(incoming, index_root / name)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    _go_live(index_root, index_root / name, index_root / name / LEASES / lease.name)
    return index_root / name


def _go_live(index_root: Path, folder: Path, lease: Path) -> None:
    previous = current_folder(index_root)
    _switch(index_root, folder.name)
    lease.unlink()
    prune(index_root, keep={folder.name, previous.name if previous else ""})


def write_folder(
    folder: Path, entries: Iterable[IndexEntry], *, processes_from: int, built_from: str = ""
) -> None:
    """Write a complete index into `folder` (no pointer, no switch), with the archive
    version it was built from (BUILT_FROM), so a server can tell an index behind its archive.
    ARCHIVE_ENGINE=tantivy writes a tantivy index instead (app.search.tantivy_index)."""
    if search_engine() == "tantivy":
        from app.search import tantivy_index

        tantivy_index.write_folder(
            folder, entries, processes_from=processes_from, built_from=built_from
        )
        return
    whoosh_patches.apply()
    entries = iter(entries)
    Path(folder).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), schema())
    head = list(itertools.islice(entries, processes_from))
    large = len(head) == processes_from
    # procs=2 + multisegment measured 1.9x faster on full rebuilds (2 cores); the analyzer
    # is importable, so it pickles into the writer processes. compound=False: a reader
    # copies each file of a compound segment into memory (81 MB per searcher at 100k
    # passages, per thread); separate files are mmapped and shared instead.
    options = {"limitmb": 256, "compound": False}
    with workers_die_with_parent():
        writer = ix.writer(procs=2, multisegment=True, **options) if large else ix.writer(**options)
        words: set[str] = set()
        try:
            for n, entry in enumerate(itertools.chain(head, entries)):
                words.update(WORDS.findall(entry.text))
                writer.add_document(**document(entry))
                fail_for_tests(n)
            writer.commit()
        except BaseException:
            cancel(writer)
            raise
    spelling = sorted({match_form(w) for w in words if len(w) >= 3} | cjk_words(folder))
    (folder / SPELLING).write_text("\n".join(spelling), encoding="utf-8")
    (folder / BUILT_FROM).write_text(built_from, encoding="utf-8")


def open_folder(folder: Path) -> Any:
    """The index in a folder, opened by the engine that wrote it (a whoosh Index or an
    app.search.tantivy_index.TantivyFolder: both have searcher(), doc_count(), close())."""
    if is_tantivy(folder):
        from app.search.tantivy_index import TantivyFolder

        return TantivyFolder(folder)
    return whoosh_index.open_dir(str(folder))


def doc_count(folder: Path) -> int:
    ix = open_folder(folder)
    try:
        return int(ix.doc_count())
    finally:
        ix.close()


def is_tantivy(folder: Path) -> bool:
    return (Path(folder) / "meta.json").exists()  # tantivy's own file (whoosh: *.toc)


def cjk_words(folder: Path) -> set[str]:
    """The indexed jieba words and hangul words of two or more characters (read from the
    index's term list: the analysis ran in the writer processes)."""
    ix = whoosh_index.open_dir(str(folder))
    reader = ix.reader()
    try:
        found = (w.decode("utf-8") for w in reader.lexicon("text"))
        return {w for w in found if len(w) >= 2 and CJK_RUN.fullmatch(w)}
    finally:
        reader.close()
        ix.close()


def cancel(writer: Any) -> None:
    """whoosh's MpWriter.cancel() only flags its worker processes in the parent's memory:
    the workers wait on their queue for ever. End them."""
    try:
        writer.cancel()
    finally:
        for task in getattr(writer, "tasks", []):
            task.terminate()
            task.join(5)


def fail_for_tests(n: int) -> None:
    """A full disk cannot be made on demand in a test: ARCHIVE_INDEX_FULL_AFTER=N makes the
    build fail as a full disk would, after N entries."""
    after = os.environ.get("ARCHIVE_INDEX_FULL_AFTER")
    if after and n >= int(after):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# Worker processes forked inside workers_die_with_parent() ask the kernel for SIGKILL when
# the process that forked them dies: a killed ingest (timeout, out of memory) must not leave
# writers running on a folder nobody will switch to.
_forking_parent = 0


@contextmanager
def workers_die_with_parent() -> Iterator[None]:
    global _forking_parent
    _forking_parent = os.getpid()
    try:
        yield
    finally:
        _forking_parent = 0


def _after_fork_in_child() -> None:
    global _forking_parent
    parent, _forking_parent = _forking_parent, 0
    if not parent or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


def _switch(index_root: Path, name: str) -> None:
    tmp = index_root / f".{POINTER}.{os.getpid()}.{threading.get_ident()}"
    try:
        tmp.write_text(name, encoding="utf-8")
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, index_root / POINTER)
    finally:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written pointer behind


def current_folder(index_root: Path) -> Path | None:
    try:
        name = (Path(index_root) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return Path(index_root) / name if name else None


class UnreadableIndex(RuntimeError):
    """The live index folder cannot be opened (e.g. a class path it names is gone)."""


def readable(index_root: Path) -> bool:
    """Whether the live index folder exists, opens (its schema unpickles) and was built
    by the engine ARCHIVE_ENGINE names (a changed engine rebuilds the index)."""
    folder = current_folder(index_root)
    if folder is None:
        return False
    try:  # a misspelt ARCHIVE_ENGINE fails here too, and again, with its message, at the build
        if is_tantivy(folder) != (search_engine() == "tantivy"):
            return False
        open_folder(folder).close()
    except Exception:
        return False
    return True


def prune(index_root: Path, keep: set[str]) -> None:
    """Delete build folders that are not kept and that no living process has leased."""
    for folder in Path(index_root).glob("build-*"):
        if folder.name not in keep and not _leased(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _leased(folder: Path) -> bool:
    for lease in (folder / LEASES).glob("*"):
        try:
            os.kill(int(lease.name.split("-")[0]), 0)
            return True
        except (ValueError, ProcessLookupError):
            lease.unlink(missing_ok=True)
        except PermissionError:  # alive, another user's process
            return True
    return False


T = TypeVar("T")  # a value SearchIndex caches per live folder


class SearchIndex:
    """Reader side: one Searcher per thread, reopened when the pointer file changes.

    Opening a searcher costs ~120 ms, so each thread keeps its own and only reopens after a
    switch. A folder this process reads is leased (a file named after the pid), so a
    concurrent build does not delete it under us.
    """

    def __init__(self, index_root: Path) -> None:
        whoosh_patches.apply()
        self.root = Path(index_root)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._indexes: dict[str, Any] = {}  # folder name -> its index (open_folder), shared
        self._users: dict[str, int] = {}  # folder name -> threads using it
        # (folder name, field) -> value per docnum; (folder name, what) -> a cached value
        self._columns: dict[tuple[str, object], Any] = {}
        self._pointer: tuple[int, int, int] | None = None
        self._name = ""
        self.problem = ""  # why the live folder cannot be opened, if it cannot

    def searcher(self) -> Searcher | TantivySearcher | None:
        """This thread's Searcher on the live folder (a TantivySearcher on a tantivy
        index: app.search.tantivy_index), or None when no index exists; raises
        UnreadableIndex when the folder cannot be opened (the next ingest rebuilds it)."""
        name = self._live_name()
        local = self._local
        if getattr(local, "name", None) == name and local.searcher is not None:
            return local.searcher
        self._release(local)
        if not name:
            self.problem = ""
            return None
        with self._lock:
            ix = self._indexes.get(name)
            if ix is None:
                folder = self.root / name
                try:  # a pointer to a deleted folder fails here already
                    (folder / LEASES).mkdir(exist_ok=True)
                    (folder / LEASES / str(os.getpid())).touch()
                    ix = self._indexes[name] = open_folder(folder)
                except Exception as exc:
                    (folder / LEASES / str(os.getpid())).unlink(missing_ok=True)
                    raise UnreadableIndex(f"cannot open the index {folder}: {exc!r}") from exc
            self._users[name] = self._users.get(name, 0) + 1
        local.name, local.searcher = name, ix.searcher(weighting=BM25())
        return local.searcher

    def state(self) -> tuple[str, str]:
        """("ok" | "missing" | "unreadable", the archive version the live index was built
        from) for /healthz; `problem` says what is wrong."""
        try:
            found = self.searcher()
        except UnreadableIndex as exc:
            self.problem = str(exc)
            return "unreadable", ""
        if found is None:
            self.problem = "no search index"
            return "missing", ""
        self.problem = ""
        path = self.root / self._local.name / BUILT_FROM
        built = self._cached(BUILT_FROM, lambda: path.read_text("utf-8") if path.exists() else "")
        return "ok", built

    def ready(self) -> bool:
        """Whether searches can run: an index exists and opens."""
        try:
            return self.searcher() is not None
        except UnreadableIndex:
            return False

    def spelling_words(self) -> list[str]:
        """The live folder's sorted word list (for whoosh's ListCorrector), read once."""
        path = self.root / getattr(self._local, "name", "") / SPELLING
        return self._cached(
            SPELLING, lambda: path.read_text(encoding="utf-8").split("\n") if path.exists() else []
        )

    def column(self, searcher: Searcher, fieldname: str) -> list[Any]:
        """A sortable field's value for every docnum of the searcher's folder, read once."""
        return self._cached(fieldname, lambda: list(searcher.reader().column_reader(fieldname)))

    def codes(self, searcher: Searcher, fieldname: str) -> tuple[list[int], list[Any]]:
        """A column as small ints per docnum and the value of each int (counting ints is
        faster than counting strings: facets over 43k hits take 4 ms instead of 7)."""

        def build() -> tuple[list[int], list[Any]]:
            labels: dict[Any, int] = {}
            codes = [labels.setdefault(v, len(labels)) for v in self.column(searcher, fieldname)]
            return codes, list(labels)

        return self._cached(("codes", fieldname), build)

    def mask(
        self, searcher: Searcher, fieldname: str, key: object, test: Callable[[Any], int]
    ) -> bytearray:
        """1 for each docnum whose column value passes `test` (a filter), kept for reuse."""
        if len(self._columns) > 2 * MASKS_KEPT:
            with self._lock:
                masks = [k for k in self._columns if isinstance(k[1], tuple) and k[1][0] == "mask"]
                for old in masks[: MASKS_KEPT // 2]:
                    self._columns.pop(old, None)
        return self._cached(
            ("mask", fieldname, key), lambda: bytearray(map(test, self.column(searcher, fieldname)))
        )

    def cached(self, what: object, build: Callable[[], T]) -> T:
        """A value computed once per live index folder (e.g. from its columns)."""
        return self._cached(("value", what), build)

    def _cached(self, what: object, build: Callable[[], T]) -> T:
        key = (getattr(self._local, "name", ""), what)
        value: T | None = self._columns.get(key)
        if value is None:
            value = build()
            with self._lock:
                self._columns[key] = value
        return value

    def live_name(self) -> str:
        """The live folder's name ("" when there is none): a new one after every switch."""
        return self._live_name()

    def _live_name(self) -> str:
        pointer = self.root / POINTER
        try:
            st = os.stat(pointer)
        except FileNotFoundError:
            return ""
        state = (st.st_ino, st.st_mtime_ns, st.st_size)
        if state != self._pointer:
            folder = current_folder(self.root)
            with self._lock:
                self._pointer, self._name = state, folder.name if folder else ""
        return self._name

    def _release(self, local: threading.local) -> None:
        name = getattr(local, "name", None)
        if not name:
            return
        local.searcher.close()
        local.name, local.searcher = None, None
        with self._lock:
            self._users[name] = self._users.get(name, 1) - 1
            if self._users[name] <= 0 and name != self._name:
                self._drop(name)

    def _drop(self, name: str) -> None:
        ix = self._indexes.pop(name, None)
        self._users.pop(name, None)
        for key in [k for k in self._columns if k[0] == name]:
            del self._columns[key]
        if ix is not None:
            ix.close()
        (self.root / name / LEASES / str(os.getpid())).unlink(missing_ok=True)

    def close(self) -> None:
        """Close this thread's searcher and give up every lease (tests, shutdown)."""
        self._release(self._local)
        with self._lock:
            for name in list(self._indexes):
                self._drop(name)

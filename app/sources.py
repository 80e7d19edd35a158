"""Which files an ingest reads, and the name each is kept under.

A file found in a folder is keyed by its path relative to that folder (`sub/page.txt`), so
two files of one name in different subfolders stay two documents; a file at the top of the
folder keeps its plain name, which is the key archives already hold for it. A link is
followed only when its target lies inside the folder: a link out of it would publish
whatever it points at. Everything left out is reported with its reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# `archive add` keeps what it fetched beside its snapshot under this suffix: not a source.
RECORD_SUFFIX = ".fetch.json"


@dataclass(frozen=True)
class Source:
    path: Path
    key: str  # the document key's file part and the archive's `source_file`


@dataclass(frozen=True)
class Skipped:
    key: str
    reason: str


def discover(paths: Iterable[Path]) -> tuple[list[Source], list[Skipped]]:
    """The files to read, in key order, and the entries left out."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            found, left = walk(path)
            skipped += left
        else:  # a file named on the command line: the user chose it, links included
            reason = not_regular(path)
            found = [] if reason else [Source(path, path.name)]
            skipped += [Skipped(path.name, reason)] if reason else []
        sources += found
    kept, duplicates = drop_duplicates(sources)
    return sorted(kept, key=lambda s: s.key), skipped + duplicates


def drop_duplicates(sources: list[Source]) -> tuple[list[Source], list[Skipped]]:
    """One document per key and per file on disk: a second path to the same file (a link
    beside its target, a file named twice) would store its passages twice."""
    keys: dict[str, Source] = {}
    real: dict[str, Source] = {}
    kept: list[Source] = []
    skipped: list[Skipped] = []
    for src in sources:
        target = os.path.realpath(src.path)
        first = keys.get(src.key) or real.get(target)
        if first is not None:
            skipped.append(Skipped(src.key, f"duplicate of {first.path}"))
            continue
        keys[src.key] = real[target] = src
        kept.append(src)
    return kept, skipped


def walk(root: Path) -> tuple[list[Source], list[Skipped]]:
    """Source files under root: regular files first, then links (so that a file and a link
    to it keep the file's own name)."""
    root_real = Path(os.path.realpath(root))
    files: list[Source] = []
    links: list[Source] = []
    skipped: list[Skipped] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(relative(folder, root), f"cannot list: {exc.strerror}"))
            continue
        for entry in entries:
            key = relative(entry.path, root)
            reason = entry_problem(entry, root_real)
            if reason:
                skipped.append(Skipped(key, reason))
            elif entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
            else:  # every file is a source: its format is told by its content
                (links if entry.is_symlink() else files).append(Source(Path(entry.path), key))
    return files + links, skipped


def entry_problem(entry: os.DirEntry, root_real: Path) -> str:
    """Why an entry is not read, or "" when it is (or is a folder to walk)."""
    if entry.name.startswith("."):
        return "hidden (its name starts with a dot)"
    if entry.name.endswith(RECORD_SUFFIX):
        return "fetch record of `archive add`"
    if entry.name.endswith(".part"):
        return "half-written snapshot (.part)"
    if entry.is_symlink():
        return link_problem(Path(entry.path), root_real)
    if entry.is_dir(follow_symlinks=False):
        return ""
    return not_regular(Path(entry.path))


def link_problem(link: Path, root_real: Path) -> str:
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "link to nothing (dangling)"
    except (RuntimeError, OSError):  # ELOOP: Python 3.11 raises RuntimeError for loops
        return "link loop"
    if not target.is_relative_to(root_real):
        return "link to a target outside the folder"
    if any(part.startswith(".") for part in target.relative_to(root_real).parts):
        return "link to a hidden file"
    if target.is_dir():
        return "link to a folder (its files are read where they are)"
    return not_regular(target)


def not_regular(path: Path) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if stat.S_ISREG(mode):
        return ""
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"not a regular file ({kind})"


def relative(path: str | Path, root: Path) -> str:
    return Path(path).relative_to(root).as_posix()

"""A synthesized archive as source pages: the benchmark's passages (bench/search.py's
synthesize) written as interview pages with speaker labels, then ingested by the real
`archive ingest`, so the served archive has interviews, speakers and passage pages.

`touch_pages` changes a few pages (one more turn at the end) so that the next ingest
rewrites them and rebuilds the index: what the load test runs during an ingest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.search.entry import IndexEntry
from app.text import slugify
from bench.search import synthesize

FIRST = ["Anna", "Jonas", "Lena", "Paul", "Mia", "Felix", "Sara", "Tim", "Nora", "Ben"]
LAST = ["Albers", "Brandt", "Conrad", "Dietz", "Ebert", "Fuchs"]
ZH_FAMILY = "李王张刘陈杨"
ZH_GIVEN = "明伟芳娜静磊洋艳勇军"
PER_PAGE = 40
COLON = {"de": ": ", "zh": "："}
APPENDIX = {
    "de": "Zum Schluss noch eine Ergänzung aus der Redaktion, Stand {n}.",
    "zh": "最后，编辑部补充说明，第{n}次更新。",
}


def person(k: int, language: str) -> str:
    """The k-th of 60 people (bench/search.py's speaker:person-K filters), in the page's script."""
    k %= 60
    if language == "zh":
        return ZH_FAMILY[k // 10] + ZH_GIVEN[k % 10]
    return f"{FIRST[k % 10]} {LAST[k // 10]}"


def speaker_slug(k: int, language: str) -> str:
    return slugify(person(k, language))


def pages(base: list[IndexEntry], size: int) -> Iterator[tuple[str, str]]:
    """(file name, page text) of `size` synthesized passages, PER_PAGE to a page; streamed,
    so the number of passages is bounded by the disk, not by memory."""
    page: list[IndexEntry] = []
    for entry in synthesize(base, size):
        if page and (len(page) == PER_PAGE or page[0].language != entry.language):
            yield page_file(page)
            page = []
        page.append(entry)
    if page:
        yield page_file(page)


def people(n: int, lang: str) -> list[str]:
    """Host and guest of the page whose first passage is the n-th."""
    host, guest = n % 60, (n // PER_PAGE * 7 + 1) % 60
    return [person(host, lang), person(guest if guest != host else (guest + 1) % 60, lang)]


def page_file(page: list[IndexEntry]) -> tuple[str, str]:
    first = page[0]
    n, lang = int(first.id[1:]), first.language
    names, colon = people(n, lang), COLON[lang]
    year, month, day = first.date.split("-")
    if lang == "zh":
        head = [f"{names[1]}访谈：第{n // PER_PAGE}期", f"{int(year)}年{int(month)}月{int(day)}日"]
    else:
        head = [f"{names[1]} im Gespräch (Folge {n // PER_PAGE})", f"{day}.{month}.{year}"]
    turns = [f"{names[k % 2]}{colon}{e.text}" for k, e in enumerate(page)]
    return f"bench-{n:08d}-{lang}.txt", "\n\n".join(head + turns) + "\n"


def write_pages(folder: Path, base: list[IndexEntry], size: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, text in pages(base, size):
        (folder / name).write_text(text, encoding="utf-8")
        count += 1
    return count


def touch_pages(folder: Path, every: int, n: int) -> list[str]:
    """Add one closing turn to every `every`-th page (the n-th change): the next ingest finds
    them changed, rewrites their records and rebuilds the index. Earlier turns keep their
    passage ids."""
    changed = []
    for path in sorted(folder.glob("bench-*.txt"))[::every]:
        text = path.read_text(encoding="utf-8")
        _, first, lang = path.stem.split("-")
        names, colon = people(int(first), lang), COLON[lang]
        # the other speaker answers: a turn of the last speaker would join the last passage
        # (one turn, all its paragraphs) and change its id
        last = max(names, key=lambda name: text.rfind(f"\n\n{name}{colon}"))
        label = names[1 - names.index(last)]
        path.write_text(text + f"\n{label}{colon}{APPENDIX[lang].format(n=n)}\n", encoding="utf-8")
        changed.append(path.name)
    return changed

"""Search benchmark: `python -m bench --sizes 10000,100000` (`--sizes 300` for CI).

Builds archives of N passages recombined from the real seed passages (same German/Chinese
mix, plus rare synthetic names so rare terms exist at every size), then prints the build rate,
index size, peak RSS of the build and of the searching process, latency per query type through
search() with one long-lived SearchIndex, snippet cost, and a comparison with SQLite FTS5 over
the same analysed tokens (same hit sets? how much faster?). Builds and searches run in child
processes so that each one's peak memory is its own. Each size ends with the wall time of
each step (what a larger run is estimated from), and the run with a table of one column
per size. `--engine whoosh,tantivy` runs the build and the searches with each engine, side
by side (one column per size and engine; FTS5 is loaded once per size). `--zh-quotes`
compares jieba with character bigrams on Chinese quotes taken from the seeds. `--dir DIR`
keeps each size's index folders, FTS5 file and build figures in DIR/<size> and reuses
them: a second run with the same DIR only searches (a 100k build takes 8-12 minutes, its
searches two), which is how a change to searching is measured against one build.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from app.config import ROOT
from app.search.analysis import CJK_RUN, grams, han_bigrams, han_words, split, terms
from app.search.entry import IndexEntry
from bench.engines import matcher, snippet_times

SYLLABLES = ["zor", "bla", "vek", "tin", "qua", "mur", "del", "fip", "ox", "ryn"]
COMMON = ["KI", "Anthropic", "我们", "公司"]
CHINESE_PUNCT = re.compile(r"[，。！？、：；“”‘’（）《》〈〉…—,.!?:;()\"\s]+")


# ---------------------------------------------------------------- passages


def seed_passages(db: Path) -> list[IndexEntry]:
    """The real passages, as the ingest of the seeds made them."""
    from sqlmodel import Session

    from app.store import index_entries, read_engine

    with Session(read_engine(Path(db))) as session:
        return [e for e in index_entries(session) if len(e.text) >= 20]


def seed_archive(folder: Path) -> Path:
    """Ingest seeds/ into a throwaway archive: the bench recombines the parser's passages."""
    from app.config import settings_for
    from app.ingest import ingest

    settings = settings_for(folder / "archive.db")
    ingest(settings, [ROOT / "seeds"])
    return settings.db_path


def rare_name(k: int) -> str:
    s = SYLLABLES
    return (s[k % 10] + s[k // 10 % 10] + s[k // 100 % 10]).title() + "ski"


def rare_count(size: int) -> int:
    return max(5, size // 1000)


def synthesize(base: list[IndexEntry], size: int, seed: int = 7):
    """Entries: a real passage plus a sentence of another of the same language."""
    rng = random.Random(seed)
    by_lang: dict[str, list[IndexEntry]] = {}
    for p in base:
        by_lang.setdefault(p.language, []).append(p)
    for i in range(size):
        first = base[i % len(base)]
        other = rng.choice(by_lang[first.language]).text
        sentences = re.split(r"(?<=[.!?。！？])\s*", other)
        text = first.text + " " + rng.choice(sentences)
        if i % 97 == 0:
            text += f" Dr. {rare_name(i // 97 % rare_count(size))}"
        speaker = rng.randrange(60)
        yield IndexEntry(
            id=f"b{i}",
            text=text,
            language=first.language,
            speaker_name=first.speaker_name or f"Person {speaker}",
            speaker_slug=first.speaker_slug or f"person-{speaker}",
            interview_slug=f"interview-{i // 40}",
            interview_title=f"Interview {i // 40}",
            document_key=f"doc-{i // 40}",
            date=f"{2020 + i // 40 % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            kind="interview",
            provenance=["transcript"],
            timestamp=i % 7200,
            ordinal=i % 40,
            role="answer",
        )


# ---------------------------------------------------------------- queries


def queries(base: list[IndexEntry], size: int, seed: int = 11) -> dict[str, list[str]]:
    rng = random.Random(seed)
    de = [p.text for p in base if p.language == "de"]
    zh = [p.text for p in base if p.language == "zh"]
    de_words = sorted({w for t in de for w in re.findall(r"[^\W\d_]{6,}", t)})
    zh_words = sorted({w for t in zh for _, _, w, han in split(t) if han and len(w) >= 2})
    return {
        "de_word": rng.sample(de_words, 15),
        "zh_word": rng.sample(zh_words, 15),
        "and_2": [
            " ".join(rng.sample(re.findall(r"[^\W\d_]{5,}", t), 2)) for t in rng.sample(de, 10)
        ]
        + [" ".join(rng.sample(zh_words, 2)) for _ in range(5)],
        "phrase": [german_phrase(rng.choice(de), rng) for _ in range(10)]
        + [chinese_phrase(rng.choice(zh), rng) for _ in range(5)],
        "filter": [f"lang:zh {rng.choice(zh_words)}" for _ in range(5)]
        + [f"date:2021 {rng.choice(de_words)}" for _ in range(5)]
        + [f"speaker:person-{rng.randrange(60)} KI" for _ in range(5)],
        "rare": [rare_name(k) for k in rng.sample(range(rare_count(size)), 5)],
        "common": COMMON,
        "fragment": [piece for piece, _ in fragments(base, rng)],
        "hostile": HOSTILE + ['"' + max(zh, key=len)[:498] + '"'],
    }


# The costliest 500-character queries found (issue #10): common words ORed, two-letter
# prefixes ORed and ANDed, common two-word quotes ORed, common Chinese characters ORed,
# a common word without ten common words, a common quote without nine; and (in
# `queries`) a quoted paste of a long Chinese passage, which opened a thousand posting
# lists before MAX_PLACES.
PAIRS = ["".join(p) for p in itertools.product("abdeghiklmnorstuvw", repeat=2)]
COMMON_QUOTES = ['"die KI"', '"und die"', '"der KI"', '"ist das"', '"das ist"', '"in der"']
NOT_COMMON = ["die", "der", "und", "das", "ist", "nicht", "wir", "sie", "es", "ein"]
HOSTILE = [
    " OR ".join(["die", "der", "und", "KI", "我们", "公司", "ist", "das"] * 20)[:500],
    " OR ".join(f"{p}*" for p in PAIRS)[:500],
    " ".join(f"{p}*" for p in PAIRS)[:500],
    " OR ".join(COMMON_QUOTES * 10)[:500],
    " OR ".join("的是我们在这有不了人一个就"),
    ("KI " + " ".join(f"-{w}" for w in NOT_COMMON * 5))[:500],
    # the slowest found after exclusions were reworked: a common quote without them
    ('"die KI" ' + " ".join(f"-{w}" for w in NOT_COMMON[1:] * 5))[:500],
]


def fragments(base: list[IndexEntry], rng, count: int = 20) -> list[tuple[str, str]]:
    """(fragment, id of a passage it was cut from): 2-6 Han, kana or hangul characters cut
    anywhere from a run of a passage, as people paste what they half remember. Passage k of
    the seeds opens passage b{k} of every archive the bench builds (see `synthesize`)."""
    runs = [(r, f"b{k}") for k, p in enumerate(base) for r in CJK_RUN.findall(p.text) if len(r) > 1]
    out = []
    for run, passage in rng.sample(runs, min(count, len(runs))):
        size = rng.randint(2, min(6, len(run)))
        at = rng.randrange(len(run) - size + 1)
        out.append((run[at : at + size], passage))
    return out


def german_phrase(text: str, rng) -> str:
    words = [w for w in re.split(r"\s+", text) if re.fullmatch(r"[^\W\d_]+[,.]?", w)]
    n = rng.randint(3, 5)
    at = rng.randrange(max(1, len(words) - n))
    return '"' + " ".join(w.strip(",.") for w in words[at : at + n]) + '"'


def chinese_phrase(text: str, rng) -> str:
    runs = [r for r in re.findall(r"[\u4e00-\u9fff]{6,}", text)] or ["数据中心"]
    run = rng.choice(runs)
    n = rng.randint(4, min(9, len(run)))
    at = rng.randrange(len(run) - n + 1)
    return f'"{run[at : at + n]}"'


# ---------------------------------------------------------------- children


def child_build(size: int, root: Path, db: Path) -> dict:
    from app.search.index import build_index

    base = seed_passages(db)
    start = time.perf_counter()
    folder = build_index(root, synthesize(base, size))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rate": size / seconds,
        "size_mb": sum(f.stat().st_size for f in folder.iterdir()) / 1e6,
        "rss_mb": max_rss_mb(),
    }


def child_search(size: int, root: Path, db: Path) -> dict:
    from app.search.index import SearchIndex
    from app.search.run import matching_ids, search
    from app.web.marks import snippet_html

    index = SearchIndex(root)
    base = seed_passages(db)
    qs = queries(base, size)
    search(index, "Anthropic")  # opens the searcher once, as a long-lived server would
    out: dict = {"latency": {}, "snippet_ms": [], "no_facets": [], "top": {}, "worst": [0.0]}
    out["partials"] = []  # [kind, query] of the searches a budget stopped
    cases = fragments(base, random.Random(11), 200)
    out["fragments_found"] = [sum(p in matching_ids(index, f) for f, p in cases), len(cases)]
    for kind, items in qs.items():
        times = []
        for _ in range(2):
            for q in items:
                start = time.perf_counter()
                result = search(index, q, page_size=10)
                times.append((time.perf_counter() - start) * 1000)
                if times[-1] > out["worst"][0]:
                    out["worst"] = [times[-1], q[:60], result.partial]
                if result.partial:
                    out["partials"].append([kind, q[:60]])
                out["top"].setdefault(
                    kind,
                    (q, result.total, [str(snippet_html(h.snippet))[:90] for h in result.hits[:2]]),
                )
                start = time.perf_counter()
                search(index, q, page_size=10, facets=False)
                out["no_facets"].append((time.perf_counter() - start) * 1000)
        out["latency"][kind] = times
    out["snippet_ms"] = snippet_times(index, [q for items in qs.values() for q in items])
    out["rss_mb"] = max_rss_mb()
    out["rss_now"] = rss_now()
    return out


def rss_now() -> dict[str, float]:
    """Current anonymous and file-backed RSS (MB): mmapped index pages count as RSS too."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return {}
    return {
        k: int(v.split()[0]) / 1024
        for k, v in re.findall(r"^(RssAnon|RssFile):\s+(.*)$", status, re.M)
    }


def max_rss_mb() -> float:
    """Peak RSS of this process or of one of its children (the index writers). Linux keeps
    ru_maxrss across exec, so a child started by a larger parent would report the parent's
    peak: this process's own peak is VmHWM, which starts afresh at exec."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    peak = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
    if peak:
        own = int(peak.group(1)) / 1024
    else:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return max(own, kids)


def run_child(step: str, size: int, root: Path, db: Path | None, engine: str) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "--child",
        step,
        "--sizes",
        str(size),
        "--root",
        str(root),
    ] + (["--db", str(db)] if db else [])
    env = {**os.environ, "ARCHIVE_ENGINE": engine}  # the build's engine; search reads any
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"bench {step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def kept_build(root: Path, size: int, db: Path, engine: str) -> dict:
    """The build's figures: of the build kept in `root` (`--dir`), or of a new one (kept
    there with its figures once it has finished)."""
    figures = root / f"{engine}.build.json"
    if figures.exists() and (root / engine).exists():
        return json.loads(figures.read_text())
    shutil.rmtree(root / engine, ignore_errors=True)  # an unfinished one
    build = run_child("build", size, root / engine, db, engine)
    figures.write_text(json.dumps(build))
    return build


# ---------------------------------------------------------------- FTS5


def fts5_compare(size: int, root: Path, db: Path, engines: list[str]) -> dict:
    """FTS5 over the same tokens: same hit sets (non-phrase and phrase) as each engine's
    index (root/<engine>) and latency ratio."""
    from app.search.index import SearchIndex
    from app.search.query import prepare

    loading = time.perf_counter()
    base = seed_passages(db)
    kept = root / "fts.db"
    if not kept.exists():  # a kept folder (--dir) has it from an earlier run
        fts5_load(base, size, root / "fts.db.part")
        (root / "fts.db.part").rename(kept)
    con = sqlite3.connect(kept)
    started = time.perf_counter()
    report: dict[str, Any] = {"latency": {}, "checked": 0, "load_seconds": started - loading}
    report["engines"] = {e: {"mismatches": []} for e in engines}
    matchers = {e: matcher(SearchIndex(root / e)) for e in engines}
    for kind, items in queries(base, size).items():
        times = []
        for q in items:
            match, where, args = fts_query(prepare(q))
            sql = f"SELECT id FROM p WHERE p MATCH ? {where}"
            start = time.perf_counter()
            con.execute(sql + " ORDER BY rank LIMIT 10", [match, *args]).fetchall()
            times.append((time.perf_counter() - start) * 1000)
            theirs = {r[0] for r in con.execute(sql, [match, *args])}
            report["checked"] += 1
            for engine, find in matchers.items():
                ours = find(q)
                if ours != theirs:
                    report["engines"][engine]["mismatches"].append(
                        (kind, q, len(ours), len(theirs))
                    )
        report["latency"][kind] = times
    con.close()
    report["compare_seconds"] = time.perf_counter() - started
    return report


def fts5_load(base: list[IndexEntry], size: int, path: Path) -> None:
    """The FTS5 table of the size's passages, written to `path`."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute(
        "CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, lang UNINDEXED, "
        "speaker UNINDEXED, date UNINDEXED, text, exact, grams, tokenize='unicode61')"
    )
    con.executemany(
        "INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                e.id,
                e.language,
                e.speaker_slug,
                e.date,
                " ".join(terms(e.text, e.language)),
                " ".join(terms(e.text, e.language, stemmed=False)),
                " ".join(g for _, g in grams(e.text)),
            )
            for e in synthesize(base, size)
        ),
    )
    con.commit()
    con.close()


def fts_query(parsed) -> tuple[str, str, list]:
    """An FTS5 MATCH expression and WHERE clause for a parsed query (app.search.query)."""
    from app.search.query import AnyOf, DayRange, Term

    match = " AND ".join(fts_match(q) for q in parsed.must)
    words_out = [
        n
        for n in parsed.must_not
        if not isinstance(n, DayRange) and (not isinstance(n, Term) or n.field == "text")
    ]
    if words_out:  # -word: the bench's only exclusions (filters are not excluded here)
        match = f"({match}) NOT (" + " OR ".join(fts_match(n) for n in words_out) + ")"
    where, args = "", []
    for f in parsed.filters:
        if isinstance(f, AnyOf):  # speaker: slug or name; the bench uses slugs
            f = f.parts[0]
        if isinstance(f, DayRange):
            where += " AND CAST(replace(date, '-', '') AS INTEGER) BETWEEN ? AND ?"
            args += [f.lo or 0, f.hi or 99999999]
        else:
            column = {"language": "lang", "speaker_slug": "speaker"}[f.field]
            where += f" AND {column} = ?"
            args.append(f.text)
    return match, where, args


def fts_match(q) -> str:
    """The MATCH expression of a node: stems in `text`; a quote is a phrase of unstemmed
    forms in `exact` (every word, where our index keeps only the changed ones: the same
    matches), a CJK fragment a phrase of bigrams in `grams`."""
    from app.search.query import AllOf, Phrase, Prefix, Sequence, Term, Tiered

    if isinstance(q, Term):
        return f'text : "{q.text}"'
    if isinstance(q, Phrase):
        return 'text : "' + " ".join(q.words) + '"'
    if isinstance(q, Prefix):
        return f'text : "{q.text}"*'
    if isinstance(q, Sequence):
        field = "grams" if q.slots[0][1][0][0] == "grams" else "exact"
        return f'{field} : "' + " ".join(options[0][1] for _, options in q.slots) + '"'
    if isinstance(q, Tiered):
        return f"({fts_match(q.words)} OR {fts_match(q.grams)})"
    joiner = " AND " if isinstance(q, AllOf) else " OR "
    return "(" + joiner.join(fts_match(s) for s in q.parts) + ")"


# ---------------------------------------------------------------- jieba vs bigrams


def zh_quotes(db: Path, seed: int = 5) -> dict:
    """Share of Chinese quotes found as a phrase, with jieba and with bigrams: clauses between
    punctuation (what people quote) and random substrings (what people half remember)."""
    rng = random.Random(seed)
    passages = [p.text for p in seed_passages(db) if p.language == "zh"]
    cases: dict[str, list] = {"clauses": [], "word_spans": [], "substrings": []}
    for n, text in enumerate(passages):
        for clause in CHINESE_PUNCT.split(text):
            if 2 <= len(clause) <= 30 and re.fullmatch(r"[\u4e00-\u9fff]+", clause):
                cases["clauses"].append((clause, n))
        for run in re.findall(r"[\u4e00-\u9fff]{4,}", text):
            words = [w for _, _, w in han_words(run)]
            at = rng.randrange(len(words))
            cases["word_spans"].append(("".join(words[at : at + rng.randint(2, 4)]), n))
            size = rng.randint(2, min(8, len(run)))
            at = rng.randrange(len(run) - size + 1)
            cases["substrings"].append((run[at : at + size], n))
    out: dict = {kind: len(found) for kind, found in cases.items()}
    for name, segment in (("jieba", han_words), ("bigrams", han_bigrams)):
        tokens = [terms(text, "zh", segment=segment) for text in passages]
        out[name] = {
            kind: sum(contains(tokens[n], terms(q, "zh", segment=segment)) for q, n in found)
            / len(found)
            for kind, found in cases.items()
        }
        out[name]["tokens"] = sum(map(len, tokens))
    return out


def contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


# ---------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def report(size: int, engine: str, build: dict, found: dict, fts: dict) -> dict:
    print(f"\n=== {size:,} passages, {engine}")
    print(
        f"build {build['rate']:.0f} passages/s ({build['seconds']:.1f} s), index "
        f"{build['size_mb']:.1f} MB, build peak RSS {build['rss_mb']:.0f} MB, "
        f"search peak RSS {found['rss_mb']:.0f} MB (at the end: "
        + ", ".join(f"{k} {v:.0f} MB" for k, v in found.get("rss_now", {}).items())
        + ")"
    )
    print(f"{'query type':10} {'p50 ms':>8} {'p95 ms':>8} {'FTS5 p50':>9} {'ratio':>6}")
    everything = []
    for kind, times in found["latency"].items():
        everything += times
        theirs = statistics.median(fts["latency"][kind])
        p50 = statistics.median(times)
        print(f"{kind:10} {p50:8.2f} {pct(times, 0.95):8.2f} {theirs:9.2f} {p50 / theirs:6.1f}x")
    print(f"{'all':10} {statistics.median(everything):8.2f} {pct(everything, 0.95):8.2f}")
    print(
        f"without facets: p50 {statistics.median(found['no_facets']):.2f} ms, "
        f"p95 {pct(found['no_facets'], 0.95):.2f} ms"
    )
    print(
        f"snippets for a 10-hit page: p50 {statistics.median(found['snippet_ms']):.2f} ms, "
        f"p95 {pct(found['snippet_ms'], 0.95):.2f} ms"
    )
    worst, q, partial = found["worst"]
    print(f"slowest query: {worst:.0f} ms, {q!r}" + (" (stopped by the time budget)" * partial))
    stopped = Counter(kind for kind, _ in found.get("partials", []))
    print(
        f"stopped by a budget (partial): {sum(stopped.values())} of {len(everything)} searches"
        + "".join(f", {n} {kind}" for kind, n in stopped.items())
    )
    found_, cut = found["fragments_found"]
    print(f"fragments of 2-6 CJK characters that find their passage: {found_}/{cut}")
    mismatches = fts["engines"][engine]["mismatches"]
    print(f"FTS5 hit sets: {fts['checked'] - len(mismatches)}/{fts['checked']} equal")
    for kind, q, ours, theirs in mismatches:
        print(f"  mismatch {kind} {q!r}: {engine} {ours}, fts5 {theirs}")
    for kind, (q, total, snippets) in found["top"].items():
        print(f"  {kind:8} {q[:40]!r}: {total} hits; {snippets[:1]}")
    return {
        "size": size,
        "engine": engine,
        "build": build,
        "search": {k: v for k, v in found.items() if k != "top"},
        "fts5": fts,
    }


def phases(took: dict, fts: dict) -> dict[str, float]:
    """Wall seconds of each step of one size: what a run at a larger size is estimated from."""
    steps = {k: v for k, v in took.items() if k not in ("start", "end")}
    return {
        **steps,
        "FTS5 load": fts["load_seconds"],
        "FTS5 compare": fts["compare_seconds"],
        "total": took["end"] - took["start"],
    }


def disk_mb(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6


def summary(figures: list[dict]) -> None:
    """The README's table: one column per size."""
    if not figures:
        return
    rows: dict[str, list[str]] = {}
    for f in figures:
        build, found, fts = f["build"], f["search"], f["fts5"]
        mismatches = fts["engines"][f["engine"]]["mismatches"]
        every = [t for times in found["latency"].values() for t in times]

        def p50(kind, source=found):
            return statistics.median(source["latency"][kind])

        cells = {
            "build": f"{build['rate']:,.0f} passages/s ({build['seconds']:,.0f} s), "
            f"peak RSS {build['rss_mb']:,.0f} MB",
            "index size": f"{build['size_mb']:,.1f} MB",
            "searching process RSS": f"{found['rss_mb']:,.0f} MB",
            "p50 / p95, all query types": f"{statistics.median(every):.1f} / "
            f"{pct(every, 0.95):.1f} ms",
            "exact phrase, p50": f"{p50('phrase'):.1f} ms (FTS5: {p50('phrase', fts):.1f} ms)",
            "very common word, p50": f"{p50('common'):.1f} ms (FTS5: {p50('common', fts):.1f} ms)",
            "snippets for a 10-hit page, p50": f"{statistics.median(found['snippet_ms']):.1f} ms",
            "FTS5 hit sets equal": f"{fts['checked'] - len(mismatches)} of "
            f"{fts['checked']} queries",
            "bench time for this size": f"{f['took']['total'] / 60:,.1f} min",
        }
        for name, cell in cells.items():
            rows.setdefault(name, []).append(cell)
    heads = [f"{f['size']:,} passages, {f['engine']}" for f in figures]
    print("\n| measure | " + " | ".join(heads) + " |")
    print("| --- |" + " --- |" * len(figures))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(row) + " |")


def done(size: int, what: str, since: float) -> float:
    """Print a step's wall time as it ends (a run at 1M takes hours) and return it."""
    seconds = time.perf_counter() - since
    print(f"{size:,} passages, {what} in {seconds:.0f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300")
    parser.add_argument(
        "--db",
        type=Path,
        help="an ingested archive to take passages from "
        "(default: the seeds, ingested into a temporary archive)",
    )
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["build", "search"], help=argparse.SUPPRESS)
    parser.add_argument("--zh-quotes", action="store_true", help="jieba vs bigrams only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--dir",
        type=Path,
        help="keep each size's indexes, FTS5 file and build figures in DIR/<size> "
        "and reuse them (a second run only searches)",
    )
    parser.add_argument(
        "--engine", default="whoosh", help="whoosh, tantivy or both: whoosh,tantivy"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = [e.strip() for e in args.engine.split(",") if e.strip()]
    if not engines or set(engines) - {"whoosh", "tantivy"}:
        parser.error("--engine takes whoosh, tantivy or whoosh,tantivy")
    if args.child:
        step = child_build if args.child == "build" else child_search
        print(json.dumps(step(sizes[0], args.root, args.db)))
        return
    if args.db is None:
        args.db = seed_archive(Path(tempfile.mkdtemp(prefix="bench-seeds-")))
    quotes = zh_quotes(args.db)
    print(
        f"Chinese quotes found as phrases ({quotes['clauses']} clauses, {quotes['word_spans']} "
        f"spans of 2-4 words, {quotes['substrings']} substrings of 2-8 characters):"
    )
    for name in ("jieba", "bigrams"):
        print(
            f"  {name:8} clauses {quotes[name]['clauses']:.1%}, word spans "
            f"{quotes[name]['word_spans']:.1%}, substrings {quotes[name]['substrings']:.1%}, "
            f"{quotes[name]['tokens']} tokens indexed"
        )
    if args.zh_quotes:
        return
    figures = [quotes]
    for size in sizes:
        root = args.dir / str(size) if args.dir else Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
        root.mkdir(parents=True, exist_ok=True)
        try:
            took, runs = {"start": time.perf_counter()}, {}
            for engine in engines:
                at = time.perf_counter()
                build = kept_build(root, size, args.db, engine)
                took[f"{engine} build (child)"] = done(size, f"{engine}: built", at)
                at = time.perf_counter()
                runs[engine] = build, run_child("search", size, root / engine, args.db, engine)
                took[f"{engine} search (child)"] = done(size, f"{engine}: searched", at)
            fts = fts5_compare(size, root, args.db, engines)
            print(f"{size:,} passages: FTS5 loaded and compared", flush=True)
            took["end"] = time.perf_counter()
            for engine, (build, found) in runs.items():
                figures.append(report(size, engine, build, found, fts))
                figures[-1]["took"] = phases(took, fts)
            print(
                "took: "
                + ", ".join(f"{k} {v:.0f} s" for k, v in figures[-1]["took"].items())
                + f" (index folders and FTS5 file: {disk_mb(root):.0f} MB)"
            )
        finally:
            if not args.dir:
                shutil.rmtree(root, ignore_errors=True)
    summary(figures[1:])
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

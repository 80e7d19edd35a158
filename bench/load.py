"""Load test: `python -m bench.load --size 20000 --workers 2` (`--during-ingest` too).

Starts `archive serve --workers N` on 127.0.0.1 over a synthesized archive (bench/archive.py,
ingested by the real `archive ingest`) or an existing one (`--db`), then sends a fixed
number of requests per page kind (home, search with the benchmark's query mix, interview,
passage, API) at each concurrency (1, 8, 32) from an httpx async client, and prints
requests/s, p50/p99, errors (a status other than 200, a failed connection) and empty
pages (a 200 without its content: a search that found passages before the load must find
them during it). With `--during-ingest` the same load runs while `archive ingest`
rewrites pages of the archive and switches the index, again and again, until the ingests
asked for have finished; each round is labelled. Exit status 1 when any request failed a
check. Speed figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.config import ROOT, settings_for
from app.search.index import current_folder
from bench.archive import speaker_slug, touch_pages, write_pages
from bench.search import pct, queries, seed_archive, seed_passages

KINDS = ["home", "search", "interview", "passage", "api"]
TARGETS_PER_KIND = 50  # distinct URLs per page kind, used round-robin


@dataclass
class Target:
    url: str
    check: Callable[[httpx.Response], str]  # "" when the answer is right, else what is wrong


@dataclass
class Cell:
    """One page kind at one concurrency in one round: latencies, errors, empty pages."""

    kind: str
    concurrency: int
    phase: str = ""  # which round: "" alone, "during ingest 2", "after the last switch"
    seconds: float = 0.0
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # not a 200, or no answer at all
    empty: list[str] = field(default_factory=list)  # a 200 without what it must show

    @property
    def failures(self) -> list[str]:
        return self.errors + self.empty

    def figures(self) -> dict:
        return {
            "kind": self.kind,
            "concurrency": self.concurrency,
            "phase": self.phase,
            "requests": len(self.ms),
            "rps": len(self.ms) / self.seconds if self.seconds else 0.0,
            "p50_ms": statistics.median(self.ms) if self.ms else 0.0,
            "p99_ms": pct(self.ms, 0.99),
            "errors": len(self.errors),
            "empty": len(self.empty),
        }


# ---------------------------------------------------------------- checks


def page_with(marker: str) -> Callable[[httpx.Response], str]:
    def check(r: httpx.Response) -> str:
        if r.status_code != 200:
            return f"status {r.status_code}"
        return "" if marker in r.text else f"no {marker!r} on the page"

    return check


def json_with(test: Callable[[dict], bool], what: str) -> Callable[[httpx.Response], str]:
    def check(r: httpx.Response) -> str:
        if r.status_code != 200:
            return f"status {r.status_code}"
        try:
            return "" if test(r.json()) else what
        except ValueError:
            return "not JSON"

    return check


def has_hits(data: dict) -> bool:
    return data["total"] > 0 and bool(data["hits"])


# ---------------------------------------------------------------- what to ask


def query_mix(db: Path, size: int) -> list[str]:
    """The benchmark's query types over the passages of `db` (the seeds the archive was
    synthesized from, or the archive given); its speaker:person-K filters name
    bench/archive.py's people."""
    mix = []
    for items in queries(seed_passages(db), size).values():
        for q in items:
            if q.startswith("speaker:person-"):
                k, rest = q.removeprefix("speaker:person-").split(" ", 1)
                q = f"speaker:{speaker_slug(int(k), 'de')} {rest}"
            mix.append(q)
    return mix


def targets(client: httpx.Client, mix: list[str]) -> tuple[dict[str, list[Target]], int]:
    """URLs per page kind, each with its check; and how many queries of the mix find
    passages (those must keep finding them under load)."""
    found = {q: client.get("/api/search", params={"q": q}).json() for q in mix}
    hits = {q for q, data in found.items() if has_hits(data)}
    ids = list(dict.fromkeys(h["id"] for q in mix for h in found[q]["hits"]))
    listed = client.get("/api/interviews", params={"page_size": 100}).json()
    slugs = [i["slug"] for i in listed["items"]]
    n = TARGETS_PER_KIND
    search = [
        Target(str(httpx.URL("/search", params={"q": q})), page_with('<li class="hit">'))
        if q in hits
        else Target(str(httpx.URL("/search", params={"q": q})), page_with("</html>"))
        for q in mix
    ]
    api = [
        Target(str(httpx.URL("/api/search", params={"q": q})), json_with(has_hits, "no hits"))
        for q in sorted(hits)[: n // 2]
    ]
    api += [
        Target(f"/api/passages/{pid}", json_with(lambda d: bool(d["passage"]["text"]), "empty"))
        for pid in ids[: n // 4]
    ]
    api += [
        Target(f"/api/interviews/{s}", json_with(lambda d: bool(d["passages"]), "no passages"))
        for s in slugs[: n // 8]
    ]
    api.append(Target("/api/stats", json_with(lambda d: d["passages"] > 0, "no passages")))
    return {
        "home": [Target("/", page_with('class="card'))],
        "search": search,
        "interview": [Target(f"/interviews/{s}", page_with('class="passage')) for s in slugs[:n]],
        "passage": [Target(f"/p/{pid}", page_with(f"/p/{pid}")) for pid in ids[:n]],
        "api": api,
    }, len(hits)


# ---------------------------------------------------------------- load


async def run_cell(base: str, cell: Cell, plan: list[Target], count: int) -> None:
    """`count` requests over `plan` (round-robin) from `cell.concurrency` clients."""
    urls = itertools.islice(itertools.cycle(plan), count)
    limits = httpx.Limits(max_connections=cell.concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def reader():
            for target in urls:  # one shared iterator: the readers share the work
                start = time.perf_counter()
                try:
                    response = await client.get(target.url)
                    problem = target.check(response)
                    answered = response.status_code == 200
                except httpx.HTTPError as exc:
                    problem, answered = f"{type(exc).__name__}: {exc}", False
                cell.ms.append((time.perf_counter() - start) * 1000)
                if problem:
                    (cell.empty if answered else cell.errors).append(f"{target.url}: {problem}")

        start = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(cell.concurrency)))
        cell.seconds = time.perf_counter() - start


def run_round(
    base: str, plans: dict, concurrencies: list[int], count: int, phase: str = ""
) -> list[Cell]:
    cells = []
    for concurrency in concurrencies:
        for kind in KINDS:
            cell = Cell(kind, concurrency, phase)
            asyncio.run(run_cell(base, cell, plans[kind], count))
            cells.append(cell)
    return cells


# ---------------------------------------------------------------- the archive and server


def archive_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, cwd=ROOT, **kw
    )


def build_archive(folder: Path, size: int) -> tuple[Path, float]:
    """Pages of `size` synthesized passages in folder/pages (from the seeds' passages, in
    folder/seeds/archive.db), ingested into folder/archive.db. Kept: a second run on the
    same folder only re-ingests (nothing, unless the parser or the index format changed)."""
    db, pages = folder / "archive.db", folder / "pages"
    if not db.exists():
        shutil.rmtree(folder / "seeds", ignore_errors=True)
        write_pages(pages, seed_passages(seed_archive(folder / "seeds")), size)
    start = time.perf_counter()
    done = archive_cli("ingest", str(pages), "--db", str(db))
    if done.returncode:
        sys.exit(f"archive ingest failed:\n{done.stderr[-3000:]}")
    return db, time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(db: Path, workers: int, log: Path):
    """`archive serve --workers N` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--db", str(db), "--workers", str(workers)]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_memory(log: Path) -> list[dict[str, float]]:
    """Memory of each worker process the server's log names (Linux /proc; else nothing)."""
    found = []
    for pid in dict.fromkeys(re.findall(r"Started server process \[(\d+)\]", log.read_text())):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(re.findall(r"^(VmHWM|RssAnon|RssFile):\s+(\d+)", status, re.M))
        found.append({k: int(v) / 1024 for k, v in fields.items()})
    return found


def wait_until_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            sys.exit(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            health = httpx.get(f"{base}/healthz", timeout=5)
            if health.status_code == 200 and health.json()["indexed"]:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit("the server did not answer /healthz")


class Reingest(threading.Thread):
    """`archive ingest` over and over, each time after changing a twentieth of the pages:
    every run rewrites records and builds and switches a new index."""

    def __init__(self, pages: Path, db: Path):
        super().__init__(daemon=True)
        self.pages, self.db = pages, db
        self.stop = threading.Event()
        self.runs: list[dict] = []

    def run(self) -> None:
        every = max(1, len(list(self.pages.glob("*.txt"))) // 20)
        for n in itertools.count(1):
            if self.stop.is_set():
                return
            changed = touch_pages(self.pages, every, n)
            start = time.perf_counter()
            done = archive_cli("ingest", str(self.pages), "--db", str(self.db))
            live = current_folder(settings_for(self.db).index_root)
            self.runs.append(
                {
                    "seconds": time.perf_counter() - start,
                    "changed_pages": len(changed),
                    "returncode": done.returncode,
                    "error": done.stderr[-2000:] if done.returncode else "",
                    "index": live.name if live else "",
                }
            )


# ---------------------------------------------------------------- report


def print_cells(cells: list[Cell]) -> None:
    head = f"{'concurrency':>11} {'page':10} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{head} {'errors':>6} {'empty':>6}")
    phase = None
    for cell in cells:
        f = cell.figures()
        if f["phase"] != phase and f["phase"]:
            print(f"-- {f['phase']}")
        phase = f["phase"]
        print(
            f"{f['concurrency']:>11} {f['kind']:10} {f['rps']:7.1f} {f['p50_ms']:8.1f} "
            f"{f['p99_ms']:8.1f} {f['errors']:>6} {f['empty']:>6}"
        )
    for failure in [x for cell in cells for x in cell.failures][:20]:
        print(f"  failed: {failure}")
    errors = sum(len(c.errors) for c in cells)
    empty = sum(len(c.empty) for c in cells)
    requests = sum(len(c.ms) for c in cells)
    print(f"errors: {errors} of {requests} requests; empty pages: {empty}")


def during_ingest(base, plans, args, pages: Path, db: Path) -> tuple[list[Cell], list[dict]]:
    """Rounds of the same load while ingests run, until `args.ingests` have finished (at
    most `args.max_rounds` rounds); then one last round after the last switch."""
    ingests = Reingest(pages, db)
    ingests.start()
    cells: list[Cell] = []
    try:
        for n in range(1, args.max_rounds + 1):
            phase = f"during ingest, round {n} ({len(ingests.runs)} ingests done)"
            cells += run_round(base, plans, args.concurrency, args.requests, phase)
            if len(ingests.runs) >= args.ingests:
                break
    finally:
        ingests.stop.set()
        ingests.join()
    last = "after the last switch"
    cells += run_round(base, plans, args.concurrency, args.requests, last)
    return cells, ingests.runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="passages to synthesize")
    parser.add_argument("--dir", type=Path, help="keep the synthesized archive here (reused)")
    parser.add_argument("--db", type=Path, help="serve this archive instead (no --during-ingest)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--requests", type=int, default=200, help="per page kind and concurrency")
    parser.add_argument("--during-ingest", action="store_true")
    parser.add_argument("--ingests", type=int, default=2, help="ingests to finish under load")
    parser.add_argument("--max-rounds", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    if args.db and args.during_ingest:
        parser.error("--during-ingest rewrites the archive: use a synthesized one (--dir)")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="load-"))
    try:
        run(args, folder)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


def run(args, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    db, ingest_seconds = (args.db, 0.0) if args.db else build_archive(folder, args.size)
    with server(db, args.workers, folder / "serve.log") as base:
        with httpx.Client(base_url=base, timeout=60) as client:
            passages = client.get("/api/stats").json()["passages"]
            mix = query_mix(args.db or folder / "seeds" / "archive.db", passages)
            plans, with_hits = targets(client, mix)
        print(
            f"load test: {passages:,} passages, {args.workers} worker(s), {args.requests} "
            f"requests per page kind and concurrency, {os.cpu_count()} cores, "
            f"{with_hits} of {len(plans['search'])} queries find passages"
            + (f"; archive ingested in {ingest_seconds:.0f} s" if ingest_seconds else "")
        )
        runs: list[dict] = []
        if args.during_ingest:
            cells, runs = during_ingest(base, plans, args, folder / "pages", db)
        else:
            cells = run_round(base, plans, args.concurrency, args.requests)
        memory = worker_memory(folder / "serve.log")
    print_cells(cells)
    print(
        "server workers, peak RSS (now: anonymous + file-backed): "
        + ", ".join(
            f"{m['VmHWM']:.0f} MB ({m['RssAnon']:.0f} + {m['RssFile']:.0f})" for m in memory
        )
    )
    for n, r in enumerate(runs, 1):
        print(
            f"ingest {n}: {r['changed_pages']} pages changed, {r['seconds']:.1f} s, "
            f"exit {r['returncode']}, index now {r['index']}"
            + (f"\n{r['error']}" if r["error"] else "")
        )
    if args.json:
        figures = {"passages": passages, "cells": [c.figures() for c in cells], "ingests": runs}
        figures["workers"] = memory
        args.json.write_text(json.dumps(figures, indent=1))
    switched = len({r["index"] for r in runs}) == len(runs)  # every ingest built a new index
    bad_ingest = any(r["returncode"] for r in runs) or not switched
    bad_ingest |= len(runs) < args.ingests * args.during_ingest
    if any(c.failures for c in cells) or bad_ingest:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Load test: `python -m bench.load --size 20000 --workers 2` (`--during-ingest` too).

Starts `archive serve --workers N` on 127.0.0.1 over a synthesized archive (bench/archive.py,
ingested by the real `archive ingest`) or an existing one (`--db`), then sends a fixed
number of requests per page kind at each concurrency (1, 8, 32), and prints requests/s,
p50/p99, errors (a status other than 200, a failed connection) and empty pages (a 200
without its content: a search that found passages before the load must find them during
it). The kinds: home, search (the benchmark's query mix, asked again and again: the
server's caches answer most of it), search-new (every request a query never asked
before: two or one words of a passage drawn at random, which must find it), interview,
passage, passage-new (every request a passage not asked before), API. The client is a
lean keep-alive HTTP/1.1 client on asyncio streams (`--client httpx` for httpx's): it
shares the cores with the server, and its share of the CPU both used is printed per
cell. With `--during-ingest` the same load runs while `archive ingest`
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
import random
import re
import shutil
import socket
import sqlite3
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
from typing import Any, Protocol

import httpx

from app.config import ROOT, settings_for
from app.search.index import current_folder
from app.text import has_cjk
from bench.archive import speaker_slug, touch_pages, write_pages
from bench.search import pct, queries, seed_archive, seed_passages

KINDS = ["home", "search", "search-new", "interview", "passage", "passage-new", "api"]
TARGETS_PER_KIND = 50  # distinct URLs per page kind, used round-robin
WORD = re.compile(r"\b[^\W\d_]{4,}\b")  # a whole word of letters (not "Qwen" of "Qwen3")


class Answer(Protocol):
    """What a check reads of an answer: httpx.Response and the lean client's Reply."""

    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


@dataclass
class Target:
    url: str
    check: Callable[[Answer], str]  # "" when the answer is right, else what is wrong


class Fresh:
    """Targets used once each: every cell takes the next ones (nothing asked twice)."""

    def __init__(self, targets: list[Target]):
        self.targets = targets
        self.used = 0

    def take(self, count: int) -> list[Target]:
        """The next `count`; a small archive runs out, and then starts again (said in the
        report: those were asked before)."""
        taken = [self.targets[(self.used + n) % len(self.targets)] for n in range(count)]
        self.used += count
        return taken if self.targets else []

    @property
    def repeated(self) -> int:
        return max(0, self.used - len(self.targets))


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
    client_cpu: float = 0.0  # CPU seconds of the load test's own process in the cell
    server_cpu: float = 0.0  # CPU seconds of the server's workers in the cell

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
            "client_cpu_share": self.client_share,
            # what a request costs the server (other jobs on the machine still inflate it)
            "server_cpu_ms": 1000 * self.server_cpu / len(self.ms) if self.ms else 0.0,
        }

    @property
    def client_share(self) -> float:
        spent = self.client_cpu + self.server_cpu
        return self.client_cpu / spent if spent else 0.0


Plan = list[Target] | Fresh  # targets used round-robin, or each once


# ---------------------------------------------------------------- checks


def page_with(marker: str) -> Callable[[Answer], str]:
    def check(r: Answer) -> str:
        if r.status_code != 200:
            return f"status {r.status_code}"
        return "" if marker in r.text else f"no {marker!r} on the page"

    return check


def json_with(test: Callable[[dict], bool], what: str) -> Callable[[Answer], str]:
    def check(r: Answer) -> str:
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


def targets(client: httpx.Client, mix: list[str]) -> tuple[dict[str, Plan], int]:
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


def fresh_targets(db: Path, count: int, seed: int = 7) -> dict[str, Fresh]:
    """`count` searches never asked before and `count` passages not yet read, drawn from
    the archive's passages: each query is two words of one passage (every other one a
    single word), so it must find at least that passage."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT id, text FROM passage ORDER BY random() LIMIT ?",
            (count * 12,),  # most passages of a Chinese archive give no query
        ).fetchall()
    draw = random.Random(seed)
    asked: set[str] = set()
    searches: list[Target] = []
    passages: list[Target] = []
    for pid, text in rows:
        if len(passages) < count:
            passages.append(Target(f"/p/{pid}", page_with(f"/p/{pid}")))
        words = list(dict.fromkeys(w for w in WORD.findall(text) if not has_cjk(w)))
        if len(words) < 2 or len(searches) >= count:
            continue
        q = " ".join(draw.sample(words, 2 if len(searches) % 2 else 1))
        if q.casefold() not in asked:
            asked.add(q.casefold())
            url = str(httpx.URL("/search", params={"q": q}))
            searches.append(Target(url, page_with('<li class="hit">')))
    return {"search-new": Fresh(searches), "passage-new": Fresh(passages)}


# ---------------------------------------------------------------- the lean client


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Connection:
    """One kept-alive HTTP/1.1 connection, one request at a time: a client that costs
    the shared cores as little as can be (status line, headers, a body by length or in
    chunks; nothing else)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> Reply:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(head[0].split(" ", 2)[1])
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                body = await read_chunks(reader)
            else:
                body = await reader.read()
            if headers.get("connection", "").lower() == "close" or not body and status != 200:
                self.close()
            return Reply(status, headers, body)
        except (OSError, EOFError, ValueError, IndexError, asyncio.LimitOverrunError):
            self.close()
            raise

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def read_chunks(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        parts.append(await reader.readexactly(size + 2))
        if size == 0:
            return b"".join(p[:-2] for p in parts)


# ---------------------------------------------------------------- load


async def run_cell(base: str, cell: Cell, urls: list[Target], lean: bool = True) -> None:
    """The `urls` from `cell.concurrency` readers, each on its own kept-alive connection."""
    queue = iter(urls)  # one shared iterator: the readers share the work
    address = httpx.URL(base)
    limits = httpx.Limits(max_connections=cell.concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def reader() -> None:
            connection = Connection(address.host, address.port or 80)
            for target in queue:
                start = time.perf_counter()
                try:
                    if lean:
                        response: Answer = await asyncio.wait_for(connection.get(target.url), 60)
                    else:
                        response = await client.get(target.url)
                    problem = target.check(response)
                    answered = response.status_code == 200
                except (
                    TimeoutError,
                    EOFError,
                    httpx.HTTPError,
                    OSError,
                    ValueError,
                    asyncio.LimitOverrunError,
                ) as exc:
                    problem, answered = f"{type(exc).__name__}: {exc}", False
                    connection.close()
                cell.ms.append((time.perf_counter() - start) * 1000)
                if problem:
                    (cell.empty if answered else cell.errors).append(f"{target.url}: {problem}")
            connection.close()

        start = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(cell.concurrency)))
        cell.seconds = time.perf_counter() - start


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far (Linux /proc; else 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def run_round(
    base: str,
    plans: dict,
    concurrencies: list[int],
    count: int,
    phase: str = "",
    workers: list[int] | None = None,
    lean: bool = True,
) -> list[Cell]:
    cells = []
    for concurrency in concurrencies:
        for kind in KINDS:
            plan = plans[kind]
            urls = (
                plan.take(count)
                if isinstance(plan, Fresh)
                else list(itertools.islice(itertools.cycle(plan), count))
            )
            cell = Cell(kind, concurrency, phase)
            client, server = time.process_time(), cpu_seconds(workers or [])
            asyncio.run(run_cell(base, cell, urls, lean))
            cell.client_cpu = time.process_time() - client
            cell.server_cpu = cpu_seconds(workers or []) - server
            cells.append(cell)
    return cells


def warm_up(base: str, plans: dict, workers: int, lean: bool = True) -> tuple[int, float]:
    """Ask each repeated URL a few times per worker at concurrency 32, untimed: each worker
    keeps its own answers, so which worker first meets a URL (by the luck of which
    connection it holds) decided whether a cell's p99 was a first answer or a kept one.
    The first answers are measured apart: search-new and passage-new ask only new URLs.
    Returns the requests made and their seconds."""
    urls = [t for plan in plans.values() if not isinstance(plan, Fresh) for t in plan]
    cell = Cell("warm-up", 32)
    asyncio.run(run_cell(base, cell, urls * (3 * workers), lean))
    return len(cell.ms), cell.seconds


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


def server_pids(log: Path) -> list[int]:
    """The worker processes the server's log names."""
    found = re.findall(r"Started server process \[(\d+)\]", log.read_text())
    return [int(pid) for pid in dict.fromkeys(found)]


def worker_memory(log: Path) -> list[dict[str, float]]:
    """Memory of each worker process the server's log names (Linux /proc; else nothing)."""
    found = []
    for pid in server_pids(log):
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
    head = f"{'concurrency':>11} {'page':11} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{head} {'errors':>6} {'empty':>6} {'client CPU':>10} {'server CPU ms/req':>17}")
    phase = None
    for cell in cells:
        f = cell.figures()
        if f["phase"] != phase and f["phase"]:
            print(f"-- {f['phase']}")
        phase = f["phase"]
        print(
            f"{f['concurrency']:>11} {f['kind']:11} {f['rps']:7.1f} {f['p50_ms']:8.1f} "
            f"{f['p99_ms']:8.1f} {f['errors']:>6} {f['empty']:>6} "
            f"{f['client_cpu_share']:10.0%} {f['server_cpu_ms']:17.1f}"
        )
    for failure in [x for cell in cells for x in cell.failures][:20]:
        print(f"  failed: {failure}")
    errors = sum(len(c.errors) for c in cells)
    empty = sum(len(c.empty) for c in cells)
    requests = sum(len(c.ms) for c in cells)
    print(f"errors: {errors} of {requests} requests; empty pages: {empty}")


def print_table(cells: list[Cell]) -> None:
    """The cells of one round as the README's table: a row per page kind."""
    concurrencies = list(dict.fromkeys(c.concurrency for c in cells))
    heads = [
        f"concurrency {c}: req/s, p50 / p99" if not n else f"concurrency {c}"
        for n, c in enumerate(concurrencies)
    ]
    print("| page | " + " | ".join(heads) + " | client CPU |")
    print("| --- |" + " --- |" * (len(concurrencies) + 1))
    for kind in dict.fromkeys(c.kind for c in cells):
        row = {c.concurrency: c for c in cells if c.kind == kind}
        figures = [row[c].figures() for c in concurrencies]
        shown = [f"{f['rps']:,.0f}/s, {f['p50_ms']:,.1f} / {f['p99_ms']:,.0f} ms" for f in figures]
        share = max(f["client_cpu_share"] for f in figures)
        print(f"| {kind} | " + " | ".join(shown) + f" | up to {share:.0%} |")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def during_ingest(
    base, plans, args, pages: Path, db: Path, workers: list[int]
) -> tuple[list[Cell], list[dict]]:
    """Rounds of the same load while ingests run, until `args.ingests` have finished (at
    most `args.max_rounds` rounds); then one last round after the last switch."""
    ingests = Reingest(pages, db)
    ingests.start()
    cells: list[Cell] = []
    try:
        for n in range(1, args.max_rounds + 1):
            phase = f"during ingest, round {n} ({len(ingests.runs)} ingests done)"
            cells += run_round(
                base, plans, args.concurrency, args.requests, phase, workers, args.lean
            )
            if len(ingests.runs) >= args.ingests:
                break
    finally:
        ingests.stop.set()
        ingests.join()
    last = "after the last switch"
    cells += run_round(base, plans, args.concurrency, args.requests, last, workers, args.lean)
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
    parser.add_argument(
        "--client", choices=("lean", "httpx"), default="lean", help="the load's HTTP client"
    )
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="measure the repeated kinds from cold workers (first answers inside the cells)",
    )
    args = parser.parse_args(argv)
    args.lean = args.client == "lean"
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
        rounds = args.max_rounds + 1 if args.during_ingest else 1
        fresh = fresh_targets(db, args.requests * len(args.concurrency) * rounds)
        plans.update(fresh)
        workers = server_pids(folder / "serve.log")
        print(
            f"load test: {passages:,} passages, {args.workers} worker(s), {args.requests} "
            f"requests per page kind and concurrency, {os.cpu_count()} cores, "
            f"{with_hits} of {len(mix)} queries find passages, "
            f"{len(fresh['search-new'].targets):,} new queries and "
            f"{len(fresh['passage-new'].targets):,} new passages drawn, {args.client} client"
            + (f"; archive ingested in {ingest_seconds:.0f} s" if ingest_seconds else "")
        )
        print(f"load average before: {load_average()}")
        runs: list[dict] = []
        if args.during_ingest:
            cells, runs = during_ingest(base, plans, args, folder / "pages", db, workers)
        else:
            if args.warm_up:
                asked, seconds = warm_up(base, plans, args.workers, args.lean)
                print(f"warm-up: {asked:,} requests of the repeated kinds in {seconds:.1f} s")
            cells = run_round(
                base, plans, args.concurrency, args.requests, workers=workers, lean=args.lean
            )
        memory = worker_memory(folder / "serve.log")
    print_cells(cells)
    print(f"load average after: {load_average()}")
    for kind, plan in fresh.items():
        if plan.repeated:
            print(f"{kind}: the archive gave too few; {plan.repeated} were asked a second time")
    last = [c for c in cells if c.phase == cells[-1].phase]
    print_table(last)
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

"""ETag and Cache-Control for pages, API and feeds.

The archive changes only when an ingest commits, so an answer is fully determined by the
archive's content version, the version its index was built from, the code serving it and
the URL asked for (scheme, host and port included: citations name them). The ETag is a
hash of those, known before the route runs: a matching If-None-Match gets its 304 without
any page being built. /static keeps StaticFiles' own validators; /healthz is never cached.

The same key lets the server keep what it built: the last answers (at most KEPT_BYTES per
worker, the least recently asked dropped first) are sent again to the next reader asking
for the same URL of the same archive, without running the route. A new archive version
empties them. A route that answers `Cache-Control: no-store` (a search a time budget cut
short: its answer depends on the machine's load) is neither kept nor given an ETag.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from app.config import ROOT
from app.web import read

MAX_AGE = 300  # seconds a browser may reuse an answer before asking again (with its ETag)
UNCACHED = ("/healthz", "/static/")
KEPT_BYTES = 64 * 2**20  # answers kept per worker (a search page is ~40 KB, a passage ~12)
LARGEST_KEPT = 2 * 2**20  # a larger answer (an export, a long interview) is built each time
NO_STORE = b"no-store"


def code_version() -> str:
    """A fingerprint of the code and templates serving the archive: a deploy changes ETags."""
    digest = hashlib.sha256()
    for folder in ("app", "templates", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".xml", ".css", ".js", ".svg"):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:16]


def etag_for(versions: str, code: str, scope) -> str:
    headers = Headers(scope=scope)
    url = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}{scope['path']}"
    query = scope.get("query_string", b"").decode("latin-1")
    key = f"{versions}|{code}|{url}?{query}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


Kept = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers, body


class Responses:
    """Answers by ETag, least recently asked dropped first past `budget` bytes; all of
    them dropped when the archive's version changes."""

    def __init__(self, budget: int = KEPT_BYTES):
        self.budget = budget
        self.size = 0
        self.versions = ""
        self.kept: OrderedDict[str, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, versions: str, etag: str) -> Kept | None:
        with self.lock:
            if versions != self.versions:
                self.kept.clear()
                self.size, self.versions = 0, versions
            found = self.kept.get(etag)
            if found is not None:
                self.kept.move_to_end(etag)
            return found

    def put(self, versions: str, etag: str, answer: Kept) -> None:
        with self.lock:
            if versions != self.versions or etag in self.kept:
                return  # built from an archive that has changed since; or kept already
            self.kept[etag] = answer
            self.size += len(answer[2])
            while self.size > self.budget:
                _, (_, _, body) = self.kept.popitem(last=False)
                self.size -= len(body)


class ConditionalGet:
    """ASGI middleware: ETag + Cache-Control on 200 answers, 304 on a matching
    If-None-Match."""

    def __init__(self, app, engine_of, code: str | None = None):
        self.app = app
        self.engine_of = engine_of  # () -> the app's engine (set after construction)
        self.code = code or code_version()
        self.responses = Responses()

    def versions(self) -> str | None:
        try:
            with Session(self.engine_of()) as session:
                return read.archive_version(session)
        except Exception:  # no archive yet: answers are not cached, the route says why
            return None

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(UNCACHED)
        ):
            return await self.app(scope, receive, send)
        # in a worker thread: a database read here used to block the event loop, and with
        # every pooled connection held by routes whose sessions close only through that
        # loop, the server stood still until the pool's 30 s timeout (500s under load)
        versions = await run_in_threadpool(self.versions)
        if versions is None:
            return await self.app(scope, receive, send)
        etag = etag_for(versions, self.code, scope)
        cache = f"public, max-age={MAX_AGE}".encode()
        validators = [(b"etag", etag.encode()), (b"cache-control", cache)]
        if matches(Headers(scope=scope).get("if-none-match", ""), etag):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            return await send({"type": "http.response.body", "body": b""})
        kept = self.responses.get(versions, etag)
        if kept is not None:
            status, headers, body = kept
            await send({"type": "http.response.start", "status": status, "headers": headers})
            return await send({"type": "http.response.body", "body": body})
        await self.app(scope, receive, self.keeping(send, versions, etag, validators))

    def keeping(self, send, versions: str, etag: str, validators: list[tuple[bytes, bytes]]):
        """`send` that adds the validators to a 200 and keeps the whole answer when it is
        small enough and the route did not forbid it (no-store)."""
        start: dict = {}
        parts: list[bytes] = []

        async def send_with_validators(message):
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"cache-control" and NO_STORE in v for k, v in headers):
                    headers = [
                        (k, v) for k, v in headers if k.lower() not in (b"etag", b"cache-control")
                    ]
                    message = {**message, "headers": headers + validators}
                    start = message
            elif message["type"] == "http.response.body" and start:
                parts.append(message.get("body", b""))
                if sum(map(len, parts)) > LARGEST_KEPT:
                    start = {}
                    parts.clear()
                elif not message.get("more_body", False):
                    answer = (200, start["headers"], b"".join(parts))
                    self.responses.put(versions, etag, answer)
            await send(message)

        return send_with_validators

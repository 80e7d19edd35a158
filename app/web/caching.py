"""ETag and Cache-Control for pages, API and feeds.

The archive changes only when an ingest commits, so an answer is fully determined by the
archive's content version, the version its index was built from, the code serving it and
the URL asked for (scheme, host and port included: citations name them). The ETag is a
hash of those, known before the route runs: a matching If-None-Match gets its 304 without
any page being built. /static keeps StaticFiles' own validators; /healthz is never cached.
"""

from __future__ import annotations

import hashlib

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from app.config import ROOT
from app.web import read

MAX_AGE = 300  # seconds a browser may reuse an answer before asking again (with its ETag)
UNCACHED = ("/healthz", "/static/")


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


class ConditionalGet:
    """ASGI middleware: ETag + Cache-Control on 200 answers, 304 on a matching
    If-None-Match."""

    def __init__(self, app, engine_of, code: str | None = None):
        self.app = app
        self.engine_of = engine_of  # () -> the app's engine (set after construction)
        self.code = code or code_version()

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
        if matches(Headers(scope=scope).get("if-none-match", ""), etag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(b"etag", etag.encode()), (b"cache-control", cache)],
                }
            )
            return await send({"type": "http.response.body", "body": b""})

        async def send_with_validators(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"etag", b"cache-control")
                ]
                headers += [(b"etag", etag.encode()), (b"cache-control", cache)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_validators)

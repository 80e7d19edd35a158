"""archive add URL: fetch a page, keep the bytes as a snapshot, ingest the snapshot.

A snapshot is named after the URL asked for, so fetching the page again replaces the
same file: an unchanged page changes nothing, a changed page becomes a new version of
the same document (passage ids kept or redirected by ingest). Every URL is fetched and
parsed before anything is written, so a failure leaves the archive and the sources
folder as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from app.config import Settings
from app.ingest import RECORD_SUFFIX, ingest
from app.parse import formats
from app.parse.decode import DecodeError
from app.parse.pipeline import ParseError, parse_bytes
from app.parse.speakers import Registry

USER_AGENT = "ai-lab-interview-archive/0.1 (archive add: saves one page for a research archive)"
TIMEOUT = 20.0  # seconds without an answer
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
# Types the readers take; octet-stream is how subtitle files are often served.
ACCEPTED_TYPES = re.compile(
    r"^(text/(html|plain|vtt|srt|markdown|x-markdown)|application/(xhtml\+xml|json|"
    r"x-subrip|octet-stream)|)$"
)
SUFFIX_OF_TYPE = {"text/html": ".html", "application/xhtml+xml": ".html", "text/vtt": ".vtt"}


class FetchError(Exception):
    """Why one URL could not be added, in one line."""


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    data: bytes
    fetched_at: str


@dataclass
class Added:
    url: str
    name: str = ""  # the snapshot's file name, the document's key
    status: str = ""  # new | changed | unchanged | failed
    passages: int = 0
    error: str = ""


def fetch(
    url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES, max_redirects=MAX_REDIRECTS
) -> Fetched:
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise FetchError("not an http(s) URL")
    mb = max_bytes / 1024 / 1024
    limit = f"{mb:g} MB" if mb >= 1 else f"{max_bytes // 1024} KB"
    deadline = time.monotonic() + timeout * 6  # a page that trickles in is cut off too
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=max_redirects,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}")
            ctype = response.headers.get("content-type", "")
            media = ctype.split(";")[0].strip().lower()
            if not ACCEPTED_TYPES.match(media):
                raise FetchError(f"{media} is not a page or transcript the archive reads")
            if int(response.headers.get("content-length") or 0) > max_bytes:
                raise FetchError(f"larger than {limit} (Content-Length)")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"larger than {limit}: stopped reading")
                if time.monotonic() > deadline:
                    raise FetchError(f"still downloading after {timeout * 6:g} s: stopped")
                chunks.append(chunk)
            return Fetched(
                url,
                str(response.url),
                response.status_code,
                ctype,
                b"".join(chunks),
                datetime.now(UTC).isoformat(timespec="seconds"),
            )
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {max_redirects} redirects (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {timeout:g} s (timeout)") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch: {exc or type(exc).__name__}") from None


def snapshot_stem(url: str) -> str:
    """A readable, stable file name for a URL: host and path, and a digest of the URL."""
    parts = urlsplit(url)
    url = urlunsplit(parts._replace(fragment=""))
    words = re.sub(r"[^a-z0-9]+", "-", (parts.netloc + parts.path).lower()).strip("-")
    return f"{words[:80].rstrip('-')}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def suffix_for(fetched: Fetched) -> str:
    media = fetched.content_type.split(";")[0].strip().lower()
    guess = SUFFIX_OF_TYPE.get(media, Path(urlsplit(fetched.final_url).path).suffix or ".txt")
    try:
        fmt = formats.sniff("page" + guess, fetched.data)
    except formats.UnsupportedFormat as exc:
        raise FetchError(str(exc)) from None
    if fmt == formats.TEXT and media not in ("text/plain", "text/markdown", "text/x-markdown"):
        if media == "text/html" or media == "application/xhtml+xml":
            return ".html"  # a page without <html>: its tags say it is HTML all the same
        raise FetchError(f"{media or 'no content type'}: not HTML, subtitles or a transcript")
    return formats.SUFFIX[fmt]


def record_of(fetched: Fetched) -> dict:
    return {
        "url": fetched.url,
        "final_url": fetched.final_url,
        "fetched_at": fetched.fetched_at,
        "status": fetched.status,
        "content_type": fetched.content_type,
        "sha256": hashlib.sha256(fetched.data).hexdigest(),
        "bytes": len(fetched.data),
    }


def prepare(url: str, folder: Path, registry: Registry, **limits) -> tuple[Path, Fetched]:
    """Fetch and parse one URL without writing anything: (snapshot path, what came)."""
    fetched = fetch(url, **limits)
    path = folder / (snapshot_stem(url) + suffix_for(fetched))
    charset = re.search(r"charset=\s*\"?([\w.:-]+)", fetched.content_type, re.I)
    try:
        docs = parse_bytes(
            path.name,
            fetched.data,
            registry,
            source_url=fetched.final_url,
            http_charset=charset.group(1) if charset else "",
        )
    except (DecodeError, ParseError) as exc:
        raise FetchError(f"no interview text: {exc}") from None
    if not any(d.passages for d in docs):
        raise FetchError("no interview text: the page has no passages")
    return path, fetched


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def add_urls(settings: Settings, urls: list[str], **limits) -> list[Added]:
    """Fetch, check and ingest each URL; one result per URL, in order."""
    folder = settings.sources_dir
    registry = Registry.load(settings.data_dir)
    results, ready = [], []
    for url in dict.fromkeys(urls):  # the same URL twice is one snapshot
        try:
            path, fetched = prepare(url, folder, registry, **limits)
        except FetchError as exc:
            results.append(Added(url, status="failed", error=str(exc)))
            continue
        results.append(Added(url, path.name))
        ready.append((path, fetched))
    if not ready:
        return results
    folder.mkdir(parents=True, exist_ok=True)
    kept = {path: snapshot_state(path) for path, _ in ready}
    try:
        for path, fetched in ready:
            if kept[path][0] != fetched.data:
                write_atomic(path, fetched.data)
                record = json.dumps(record_of(fetched), indent=2, ensure_ascii=False)
                write_atomic(path.with_name(path.name + RECORD_SUFFIX), record.encode())
        report = ingest(settings, [path for path, _ in ready])
    except BaseException:
        restore(kept)
        raise
    by_name = {f.name: f for f in report.files}
    for result in results:
        if result.name in by_name:
            found = by_name[result.name]
            result.status, result.passages = found.status, found.passages
            result.error = found.error
    failed = [p for p, _ in ready if p.name not in by_name or by_name[p.name].status == "failed"]
    restore({p: kept[p] for p in failed})
    return results


def snapshot_state(path: Path) -> tuple[bytes | None, bytes | None]:
    record = path.with_name(path.name + RECORD_SUFFIX)
    return (
        path.read_bytes() if path.exists() else None,
        record.read_bytes() if record.exists() else None,
    )


def restore(kept: dict[Path, tuple[bytes | None, bytes | None]]) -> None:
    """Put the snapshots and records back as they were before this run."""
    for path, (data, record) in kept.items():
        for target, content in ((path, data), (path.with_name(path.name + RECORD_SUFFIX), record)):
            if content is None:
                target.unlink(missing_ok=True)
            else:
                write_atomic(target, content)

"""The site as a server: read-only methods, trusted hosts, headers, and a real process."""

from __future__ import annotations

import asyncio
import os
import re
import time

import httpx
import pytest
from conftest import running_server


def test_only_get_and_head(client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, "/")
        assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    assert client.post("/api/search", json={"q": "KI"}).status_code == 405
    head = client.head("/interviews")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/html")


def test_foreign_host_is_refused(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/", "/search?q=KI", "/api/interviews", "/nope", "/static/site.css"]
)
def test_security_headers(client, url):
    headers = client.get(url).headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]


@pytest.mark.slow
def test_real_server_serves_pages(server):
    home = httpx.get(f"{server}/")
    assert home.status_code == 200 and "Benjamin Mann" in home.text
    found = httpx.get(f"{server}/search", params={"q": "数据中心"})
    assert found.status_code == 200 and "<mark>数据中心</mark>" in found.text
    assert "default-src 'self'" in found.headers["content-security-policy"]
    assert httpx.post(f"{server}/").status_code == 405


@pytest.mark.slow
def test_real_server_cites_its_own_port(server):
    """A server on any port (here a free one, not 8000) names that port in every link."""
    hit = httpx.get(f"{server}/api/search", params={"q": "数据中心"}).json()["hits"][0]
    passage = httpx.get(f"{server}/api/passages/{hit['id']}").json()
    assert passage["url"] == f"{server}/p/{hit['id']}"
    assert passage["citation"]["plain"].endswith(f" {server}/p/{hit['id']}")
    assert f"<loc>{server}/" in httpx.get(f"{server}/sitemap.xml").text
    assert (
        f"<id>{server}/feeds/interviews.atom</id>"
        in httpx.get(f"{server}/feeds/interviews.atom").text
    )
    first = httpx.get(f"{server}/p/{hit['id']}")
    again = httpx.get(f"{server}/p/{hit['id']}", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.slow
def test_several_workers_share_the_archive(archive):
    with running_server(archive, workers=2) as base:
        log = archive.db_path.with_name(f"serve-{base.rsplit(':', 1)[1]}.log")
        workers = started_workers(log, 2)
        assert len(workers) == 2, log.read_text()
        with httpx.Client(base_url=base) as http:
            for _ in range(6):  # several connections: the kernel spreads them over workers
                found = http.get(
                    "/search", params={"q": "数据中心"}, headers={"Connection": "close"}
                )
                assert found.status_code == 200 and "<mark>数据中心</mark>" in found.text
            assert http.get("/").status_code == 200
            hits = http.get("/api/search", params={"q": "Anthropic"}).json()["hits"]
            assert hits and http.get(f"/p/{hits[0]['id']}").status_code == 200
    # the supervisor takes its workers with it
    for pid in workers:
        for _ in range(50):
            if not alive(pid):
                break
            time.sleep(0.1)
        assert not alive(pid), f"worker {pid} outlived the server"


def started_workers(log, count: int) -> set[int]:
    for _ in range(100):
        pids = {int(p) for p in re.findall(r"Started server process \[(\d+)\]", log.read_text())}
        if len(pids) >= count:
            return pids
        time.sleep(0.1)
    return pids


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_workers_answer_a_kept_alive_connection_without_waiting_for_acks(archive):
    """With --workers, uvicorn's own socket left Nagle's algorithm on: each answer's body
    waited for the client's delayed ACK, 40 ms or more per request on a kept-alive
    connection (app/web/serving.py). The floor is the kernel's: no request can beat it
    while the bug is there, so one fast request proves it gone, however busy the machine."""
    with running_server(archive, workers=2) as base, httpx.Client(base_url=base) as http:
        took = []
        for _ in range(20):
            start = time.perf_counter()
            assert http.get("/healthz").status_code == 200
            took.append(time.perf_counter() - start)
    # the first requests of a connection are acknowledged at once (TCP quick-ack)
    assert min(took[3:]) < 0.030, [round(t * 1000) for t in took]


@pytest.mark.slow
def test_sixty_four_readers_at_once_are_all_answered(archive):
    """64 readers at once against one worker: its 40 route threads held every pooled
    connection while the ETag middleware waited for one on the event loop, which those
    threads needed to close their sessions: the server stood still for the pool's 30 s
    timeout and answered 500 (328 of 400 requests unanswered after 100 s). Now every
    answer is a 200, each well under that timeout."""

    async def read_all(base: str) -> list[tuple[int | str, float]]:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:

            async def one(url: str) -> tuple[int | str, float]:
                start = time.perf_counter()
                try:
                    status: int | str = (await http.get(url)).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                return status, time.perf_counter() - start

            urls = ["/", "/search?q=AI", "/api/stats", "/speakers"] * 32
            return await asyncio.gather(*(one(url) for url in urls))

    with running_server(archive, workers=1) as base:
        answers = asyncio.run(read_all(base))
    assert [status for status, _ in answers] == [200] * 128, answers
    assert max(seconds for _, seconds in answers) < 25, answers

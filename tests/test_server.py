"""The site as a server: read-only methods, trusted hosts, headers, and a real process."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from app.config import ROOT, Settings


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


@pytest.mark.parametrize("url", ["/", "/search?q=KI", "/api/interviews", "/nope",
                                 "/static/site.css"])
def test_security_headers(client, url):
    headers = client.get(url).headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(settings: Settings):
    """`archive serve` in its own process on a free port; yields its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("archive")), "serve", "--host", "127.0.0.1",
               "--port", str(port), "--db", str(settings.db_path)]
    env = {**os.environ, "ARCHIVE_INDEX": str(settings.index_root)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_health(base: str, process: subprocess.Popen, tries: int = 300) -> None:
    for _ in range(tries):
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{process.stdout.read()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not answer /healthz")


@pytest.fixture(scope="session")
def server(archive):
    with running_server(archive) as base:
        yield base


def test_real_server_serves_pages(server):
    home = httpx.get(f"{server}/")
    assert home.status_code == 200 and "Benjamin Mann" in home.text
    found = httpx.get(f"{server}/search", params={"q": "数据中心"})
    assert found.status_code == 200 and "<mark>数据中心</mark>" in found.text
    assert "default-src 'self'" in found.headers["content-security-policy"]
    assert httpx.post(f"{server}/").status_code == 405

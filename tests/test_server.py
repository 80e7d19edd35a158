"""The site as a server: read-only methods, trusted hosts, headers, and a real process."""

from __future__ import annotations

import httpx
import pytest


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


def test_real_server_serves_pages(server):
    home = httpx.get(f"{server}/")
    assert home.status_code == 200 and "Benjamin Mann" in home.text
    found = httpx.get(f"{server}/search", params={"q": "数据中心"})
    assert found.status_code == 200 and "<mark>数据中心</mark>" in found.text
    assert "default-src 'self'" in found.headers["content-security-policy"]
    assert httpx.post(f"{server}/").status_code == 405

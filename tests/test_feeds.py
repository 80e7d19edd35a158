"""Atom feeds, checked against RFC 4287's required elements with xml.etree (no network)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote_plus

import pytest
from test_pages import evil_client  # noqa: F401, F811 (a fixture: an archive of a hostile page)

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.headers["access-control-allow-origin"] == "*"
    root = ET.fromstring(response.content)
    check_atom(root, url)
    return root


def check_atom(root: ET.Element, url: str) -> None:
    """RFC 4287 §4.1.1: a feed has exactly one id, title and updated (RFC 3339 times), an
    author unless every entry has one, a link rel=self; each entry (§4.1.2) exactly one
    id, title and updated, and a link rel=alternate (it has no content of its own)."""
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, (url, name)
        assert root.find(f"{A}{name}").text, (url, name)
    assert RFC3339.match(root.find(f"{A}updated").text)
    links = {link.get("rel", "alternate"): link.get("href") for link in root.findall(f"{A}link")}
    assert unquote_plus(links["self"]).endswith(url), (links, url)
    assert links["alternate"].startswith("http")
    feed_author = root.find(f"{A}author/{A}name") is not None
    ids = set()
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, (url, name)
            assert entry.find(f"{A}{name}").text, (url, name)
        assert RFC3339.match(entry.find(f"{A}updated").text)
        assert entry.find(f"{A}link[@rel='alternate']").get("href").startswith("http")
        assert feed_author or entry.find(f"{A}author/{A}name") is not None
        ids.add(entry.find(f"{A}id").text)
    assert len(ids) == len(root.findall(f"{A}entry"))  # ids are unique


def test_new_interviews_feed(client):
    root = feed(client, "/feeds/interviews.atom")
    entries = root.findall(f"{A}entry")
    listed = client.get("/api/interviews?page_size=100").json()["items"]
    assert [e.find(f"{A}id").text for e in entries] == [
        f"http://testserver/interviews/{i['slug']}" for i in listed
    ]
    assert listed[0]["date"] and entries[0].find(f"{A}updated").text.startswith(listed[0]["date"])
    assert root.find(f"{A}updated").text >= entries[0].find(f"{A}updated").text


def test_speaker_feed_holds_their_passages(client):
    root = feed(client, "/feeds/speakers/benjamin-mann.atom")
    entries = root.findall(f"{A}entry")
    assert entries and all(
        e.find(f"{A}id").text.startswith("http://testserver/p/") for e in entries
    )
    assert {e.find(f"{A}author/{A}name").text for e in entries} == {"Benjamin Mann"}
    languages = {
        e.find(f"{A}content").get("{http://www.w3.org/XML/1998/namespace}lang") for e in entries
    }
    assert languages <= {"de", "zh"}
    assert client.get("/feeds/speakers/nobody.atom").status_code == 404


@pytest.mark.parametrize(
    "q", ["数据中心", "Talentdichte", "speaker:dario-amodei KI", "", '"unclosed']
)
def test_search_feed_is_the_search(client, q):
    root = feed(client, f"/feeds/search.atom?q={q}")
    api = client.get("/api/search", params={"q": q, "page_size": 50}).json()
    ids = [e.find(f"{A}id").text.rsplit("/", 1)[1] for e in root.findall(f"{A}entry")]
    assert ids == [h["id"] for h in api["hits"]]


def test_pages_link_their_feeds(client):
    alternate = 'rel="alternate" type="application/atom+xml"'
    for url, href in [
        ("/", "/feeds/interviews.atom"),
        ("/interviews", "/feeds/interviews.atom"),
        ("/speakers/benjamin-mann", "/feeds/speakers/benjamin-mann.atom"),
        ("/search?q=KI", "/feeds/search.atom?q=KI"),
    ]:
        html = client.get(url).text
        assert re.search(
            rf'<link {re.escape(alternate)} title="[^"]*" href="{re.escape(href)}">', html
        ), url


def test_feed_escapes_scraped_text(evil_client):  # noqa: F811
    root = feed(evil_client, "/feeds/interviews.atom")  # parses: every character escaped
    assert root.findall(f"{A}entry")

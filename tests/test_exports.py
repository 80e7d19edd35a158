"""Exports: an interview as text and Markdown, search hits as CSV and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote


def test_interview_as_plain_text(client, lenny):
    slug = lenny["interview"]["slug"]
    response = client.get(f"/interviews/{slug}.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert text.startswith(lenny["version"]["title"])
    assert "Guest: Benjamin Mann" in text and "Host: Lenny Rachitsky" in text
    assert f"Version: {lenny['version']['label']}" in text
    assert f"In the archive: http://testserver/interviews/{slug}" in text
    for p in lenny["passages"]:  # every passage, verbatim, with its permanent link
        assert p["text"] in text and f"http://testserver/p/{p['id']}" in text
    named = [p for p in lenny["passages"] if p["speaker"]]
    assert f"\n{named[0]['speaker']['name']}:\n{named[0]['text']}" in text


def test_chinese_version_as_text(client, lenny):
    slug, key = lenny["interview"]["slug"], lenny["versions"][1]["key"]
    text = client.get(f"/interviews/{slug}.txt?version={quote(key)}").text
    assert "Source: https://mp.weixin.qq.com/s/Xyf-9ugYFSR_CY8J6mxVJA" in text
    assert "数据中心" in text


def test_timestamps_and_recording_in_markdown(client):
    slug = client.get("/api/interviews?speaker=lex-fridman").json()["items"][0]["slug"]
    response = client.get(f"/interviews/{slug}.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    md = response.text
    assert md.startswith("# ")
    assert "- **Recording:** <https://www.youtube.com/watch?v=ugvHCXCOmm4>" in md
    # a timestamp is a link to that moment of the recording the page names
    assert "[01:38:25](https://www.youtube.com/watch?v=ugvHCXCOmm4&t=5905s)" in md
    made_up = "https://www.youtube.com/watch?v=lexfridman"  # a summary's invention
    assert f"<{made_up}>" not in md and f"]({made_up}" not in md
    assert "AI-generated" in md


def test_markdown_escapes_the_words_it_holds(client, lenny):
    md = client.get(f"/interviews/{lenny['interview']['slug']}.md").text
    assert "**Benjamin Mann**" in md  # our markup
    body = [
        line
        for line in md.splitlines()
        if line and not line.startswith(("#", "-", "**", "<sub>", ">"))
    ]
    assert body and all("[" not in line.replace("\\[", "") for line in body)


def test_unknown_interview_exports_are_404(client):
    assert client.get("/interviews/nope.txt").status_code == 404
    assert client.get("/interviews/nope.md").status_code == 404


def test_search_as_csv_and_jsonl(client):
    api = client.get("/api/search?q=KI&page_size=30").json()
    response = client.get("/api/search?q=KI&page_size=30&format=csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [h["id"] for h in api["hits"]] and len(rows) == 30
    assert rows[0]["url"] == f"http://testserver/p/{rows[0]['id']}"
    assert "<mark>" not in response.text
    lines = client.get("/api/search?q=数据中心&format=jsonl")
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in lines.text.splitlines()]
    assert records and all("数据中心" in r["snippet"] for r in records)
    assert records[0]["speaker_slug"] == "benjamin-mann"
    bad = client.get("/api/search?q=KI&format=xml")
    assert bad.status_code == 422 and bad.json()["parameter"] == "format"

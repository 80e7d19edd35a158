"""`python -m bench.formats`: what reading HTML costs, on pages of the seeds' size.

Each seed's paragraphs are set in the HTML a site would serve (head with metadata and
scripts, navigation, cookie banner, the article as <p> with bold labels, related list,
comments, footer), so the pages weigh what saved interview pages weigh. Prints pages
per second for the extraction alone and for the whole parse, against the same text as
a .txt file.
"""

from __future__ import annotations

import argparse
import html
import re
import time

from app.config import ROOT
from app.parse.extract import extract
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry

LABEL = re.compile(r"^(\*\*)?([A-ZÄÖÜ\u4e00-\u9fff][^:：,，*\n]{0,30}?)(\*\*)?\s*[:：]\s*")
CHROME_HEAD = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | Example Review</title><meta property="og:title" content="{title}">
<meta property="og:site_name" content="Example Review">
<meta property="article:published_time" content="2025-07-22T10:00:00Z">
<link rel="canonical" href="https://example.org/a/{n}">
<script>{script}</script><style>{style}</style></head><body>
<div class="cookie-banner"><p>We use cookies.</p><button>Accept all</button></div>
<header><nav><ul>{nav}</ul></nav></header><main><article><h1>{title}</h1>
"""
CHROME_TAIL = """</article><aside class="related"><h3>Related</h3><ul>{nav}</ul></aside>
<section class="comments"><h3>Comments</h3>{comments}</section></main>
<footer><p>© 2025 Example Review. All rights reserved.</p><ul>{nav}</ul></footer></body></html>
"""


def paragraph(p: str) -> str:
    m = LABEL.match(p)
    if m and len(m.group(2).split()) <= 4:
        name = html.escape(m.group(2))
        return f"<p><strong>{name}:</strong> {html.escape(p[m.end() :])}</p>"
    return f"<p>{html.escape(p)}</p>"


def page_for(n: int, text: str) -> bytes:
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    nav = "".join(f'<li><a href="/s/{i}">Section {i}</a></li>' for i in range(25))
    head = CHROME_HEAD.format(
        lang="zh" if re.search(r"[\u4e00-\u9fff]", text[:2000]) else "de",
        title=html.escape(paragraphs[0][:80]),
        n=n,
        script="var x = 1;" * 300,
        style="p { margin: 0 }" * 200,
        nav=nav,
    )
    comments = "".join(f"<div class='comment'><p>Comment {i}</p></div>" for i in range(10))
    body = "\n".join(paragraph(p) for p in paragraphs[1:])
    return (head + body + CHROME_TAIL.format(nav=nav, comments=comments)).encode()


def rate(fn, items: list[bytes], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            fn(item)
    return rounds * len(items) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    registry = Registry.load(ROOT / "data")
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    texts = [p.read_bytes() for p in seeds]
    pages = [page_for(n, t.decode("utf-8")) for n, t in enumerate(texts)]
    extract(pages[0])  # the first call imports trafilatura and its date parsers
    size = sum(map(len, pages)) / len(pages) / 1024
    text_size = sum(map(len, texts)) / len(texts) / 1024
    print(f"{len(pages)} pages, {size:.0f} KB of HTML each on average ({text_size:.0f} KB as text)")
    figures = [
        ("extract (HTML → text + metadata)", rate(extract, pages, args.rounds)),
        (
            "whole parse of the HTML page",
            rate(lambda b: parse_bytes("p.html", b, registry), pages, args.rounds),
        ),
        (
            "whole parse of the same text as .txt",
            rate(lambda b: parse_bytes("p.txt", b, registry), texts, args.rounds),
        ),
    ]
    for what, per_second in figures:
        print(f"{what:40s} {per_second:7.1f} pages/s  ({1000 / per_second:6.1f} ms a page)")


if __name__ == "__main__":
    main()

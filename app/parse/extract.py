"""HTML → the page's main text and metadata, in the text shapes the segmenter reads.

trafilatura finds the main content and drops navigation, consent banners, ads, related
lists, comments and footers; with `include_formatting` it keeps bold and headings, where
speaker labels live. Before it runs, speakers in the markup become bold labels
(markup.py); after it the content is written as text: `**Name:** …`,
`## Heading`, one paragraph per line. So cleaning, segmentation and speaker resolution
are the ones text pages go through.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree, html

from app.parse.decode import Decoded, DecodeError, decode_bytes, strict, tidied
from app.parse.markup import mark_labels

DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*(?P<cs>[\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["'](?P<xml>[\w.:-]+)""",
    re.I,
)
# What browsers read these labels as (WHATWG Encoding): the superset, not the name.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc-kr": "cp949",
}
SITE_SEPARATORS = re.compile(r"\s+[|–—·•:-]\s+")


@dataclass
class Page:
    text: str  # front matter (title, lang, date) + body, as the text parser reads it
    encoding: str
    title: str = ""
    site_name: str = ""
    author: str = ""
    date: str = ""
    url: str = ""  # canonical (or og:url)
    language: str = ""
    warnings: list[str] = field(default_factory=list)


def declared_charset(data: bytes, http_charset: str = "") -> str:
    found = http_charset
    if not found and (m := DECLARED.search(data[:4096])):
        found = (m.group("cs") or m.group("xml")).decode("ascii", "ignore")
    if not found:
        return ""
    name = found.strip().lower()
    name = SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def single_byte(encoding: str) -> bool:
    return len("é".encode(encoding, "replace")) == 1 and encoding not in ("ascii",)


def decode_page(data: bytes, http_charset: str = "") -> Decoded:
    """The declared charset first (the HTTP header's, then <meta>), the guess after."""
    declared = declared_charset(data, http_charset)
    if declared and not data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        if single_byte(declared) and not data.isascii() and strict(data, "utf-8") is not None:
            # Non-ASCII text that is valid UTF-8 is UTF-8 (a Latin-1 page almost never is);
            # read as declared it would be mojibake ("KÃ¤se").
            decoded = decode_bytes(data)
            decoded.warnings.append(f"declared charset {declared}, but the bytes are UTF-8")
            return decoded
        text = strict(data, declared)
        if text is not None:
            return tidied(Decoded(text, declared))
        decoded = decode_bytes(data)
        decoded.warnings.append(
            f"declared charset {declared} does not fit; read as {decoded.encoding}"
        )
        return decoded
    return decode_bytes(data)


def inline(el: etree._Element) -> str:
    """Text of a paragraph: bold as **…**, line breaks kept, everything else as its text."""
    out = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            out.append("\n")
        elif child.tag == "hi" and "#b" in (child.get("rend") or ""):
            words = inline(child)
            core = words.strip()
            out.append(words.replace(core, f"**{core}**", 1) if core else words)
        elif child.tag not in ("graphic",):
            out.append(inline(child))
        out.append(child.tail or "")
    return "".join(out)


# "**Name** (00:12:34): text", "**Name** [12:34] text": podcast sites print the time
# after the bold name; the segmenter reads it in front, "[00:12:34] **Name:** text".
BOLD_NAME_TIME = re.compile(
    r"^\*\*(?P<name>[^*\n]{1,60}?)[:：]?\*\*\s*[\[(]?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?"
    r"\s*[:：]?\s*"
)


def lines_of(text: str) -> list[str]:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n") if line.strip()]
    return [BOLD_NAME_TIME.sub(r"[\g<ts>] **\g<name>:** ", line).strip() for line in lines]


BLOCK_OUT = {"p", "head", "list", "quote", "table", "div", "main"}  # trafilatura's blocks


def render(body: etree._Element) -> list[str]:
    """trafilatura's XML body → paragraphs in the shapes of a text page."""
    out: list[str] = []
    for el in body:
        tag = el.tag
        if tag == "head":
            out += ["## " + " ".join(lines_of(inline(el)))]
        elif tag == "list":
            out += render_list(el)
        elif tag in ("quote", "div", "main") and any(c.tag in BLOCK_OUT for c in el):
            out += lines_of(el.text or "") + render(el)
        elif tag == "table":
            out += render_table(el)
        elif tag != "graphic":
            out += lines_of(inline(el))
    return [p for p in out if p.strip("#* ")]


def render_list(el: etree._Element) -> list[str]:
    items = [" ".join(lines_of(inline(i))) for i in el.iter("item")]
    return ["\n".join("- " + i for i in items if i)] if items else []


def render_table(el: etree._Element) -> list[str]:
    """A two-column table whose first cells are short is a transcript: name | speech."""
    rows = [[" ".join(lines_of(inline(c))) for c in row.iter("cell")] for row in el.iter("row")]
    rows = [r for r in rows if any(r)]
    if rows and all(len(r) == 2 and len(r[0]) <= 40 for r in rows):
        return [f"**{a.rstrip(':：')}:** {b}" if a else b for a, b in rows]
    return [" | ".join(c for c in r if c) for r in rows]


NAME_ALONE = re.compile(r"^(?:\*\*|#{1,6} )(?P<name>[^\W\d][^*:：\n.!?,;]{0,40}?)(?:\*\*)?$")


def labels_on_own_line(paragraphs: list[str]) -> list[str]:
    """A name alone in bold or as a heading, above the speech, is a speaker label when the
    page repeats it (Substack, podcast sites); once, it is a heading."""
    names = [m.group("name").strip() if (m := NAME_ALONE.match(p)) else "" for p in paragraphs]
    seen = Counter(n for n in names if n and len(n.split()) <= 4)
    return [
        f"**{n}:**" if n and seen[n] >= 2 else p for p, n in zip(paragraphs, names, strict=True)
    ]


def site_free(title: str, site: str) -> str:
    """ "Interview with X | Site" → "Interview with X": the site's name is not the title's."""
    parts = SITE_SEPARATORS.split(title)
    if len(parts) > 1 and site:
        key = re.sub(r"\W+", "", site.casefold())
        kept = [p for p in parts if re.sub(r"\W+", "", p.casefold()) != key]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    return title.strip()


def front_value(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def extract(data: bytes, http_charset: str = "", fallback_title: str = "") -> Page:
    """`fallback_title` names a page that has no title of its own (the file's name), so
    that its first paragraph, perhaps a speaker's, is not taken for one."""
    from trafilatura import bare_extraction  # heavy import: only for pages that need it

    decoded = decode_page(data, http_charset)
    try:
        tree = html.document_fromstring(decoded.text.encode("utf-8"), parser=PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise DecodeError(f"not a readable HTML page: {exc}") from None
    language = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].lower()
    og_site = tree.xpath("string(//meta[@property='og:site_name']/@content)").strip()
    mark_labels(tree)
    found = bare_extraction(
        tree,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        favor_recall=False,
        with_metadata=True,
        # Only dates the page states in its markup: a guess from its text could be wrong.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    assert not isinstance(found, dict)  # as_dict is False: a Document or None
    if found is None or found.body is None:
        raise DecodeError("no main text found in the HTML page")
    site = front_value(found.sitename or og_site)
    page = Page(
        text="",
        encoding=decoded.encoding,
        title=site_free(front_value(found.title or ""), site),
        site_name=site,
        author=front_value(found.author or ""),
        date=found.date or "",
        url=found.url or "",
        language=language,
        warnings=list(decoded.warnings),
    )
    paragraphs = labels_on_own_line(render(found.body))
    if paragraphs and page.title and paragraphs[0].lstrip("# ") == page.title:
        paragraphs = paragraphs[1:]  # the headline is the title
    front = {"title": page.title or fallback_title, "lang": language, "date": page.date}
    head = "".join(f"{k}: {front_value(v)}\n" for k, v in front.items() if v)
    page.text = (f"---\n{head}---\n" if head else "") + "\n\n".join(paragraphs) + "\n"
    return page


PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True)

"""HTML → the page's main text and metadata, in the text shapes the segmenter reads.

trafilatura finds the main content and drops navigation, consent banners, ads, related
lists, comments and footers; with `include_formatting` it keeps bold and headings, where
speaker labels live. Before it runs, elements that carry speakers in their markup (a
class or itemprop that says speaker or time, definition lists of name → speech) are
rewritten as bold labels, and after it the content is written as text: `**Name:** …`,
`## Heading`, one paragraph per line. So cleaning, segmentation and speaker resolution
are the ones text pages go through.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree, html

from app.parse.decode import Decoded, DecodeError, decode_bytes, strict

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
SPEAKER_CLASS = re.compile(r"(^|[\s_-])(speaker|interlocutor)($|[\s_-])", re.I)
TIME_CLASS = re.compile(r"(^|[\s_-])(time|timestamp|timecode|ts)($|[\s_-])", re.I)
CLOCK = re.compile(r"^[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?$")
INLINE_PARENTS = {"p", "li", "dd", "dt", "td", "span", "a", "b", "strong", "em", "h4", "h5"}
BLOCKS = {"p", "div", "ul", "ol", "blockquote", "section", "table", "pre", "h2", "h3", "h4"}
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
            text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
            return Decoded(text, declared)
        decoded = decode_bytes(data)
        decoded.warnings.append(
            f"declared charset {declared} does not fit; read as {decoded.encoding}"
        )
        return decoded
    return decode_bytes(data)


def classes(el) -> str:
    return " ".join(el.get(a, "") for a in ("class", "itemprop", "data-role", "data-type"))


def own_text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def mark_speakers(tree) -> None:
    """Speaker and time elements become "[hh:mm:ss] **Name:**" in front of the turn."""
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if not is_speaker(el):
            continue
        if any(is_speaker(a) for a in el.iterancestors()):
            continue  # the inner element of a speaker block is that block's name
        stamp = clock_near(el)
        name = own_text(el)
        if not name or len(name) > 60:
            continue
        bold = html.Element("b")
        bold.text = name.rstrip(":：") + ":"
        speech = el.getnext()
        if (
            el.getparent().tag not in INLINE_PARENTS
            and not (el.tail or "").strip()
            and (speech is not None and speech.tag == "p" and not is_speaker(speech))
        ):
            # A name on a block of its own goes into the paragraph of speech after it:
            # extractors drop a short line that repeats ("Host A:") as page furniture.
            bold.tail = " " + (speech.text or "")
            speech.text = f"[{stamp}] " if stamp else None
            speech.insert(0, bold)
            el.getparent().remove(el)
            continue
        bold.tail = " " + (el.tail or "")
        inline = el.getparent().tag in INLINE_PARENTS  # the label opens a paragraph
        label = html.Element("span" if inline else "p")
        label.text = f"[{stamp}] " if stamp else None
        label.append(bold)
        el.getparent().replace(el, label)


# "[00:13] João:" alone in an inline element at the head of a paragraph: a label, whatever
# its class says (extractors drop classes such as "meta" as page furniture).
LABEL_TEXT = re.compile(
    r"^[\[(]?(?:(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?\s+)?(?P<name>[^\W\d][^:：\n]{0,40}?)\s*[:：]$"
)
INLINE = {"span", "font", "em", "i", "small", "label", "cite", "b", "strong", "a"}


def mark_inline_labels(tree) -> None:
    for el in list(tree.iter(*INLINE)):
        parent = el.getparent()
        if parent is None or (parent.text or "").strip() or el.getprevious() is not None:
            continue
        m = LABEL_TEXT.match(own_text(el))
        if not m:
            continue
        bold = html.Element("b")
        bold.text, bold.tail = m.group("name") + ":", " " + (el.tail or "")
        holder = html.Element("span")
        holder.text = f"[{m.group('ts')}] " if m.group("ts") else None
        holder.append(bold)
        holder.tail = None
        parent.replace(el, holder)


def clock_near(el) -> str:
    """The time printed with a speaker: inside it, or among its siblings up to the next
    speaker (or just before it), or beside its block when that block holds one speaker.
    Removed where it stood."""
    near = [el, *turn_siblings(el)]
    parent = el.getparent()
    if parent.getparent() is not None and sum(map(is_speaker, parent.getparent().iter())) == 1:
        near.append(parent.getparent())
    for scope in near:
        for t in scope.iter():
            if t is el or not isinstance(t.tag, str):
                continue
            if (t.tag == "time" or TIME_CLASS.search(classes(t))) and (
                m := CLOCK.match(own_text(t))
            ):
                drop(t)
                return m.group(1)
    return ""


def turn_siblings(el) -> list:
    """The siblings that belong to a speaker's turn: those after it until the next speaker,
    and the one right before it (a time printed in front of the name)."""
    after = []
    for sib in el.itersiblings():
        if any(map(is_speaker, sib.iter())):
            break
        after.append(sib)
    before = el.getprevious()
    return after + (
        [before] if before is not None and not any(map(is_speaker, before.iter())) else []
    )


def is_speaker(el) -> bool:
    return isinstance(el.tag, str) and bool(SPEAKER_CLASS.search(classes(el)))


def drop(el) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def flatten_definition_lists(tree) -> None:
    """<dt>Name</dt><dd>speech</dd> is a turn: written as a bold label and its paragraph."""
    for dl in list(tree.iter("dl")):
        terms = [own_text(dt) for dt in dl.iter("dt")]
        if not terms or max(len(t) for t in terms) > 60:
            continue  # a glossary, not a list of speakers
        box, label = html.Element("div"), None
        for child in dl.iter("dt", "dd"):
            if child.tag == "dt":
                label = own_text(child).rstrip(":：") + ":"
                continue
            blocks = [c for c in child if c.tag in BLOCKS]
            p = html.Element("p")
            if label:
                b = etree.SubElement(p, "b")
                b.text, b.tail, label = label, " ", None
            if blocks:  # the label on a line of its own, the paragraphs after it
                box.append(p)
                box.extend(blocks)
            else:
                if len(p):
                    p[-1].tail = " " + (child.text or "")
                else:
                    p.text = child.text
                p.extend(list(child))
                box.append(p)
        box.tail = dl.tail
        dl.getparent().replace(dl, box)


def inline(el) -> str:
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


def render(body) -> list[str]:
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


def render_list(el) -> list[str]:
    items = [" ".join(lines_of(inline(i))) for i in el.iter("item")]
    return ["\n".join("- " + i for i in items if i)] if items else []


def render_table(el) -> list[str]:
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
    mark_speakers(tree)
    mark_inline_labels(tree)
    flatten_definition_lists(tree)
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

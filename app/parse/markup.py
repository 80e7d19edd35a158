"""Speakers in a page's markup, made bold labels before the main text is extracted.

Sites mark turns in their HTML: an element whose class says speaker (with a time beside
it), a name in an inline element at the head of a paragraph ("[00:13] João:", whatever
its class), a definition list of name → speech. Extractors drop such elements as page
furniture (a class "meta", a short line that repeats), so each becomes
"[hh:mm:ss] <b>Name:</b>" at the head of the speech's paragraph, a shape every extractor
keeps and the segmenter reads.
"""

from __future__ import annotations

import re

from lxml import etree, html

SPEAKER_CLASS = re.compile(r"(^|[\s_-])(speaker|interlocutor)($|[\s_-])", re.I)
TIME_CLASS = re.compile(r"(^|[\s_-])(time|timestamp|timecode|ts)($|[\s_-])", re.I)
CLOCK = re.compile(r"^[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?$")
INLINE_PARENTS = {"p", "li", "dd", "dt", "td", "span", "a", "b", "strong", "em", "h4", "h5"}
BLOCKS = {"p", "div", "ul", "ol", "blockquote", "section", "table", "pre", "h2", "h3", "h4"}


def mark_labels(tree: html.HtmlElement) -> None:
    mark_speakers(tree)
    mark_inline_labels(tree)
    flatten_definition_lists(tree)


def classes(el: html.HtmlElement) -> str:
    return " ".join(el.get(a, "") for a in ("class", "itemprop", "data-role", "data-type"))


def own_text(el: html.HtmlElement) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def mark_speakers(tree: html.HtmlElement) -> None:
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


def mark_inline_labels(tree: html.HtmlElement) -> None:
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


def clock_near(el: html.HtmlElement) -> str:
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


def turn_siblings(el: html.HtmlElement) -> list[html.HtmlElement]:
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


def is_speaker(el: html.HtmlElement) -> bool:
    return isinstance(el.tag, str) and bool(SPEAKER_CLASS.search(classes(el)))


def drop(el: html.HtmlElement) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def flatten_definition_lists(tree: html.HtmlElement) -> None:
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

"""One source file's way through the pure stages: bytes → ParsedDocument(s). No database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from app.parse import captions, classify, formats
from app.parse.alternation import (
    ANSWERER,
    ASKER,
    alternate_unlabelled,
    speech_after_intro,
    typography_qa,
)
from app.parse.boilerplate import without_page_furniture
from app.parse.clean import clean
from app.parse.dates import first_date
from app.parse.decode import Decoded, decode_bytes
from app.parse.documents import ParsedDocument, ParsedPassage, Person
from app.parse.extract import extract
from app.parse.induction import Labels, candidates, labels_of_page, labels_of_turns, sequence_of
from app.parse.introductions import (
    by_host_note,
    by_introduction,
    introduce_transcript,
    opening_of_labelled,
    role_introduced,
)
from app.parse.labels import split_at_labels
from app.parse.registry import Show
from app.parse.segment import (
    Head,
    Item,
    RawTurn,
    blocks,
    merge_caption_lines,
    name_lines,
    publisher_of,
    split_head,
    split_items,
    strip_markup,
    time_and_name_lines,
    turns,
)
from app.parse.speakers import Context, Registry, person_for
from app.text import has_han, name_key, slugify

# Bump when parsing changes, so that `archive ingest` re-parses unchanged files.
PARSER_VERSION = "3"


class ParseError(ValueError):
    """The file decoded but holds nothing the archive can keep."""


def parse_bytes(
    name: str, data: bytes, registry: Registry, source_url: str = "", http_charset: str = ""
) -> list[ParsedDocument]:
    """`source_url` and `http_charset` come from a fetch record (archive add)."""
    try:
        fmt = formats.sniff(name, data)
    except formats.UnsupportedFormat as exc:
        raise ParseError(str(exc)) from None
    if fmt == formats.HTML:
        docs = parse_page(name, data, registry, http_charset, source_url)
    elif fmt == formats.TEXT:
        docs = parse_text(name, decode_bytes(data, name), registry)
    else:
        docs = [parse_transcript(name, data, fmt, registry)]
    sha = hashlib.sha256(data).hexdigest()
    for doc in docs:
        doc.sha256 = sha
        if source_url and fmt != formats.HTML:  # a page puts its canonical URL first
            doc.source_urls.insert(0, source_url)
        doc.source_urls = list(dict.fromkeys(doc.source_urls))
    return docs


def parse_page(
    name: str, data: bytes, registry: Registry, http_charset: str = "", fetched_from: str = ""
) -> list[ParsedDocument]:
    """An HTML page: its main text goes the way of a text page; its metadata fills in.
    The page's canonical URL is its source, then the address it was fetched from."""
    page = extract(data, http_charset, title_of_file(name))
    canonical = urljoin(fetched_from, page.url) if page.url else ""
    if urlsplit(canonical).scheme not in ("http", "https"):
        canonical = ""  # a link the pages will show: never javascript: or data:
    docs = parse_text(name, Decoded(page.text, page.encoding, page.warnings), registry)
    for doc in docs:
        doc.publisher = page.site_name or doc.publisher  # a byline names the writer
        doc.source_urls = [u for u in (canonical, fetched_from) if u] + doc.source_urls
    return docs


def parse_text(name: str, decoded: Decoded, registry: Registry) -> list[ParsedDocument]:
    cleaned = clean(decoded.text)
    items = split_items(cleaned.paragraphs)
    if not any(item.paragraphs for item in items):
        raise ParseError("no text is left once the site's menus and footers are removed")
    docs: list[ParsedDocument] = []
    for item in items:
        captions_ = "\n".join(text for reason, text in cleaned.removed if reason == "caption")
        doc = parse_item(
            item,
            cleaned.front_matter,
            registry,
            many=len(items) > 1,
            credit=cleaned.source_credit,
            aside=captions_,
        )
        doc.key = f"{name}#{item_slug(doc.title)}" if len(items) > 1 else name
        if any(d.key == doc.key for d in docs):  # two entries with one title
            doc.key += f"-{len(docs) + 1}"
        doc.source_file, doc.encoding = name, decoded.encoding
        doc.source_urls = list(dict.fromkeys(cleaned.urls + doc.source_urls))
        doc.source_credit = cleaned.source_credit
        doc.date_text = doc.date_text or cleaned.date_text
        if not doc.published_date and cleaned.source_credit:  # "来源：智东西 2025-03-01"
            doc.published_date, raw = first_date(cleaned.source_credit)
            doc.date_text = raw or doc.date_text
            doc.publisher = doc.publisher or publisher_of(cleaned.source_credit.split("\n")[0])
        doc.warnings = list(decoded.warnings) + doc.warnings
        docs.append(doc)
    docs[0].warnings += near_duplicates(cleaned.removed)
    return docs


def near_duplicates(removed: list[tuple[str, str]]) -> list[str]:
    """Dropped paragraphs that were not word for word the one before: say so, since a
    speaker may have said nearly the same thing twice."""
    return [
        f"dropped a paragraph nearly repeating the one before it: {text[:80]!r}"
        for reason, text in removed
        if reason == "near duplicate"
    ]


def parse_transcript(name: str, data: bytes, fmt: str, registry: Registry) -> ParsedDocument:
    """Subtitles and speech-to-text exports: turns come from the cues, names are resolved
    as on text pages, unnamed speakers stay unattributed."""
    if fmt == formats.TRANSCRIPT_JSON:
        decoded, found = Decoded("", "utf-8"), captions.read_json(data)
    else:
        decoded = decode_bytes(data, name)
        found = (captions.read_vtt if fmt == formats.VTT else captions.read_srt)(decoded.text)
    if not found.turns:
        raise ParseError(f"no cue with text in this {fmt.upper()} file")
    title = found.title or title_of_file(name)
    text = "\n\n".join(t.prefix + t.text for t in found.turns)
    ctx = Context(registry, title + "\n" + text, "")
    # Only a voice tag or speaker field marks a name; a "Name:" prefix must repeat or
    # resolve, as on text pages (every cue has a time, so the time marks nothing).
    named = [(t.speaker, t.explicit, t.text) for t in found.turns if t.speaker]
    labels = labels_of_turns(named, ctx)
    people = {
        n: None if resolved[2] == "unknown" else person_for(n, resolved[:2])
        for n, resolved in labels.items()
    }
    passages = transcript_passages(found.turns, people, labels)
    if not labels and (who := introduce_transcript(passages, ctx)):
        role = role_introduced(text, who.name)
        people, labels = {who.name: who}, {who.name: (who, role, "introduction")}
    doc = ParsedDocument(
        key=name,
        source_file=name,
        sha256="",
        encoding=decoded.encoding,
        language=classify.detect_language(text, found.language),
        title=title,
        text=title + "\n\n" + text,
        passages=passages,
        warnings=list(decoded.warnings),
    )
    describe(doc, ctx, {"lang": found.language}, labels, {n: p for n, p in people.items() if p})
    return doc


def title_of_file(name: str) -> str:
    return re.sub(r"[_\s]+", " ", name.rsplit(".", 1)[0]).strip()


def transcript_passages(
    turns_: list[captions.Turn], people: dict[str, Person | None], labels: Labels
) -> list[ParsedPassage]:
    out: list[ParsedPassage] = []
    for t in turns_:
        speaker = people.get(t.speaker)
        if speaker is None:  # one passage per paragraph, the name prefix left as printed
            out += [
                ParsedPassage(t.prefix + p if i == 0 else p, timestamp=start)
                for i, (p, start) in enumerate(zip(t.paragraphs, t.starts))
            ]
        elif out and out[-1].label == t.speaker:  # "ANNA:" printed on each of her cues
            out[-1].text = captions.join(out[-1].text, t.text)
        else:
            how = labels[t.speaker][2]  # how the speaker was known
            out.append(
                ParsedPassage(t.text, "turn", t.speaker, speaker, timestamp=t.start, evidence=how)
            )
    return out


def item_slug(title: str) -> str:
    """Index items are keyed by title, so a new entry on top does not renumber the others."""
    digest = hashlib.sha1(title.encode()).hexdigest()[:6]
    ascii_ = slugify(title)[:50]
    # A title in Chinese leaves few ASCII words; the digest keeps such keys apart.
    cjk = has_han(title)
    return "-".join(filter(None, [ascii_, digest])) if cjk or not ascii_ else ascii_


def parse_item(
    item: Item,
    front: dict[str, str],
    registry: Registry,
    many: bool,
    credit: str = "",
    aside: str = "",
) -> ParsedDocument:
    head = split_head(item.paragraphs, "" if many else front.get("title", ""), item.meta)
    body_text = "\n\n".join(head.body)
    byline = f"by {head.author}\n" if head.author else ""
    ctx = Context(
        registry, head.title + "\n" + byline + body_text, head.publisher, head.author, credit, aside
    )
    head.body, raw, labels = speaking_turns(head.body, ctx)
    people = {
        name: None if resolved[2] == "unknown" else person_for(name, resolved[:2])
        for name, resolved in labels.items()
    }
    language = classify.detect_language(body_text, front.get("lang", ""))
    doc = ParsedDocument(
        key="",
        source_file="",
        sha256="",
        encoding="",
        language=language,
        title=head.title,
        text=cleaned_text(head),
        passages=[],
        publisher=head.publisher,
        published_date=head.date_iso or front_date(front),
        date_text=head.date_text,
    )
    doc.passages = [passage(t, people, labels) for t in raw]
    describe(doc, ctx, front, labels, {n: p for n, p in people.items() if p})
    return doc


def speaking_turns(paragraphs: list[str], ctx: Context) -> tuple[list[str], list[RawTurn], Labels]:
    """The page's own labels learnt, the page cut at them into turns; without labels, Q&A
    typography or a speech's announcement. Returns the paragraphs as cut, the turns, and
    label → (person or None, role word, how it was known)."""
    paragraphs = merge_caption_lines(name_lines(time_and_name_lines(paragraphs)))
    labels = labels_of_page(candidates(paragraphs), ctx, sequence_of(paragraphs))
    paragraphs = split_at_labels(paragraphs, set(labels))
    title = ctx.text.split("\n", 1)[0]
    paragraphs = [without_page_furniture(p, title) for p in paragraphs]
    bl = typography_qa(blocks(paragraphs, set(labels)))
    inferred = {b.label.name for b in bl if b.label and b.label.kind == "alternation"}
    if inferred:
        labels = {
            **labels,
            **{name: ctx.resolve(name) for name in (ASKER, ANSWERER) if name in inferred},
        }
    raw = alternate_unlabelled(turns(bl, set(labels)))
    named = {n: p.name for n, (p, _, _) in labels.items() if p and not p.anonymous}
    raw = opening_of_labelled(raw, named)
    if not labels:
        guest = ctx.main_guest()
        raw, who = speech_after_intro(raw, guest.name if guest else "")
        if who:
            person = guest if guest and guest.name == who else ctx.resolve(who)[0]
            labels = {who: (person, "", "byline")}
    if not labels:
        raw, who = by_introduction(raw, ctx.known, ctx.text)
        if who:
            role = role_introduced(ctx.text, who)
            labels = {who: (ctx.resolve(who)[0], role, "introduction")}
    if not labels and (host := ctx.sole_host()):
        raw, noted = by_host_note(raw, host.name)
        if noted:
            labels = {host.name: (host, "host", "introduction")}
    return paragraphs, raw, labels


def front_date(front: dict[str, str]) -> str:
    return first_date(front.get("date", ""))[0]


def cleaned_text(head: Head) -> str:
    return "\n\n".join([head.title] + [strip_markup(p) for p in head.body]).strip()


def passage(turn: RawTurn, people: dict[str, Person | None], labels: Labels) -> ParsedPassage:
    text = "\n\n".join(strip_markup(p) for p in turn.paragraphs)
    if not turn.label:
        return ParsedPassage(text=text, section=turn.section, timestamp=turn.timestamp)
    inferred = turn.label.kind in ("alternation", "introduction")  # no label printed
    if people[turn.label.name] is None:  # a label the page itself leaves unknown
        return ParsedPassage(text, "turn", turn.label.name, None, turn.section, turn.timestamp)
    return ParsedPassage(
        text=text,
        role=turn.role or "turn",
        label="" if inferred else turn.label.name,
        speaker=people[turn.label.name],
        section=turn.section,
        timestamp=turn.timestamp,
        evidence=turn.evidence or ("alternation" if inferred else labels[turn.label.name][2]),
    )


def describe(
    doc: ParsedDocument,
    ctx: Context,
    front: dict[str, str],
    labels: Labels,
    people: dict[str, Person],
) -> None:
    """Kind, show, participants, roles of turns, provenance, the conversation's date."""
    show = ctx.shows[0] if ctx.shows else None
    hosts = {
        p.slug: p
        for name, p in people.items()
        if labels[name][1] == "host"
        or (show and p.name in show.hosts)
        or (not show and ctx.hosts_a_show(p))
    }
    askers = {
        p.slug: p
        for name, p in people.items()
        if labels[name][1] == "interviewer" or p.is_organization
    }
    if not hosts and not askers and (asker := the_one_who_asks(doc.passages)):
        askers[asker.slug] = asker
    show = show or show_hosted_by(ctx, list(hosts.values()) + list(askers.values()))
    guests = {p.slug: p for p in people.values() if p.slug not in hosts and p.slug not in askers}
    for pas in doc.passages:
        if pas.speaker and pas.role == "turn" and (hosts or askers):
            pas.role = (
                "question" if pas.speaker.slug in hosts or pas.speaker.slug in askers else "answer"
            )
    turn_chars = sum(len(p.text) for p in doc.passages if p.speaker)
    narration = sum(len(p.text) for p in doc.passages if not p.speaker)
    author = None
    if not people:
        author = summary_people(doc, ctx, askers, guests)
        show = show or show_hosted_by(ctx, list(askers.values()))
    doc.kind = classify.kind_of(doc.text, doc.title, turn_chars, narration, author is not None)
    outlet = next((p for p in askers.values() if p.is_organization), None) or ctx.registry.outlet(
        doc.publisher
    )
    doc.show = show.name if show else (outlet.name if outlet else "")
    doc.show_language = show.language if show else ""
    if show:
        doc.episode = next(
            (e for a in show.aliases if (e := classify.episode_after(doc.text, a))), ""
        )
    translated = bool(doc.show_language) and doc.show_language != doc.language
    # Translator's and generator's notes are the page's own voice: never read them from speech.
    narration_text = "\n".join([doc.title] + [p.text for p in doc.passages if not p.speaker])
    doc.provenance = classify.provenance(narration_text, front, doc.kind, translated)
    doc.interview_date = classify.aired_date(doc.text)
    doc.participants = (
        [("host", p) for p in hosts.values()]
        + [("interviewer", p) for p in askers.values()]
        + [("author" if doc.kind == "essay" else "guest", p) for p in guests.values()]
    )
    if author and doc.kind == "essay":
        doc.participants = [("author", author)]
        doc.passages = authored(doc.passages, replace(author, aliases=list(author.aliases)))
    for name, p in people.items():  # the labels seen are aliases of the person
        if name_key(name) != name_key(p.name) and not labels[name][1] and name not in p.aliases:
            p.aliases.append(name)
    if not doc.passages:
        doc.warnings.append("no passages")
    unresolved = [
        n
        for n, (p, r, how) in labels.items()
        if p is None and not r and how not in ("unknown", "introduction")
    ]
    if unresolved:
        doc.warnings.append("labels not found in registry or page: " + ", ".join(unresolved))


# A scraper that joins an essay's paragraphs leaves a space after the sentence that ended
# one: Chinese and Japanese put no space between sentences of one paragraph.
CJK_PARAGRAPH_JOIN = re.compile(r"(?<=[。！？」”])\s+(?=\S)")


def authored(passages: list[ParsedPassage], author: Person) -> list[ParsedPassage]:
    """An essay's paragraphs are its author's: one passage each, found through the byline."""
    out = []
    for pas in passages:
        if pas.speaker:
            out.append(pas)
            continue
        pieces = [q for p in pas.text.split("\n\n") for q in CJK_PARAGRAPH_JOIN.split(p)]
        out += [
            ParsedPassage(
                text=piece.strip(),
                role="author",
                speaker=author,
                section=pas.section,
                evidence="byline",
            )
            for piece in pieces
            if piece.strip()
        ]
    return out


def the_one_who_asks(passages: list[ParsedPassage]) -> Person | None:
    """Of two people taking turns, the one whose turns are questions (and whose partner's
    are not) is the interviewer, even when nothing names their role."""
    turns: dict[str, list[ParsedPassage]] = {}
    for p in passages:
        if p.speaker and not p.speaker.anonymous and p.role == "turn":
            turns.setdefault(p.speaker.slug, []).append(p)
    if len(turns) != 2 or min(map(len, turns.values())) < 2:
        return None

    def asking(ps: list[ParsedPassage]) -> float:
        return sum(p.text.rstrip().endswith(("?", "？")) for p in ps) / len(ps)

    (a, pa), (b, pb) = turns.items()
    for mine, theirs in ((pa, pb), (pb, pa)):
        if asking(mine) >= 0.6 and asking(theirs) <= 0.2:
            return mine[0].speaker
    return None


def show_hosted_by(ctx: Context, people: list[Person]) -> Show | None:
    """A host or interviewer who hosts a registered show speaks on that show."""
    return next((s for s in ctx.registry.shows for p in people if p.name in s.hosts), None)


def summary_people(
    doc: ParsedDocument, ctx: Context, askers: dict[str, Person], guests: dict[str, Person]
) -> Person | None:
    """Participants of a page without turns: a summary names them, an essay its author."""
    by, with_ = classify.summary_participants(doc.text)
    for span, target in ((by, askers), (with_, guests)):
        for p in ctx.registry.mentioned_people(span)[:1] or (
            [Person(span.strip(), slugify(span))] if slugify(span) else []
        ):
            target[p.slug] = p
    if by or with_:
        return None
    span = classify.author_span(doc.title, doc.text) or ctx.author
    found = ctx.registry.mentioned_people(span) if span else []
    return found[0] if found else None

"""Speaker labels, learnt per page: candidate shapes → the page's own label set.

A page tells you its labels: the same few names or roles open many paragraphs. Here every
general shape of a label is proposed as a candidate (a name or role before a colon, bold
or capitals, timestamps beside a name, bracketed role tags, diarisation labels); the
induction in `labels_of_page` keeps those that repeat, that the page or the registry
names, or that markup alone marks. "In dieser Situation: …" has a label's shape and is
prose: it neither repeats nor names anyone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from app.parse.speakers import person_for, role_of, without_honorific
from app.text import CJK_CHAR as CJK
from app.text import HAN_CHAR

TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}"
TIMESTAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$")
BOLD_LABEL_INSIDE = re.compile(
    r"^\*\*(?P<label>[^*\n]{1,80}?)\s*[:：]\s*\*\*\s*(?P<rest>.*)$", re.S
)
BOLD_LABEL_OUTSIDE = re.compile(r"^\*\*(?P<label>[^*\n]{1,80}?)\*\*\s*[:：]\s*(?P<rest>.*)$", re.S)
# "*MM*: …", "_Q_: …": a label in italics.
ITALIC_LABEL = re.compile(r"^([*_])(?P<label>[^*_\n]{1,40}?)\1\s*[:：]\s*(?P<rest>.*)$", re.S)
# "**Name**" alone on its line, the words on the next: bold is the label's only mark.
BOLD_NAME_LINE = re.compile(r"^\*\*(?P<label>[^*\n:：]{1,40}?)\*\*\s*\n(?P<rest>.*)$", re.S)
# A name or role, then a colon (a French one has a space before it).
PLAIN_LABEL = re.compile(
    r"^(?P<label>[^\s:：*#>•\-\[\d][^:：\n]{0,80}?)\s*[:：][ \t]*(?P<rest>.*)$", re.S
)
PAREN = re.compile(r"^(?P<name>.+?)\s*[(（\[](?P<paren>[^)）\]]{1,40})[)）\]]$")
# "[00:12:34] Name: text", "(12:34) Name: text": a timestamp in front of the label.
LEADING_TIMESTAMP = re.compile(rf"^[\[(]?(?P<ts>{TS})[\])]?\s+(?P<rest>\S.*)$", re.S)
# "Dwarkesh Patel  00:12:34" (Otter, Descript, Substack), the text after it or below.
NAME_THEN_TIMESTAMP = re.compile(
    rf"^(?P<label>[^\W\d][^:：\n]{{0,40}}?)\s+[\[(]?(?P<ts>{TS})[\])]?\s*[:：]?"
    r"(?:[ \t]+(?P<same>\S[^\n]*))?(?:\n(?P<rest>.*))?$",
    re.S,
)
# "00:12:34\nDwarkesh Patel\ntext": the time line above the name line.
TIMESTAMP_THEN_NAME = re.compile(
    rf"^[\[(]?(?P<ts>{TS})[\])]?\n(?P<label>[^\n]{{1,40}})\n(?P<rest>.*)$", re.S
)
# "[Host] text", "<Interviewer> text", "【主持人】text": a role tag in brackets.
BRACKET_TAG = re.compile(
    r"^(?:\[(?P<a>[^\]\n]{1,60})\]|<(?P<b>[^>\n]{1,30})>|【(?P<c>[^】\n]{1,30})】)\s*[:：]?\s*(?P<rest>.*)$",
    re.S,
)
# Machine diarisation: "SPEAKER 1", "Speaker A", "Sprecher 2", "说话人1", "화자 2"; numbered
# voices of generated shows ("Host A", "Guest 2") are as anonymous.
DIARISATION = re.compile(
    r"^(?P<label>(?:speaker|sprecher(?:in)?|locuteur|intervenant|hablante|orador|"
    r"host|guest|caller|participant|panelist|voice|teilnehmer(?:in)?|gast|"
    r"说话人|發言人|发言人|話者|発言者|화자)[ _]?(?:\d{1,2}|(?-i:[A-Z]))\b)"
    # then a time, a colon or the end of the line: "Host a party" is a sentence
    rf"(?:\s*[\[(]?(?P<ts>{TS})[\])]?)?(?:\s*[:：]|[ \t]*(?=\n|$)|(?<=[)\]]))\s*(?P<rest>.*)$",
    re.S | re.I,
)
# "UNIDENTIFIED FEMALE:", "UNKNOWN SPEAKER:", "(UNVERSTÄNDLICH)": transcripts that cannot say.
UNIDENTIFIED = re.compile(
    r"^(?P<label>(?:unidentified|unknown|unbekannte?r?|inconnu|desconocido)"
    r"(?:\s+(?:male|female|man|woman|speaker|person|voice|participant|sprecher(?:in)?)){0,2}"
    r"(?:\s*#?\d{1,2})?)\s*[:：]\s*(?P<rest>.*)$",
    re.S | re.I,
)
# "△(샘 올트먼) 반대가 …": a Korean answer mark with the speaker in brackets.
MARKED_NAME = re.compile(r"^[△▲▶☞]\s*[(（](?P<label>[^()（）\n]{1,20})[)）]\s*(?P<rest>.*)$", re.S)
# "“…”(리시 수낵 영국 총리)": a quotation with its speaker after it, in brackets.
TRAILING = re.compile(
    r"^(?P<rest>[“\"«„「『].+[”\"»“」』])\s*[(（](?P<label>[^()（）\n]{1,40})[)）]$", re.S
)
# Captions mark a change of speaker with ">>" (with or without a name after it).
CAPTION_CHANGE = re.compile(r"^>>\s*(?P<rest>.*)$", re.S)
# "P. ¿…?" / "R. …" (Spanish press), "Q. …" / "A. …", "F. …" / "A. …": a role letter.
ROLE_LETTER = re.compile(
    r"^(?P<label>[QAPRF]|Pregunta|Respuesta|Frage|Antwort|Question|Réponse|Answer|"
    r"Entrevistador|Entrevistado)\.\s+(?P<rest>\S.*)$",
    re.S,
)
# Japanese: a name, then the words in 「…」.
NAME_QUOTE = re.compile(r"^(?P<label>[^\s「」:：]{1,12}?)\s*(?P<rest>「.*)$", re.S)
DASHED = re.compile(r"^[-–—]\s?(?P<rest>\S.*)$", re.S)
# "— Sam Altman (@sama) February 10, 2025": an embedded post, credited below its words.
EMBED_CREDIT = re.compile(r"^[—–-]\s*(?P<label>[^(@\n]{2,40}?)\s*\(@\w{1,30}\)")
CONTINUED = re.compile(
    r"^(fortgesetzt|fortsetzung|continued|cont'?d\.?|cont\.|suite|续|继续|接上)$", re.I
)
INITIALS = re.compile(r"^[A-ZÄÖÜ]{2,3}$")
SENTENCE_END = re.compile(r"(?<=[.!?。！？…\"”»」)—])\s+")


@dataclass
class Label:
    name: str
    timestamp: int | None = None
    continued: bool = False
    marked: bool = False  # markup alone makes it a label: bold, a timestamp, brackets
    kind: str = ""  # "" | diarisation | role letter | caption | name quote
    note: str = ""  # title and affiliation printed with the name ("CEO, Anthropic")


def seconds(ts: str) -> int:
    h, mi, s = (int(x) if x else 0 for x in TIMESTAMP.match(ts).groups())
    return h * 3600 + mi * 60 + s


def plausible_name(name: str) -> bool:
    name = without_honorific(name)  # the title in "「チャットGPT」技術幹部 シェイン・グウさん"
    if (
        not name
        or "http" in name.lower()
        or re.search(r"[,，、。.!?！？;；\"“”„「」…]", name.rstrip("."))
    ):
        return False
    if HAN_CHAR.search(name) or re.search(r"[\u3040-\u30ff\uac00-\ud7af]", name):
        return len(name) <= (20 if " " in name else 12)
    return len(name.split()) <= 5


def looks_like_name(label: str) -> bool:
    """Capitalised words ("Jo Ling Kent", "SPIEGEL") or a short CJK name: not a clause."""
    if re.search(HAN_CHAR, label) or re.search(r"[\u3040-\u30ff\uac00-\ud7af]", label):
        if "・" in label or " " in label:
            return len(label) <= 10
        # a Chinese name has two to four characters; a longer run of Han is a clause
        all_han = all(HAN_CHAR.fullmatch(c) for c in label)
        return len(label) <= (4 if all_han else 6)
    words = label.replace("’", "'").split()
    particles = {"de", "van", "von", "der", "da", "di", "del", "le", "la", "bin", "al"}
    return 1 <= len(words) <= 4 and all(w[0].isupper() or w in particles for w in words)


def name_and_note(label: str) -> tuple[str, str]:
    """ "Jensen Huang, CEO of NVIDIA" → ("Jensen Huang", "CEO of NVIDIA"); a long note
    is a sentence, not a title."""
    name, _, note = label.partition(",")
    note = note.strip()
    if not note or len(note) > 60 or len(note.split()) > 8 or not looks_like_name(name.strip()):
        return label, ""
    return name.strip(), note


def parse_label(p: str) -> tuple[Label, str] | None:
    """(label, rest of the paragraph) when the paragraph opens with a speaker-label shape."""
    for shape in (special_label, timestamp_label, colon_label):
        found = shape(p)
        if found:
            return found
    return None


def special_label(p: str) -> tuple[Label, str] | None:
    m = DASHED.match(p)  # "-Nathan Mannheimer: …": a dash in front of the label
    if m:
        found = colon_label(m.group("rest"))
        if found and looks_like_name(found[0].name) and not found[0].marked:
            return found  # (a dash and bold type is a list item: "- **Key Point**: …")
    m = DIARISATION.match(p)
    if m:
        ts = seconds(m.group("ts")) if m.group("ts") else None
        label = Label(m.group("label"), timestamp=ts, marked=True, kind="diarisation")
        return label, m.group("rest").strip()
    m = MARKED_NAME.match(p)
    if m and plausible_name(m.group("label")):
        return Label(m.group("label").strip(), marked=True), m.group("rest").strip()
    m = TRAILING.match(p)
    if m and plausible_name(m.group("label")):
        return Label(m.group("label").strip(), kind="trailing"), m.group("rest").strip()
    m = UNIDENTIFIED.match(p)
    if m:
        return Label(m.group("label"), marked=True, kind="unknown"), m.group("rest").strip()
    m = CAPTION_CHANGE.match(p)
    if m:
        inner = colon_label(m.group("rest"))
        if inner:
            inner[0].marked = True
            return inner
        return Label(">>", kind="caption"), m.group("rest").strip()
    m = BRACKET_TAG.match(p)
    if m:
        name = (m.group("a") or m.group("b") or m.group("c")).strip()
        # "[김덕진 / 세종사이버대 … 교수]": the name, then a title after a slash
        name, _, note = (part.strip() for part in name.partition(" / "))
        if plausible_name(name) and not TIMESTAMP.match(name) and not re.match(r"^\W", name):
            # "[AI 충격파]", "[현장에서]": a kicker has the same brackets; it must repeat.
            return Label(name, kind="bracket", note=note), m.group("rest").strip()
    m = ROLE_LETTER.match(p)
    if m:
        return Label(m.group("label"), kind="role letter"), m.group("rest").strip()
    m = NAME_QUOTE.match(p)
    if m and plausible_name(m.group("label")):
        return Label(m.group("label"), kind="name quote"), m.group("rest").strip()
    m = BOLD_NAME_LINE.match(p)
    if m and plausible_name(m.group("label").strip()) and looks_like_name(m.group("label").strip()):
        return Label(m.group("label").strip(), marked=True), m.group("rest").strip()
    return None


def timestamp_label(p: str) -> tuple[Label, str] | None:
    lead = LEADING_TIMESTAMP.match(p)
    if lead:
        found = parse_label(lead.group("rest"))
        if found and found[0].timestamp is None:
            found[0].timestamp = seconds(lead.group("ts"))
            found[0].marked = True
        return found
    above = TIMESTAMP_THEN_NAME.match(p)
    if above and plausible_name(above.group("label").strip()):
        name = above.group("label").strip()
        if looks_like_name(name):
            label = Label(name, timestamp=seconds(above.group("ts")), marked=True)
            return label, above.group("rest").strip()
    own = NAME_THEN_TIMESTAMP.match(p)
    if own and plausible_name(own.group("label").strip()):
        rest = "\n".join(x for x in (own.group("same"), own.group("rest")) if x)
        label = Label(own.group("label").strip(), timestamp=seconds(own.group("ts")), marked=True)
        return label, rest.strip()
    return None


def colon_label(p: str) -> tuple[Label, str] | None:
    marked = True
    m = BOLD_LABEL_INSIDE.match(p) or BOLD_LABEL_OUTSIDE.match(p) or ITALIC_LABEL.match(p)
    if not m:
        marked = False
        m = PLAIN_LABEL.match(p)
    if not m:
        return None
    name, label = m.group("label").strip(), Label("", marked=marked)
    pm = PAREN.match(name)
    if pm:
        paren = pm.group("paren").strip()
        if TIMESTAMP.match(paren):
            label.timestamp, label.marked = seconds(paren), True
        elif CONTINUED.match(paren):
            label.continued = True
        else:
            label.note = paren  # "Name (Anthropic):" prints an affiliation
        name = pm.group("name").strip()
    name, note = name_and_note(name)
    label.note = label.note or note
    if not plausible_name(name):
        return None
    label.name = name
    # "**Speaker 2:**", "**UNIDENTIFIED MALE:**": in bold they are still anonymous voices
    if DIARISATION.match(name + ":"):
        label.kind, label.marked = "diarisation", True
    elif UNIDENTIFIED.match(name + ":"):
        label.kind, label.marked = "unknown", True
    return label, m.group("rest").strip()


def mid_line_labels(line: str) -> list[tuple[int, str]]:
    """(offset, label name) of colon labels inside a long wrapped line, after a sentence
    end: "… was it? Dario: Yes, and …". Only a repeated or known name is used."""
    out = []
    for m in SENTENCE_END.finditer(line):
        found = colon_label(line[m.end() :])
        if found and found[1] and looks_like_name(found[0].name) and len(found[0].name) <= 40:
            out.append((m.end(), found[0].name))
    return out


@dataclass
class Candidates:
    """Every label shape the page shows, counted, with what marks each."""

    counts: Counter
    marked: set[str]
    kinds: dict[str, str]
    inline: Counter  # seen inside a line, after a sentence: weaker than a paragraph's start
    bold: set[str]  # marked by bold type only
    styles: dict[str, str]  # how each label is printed: "dash caps :", "bold  :", …


def candidates(paragraphs: list[str]) -> Candidates:
    counts: Counter = Counter()
    inline: Counter = Counter()
    marked: set[str] = set()
    bold: set[str] = set()
    styles: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for p in paragraphs:
        for n, line in enumerate(p.split("\n")):
            at = p if n == 0 else line  # the first line keeps the lines below (name + text)
            found = parse_label(at)
            if found:
                label = found[0]
                counts[label.name] += 1
                kinds.setdefault(label.name, label.kind)
                styles.setdefault(label.name, style_of(at, label.name))
                titled = (
                    bool(label.note)
                    and not label.note[:1].isdigit()
                    and not label.note[:1].islower()
                )
                # "アルトマン氏" alone on its line: a name with its honorific, then the words
                titled = titled or (not found[1] and without_honorific(label.name) != label.name)
                if label.marked or label.continued or label.timestamp is not None or titled:
                    marked.add(label.name)
                if label.marked and label.timestamp is None and at.startswith("**"):
                    bold.add(label.name)
            embed = EMBED_CREDIT.match(line)
            if embed and plausible_name(embed.group("label")):
                counts[embed.group("label")] += 1
                kinds[embed.group("label")] = "embed"
                marked.add(embed.group("label"))
            for _, name in mid_line_labels(line):
                counts[name] += 1
                inline[name] += 1
    return Candidates(counts, marked, kinds, inline, bold, styles)


def style_of(printed: str, name: str) -> str:
    """The typography of a label: its lead (dash, bold, italic, bracket), capitals, colon."""
    lead = next(
        (
            k
            for k, marks in (("bold", "**"), ("dash", "-–—"), ("italic", "*_"), ("bracket", "[<【"))
            if printed.startswith(marks) or (len(marks) > 2 and printed[:1] in marks)
        ),
        "plain",
    )
    after = printed[printed.find(name) + len(name) :][:3] if name in printed else ""
    colon = (
        " :" if after.startswith(" :") else ("：" if "：" in after else ":" if ":" in after else "")
    )
    return f"{lead} {'caps' if name.isupper() else ''} {colon}"


def split_at_labels(paragraphs: list[str], names: set[str]) -> list[str]:
    """A paragraph whose later lines (or whose long line, after a sentence end) open with
    a label of this page is several turns: cut it there."""
    if not names:
        return paragraphs
    out: list[str] = []
    for p in paragraphs:
        lines = p.split("\n")
        current: list[str] = []
        for n, line in enumerate(lines):
            found = parse_label(line) if n else None
            if found and found[0].name in names and current:
                out.append("\n".join(current))
                current = []
            pieces = cut_line(line, names)
            current.append(pieces[0])
            for piece in pieces[1:]:
                out.append("\n".join(current))
                current = [piece]
        out.append("\n".join(current))
    return [p for p in out if p.strip()]


def cut_line(line: str, names: set[str]) -> list[str]:
    cuts = [at for at, name in mid_line_labels(line) if name in names]
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line)]
    return [line[a:b].strip() for a, b in zip(bounds, bounds[1:]) if line[a:b].strip()]


def is_initials(label: str) -> bool:
    return bool(INITIALS.match(label))


# Editorial furniture with a label's shape: never a speaker, however often it recurs.
SHAPES_WITHOUT_NAMES = ("caption", "diarisation", "role letter", "name quote", "unknown")
NOT_SPEAKERS = {
    "source",
    "quelle",
    "fuente",
    "note",
    "notes",
    "editor's note",
    "editor's notes",
    "anmerkung",
    "hinweis",
    "update",
    "photo",
    "foto",
    "credit",
    "disclaimer",
    "summary",
    "zusammenfassung",
    "transcript",
    "transkript",
    "chapters",
    "key takeaways",
    "takeaways",
    "tl;dr",
    "tags",
    "topics",
    "category",
    "published",
    "date",
    "datum",
    "来源",
    "摘要",
    "导语",
    "编者按",
    "提要",
    "要点",
    "abstract",
    "要約",
    "요약",
    "编辑",
    "责任编辑",
    "作者",
    "原标题",
    "注",
    "出典",
    "출처",
}


def labels_of_page(cands: Candidates, ctx, sequence: list[tuple[str, str]]) -> dict:
    """The page's label set: name → (person or None, role word, how it was known).

    `sequence` is the page's paragraph-opening labels in order, with their first words:
    two labels that alternate, the first asking, are a conversation even if each is
    printed only once."""
    accepted: dict[str, tuple] = {}
    letters = {n for n, k in cands.kinds.items() if k == "role letter"}
    for name, n in cands.counts.items():
        kind = cands.kinds.get(name, "")
        if kind == "caption" or name.casefold().replace("’", "'") in NOT_SPEAKERS:
            continue
        if kind == "diarisation":
            accepted[name] = (ctx.anonymous(name), "", "diarisation")
            continue
        if kind == "trailing":  # a page of "“…”(name)" quotations credits them all
            if sum(cands.counts[x] for x, k in cands.kinds.items() if k == "trailing") >= 2:
                accepted[name] = (ctx.resolve(name)[0], "", "label")
                cands.marked.add(name)
            continue
        if kind == "embed":  # the post's author, as the embed credits them
            accepted[name] = (ctx.resolve(name)[0], "", "label")
            continue
        if kind == "unknown":  # "UNIDENTIFIED MALE:": a turn of someone the page cannot name
            accepted[name] = (None, "", "unknown")
            continue
        if kind == "role letter" and not {"interviewer", "guest"} <= set(map(role_of, letters)):
            continue  # "P. Diddy", "A. Smith": a role letter only counts with its partner
        person, role, how = ctx.resolve(name)
        namelike = looks_like_name(without_honorific(name))
        if cands.inline[name] == n and n < 2 and not (person and person.in_registry):
            continue
        if kind == "name quote" and not (person or n >= 2):
            continue
        # Bold alone, once, names nobody: a bold list item ("**Key Concept**: …").
        bold_once = n == 1 and name in cands.bold and name not in cands.marked - cands.bold
        if person or role or (namelike and ((name in cands.marked and not bold_once) or n >= 2)):
            accepted[name] = (person, role, how or "label")
    accepted.update(conversation_pair(sequence, accepted, cands))
    accepted.update(same_style(accepted, cands, ctx))
    for short, full in short_forms(cands).items():
        known = accepted.get(short, (None, "", ""))
        if not (known[1] or (known[0] and known[0].in_registry)):
            person = ctx.resolve(full)[0] or person_for(full, (None, ""))
            accepted[short] = (person, "", "surname")
            accepted.setdefault(full, (person, "", "label"))
    return prune(accepted, cands, ctx, sequence)


def same_style(accepted: dict, cands: Candidates, ctx) -> dict:
    """Once two labels of a page share a typography ("-Nathan Mannheimer:", "-Josh
    Parenteau:"), a full name printed the same way once is a label of that page too."""
    styles = [cands.styles[n] for n in accepted if n in cands.styles]
    established = {s for s in styles if styles.count(s) >= 2}
    out = {}
    for name, style in cands.styles.items():
        bare = without_honorific(name)
        full = len(bare.split()) >= 2 or bool(CJK.search(bare))
        if name in accepted or style not in established or not full:
            continue
        if looks_like_name(bare) and name.casefold() not in NOT_SPEAKERS:
            out[name] = (ctx.resolve(name)[0], "", "label")
            cands.marked.add(name)  # the page's label typography marks it
    return out


def short_forms(cands: Candidates) -> dict[str, str]:
    """ "深津:" after "深津貴之氏(以下、深津):", "SCHICK:" after "NINA SCHICK, AUTHOR:",
    "小川キャスター:" after "小川彩佳キャスター:": short label → the page's full label."""
    out = {}
    names = [n for n in cands.counts if cands.kinds.get(n, "") not in SHAPES_WITHOUT_NAMES]
    for name in names:
        short = without_honorific(name)
        if not looks_like_name(short):
            continue
        cjk = bool(CJK.search(short))
        for other in names:
            full = without_honorific(other)
            if full == short or not looks_like_name(full):
                continue
            if (full.startswith(short) and len(short) >= 2) if cjk else full.endswith(" " + short):
                out[name] = other
                break
    return out


def conversation_pair(sequence, accepted: dict, cands: Candidates) -> dict:
    """ "Atlantico : …?" then "Bernard Benhamou : …": two name-like labels, each once,
    the first one asking, the second answering right after it."""
    names = [n for n, _ in sequence if n in cands.counts]
    furniture = {n for n in names if n.casefold().replace("’", "'") in NOT_SPEAKERS}
    for (a, text_a), (b, _) in zip(sequence, sequence[1:]):
        if a == b or not (looks_like_name(a) and looks_like_name(b)) or {a, b} & furniture:
            continue
        if "?" in text_a or "？" in text_a:
            return {n: accepted.get(n, (None, "", "label")) for n in (a, b)}
    return {}


def prune(accepted: dict, cands: Candidates, ctx, sequence) -> dict:
    # A label nothing resolves and the page never names elsewhere ("Note:", "Example:")
    # is a sentence opener when other labels are people.
    resolved = {n for n, (p, r, _) in accepted.items() if p or r}
    if len(resolved) >= 2:
        for name in [n for n in accepted if n not in resolved and n not in cands.marked]:
            if ctx.text.count(without_honorific(name)) <= cands.counts[name]:
                del accepted[name]
    # "Altman: \"We welcome…\"" lines under an article are quotations, not a conversation:
    # unmarked labels whose every turn is a single quoted sentence.
    texts = [t for n, t in sequence if n in accepted]
    if (
        texts
        and not alternating(sequence, accepted)
        and not cands.marked & set(accepted)
        and all(t and t[:1] in '"„“«‚‘「『' and t.rstrip()[-1:] in '"“”»’」』' for t in texts)
    ):
        return {}
    # One label alone is a sentence that happens to have a colon, not a conversation.
    strong = cands.marked | {n for n, (_, _, how) in accepted.items() if how == "diarisation"}
    # ... unless the page keeps talking about that one person ("胡郁认为 …", "胡郁:").
    strong |= {n for n in accepted if ctx.text.count(without_honorific(n)) >= 3 + cands.counts[n]}
    return accepted if len(accepted) >= 2 or strong & set(accepted) else {}


def alternating(sequence, accepted: dict) -> bool:
    """Two or more labels taking turns, four turns or more: a conversation."""
    names = [n for n, _ in sequence if n in accepted]
    return (
        len(names) >= 4 and len(set(names)) >= 2 and all(a != b for a, b in zip(names, names[1:]))
    )


def sequence_of(paragraphs: list[str]) -> list[tuple[str, str]]:
    out = []
    for p in paragraphs:
        found = parse_label(p)
        if found:
            out.append((found[0].name, found[1]))
    return out


def labels_of_turns(turns: list[tuple[str, bool, str]], ctx) -> dict:
    """The same induction for the speaker names a transcript format hands over (voice tags,
    speaker fields, "Name:" prefixes): (name, whether the format itself marks it as a
    speaker, the turn's words) in order → name → (person or None, role word, how)."""
    counts = Counter(name for name, _, _ in turns)
    marked = {name for name, explicit, _ in turns if explicit}
    kinds = {}
    for name in counts:
        found = parse_label(name + ":")
        kinds[name] = found[0].kind if found and found[0].name == name else ""
    cands = Candidates(counts, marked, kinds, Counter(), set(), {})
    return labels_of_page(cands, ctx, [(name, text) for name, _, text in turns])

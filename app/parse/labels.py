"""Speaker labels, learnt per page: the shapes a label can have, wherever it stands.

A page tells you its labels: the same few names or roles open many paragraphs. Here every
general shape of a label is read (a name or role before a colon, bold or capitals,
timestamps beside a name, bracketed role tags, diarisation labels, names before 「…」 or
credited after a quotation), at the start of a paragraph or line or inside a long line;
`induction.py` decides which of them are this page's labels, and `split_at_labels` cuts
the page at those. "In dieser Situation: …" has a label's shape and is prose: it neither
repeats nor names anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.parse.names import without_honorific
from app.text import HAN_CHAR, HANGUL_SYLLABLES, HIRAGANA, KATAKANA

# Kana (hiragana and katakana) or hangul syllables: a name in Japanese or Korean script.
KANA_OR_HANGUL = re.compile(f"[{HIRAGANA}{KATAKANA}{HANGUL_SYLLABLES}]")

# "12:34", "01:02:03", "00:00.070" (speech-to-text tools print milliseconds)
TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
TIMESTAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,]\d{1,3})?$")
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
    rf"^[\[(]?(?P<ts>{TS})[\])]?\n(?P<label>[^\n]{{1,40}})(?:\n(?P<rest>.*))?$", re.S
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
    r"说话人|發言人|发言人|話者|発言者|화자)[ _]?(?:\d{1,2}(?!\d|:\d)|(?-i:[A-Z]))\b)"
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
# "Speaker" with no number: a transcript tool that does not tell voices apart.
VOICE_ALONE = re.compile(r"^(?:speaker|sprecher(?:in)?|locuteur|hablante|说话人|話者|화자)$", re.I)
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
DASH_LEAD = re.compile(r"^(?:──|――|ーー|—|–|-(?!-))\s?(?=\S)")
DASHED = re.compile(r"^[-–—]\s?(?P<rest>\S.*)$", re.S)
# "— Sam Altman (@sama) February 10, 2025": an embedded post, credited below its words.
EMBED_CREDIT = re.compile(r"^[—–-]\s*(?P<label>[^(@\n]{2,40}?)\s*\(@\w{1,30}\)")
CONTINUED = re.compile(
    r"^(fortgesetzt|fortsetzung|continued|cont'?d\.?|cont\.|suite|续|继续|接上)$", re.I
)
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
    m = TIMESTAMP.match(ts)
    assert m is not None  # callers pass a timestamp the label pattern matched
    h, mi, s = (int(x) if x else 0 for x in m.groups())
    return h * 3600 + mi * 60 + s


def plausible_name(name: str) -> bool:
    name = without_honorific(name)  # the title in "「チャットGPT」技術幹部 シェイン・グウさん"
    if (
        not name
        or "http" in name.lower()
        or re.search(r"[,，、。.!?！？;；\"“”„「」…]", name.rstrip("."))
    ):
        return False
    if HAN_CHAR.search(name) or KANA_OR_HANGUL.search(name):
        return len(name) <= (20 if " " in name else 12)
    return len(name.split()) <= 5


def looks_like_name(label: str) -> bool:
    """Capitalised words ("Jo Ling Kent", "SPIEGEL") or a short CJK name: not a clause."""
    if re.search(HAN_CHAR, label) or KANA_OR_HANGUL.search(label):
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
            return anonymous_voice(found[0]), found[1]
    return None


def anonymous_voice(label: Label) -> Label:
    """ "**Speaker 2:**", "Speaker 00:00:10", "UNIDENTIFIED MALE:": in any shape these are
    voices nobody names: diarisation labels, or no one at all."""
    if label.kind:
        return label
    if DIARISATION.match(label.name + ":"):
        label.kind, label.marked = "diarisation", True
    elif UNIDENTIFIED.match(label.name + ":") or VOICE_ALONE.match(label.name):
        label.kind, label.marked = "unknown", True
    return label


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
            return label, (above.group("rest") or "").strip()
    own = NAME_THEN_TIMESTAMP.match(p)
    if own and plausible_name(own.group("label").strip()):
        rest = "\n".join(x for x in (own.group("same"), own.group("rest")) if x)
        name, note = without_role(own.group("label").strip())
        label = Label(name, timestamp=seconds(own.group("ts")), marked=True, note=note)
        return label, rest.strip()
    return None


def without_role(name: str) -> tuple[str, str]:
    """ "David Perell (Host)" → ("David Perell", "Host"): the role printed with a name."""
    m = PAREN.match(name)
    if m and not TIMESTAMP.match(m.group("paren").strip()) and looks_like_name(m.group("name")):
        return m.group("name").strip(), m.group("paren").strip()
    return name, ""


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

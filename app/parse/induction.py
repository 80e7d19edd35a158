"""Which of a page's label candidates are its labels: the induction step.

`labels.py` proposes every label shape; here the page's own evidence decides: a label
repeats, the registry or the page names the person, markup alone marks it, it is the short
form of another label, it shares the typography of accepted labels, or two labels take
turns and the first one asks. Editorial words, one-off bold list items and prose with a
colon are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.parse.documents import Person
from app.parse.labels import (
    EMBED_CREDIT,
    Label,
    looks_like_name,
    mid_line_labels,
    parse_label,
    plausible_name,
)
from app.parse.names import role_of, without_honorific
from app.parse.speakers import Context, person_for
from app.text import CJK_CHAR as CJK

# label -> (person or None, role word, how it was known)
Found = tuple[Person | None, str, str]
Labels = dict[str, Found]


@dataclass
class Candidates:
    """Every label shape the page shows, counted, with what marks each."""

    counts: Counter[str] = field(default_factory=Counter)
    marked: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)
    # seen inside a line, after a sentence: weaker than at a paragraph's start
    inline: Counter[str] = field(default_factory=Counter)
    bold: set[str] = field(default_factory=set)  # marked by bold type only
    styles: dict[str, str] = field(default_factory=dict)  # "dash caps :", "bold  :", …
    timed: set[str] = field(default_factory=set)  # printed with a time
    # "David Perell (Host)", "Jane Doe (Moderator)": the role printed with the name
    roles: dict[str, str] = field(default_factory=dict)

    def chapters(self) -> set[str]:
        """ "Introduction 00:00", "Scaling laws 04:12", …: three or more timed names, each
        once, are a table of contents; speakers come back."""
        timed = [n for n in self.timed if self.kinds.get(n) != "diarisation"]
        if len(timed) >= 3 and all(self.counts[n] == 1 for n in timed):
            return set(timed)
        return set()

    def add(self, label: Label, printed: str, rest: str) -> None:
        name = label.name
        self.counts[name] += 1
        self.kinds.setdefault(name, label.kind)
        self.styles.setdefault(name, style_of(printed, name))
        # "NAME, TITLE:" is marked by its title, but "(2-5 year horizon)" is no title
        titled = bool(label.note) and not label.note[:1].isdigit() and not label.note[:1].islower()
        # "アルトマン氏" alone on its line: a name with its honorific, then the words
        honorific_line = not rest and without_honorific(name) != name
        if label.marked or label.continued or label.timestamp is not None or titled:
            self.marked.add(name)
        if honorific_line:
            self.marked.add(name)
        if label.marked and label.timestamp is None and printed.startswith("**"):
            self.bold.add(name)
        if label.timestamp is not None:
            self.timed.add(name)
        if label.note and (role := role_of(label.note)):
            self.roles.setdefault(name, role)

    def add_embed(self, name: str) -> None:
        self.counts[name] += 1
        self.kinds[name] = "embed"
        self.marked.add(name)

    def add_inline(self, name: str) -> None:
        self.counts[name] += 1
        self.inline[name] += 1


def candidates(paragraphs: list[str]) -> Candidates:
    cands = Candidates()
    for p in paragraphs:
        for n, line in enumerate(p.split("\n")):
            printed = p if n == 0 else line  # the first line keeps the lines below it
            found = parse_label(printed)
            if found:
                cands.add(found[0], printed, found[1])
            embed = EMBED_CREDIT.match(line)
            if embed and plausible_name(embed.group("label")):
                cands.add_embed(embed.group("label"))
            for _, name in mid_line_labels(line):
                cands.add_inline(name)
    return cands


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


# Label kinds whose text is not a name another label could be the short form of.
SHAPES_WITHOUT_NAMES = ("caption", "diarisation", "role letter", "name quote", "unknown")
# Editorial furniture with a label's shape: never a speaker, however often it recurs.
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


def labels_of_page(cands: Candidates, ctx: Context, sequence: list[tuple[str, str]]) -> Labels:
    """The page's label set: name → (person or None, role word, how it was known).

    `sequence` is the page's paragraph-opening labels in order, with their first words:
    two labels that alternate, the first asking, are a conversation even if each is
    printed only once."""
    accepted: Labels = {}
    chapters = cands.chapters()
    for name in cands.counts:
        found = None if name in chapters else judge(name, cands, ctx)
        if found:
            accepted[name] = found
    accepted.update(conversation_pair(sequence, accepted, cands))
    accepted.update(same_style(accepted, cands, ctx))
    for short, full in short_forms(cands).items():
        known = accepted.get(short, (None, "", ""))
        if not (known[1] or (known[0] and known[0].in_registry)):
            person = ctx.resolve(full)[0] or person_for(full, (None, ""))
            accepted[short] = (person, "", "surname")
            accepted.setdefault(full, (person, "", "label"))
    for name, role in cands.roles.items():  # the page's own word for their role
        if name in accepted and not accepted[name][1]:
            accepted[name] = (accepted[name][0], role, accepted[name][2])
    return prune(accepted, cands, ctx, sequence)


def judge(name: str, cands: Candidates, ctx: Context) -> Found | None:
    """One candidate on its own evidence: (person or None, role word, how), or None."""
    kind, n = cands.kinds.get(name, ""), cands.counts[name]
    if kind == "caption" or name.casefold().replace("’", "'") in NOT_SPEAKERS:
        return None
    if kind == "diarisation":
        return ctx.anonymous(name), "", "diarisation"
    if kind == "unknown":  # "UNIDENTIFIED MALE:": a turn of someone the page cannot name
        return None, "", "unknown"
    if kind == "embed":  # the post's author, as the embed credits them
        return ctx.resolve(name)[0], "", "label"
    if kind == "trailing":  # a page of "“…”(name)" quotations credits them all
        if sum(cands.counts[x] for x, k in cands.kinds.items() if k == "trailing") < 2:
            return None
        cands.marked.add(name)
        return ctx.resolve(name)[0], "", "label"
    letters = {x for x, k in cands.kinds.items() if k == "role letter"}
    if kind == "role letter" and not {"interviewer", "guest"} <= set(map(role_of, letters)):
        return None  # "P. Diddy", "A. Smith": a role letter only counts with its partner
    person, role, how = ctx.resolve(name)
    if cands.inline[name] == n and n < 2 and not (person and person.in_registry):
        return None  # once, inside a line: too weak unless the registry knows the name
    if kind == "name quote" and not (person or n >= 2):
        return None
    # Bold alone, once, names nobody: a bold list item ("**Key Concept**: …").
    bold_once = n == 1 and name in cands.bold and name not in cands.marked - cands.bold
    marked = name in cands.marked and not bold_once
    if person or role or (looks_like_name(without_honorific(name)) and (marked or n >= 2)):
        return person, role, how or "label"
    return None


def same_style(accepted: Labels, cands: Candidates, ctx: Context) -> Labels:
    """Once two labels of a page share a typography ("-Nathan Mannheimer:", "-Josh
    Parenteau:"), a full name printed the same way once is a label of that page too."""
    styles = [cands.styles[n] for n in accepted if n in cands.styles]
    established = {s for s in styles if styles.count(s) >= 2}
    out: Labels = {}
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


def conversation_pair(
    sequence: list[tuple[str, str]], accepted: Labels, cands: Candidates
) -> Labels:
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


def prune(
    accepted: Labels, cands: Candidates, ctx: Context, sequence: list[tuple[str, str]]
) -> Labels:
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


def alternating(sequence: list[tuple[str, str]], accepted: Labels) -> bool:
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


def labels_of_turns(turns: list[tuple[str, bool, str]], ctx: Context) -> Labels:
    """The same induction for the speaker names a transcript format hands over (voice tags,
    speaker fields, "Name:" prefixes): (name, whether the format itself marks it as a
    speaker, the turn's words) in order → name → (person or None, role word, how)."""
    counts = Counter(name for name, _, _ in turns)
    marked = {name for name, explicit, _ in turns if explicit}
    kinds = {}
    for name in counts:
        found = parse_label(name + ":")
        kinds[name] = found[0].kind if found and found[0].name == name else ""
    cands = Candidates(counts, marked, kinds)
    return labels_of_page(cands, ctx, [(name, text) for name, _, text in turns])

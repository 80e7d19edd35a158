"""Who introduces themselves: "I'm Nathaniel Whittemore", "Ich bin …", "我是…", "저는 …입니다".

A page without labels (a host's monologue, a speech-to-text file) often says who speaks in
its opening sentences. The passage holding such an introduction is the speaker's
(evidence "introduction"); where the page announces nobody else (no guest, no
conversation, no interview) it is one voice throughout, and the passages after it
continue the speaker. A name only counts in the shape of a name: two or three capitalised
words, or, in Chinese, Japanese and Korean, a person the registry knows. Also: a host's
first-person episode note on a show's page, and the opening of a labelled page whose
speaker introduces themselves by the name one of its labels stands for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.parse.documents import ParsedPassage, Person
from app.parse.labels import Label
from app.parse.segment import RawTurn
from app.parse.speakers import Context, person_for

# Where an introduction may stand: the opening of the passage that holds it.
OPENING = 400
LATIN_NAME = r"(?P<name>[A-ZÀ-Ý][a-zà-ÿ'’-]+(?:\s[A-ZÀ-Ý][a-zà-ÿ'’-]+){1,2})"
# "I'm X," "I am X, your host", "my name is X.", "Ich bin X und …", "Je suis X,", "Soy X."
LATIN_INTRO = re.compile(
    r"(?:^|(?<=[.!?,]\s))(?:I'm|I’m|I am|[Mm]y name is|(?P<de>Ich bin|Ich heiße|[Mm]ein Name ist)|"
    r"Je suis|Je m'appelle|Je m’appelle|Soy|Me llamo|[Mm]i nombre es)\s"
    + LATIN_NAME
    + r"(?=\s?[,.;!]|\sand\b|\sund\b|\set\b|\sy\b|$)"
)
# "大家好，我是周鸿祎。", "私は大塚あみです", "저는 김주하입니다": the name is checked against
# the registry, since a noun stands in the same place ("我是中国人").
CJK_INTRO = re.compile(
    r"(?:我是|我叫|私は|僕は|저는\s?)(?P<name>[^\s,，。、.!！?？]{2,12}?)(?:です|입니다|[,，。!！])"
)
# The page speaks of someone else taking part: then an introduction names one voice only.
OTHERS = re.compile(
    r"\b(?:my guests?|our guests?|joining me|joined by|with me (?:today|now|here|is|are)|"
    r"conversations?|interview|talking (?:to|with)|speak(?:s|ing)? (?:to|with)|chat(?:ting)? with|"
    r"sits? down with|co-?hosts?|on the show today|today we have|welcome (?:back )?to the show|"
    r"mein(?:e)? Gast|Gespräch|Interview|invitée?s?|entretien|entrevista|invitado)\b|"
    r"嘉宾|对话|对谈|访谈|采访|做客|连线|ゲスト|対談|インタビュー|게스트|인터뷰|대담|초대|모시고|모셨",
    re.I,
)


def introduced(text: str, known: Callable[[str], bool], page_text: str) -> str:
    """The name a passage's opening introduces its speaker by, or "". German capitalises
    nouns ("Ich bin Ende Mai, …"): there the name must be the registry's or printed twice;
    a CJK name must be the registry's."""
    opening = text[:OPENING]
    m = LATIN_INTRO.search(opening)
    if m and (not m.group("de") or known(m.group("name")) or page_text.count(m.group("name")) > 1):
        return m.group("name")
    for m in CJK_INTRO.finditer(opening):
        if known(m.group("name")):
            return m.group("name")
    return ""


def role_introduced(text: str, name: str) -> str:
    """ "I am Alan Stoga, your host": the one introducing themselves hosts the show."""
    after = text[text.find(name) + len(name) :][:40] if name in text else ""
    return "host" if HOST_AFTER.match(after) else ""


HOST_AFTER = re.compile(
    r"^\s?(?:,|and)?\s?(?:your|the|ihr|votre|su|tu) (?:host|Gastgeber|Moderator|animateur|presentador)"
    r"|^\s?[,，]?\s?(?:主持人|司会|진행자)",
    re.I,
)


def introduction_at(
    texts: list[str], known: Callable[[str], bool], page_text: str
) -> tuple[int, str] | None:
    """Which of the first two unlabelled passages introduces its speaker, and as whom."""
    for i, text in enumerate(texts[:2]):
        if name := introduced(text, known, page_text):
            return i, name
    return None


def one_voice(page_text: str) -> bool:
    """The page announces no guest, conversation or interview."""
    return not OTHERS.search(page_text)


def by_introduction(
    turns_: list[RawTurn], known: Callable[[str], bool], page_text: str
) -> tuple[list[RawTurn], str]:
    """A page without labels whose first passages introduce their speaker: that passage
    is theirs, and on a page announcing no one else so are the ones after it. Returns
    the turns and the name ("" when nothing changed)."""
    if any(t.label is not None for t in turns_[:2]):
        return turns_, ""
    found = introduction_at(["\n".join(t.paragraphs) for t in turns_], known, page_text)
    if not found:
        return turns_, ""
    at, name = found
    label = Label(name, kind="introduction")
    alone = one_voice(page_text)
    out = list(turns_[:at])
    for j, t in enumerate(turns_[at:]):
        if t.label is not None or (j and not alone):
            out.append(t)
        else:
            how = "continuation" if j else "introduction"
            out.append(RawTurn(label, t.paragraphs, t.section, evidence=how))
    return out, name


# A host's episode note in the first person: "Here is my conversation with Dario Amodei".
HOST_NOTE = re.compile(
    r"^(?:Here is|Here's|This is|In this episode,? I|Today,? I)\b.{0,40}?"
    r"\bmy (?:conversation|interview|chat|talk|discussion) with\b",
    re.I,
)


def by_host_note(turns_: list[RawTurn], host: str) -> tuple[list[RawTurn], bool]:
    """On the page of a show with one host, an opening note in the first person about "my
    conversation with …" is the host's (that passage only: what follows may be anyone's
    summary)."""
    for i, turn in enumerate(turns_[:2]):
        if turn.label is None and HOST_NOTE.match(turn.paragraphs[0]):
            note = RawTurn(Label(host, kind="introduction"), turn.paragraphs, turn.section)
            note.evidence = "introduction"
            return turns_[:i] + [note] + turns_[i + 1 :], True
    return turns_, False


FIRST_PERSON = r"(?:I'm|I’m|I am|[Mm]y name is|Ich bin|Ich heiße|Je suis|Soy|Me llamo|我是|我叫|私は|僕は|저는)"


def opening_of_labelled(turns_: list[RawTurn], names: dict[str, str]) -> list[RawTurn]:
    """A labelled page whose opening, before the first label, is someone introducing
    themselves by the name a label of the page stands for ("저는 … AI 앵커 김주하입니다"
    above "【 AI 앵커 】"): that opening is theirs. `names`: label → the person's name."""
    first = next((i for i, t in enumerate(turns_) if t.label is not None), len(turns_))
    for i, turn in enumerate(turns_[: min(first, 2)]):
        text = "\n".join(turn.paragraphs)[:OPENING]
        for label, name in names.items():
            said = rf"{FIRST_PERSON}[^.!?。！？\n]{{0,60}}?{re.escape(name)}(?:입니다|です|[,.，。!！\s]|$)"
            if re.search(said, text):
                mark = Label(label, kind="introduction")
                return (
                    turns_[:i]
                    + [
                        RawTurn(mark, t.paragraphs, t.section, evidence=how)
                        for t, how in zip(
                            turns_[i:first],
                            ["introduction"] + ["continuation"] * first,
                            strict=False,
                        )
                    ]
                    + turns_[first:]
                )
    return turns_


def introduce_transcript(passages: list[ParsedPassage], ctx: Context) -> Person | None:
    """A transcript without speaker marks whose opening says "I am Alan Stoga, your
    host": that passage is his; the ones after it too when the page announces no one
    else (a monologue)."""
    found = introduction_at([p.text for p in passages], ctx.known, ctx.text)
    if not found:
        return None
    at, name = found
    who = person_for(name, ctx.resolve(name)[:2])
    alone = one_voice(ctx.text)
    for j, pas in enumerate(passages[at:]):
        if j and not alone:
            break
        pas.speaker, pas.role = who, "turn"
        pas.evidence = "continuation" if j else "introduction"
    return who

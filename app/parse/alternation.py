"""Who speaks when the page prints no labels, or labels only some turns.

Typography-only Q&A (questions in bold, led by ── or a dash, answers marked by ▶, or a
strict rhythm of question marks), Q&A pages labelled only on their first exchange, and a
speech printed after its announcement. Questions go to the interviewer, answers to the
guest; `Label.kind` "alternation" and `RawTurn.evidence` say how it was known.
"""

from __future__ import annotations

import re

from app.parse.labels import DASH_LEAD, Label
from app.parse.segment import QUESTION_LINE, Block, RawTurn
from app.text import BASIC_HAN

ASKING_BARS = ("──", "――", "ーー")  # Japanese interviews lead every question with these
ASKER, ANSWERER = "Interviewer", "Guest"


def asks_something(text: str) -> bool:
    return "?" in text or "？" in text


def marked_question(b: Block) -> bool:
    """A question printed by typography alone: a bold question line, or one led by ──
    (or by a dash, ending in a question mark)."""
    if b.heading and QUESTION_LINE.match(b.raw):
        return True
    return not b.heading and (
        b.text.startswith(ASKING_BARS)
        or (bool(DASH_LEAD.match(b.text)) and b.text.rstrip().endswith(("?", "？")))
    )


def plain_question(b: Block) -> bool:
    return not b.heading and len(b.text) <= 500 and b.text.rstrip().endswith(("?", "？"))


def typography_qa(blocks_: list[Block]) -> list[Block]:
    """Q&A pages with no labels: questions in bold, led by a dash, or (strictly alternating
    with answers) ending in a question mark. The questions become the interviewer's, the
    paragraph after each the guest's (what follows continues); `Label.kind` "alternation"
    says how it was known."""
    if any(b.label for b in blocks_):
        return asked_before_answers(barred_questions(blocks_))
    # "다음은 일문일답.", "以下为问答实录", "Das Interview im Wortlaut": the page says a Q&A
    # follows, so one marked exchange is enough
    least = 1 if any(QA_ANNOUNCED.search(b.text) for b in blocks_ if len(b.text) < 200) else 3
    pairs = dash_dialogue(blocks_) or marked_answers(blocks_, least)
    if not pairs:
        asks = [
            i
            for i, b in enumerate(blocks_)
            if marked_question(b)
            and i + 1 < len(blocks_)
            and not blocks_[i + 1].heading
            and not marked_question(blocks_[i + 1])
        ]
        if len(asks) < 3:
            asks = alternating_questions(blocks_)
        pairs = [(i, i + 1) for i in asks if i + 1 < len(blocks_) and not blocks_[i + 1].heading]
        if len(pairs) >= least:  # the page's way of asking, established: a last question
            paired = {i for pair in pairs for i in pair}  # (cut off before its answer) asks too
            pairs += [
                (i, None) for i, b in enumerate(blocks_) if marked_question(b) and i not in paired
            ]
    if len(pairs) < least:
        return blocks_
    out = list(blocks_)
    for i, j in pairs:
        out[i] = relabel(out[i], ASKER)
        if j is not None:
            out[j] = relabel(out[j], ANSWERER)
    return out


def barred_questions(blocks_: list[Block]) -> list[Block]:
    """A labelled page whose questions carry no label but a leading ──: the answer after
    each is labelled, so the bar is the interviewer's."""
    asks = [
        i
        for i, b in enumerate(blocks_[:-1])
        if not b.label
        and not b.heading
        and (b.text.startswith(ASKING_BARS) or DASH_LEAD.match(b.text))
        and blocks_[i + 1].label
    ]
    if len(asks) < 2:  # (a dash before a labelled answer asks too: Korean 일문일답)
        return blocks_
    # the page's way of asking, established: every such paragraph asks
    asks = [
        i
        for i, b in enumerate(blocks_)
        if not b.label
        and not b.heading
        and (b.text.startswith(ASKING_BARS) or DASH_LEAD.match(b.text))
    ]
    out = list(blocks_)
    for i in asks:
        out[i] = relabel(out[i], ASKER)
    return out


def asked_before_answers(blocks_: list[Block]) -> list[Block]:
    """A page that labels only its guest ("胡郁:" after an unlabelled question): when every
    labelled answer follows an unlabelled paragraph ending in a question mark, those
    paragraphs are the interviewer's."""
    labels = {i: b.label for i, b in enumerate(blocks_) if b.label}
    labelled = list(labels)
    if len({label.name for label in labels.values()}) != 1:
        return blocks_
    if any(label.kind for label in labels.values()):
        return blocks_  # inferred or diarised already
    asks = [
        i - 1 for i in labelled if i and plain_question(blocks_[i - 1]) and not blocks_[i - 1].label
    ]
    if len(asks) != len(labelled):
        return blocks_
    out = list(blocks_)
    for i in asks:
        out[i] = relabel(out[i], ASKER)
    return out


def relabel(b: Block, who: str) -> Block:
    """The block under an inferred label; the dash or bold that marked it is layout."""
    question = QUESTION_LINE.match(b.raw) if b.heading else None
    assert question or not b.heading  # a heading is relabelled only as a question line
    text = question.group("text") if question else b.text
    text = ANSWER_MARK.sub("", DASH_LEAD.sub("", text, count=1), count=1)
    return Block(text, label=Label(who, kind="alternation"), raw=b.raw)


ANSWER_MARK = re.compile(r"^[▶△☞➡→]\s*(?=\S)")


QA_ANNOUNCED = re.compile(
    r"일문일답|문답이다|以下(?:是|为)(?:问答|对话|访谈|采访)|问答实录|一問一答|"
    r"\bim Wortlaut\b|\b(?:the|our) (?:full |edited )?(?:Q&A|interview|conversation)[:.]?$|"
    r"\bentrevista completa\b|\bl'entretien intégral\b",
    re.I,
)


def marked_answers(blocks_: list[Block], least: int = 2) -> list[tuple[int, int | None]]:
    """ "- 질문 …" then "▶ 답 …": a dash asks, an arrow or triangle answers."""
    pairs: list[tuple[int, int | None]] = [
        (i, i + 1)
        for i, b in enumerate(blocks_[:-1])
        if not b.heading and DASH_LEAD.match(b.text) and ANSWER_MARK.match(blocks_[i + 1].text)
    ]
    return pairs if len(pairs) >= least else []


def dash_dialogue(blocks_: list[Block]) -> list[tuple[int, int | None]]:
    """Spanish and French press: every turn, question or answer, opens with a dash. The
    dashed paragraphs alternate; the side that asks is the one with the question marks."""
    dashed = [i for i, b in enumerate(blocks_) if not b.heading and DASH_LEAD.match(b.text)]
    body = [i for i, b in enumerate(blocks_) if not b.heading]
    if len(dashed) < 4 or len(dashed) < 0.5 * len(body[body.index(dashed[0]) :]):
        return []
    for first in (0, 1):
        asks, answers = dashed[first::2], dashed[1 - first :: 2]
        ask_ratio = sum(asks_something(blocks_[i].text) for i in asks) / len(asks)
        answer_ratio = sum(asks_something(blocks_[i].text) for i in answers) / max(1, len(answers))
        if ask_ratio >= 0.6 and answer_ratio <= 0.3:
            following = {i: next((j for j in answers if j > i), None) for i in asks}
            return [(i, following[i]) for i in asks]
    return []


def alternating_questions(blocks_: list[Block]) -> list[int]:
    """Question, answer, question, answer …: a plain "?" is only a question mark of layout
    where the page keeps that rhythm. Runs of it (between headings, after an intro) count
    when each holds two exchanges or more and the page three or more in all; the last run
    must be one of them, for a Q&A does not turn back into an article."""
    runs: list[list[int]] = []
    run: list[int] = []
    expect_question = True
    for i, b in enumerate(blocks_):
        if b.heading:
            continue
        if plain_question(b) == expect_question:
            run.append(i)
            expect_question = not expect_question
            continue
        runs.append(run)
        run = [i] if plain_question(b) else []
        expect_question = not plain_question(b)
    runs.append(run)
    asks = [r[0::2] for r in runs]
    good = [a for a, r in zip(asks, runs) if len(a) >= 2 and len(r) >= 2 * len(a)]
    found = [i for a in good for i in a]
    last = next((r for r in reversed(runs) if r), [])
    if len(found) < 3 or not last or last[0] not in found:
        return []
    return found


def alternate_unlabelled(turns_: list[RawTurn]) -> list[RawTurn]:
    """Q&A pages often label only the first exchange ("WirtschaftsWoche: …", "Zack Kass: …")
    and print the rest as alternating paragraphs. When the labels stop after that first
    exchange and the unlabelled paragraphs that follow read as question, answer, question,
    …, split them accordingly."""
    labelled = [i for i, t in enumerate(turns_) if t.label]
    if len(labelled) != 2 or labelled[1] != labelled[0] + 1:
        return turns_
    asker, answerer = turns_[labelled[0]], turns_[labelled[1]]
    assert asker.label and answerer.label  # both are in `labelled`
    if asker.label.name == answerer.label.name or not asks_something(asker.paragraphs[0]):
        return turns_
    extra = answerer.paragraphs[1:]
    asks, answers = extra[0::2], extra[1::2]
    if len(extra) < 4 or not asks:
        return turns_
    ask_ratio = sum(map(asks_something, asks)) / len(asks)
    answer_ratio = sum(map(asks_something, answers)) / max(1, len(answers))
    if ask_ratio < 0.6 or ask_ratio <= answer_ratio:
        return turns_
    asker.role, answerer.role = "question", "answer"
    answerer.paragraphs = answerer.paragraphs[:1]
    split = [
        RawTurn(
            asker.label if n % 2 == 0 else answerer.label,
            [p],
            answerer.section,
            "question" if n % 2 == 0 else "answer",
            evidence="alternation",
        )
        for n, p in enumerate(extra)
    ]
    i = labelled[1] + 1
    return turns_[:i] + split + turns_[i:]


# "以下是周鸿祎的演讲全文:", "Below is the full text of her speech:": what follows is
# one person's talk, printed without labels.
SPEECH_INTRO = re.compile(
    rf"(以下(?:是|为)|下面是)(?P<who>[{BASIC_HAN}]{{2,4}}(?=在|的))?.{{0,40}}"
    r"(演讲|讲话|发言|分享|致辞)(全文|实录|内容)?.{0,30}[:：]$|"
    r"\b(below|here) is (the|a) (full |complete |edited )?(text|transcript) of .{0,60}"
    r"(speech|talk|keynote|remarks|address|lecture)\b.{0,40}[:：]$|"
    r"im (folgenden|wortlaut)\b.{0,60}(rede|vortrag|ansprache)\b.{0,40}[:：]$",
    re.I,
)


def speech_after_intro(turns_: list[RawTurn], speaker: str) -> tuple[list[RawTurn], str]:
    """The unlabelled paragraphs after a speech's announcement are the speaker's: the one
    it names ("以下是周鸿祎的…"), else the person the page is about."""
    found = [
        (i, m)
        for i, t in enumerate(turns_)
        if t.label is None and (m := SPEECH_INTRO.search(t.paragraphs[-1].strip()))
    ]
    if not found or not (speaker := found[0][1].group("who") or speaker):
        return turns_, ""
    at = found[0][0]
    label = Label(speaker, kind="speech")
    return turns_[: at + 1] + [
        RawTurn(label, t.paragraphs, t.section, evidence="byline") if t.label is None else t
        for t in turns_[at + 1 :]
    ], speaker

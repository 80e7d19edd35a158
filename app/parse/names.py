"""How names and roles are written around a name: role words in the archive's languages,
honorifics and titles before or after a name, job words after a CJK name.

Shared by the label shapes (`labels.py`), the induction and the resolution of labels.
"""

from __future__ import annotations

import re

from app.text import CJK_CHAR, HAN, HANGUL_CHAR, KANA, name_key

KANA_OR_HAN = re.compile(f"[{KANA}{HAN}]")
ROLE_WORDS = {
    "host": {
        "host",
        "moderator",
        "moderatorin",
        "gastgeber",
        "gastgeberin",
        "主持人",
        "主播",
        "主持",
        "司会",
        "진행자",
        "앵커",
        "anchor",
        "animateur",
        "animatrice",
        "presentador",
        "presentadora",
    },
    "interviewer": {
        "interviewer",
        "interviewerin",
        "frage",
        "f",
        "q",
        "question",
        "问",
        "记者",
        "reporter",
        "journalist",
        "journalistin",
        "redaktion",
        "提问",
        "問",
        "記者",
        "聞き手",
        "インタビュアー",
        "질문",
        "기자",
        "p",
        "pregunta",
        "entrevistador",
        "entrevistadora",
        "periodista",
        "journaliste",
        "intervieweur",
    },
    "guest": {
        "guest",
        "gast",
        "嘉宾",
        "a",
        "antwort",
        "answer",
        "答",
        "受访者",
        "回答",
        "답변",
        "답",
        "r",
        "respuesta",
        "entrevistado",
        "entrevistada",
        "invité",
        "invitée",
        "réponse",
        "ゲスト",
    },
}
# "Author Nina Schick", "Dame Wendy Hall", "Professor Jane Doe": the title is not the name.
TITLE_WORDS = re.compile(
    r"^(?:(?:Author|Dame|Sir|Professor|Prof|Dr|Doctor|Senator|President|Chairman|Host|"
    r"Moderator|Journalist|Reporter|Editor|Herr|Frau|Mr|Mrs|Ms|Madame|Monsieur) )+(?=\S+ \S)"
)
# Honorifics printed with a name: "Herr Braun", "Mme Dupont", "山田さん", "김 씨", "Dr. Li".
HONORIFIC_BEFORE = re.compile(
    r"^(?:herr|frau|dr\.?|prof\.?|professor|mr\.?|mrs\.?|ms\.?|m\.|mme|mlle|monsieur|madame|"
    r"señor|señora|sr\.|sra\.)\s+",
    re.I,
)
HONORIFIC_AFTER = re.compile(r"\s*(?:さん|氏|先生|様|さま|씨|님|博士|教授|女士)$")
JOB_AFTER = re.compile(r"\s*(?:キャスター|アナウンサー|記者|记者|기자|앵커|아나운서|主播|主持人)$")


def without_honorific(label: str) -> str:
    """The name in a label: "Herr Braun" → "Braun", "小川彩佳キャスター" → "小川彩佳",
    "「チャットGPT」技術幹部 シェイン・グウさん" → "シェイン・グウ" (a Japanese label puts
    the title before the name)."""
    name = HONORIFIC_BEFORE.sub("", label).strip()
    if KANA_OR_HAN.search(name) and not HANGUL_CHAR.search(name) and " " in name:
        name = name.split()[-1]
    previous = None
    while previous != name:
        previous, name = name, HONORIFIC_AFTER.sub("", name).strip()
        bare = JOB_AFTER.sub("", name).strip()
        name = bare if CJK_CHAR.search(bare) else name  # "AI 앵커" is not "AI"
    return name or label


def addressed(name: str) -> bool:
    """ "Frau Keller", "Dr Smith": a title and one name."""
    words = name.split()
    return len(words) == 2 and bool(TITLE_WORDS.match(words[0] + " a b"))


def role_of(label: str) -> str | None:
    key = name_key(label)
    return next((role for role, words in ROLE_WORDS.items() if key in words), None)

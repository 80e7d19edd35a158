"""How names and roles are written around a name: role words in the archive's languages,
honorifics and titles before or after a name, job words after a CJK name.

Shared by the label shapes (`labels.py`), the induction and the resolution of labels.
"""

from __future__ import annotations

import re

from app.text import CJK_CHAR, HAN, HANGUL_CHAR, HANGUL_SYLLABLES, KANA, name_key

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
# Titles a Korean page prints after a name, with or without the organisation between:
# "홍길동 대표", "김덕진 교수", "샘 올트먼 오픈AI 최고경영자".
KOREAN_TITLE = (
    r"대표(?:이사)?|교수|회장|부회장|사장|부사장|소장|원장|이사|이사장|의원|총리|장관|"
    r"대통령|창업자|공동창업자|최고경영자|최고기술책임자|위원장|박사|연구원|연구위원|센터장|팀장|"
    r"본부장|국장|부장|기자|앵커|특파원|PD|CEO|CTO"
)
KOREAN_TITLE_AFTER = re.compile(rf"\s+(?:{KOREAN_TITLE})$")
# What is left of "홍길동 대표" or "샘 올트먼 대표" is a name: one or two hangul words.
KOREAN_PERSONAL = re.compile(
    f"^[{HANGUL_SYLLABLES}]{{2,4}}$|^[{HANGUL_SYLLABLES}]{{1,5}} [{HANGUL_SYLLABLES}]{{1,6}}$"
)
JOB_AFTER = re.compile(r"\s*(?:キャスター|アナウンサー|記者|记者|기자|앵커|아나운서|主播|主持人)$")


def without_honorific(label: str) -> str:
    """The name in a label: "Herr Braun" → "Braun", "小川彩佳キャスター" → "小川彩佳",
    "「チャットGPT」技術幹部 シェイン・グウさん" → "シェイン・グウ" (a Japanese label puts
    the title before the name)."""
    name = HONORIFIC_BEFORE.sub("", label).strip()
    if KANA_OR_HAN.search(name) and not HANGUL_CHAR.search(name) and " " in name:
        name = name.split()[-1]
    bare = KOREAN_TITLE_AFTER.sub("", name)
    name = bare if KOREAN_PERSONAL.match(bare) else name  # "홍길동 대표" is 홍길동
    previous = None
    while previous != name:
        previous, name = name, HONORIFIC_AFTER.sub("", name).strip()
        bare = JOB_AFTER.sub("", name).strip()
        name = bare if CJK_CHAR.search(bare) else name  # "AI 앵커" is not "AI"
    return name or label


def korean_names_in(label: str) -> list[str]:
    """ "리시 수낵 영국 총리" → ["리시 수낵 영국", "리시 수낵", "리시"]: a Korean label
    that ends in a title, without the title and then without each word before it (the
    organisation), longest first; the caller keeps the first that names someone."""
    if not HANGUL_CHAR.search(label) or not KOREAN_TITLE_AFTER.search(label):
        return []
    words = KOREAN_TITLE_AFTER.sub("", label).split()
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)]


def addressed(name: str) -> bool:
    """ "Frau Keller", "Dr Smith": a title and one name."""
    words = name.split()
    return len(words) == 2 and bool(TITLE_WORDS.match(words[0] + " a b"))


def role_of(label: str) -> str | None:
    key = name_key(label)
    return next((role for role, words in ROLE_WORDS.items() if key in words), None)

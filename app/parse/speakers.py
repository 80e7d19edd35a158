"""Resolve speaker labels to people: the registry in data/, role words, the page's own words.

A label is only a speaker when there is evidence: it names someone (registry or the page),
it is a role word or an outlet, it carries a timestamp or bold label markup, or it recurs
as a label with the shape of a name. "In dieser Situation:" or "我们的理念就是:" has none.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from app.parse.documents import Person
from app.text import CJK_CHAR, HAN, HANGUL_CHAR, KANA, name_key, slugify

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
NAME_IN_TEXT = re.compile(
    r"\b([A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+(?:[- ][A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+){1,2})\b"
)


@dataclass
class Show:
    name: str
    aliases: list[str]
    hosts: list[str] = field(default_factory=list)
    language: str = ""
    is_outlet: bool = False


@dataclass
class Registry:
    people: list[Person]
    shows: list[Show]

    @classmethod
    def load(cls, data_dir: Path) -> Registry:
        people_doc = tomllib.loads((data_dir / "people.toml").read_text("utf-8"))
        shows_doc = tomllib.loads((data_dir / "shows.toml").read_text("utf-8"))
        people = [
            Person(
                p["name"],
                slugify(p["name"]),
                list(p.get("aliases", [])),
                p.get("affiliation", ""),
                p.get("role", ""),
                in_registry=True,
            )
            for p in people_doc.get("person", [])
        ]
        shows = [
            Show(
                s["name"],
                list(s.get("aliases", [s["name"]])),
                list(s.get("hosts", [])),
                s.get("language", ""),
            )
            for s in shows_doc.get("show", [])
        ]
        shows += [
            Show(
                s["name"],
                list(s.get("aliases", [s["name"]])),
                [],
                s.get("language", ""),
                is_outlet=True,
            )
            for s in shows_doc.get("outlet", [])
        ]
        return cls(people, shows)

    def person(self, name: str) -> Person | None:
        return named(self.people, name)

    def outlet(self, name: str) -> Show | None:
        """Publications only: a podcast's name in a label is a title, not an interviewer."""
        return named([s for s in self.shows if s.is_outlet], name)

    def mentioned_people(self, text: str) -> list[Person]:
        found = names_in(text, tuple(n for p in self.people for n in [p.name, *p.aliases]))
        return [p for p in self.people if found & {p.name, *p.aliases}]

    def mentioned_shows(self, text: str) -> list[Show]:
        found = names_in(text, tuple(a for s in self.shows for a in s.aliases))
        return [s for s in self.shows if found & set(s.aliases)]


def named(entries, name: str):
    """The entry whose name or one of whose aliases is `name` (folded), or None."""
    key = name_key(name)
    return next(
        (e for e in entries if key == name_key(e.name) or key in (name_key(a) for a in e.aliases)),
        None,
    )


@lru_cache(maxsize=8)
def name_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One pattern for a whole registry: a page is scanned once, not once per alias.
    Latin names must stand as words ("Lex" is not in "Lexikon"); Chinese ones need not."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    return re.compile(
        "|".join(
            re.escape(n) if CJK_CHAR.search(n) else rf"(?<!\w){re.escape(n)}(?!\w)" for n in ordered
        )
    )


def names_in(text: str, names: tuple[str, ...]) -> set[str]:
    """Which of `names` the text mentions (overlapping mentions count too)."""
    pattern = name_pattern(names)
    found, at = set(), 0
    while m := pattern.search(text, at):
        found.add(m.group(0))
        at = m.start() + 1
    return found


def role_of(label: str) -> str | None:
    key = name_key(label)
    return next((role for role, words in ROLE_WORDS.items() if key in words), None)


@dataclass
class Context:
    """What the page says about who is who, gathered once per document."""

    registry: Registry
    text: str
    publisher: str = ""
    author: str = ""  # the page's byline name, when it prints one alone
    credit: str = ""  # the source credit lines clean took out ("Source: Bloomberg")

    def __post_init__(self):
        self.people = self.registry.mentioned_people(self.text)
        self.shows = [s for s in self.registry.mentioned_shows(self.text) if not s.is_outlet]
        for show in self.shows:  # a show's hosts are part of its page even when unnamed
            self.people += [
                h for h in map(self.registry.person, show.hosts) if h and h not in self.people
            ]
        # "Frau Keller" is Ursula Keller addressed, not another person
        names = [TITLE_WORDS.sub("", n) for n in NAME_IN_TEXT.findall(self.text)]
        self.page_names = list(dict.fromkeys(n for n in names if not addressed(n)))
        self.folded = name_key(self.text)

    def host(self) -> Person | None:
        hosts = [h for s in self.shows for h in map(self.registry.person, s.hosts) if h]
        hosts = hosts or [p for p in self.people if self.hosts_a_show(p)]
        return hosts[0] if hosts else None

    def hosts_a_show(self, person: Person) -> bool:
        return any(person.name in s.hosts for s in self.registry.shows)

    def outlet_speaker(self, label: str) -> Person | None:
        outlet = self.registry.outlet(label)
        if outlet or (
            self.publisher
            and name_key(label) == name_key(self.publisher)
            and not self.registry.person(label)
        ):
            name = outlet.name if outlet else label
            return Person(
                name,
                slugify(name),
                [label] if label != name else [],
                is_organization=True,
                in_registry=bool(outlet),
            )
        return None

    def by_name_part(self, label: str, matches) -> Person | None:
        """The one person whose name part `matches(part, label)`: registry people the page
        names first; German capitalises nouns, so the page's own capitalised pairs
        ("Bens Prognose") are only a fallback."""
        key = name_key(label)
        if " " in key or len(key) < 3:
            return None
        page_people = [
            Person(n, slugify(n)) for n in self.page_names if not self.registry.person(n)
        ]
        for candidates in (self.people, page_people):
            found = {p.slug: p for p in candidates if matches(name_key(p.name).split(), key)}
            if len(found) == 1:
                return next(iter(found.values()))
        return None

    def by_first_name(self, label: str) -> Person | None:
        """ "Ben" is the Benjamin Mann the page names; "Lenny" the host of its show."""
        return self.by_name_part(label, lambda parts, key: parts[0].startswith(key))

    def by_last_name(self, label: str) -> Person | None:
        """ "Hassabis:" / "ALTMAN:": press interviews label the guest by surname."""
        return self.by_name_part(label, lambda parts, key: len(parts) > 1 and parts[-1] == key)

    def by_page_name(self, label: str) -> Person | None:
        """A name the page also writes outside the label ("Zack Kass, ehemals …"); a
        capitalised phrase seen only once ("Most Vulnerable Professions:") names nobody."""
        return next(
            (
                Person(n, slugify(n))
                for n in self.page_names
                if name_key(n) == name_key(label) and self.folded.count(name_key(n)) >= 2
            ),
            None,
        )

    def named_role(self, person: Person) -> str:
        """ "host Jane Doe", "Moderator Jane Doe", "主持人 Jane Doe": the page says who hosts."""
        for name in [person.name, *person.aliases]:
            if re.search(
                rf"(?:\b(?:[Hh]ost(?:ed by)?|[Mm]oderat(?:or|orin|ed by)|Gastgeber(?:in)?)"
                rf"|主持人)[\s:：,]*{re.escape(name)}",
                self.text,
            ):
                return "host"
        return ""

    def main_guest(self) -> Person | None:
        """The person a page is about: the registry person it names most, else its first name."""
        counted = sorted(
            (
                (sum(self.text.count(n) for n in [p.name, *p.aliases]), p)
                for p in self.people
                if not self.hosts_a_show(p)
            ),
            key=lambda pair: -pair[0],
        )
        if counted:
            return counted[0][1]
        name = self.introduced_name()
        return Person(name, slugify(name) or self.anonymous(name).slug) if name else None

    def introduced_name(self) -> str:
        """The person the page introduces: "Enrique Herrera (Jódar, 1969) …", a name the
        page goes on to call by its surname ("Herr Amodei"), "大塚あみさん", "佐藤先生".
        A capitalised pair alone ("Inteligencia Artificial") is not enough."""
        for name in self.page_names:
            last = name.split()[-1]
            bio = re.search(re.escape(name) + r"\s*\((?=[^)]{0,60}[\d,])", self.text)
            if bio or self.text.count(last) > self.text.count(name):
                return name
        # 「佐藤先生にお話を伺いました」: the honorific name the page interviews, or one in
        # the title; "漫画家・手塚治虫さんの代表作" in passing is not the guest.
        title = self.text.split("\n", 1)[0]
        for m in CJK_HONORIFIC_NAME.finditer(self.text):
            if m.start() < len(title) or INTERVIEW_CUE.match(self.text, m.end()):
                return m.group("name")
        return ""

    def interviewer(self) -> Person:
        if self.publisher:
            return Person(
                self.publisher,
                slugify(self.publisher) or self.placeholder("interviewer").slug,
                is_organization=True,
            )
        return self.outlet_interviewing() or self.placeholder("interviewer")

    def outlet_interviewing(self) -> Person | None:
        """ "En esta entrevista con GranadaDigital", "im Gespräch mit der Zeit": after such
        words a person is the guest, but an outlet (the registry's, or one word that is no
        name of the page) is the one asking."""
        for m in INTERVIEW_WITH.finditer(self.text):
            name = m.group("name")
            outlet = self.registry.outlet(name)
            if outlet or (" " not in name and not self.registry.person(name) and len(name) > 3):
                found = outlet.name if outlet else name
                return Person(found, slugify(found), is_organization=True, in_registry=bool(outlet))
        return None

    def placeholder(self, role: str) -> Person:
        """An unnamed host, guest or interviewer of this page ("答：" with no name on the
        page): a speaker of its own, never merged with other pages' unnamed people."""
        return replace(self.anonymous(role.title()), role=role)

    def anonymous(self, label: str) -> Person:
        """ "Speaker 4" as printed, scoped to this page: never merged with another's."""
        digest = hashlib.sha1(self.text[:400].encode()).hexdigest()[:8]
        slug = slugify(label) or "speaker"
        return Person(label, f"{slug}-{digest}", anonymous=True)

    def named_interviewer(self) -> Person | None:
        """The journalist the page names ("WELT-Chefredakteur Jan Philipp Burgard",
        "interviewed by Jane Doe", "Das Gespräch führte …"): whom a bare "Frage:" is."""
        m = JOURNALIST.search(self.text)
        # "인간 기자, 민경영 기자": most Korean names have three syllables, a noun has two.
        cjk = sorted(
            CJK_JOURNALIST.finditer(self.text), key=lambda x: len(x.group("ko") or "") != 3
        )
        if not m and not cjk:
            return None
        name = m.group("name") if m else cjk[0].group("name") or cjk[0].group("ko")
        return self.registry.person(name) or Person(name, slugify(name))

    def source_outlet(self) -> Person | None:
        """The outlet a reprint credits ("Source: Bloomberg"): an unnamed host is its voice."""
        m = SOURCE_LINE.search(self.credit) or SOURCE_LINE.search(self.text)
        if not m or not looks_like_outlet(m.group("name")):
            return None
        name = m.group("name").strip()
        outlet = self.registry.outlet(name)
        name = outlet.name if outlet else name
        return Person(name, slugify(name), is_organization=True, in_registry=bool(outlet))

    def by_initials(self, label: str) -> Person | None:
        """ "SA:" is the one person named on the page whose initials are S. A."""
        if not INITIALS.match(label):
            return None
        names = [p.name for p in self.people] + self.page_names
        found = {n for n in names if "".join(w[0] for w in n.split()).upper() == label}
        if len(found) != 1:
            return None
        name = found.pop()
        return self.registry.person(name) or Person(name, slugify(name))

    def by_cjk_surname(self, label: str) -> Person | None:
        """ "藤井キャスター" on a page that writes "藤井貴彦キャスター"; "アルトマン氏" on one
        that writes "サム・アルトマン氏": the full name the page prints with the same title."""
        bare = without_honorific(label)
        suffix = label[len(bare) :] if label.startswith(bare) else ""
        if not suffix or not CJK_CHAR.search(bare):
            return None
        full = re.compile(
            rf"(?:[\u30a0-\u30ff]{{1,8}}・){re.escape(bare)}(?={re.escape(suffix)})|"
            rf"(?<![\u4e00-\u9fff]){re.escape(bare)}[\u4e00-\u9fff]{{1,3}}(?={re.escape(suffix)})"
        )
        names = {m.group(0) for m in full.finditer(self.text)}
        if len(names) != 1:
            return None
        name = names.pop()
        return self.registry.person(name) or Person(
            name, slugify(name) or self.anonymous(name).slug
        )

    def resolve(self, label: str) -> tuple[Person | None, str, str]:
        """(person, role word, how it was known) for a label; person None when nothing
        says who it is. How: label | surname | initials ("" when unknown)."""
        role = role_of(label)
        if role:
            found = {
                "host": lambda: self.host() or self.source_outlet(),
                "interviewer": lambda: self.named_interviewer() or self.interviewer(),
                "guest": self.main_guest,
            }[role]()
            return found or self.placeholder(role), role, "label"
        found = self.outlet_speaker(label)
        if found:
            return found, "interviewer", "label"
        for name in dict.fromkeys([label, without_honorific(label)]):
            found = self.registry.person(name) or self.by_page_name(name)
            # "AMODEI:" is known through a registry alias that is his surname
            parts = name_key(found.name).split() if found else []
            how = "surname" if len(parts) > 1 and name_key(name) == parts[-1] else "label"
            if not found and (found := self.by_first_name(name)):
                how = "label"
            if not found and (found := self.by_last_name(name)):
                how = "surname"
            if not found and (found := self.by_initials(name)):
                how = "initials"
            if not found and (found := self.by_cjk_surname(label)):
                how = "surname"
            if found:
                return found, self.named_role(found), how
        return None, "", ""


# Honorifics printed with a name: "Herr Braun", "Mme Dupont", "山田さん", "김 씨", "Dr. Li".
HONORIFIC_BEFORE = re.compile(
    r"^(?:herr|frau|dr\.?|prof\.?|professor|mr\.?|mrs\.?|ms\.?|m\.|mme|mlle|monsieur|madame|"
    r"señor|señora|sr\.|sra\.)\s+",
    re.I,
)
HONORIFIC_AFTER = re.compile(r"\s*(?:さん|氏|先生|様|さま|씨|님|博士|教授|女士|先生)$")
INITIALS = re.compile(r"^[A-ZÄÖÜ]{2,3}$")
# A Japanese or Korean name with its honorific: "大塚あみさん", "佐藤先生", "김주하 씨".
CJK_HONORIFIC_NAME = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<name>[\u4e00-\u9fff]{1,4}[\u3040-\u309f]{0,2}|[\u30a0-\u30ff・]{2,12}"
    r"|[\uac00-\ud7af]{2,4})\s?(?:さん|氏|先生|씨)"
)
INTERVIEW_CUE = re.compile(
    r"(?:に|へ|と|에게|와|과)?\s?(?:お話|話を|聞|伺|インタビュー|対談|인터뷰|물었)"
)
INTERVIEW_WITH = re.compile(
    r"(?i:entrevista con|interview with|in an interview with|im Gespräch mit|"
    r"im Interview mit|entretien avec|intervista con)\s+(?i:(?:the|der|dem|la|le|el)\s+)?"
    r"(?P<name>[A-Z][\w.&'-]+(?:\s+[A-Z][\w.&'-]+){0,2})"
)
# The byline of a Japanese, Chinese or Korean interviewer: "文● 遠藤諭", "聞き手：…", "민경영 기자".
CJK_JOURNALIST = re.compile(
    r"(?:^|\n)(?:文|取材・文|聞き手|インタビュアー|记者|記者|采访)\s*[●・:：/／|｜]?\s*"
    r"(?P<name>[\u4e00-\u9fff]{2,4})(?:\s|$)|(?P<ko>[\uac00-\ud7af]{2,4})\s?기자(?!회견|단|실)"
)
NAME = r"[A-ZÄÖÜ][\w'’-]+(?:\s+[A-ZÄÖÜ][\w'’-]+){1,2}"
JOURNALIST = re.compile(
    r"(?:[Cc]hefredakteur(?:in)?|[Rr]edakteur(?:in)?|[Rr]eporter(?:in)?|[Jj]ournalist(?:in|e)?|"
    r"[Kk]orrespondent(?:in)?|[Cc]orrespondent|[Ee]ditor(?:-in-[Cc]hief)?|[Ii]nterviewed by|"
    r"[Ii]nterview von|[Dd]as (?:Interview|Gespräch) führte|[Ff]ragen von|[Pp]ropos recueillis par|"
    r"[Ee]ntrevista de|[Pp]eriodista)[\s:,]+(?P<name>" + NAME + r")"
)
SOURCE_LINE = re.compile(
    r"(?m)^(?:Source|Quelle|Fuente|来源|來源|出典|출처)\s*[:：]\s*(?P<name>[^\n,;]{2,40})$"
)


def addressed(name: str) -> bool:
    """ "Frau Keller", "Dr Smith": a title and one name."""
    words = name.split()
    return len(words) == 2 and bool(TITLE_WORDS.match(words[0] + " a b"))


def looks_like_outlet(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


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


def person_for(label: str, resolved: tuple[Person | None, str]) -> Person:
    person, role = resolved
    if person:  # a copy: the registry's people are shared between documents
        return replace(person, aliases=list(person.aliases))
    name = without_honorific(label)
    slug = slugify(name) or "speaker-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return Person(name, slug, aliases=[], role=role)

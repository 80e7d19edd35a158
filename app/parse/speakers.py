"""Resolve speaker labels to people: the registry in data/, role words, the page's own words.

`Context` holds what one page says about who is who: the registry people and shows it
names, names it writes, its journalist, byline author and credited outlet. A label
resolves through the registry (names and aliases in every script), the page's names,
first names, surnames, initials, honorifics and titles (`names.py`), or a role word; how
it was found travels with it as the passage's evidence. Unnamed voices (`Interviewer`,
`Speaker 2`) are people of their page only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.parse.documents import Person
from app.parse.names import (
    TITLE_WORDS,
    addressed,
    korean_names_in,
    role_of,
    without_honorific,
)
from app.parse.registry import Registry as Registry  # re-exported: callers import it here
from app.text import BASIC_HAN, CJK_CHAR, HANGUL_SYLLABLES, HIRAGANA, KATAKANA, name_key, slugify

NAME_IN_TEXT = re.compile(
    r"\b([A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+(?:[- ][A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+){1,2})\b"
)


@dataclass
class Context:
    """What the page says about who is who, gathered once per document."""

    registry: Registry
    text: str
    publisher: str = ""
    author: str = ""  # the page's byline name, when it prints one alone
    credit: str = ""  # the source credit lines clean took out ("Source: Bloomberg")
    aside: str = ""  # the photo captions clean took out: they name people in full too

    def __post_init__(self) -> None:
        self.people = self.registry.mentioned_people(self.text)
        # "Amodei" is Dario, not Daniela, where a caption names "Dario Amodei"
        self.named_in_full = self.people + [
            p for p in self.registry.mentioned_people(self.aside) if p not in self.people
        ]
        self.guest: Person | None | bool = False  # main_guest(), once found
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

    def sole_host(self) -> Person | None:
        """The one host of the shows the page names, when they have one between them."""
        hosts = {h.slug: h for s in self.shows for h in map(self.registry.person, s.hosts) if h}
        return next(iter(hosts.values())) if len(hosts) == 1 else None

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
                slug_of(name),
                [label] if label != name else [],
                is_organization=True,
                in_registry=bool(outlet),
            )
        return None

    def by_name_part(self, label: str, matches: Callable[[list[str], str], bool]) -> Person | None:
        """The one person whose name part `matches(part, label)`: registry people the page
        names first; German capitalises nouns, so the page's own capitalised pairs
        ("Bens Prognose") are only a fallback."""
        key = name_key(label)
        if " " in key or len(key) < 3:
            return None
        page_people = [
            Person(n, slug_of(n)) for n in self.page_names if not self.registry.person(n)
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
                Person(n, slug_of(n))
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
        """The person a page is about (found once per page)."""
        if self.guest is False:
            self.guest = self.find_main_guest()
        return self.guest if isinstance(self.guest, Person) else None

    def find_main_guest(self) -> Person | None:
        """The registry person the page names most, else the name it introduces. A page
        that addresses its guest ("Herr Amodei", "Mr. Hassabis") is about someone of that
        surname: another person it names ("War Sam Altman …?") is not the guest."""
        addressed = ADDRESSED.findall(self.text)
        counted = sorted(
            (
                (sum(self.text.count(n) for n in [p.name, *p.aliases]), p)
                for p in (self.named_in_full if addressed else self.people)
                if not self.hosts_a_show(p)
                and (not addressed or name_key(p.name).split()[-1] in map(name_key, addressed))
            ),
            key=lambda pair: -pair[0],
        )
        if counted:
            return counted[0][1]
        name = self.introduced_name()
        return Person(name, slug_of(name)) if name else None

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
        return self.korean_name_with_title()

    def korean_name_with_title(self) -> str:
        """ "서리빈 포항공과대학교 … 교수" and later "서 교수는": a Korean article names a
        person in full with a title once, then by surname and title."""
        for m in KOREAN_NAME_TITLE.finditer(self.text):
            name, title = m.group("name"), m.group("title")
            if f"{name[0]} {title}" in self.text:
                return name
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
        names = [m.group("name") for m in INTERVIEW_WITH.finditer(self.text)]
        # "머니투데이는 … 교수와의 인터뷰를 통해": the subject of a Korean sentence that says
        # it interviewed someone (a word, not the two or three syllables of a name)
        names += [m.group("name") for m in KOREAN_INTERVIEWING.finditer(self.text)]
        # "新浪科技对他进行了专访": an outlet of the registry that ends the run before 对
        for m in CHINESE_INTERVIEWING.finditer(self.text):
            run = m.group("run")
            names += [run[k:] for k in range(len(run) - 1) if self.registry.outlet(run[k:])][:1]
        for name in names:
            outlet = self.registry.outlet(name)
            if outlet or (" " not in name and not self.registry.person(name) and len(name) > 3):
                found = outlet.name if outlet else name
                return Person(found, slug_of(found), is_organization=True, in_registry=bool(outlet))
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
        return self.registry.person(name) or Person(name, slug_of(name))

    def source_outlet(self) -> Person | None:
        """The outlet a reprint credits ("Source: Bloomberg"): an unnamed host is its voice."""
        m = SOURCE_LINE.search(self.credit) or SOURCE_LINE.search(self.text)
        if not m or not looks_like_outlet(m.group("name")):
            return None
        name = m.group("name").strip()
        outlet = self.registry.outlet(name)
        name = outlet.name if outlet else name
        return Person(name, slug_of(name), is_organization=True, in_registry=bool(outlet))

    def by_initials(self, label: str) -> Person | None:
        """ "SA:" is the one person named on the page whose initials are S. A."""
        if not INITIALS.match(label):
            return None
        names = [p.name for p in self.people] + self.page_names
        found = {n for n in names if "".join(w[0] for w in n.split()).upper() == label}
        if len(found) != 1:
            return None
        name = found.pop()
        return self.registry.person(name) or Person(name, slug_of(name))

    def by_cjk_surname(self, label: str) -> Person | None:
        """ "藤井キャスター" on a page that writes "藤井貴彦キャスター"; "アルトマン氏" on one
        that writes "サム・アルトマン氏": the full name the page prints with the same title."""
        bare = without_honorific(label)
        suffix = label[len(bare) :] if label.startswith(bare) else ""
        if not suffix or not CJK_CHAR.search(bare):
            return None
        full = re.compile(
            rf"(?:[{KATAKANA}]{{1,8}}・){re.escape(bare)}(?={re.escape(suffix)})|"
            rf"(?<![{BASIC_HAN}]){re.escape(bare)}[{BASIC_HAN}]{{1,3}}(?={re.escape(suffix)})"
        )
        names = {m.group(0) for m in full.finditer(self.text)}
        if len(names) != 1:
            return None
        name = names.pop()
        return self.registry.person(name) or Person(name, slug_of(name))

    def known(self, name: str) -> bool:
        """The registry or the page says who `name` is."""
        return self.resolve(name)[0] is not None

    def by_chinese_title(self, label: str) -> Person | None:
        """ "胡郁:" on a page that introduces "轮值总裁胡郁": a Chinese name of two to four
        characters the page prints with a title, before or after it."""
        if not re.fullmatch(f"[{BASIC_HAN}]{{2,4}}", label):
            return None
        near = rf"(?:{CHINESE_TITLE}){re.escape(label)}|{re.escape(label)}(?:{CHINESE_TITLE})"
        return Person(label, slug_of(label)) if re.search(near, self.text) else None

    def role_with_name(self, label: str) -> Person | None:
        """ "AI 앵커" on a page that writes "AI 앵커 김주하": a Korean broadcast names its
        anchor or reporter by the role and then the name; the one name printed after
        this label is who it is (as a role of that name: "AI 앵커 김주하")."""
        if not KOREAN_ROLE_LABEL.search(label):
            return None
        after = rf"(?<![{HANGUL_SYLLABLES}]){re.escape(label)}\s([{HANGUL_SYLLABLES}]{{2,4}})(?=[^{HANGUL_SYLLABLES}]|이|입|$)"
        names = set(re.findall(after, self.text))
        if len(names) != 1:
            return None
        name = f"{label} {names.pop()}"
        return Person(name, slug_of(name))

    def named_outright(self, name: str) -> Person | None:
        """A registry person, or a full name the page writes elsewhere too."""
        if " " not in name and not CJK_CHAR.search(name):
            return None
        return (
            self.registry.person(name)
            or self.registry.person_on_page(name, self.named_in_full)
            or self.by_page_name(name)
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
        if found := self.role_with_name(label):
            return found, "", "label"
        for found in map(self.named_outright, korean_names_in(label)):
            if found:  # "샘 올트먼 오픈AI 대표": the name before the organisation and title
                return found, self.named_role(found), "label"
        for name in dict.fromkeys([label, without_honorific(label)]):
            found = (
                self.registry.person(name)
                or self.registry.person_on_page(name, self.named_in_full)
                or self.by_page_name(name)
            )
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
            if not found and (found := self.by_chinese_title(name)):
                how = "label"
            if found:
                return found, self.named_role(found), how
        return None, "", ""


INITIALS = re.compile(r"^[A-ZÄÖÜ]{2,3}$")
KOREAN_ROLE_LABEL = re.compile(r"(?:앵커|기자|캐스터|아나운서|진행자)$")
# A guest addressed by honorific and surname in a question: "Herr Amodei, Sie waren …".
ADDRESSED = re.compile(
    r"(?:^|\n)(?:Herr|Frau|Mr\.?|Mrs\.?|Ms\.?|Monsieur|Madame|M\.|Mme|Señor|Señora|Sr\.|Sra\.)"
    r"\s+([A-ZÄÖÜ][\w'’-]+)(?=[,?!])"
)
# A Japanese or Korean name with its honorific: "大塚あみさん", "佐藤先生", "김주하 씨".
CJK_HONORIFIC_NAME = re.compile(
    rf"(?<![{BASIC_HAN}])(?P<name>[{BASIC_HAN}]{{1,4}}[{HIRAGANA}]{{0,2}}|[{KATAKANA}・]{{2,12}}"
    rf"|[{HANGUL_SYLLABLES}]{{2,4}})\s?(?:さん|氏|先生|씨)"
)
INTERVIEW_CUE = re.compile(
    r"(?:に|へ|と|에게|와|과)?\s?(?:お話|話を|聞|伺|インタビュー|対談|인터뷰|물었)"
)
INTERVIEW_WITH = re.compile(
    r"(?i:entrevista con|interview with|in an interview with|im Gespräch mit|"
    r"im Interview mit|entretien avec|intervista con)\s+(?i:(?:the|der|dem|la|le|el)\s+)?"
    r"(?P<name>[A-Z][\w.&'-]+(?:\s+[A-Z][\w.&'-]+){0,2})"
)
KOREAN_INTERVIEWING = re.compile(
    rf"(?:^|\n|[.!?]\s)(?P<name>[{HANGUL_SYLLABLES}A-Za-z]{{4,12}})(?:는|은)\s[^.\n]{{0,120}}"
    r"(?:와|과)의\s?인터뷰"
)
CHINESE_INTERVIEWING = re.compile(
    rf"(?P<run>[{BASIC_HAN}A-Za-z0-9]{{2,12}})对(?:他|她|其|[{BASIC_HAN}]{{2,4}})进行了?"
    r"(?:独家|一次)?(?:专访|采访|访谈|对话)"
)
# "科大讯飞的轮值总裁胡郁", "胡郁董事长": a Chinese page introduces a person with a title.
CHINESE_TITLE = (
    r"总裁|副总裁|轮值总裁|董事长|总经理|创始人|联合创始人|首席执行官|首席科学家|首席技术官|CEO|CTO|"
    r"院长|所长|教授|研究员|博士|主任|部长|负责人|合伙人"
)
# (a lookahead, so that "전문가 서리빈 … 교수" is tried from each word on)
KOREAN_NAME_TITLE = re.compile(
    rf"(?<![{HANGUL_SYLLABLES}])(?=(?P<name>[{HANGUL_SYLLABLES}]{{3}})\s(?:\S{{1,20}}\s){{0,4}}?"
    r"(?P<title>교수|대표|회장|박사|총리|장관|창업자|의원|사장|소장|원장|위원장|이사|CEO))"
)
# The byline of a Japanese, Chinese or Korean interviewer: "文● 遠藤諭", "聞き手：…", "민경영 기자".
CJK_JOURNALIST = re.compile(
    r"(?:^|\n)(?:文|取材・文|聞き手|インタビュアー|记者|記者|采访)\s*[●・:：/／|｜]?\s*"
    rf"(?P<name>[{BASIC_HAN}]{{2,4}})(?:\s|$)|(?P<ko>[{HANGUL_SYLLABLES}]{{2,4}})\s?기자(?!회견|단|실)"
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


def looks_like_outlet(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def slug_of(name: str) -> str:
    """A speaker's slug: its ASCII words, or a digest for a name in another script."""
    return slugify(name) or "speaker-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def person_for(label: str, resolved: tuple[Person | None, str]) -> Person:
    person, role = resolved
    if person:  # a copy: the registry's people are shared between documents
        return replace(person, aliases=list(person.aliases))
    name = without_honorific(label)
    return Person(name, slug_of(name), aliases=[], role=role)

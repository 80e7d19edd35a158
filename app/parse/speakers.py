"""Resolve speaker labels to people: the registry in data/, role words, the page's own words.

A label is only a speaker when there is evidence: it names someone (registry or the page),
it is a role word or an outlet, it carries a timestamp or bold label markup, or it recurs
as a label with the shape of a name. "In dieser Situation:" or "我们的理念就是:" has none.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from app.parse.documents import Person
from app.parse.segment import Block
from app.text import HAN_CHAR, name_key, slugify

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
    },
    "guest": {"guest", "gast", "嘉宾", "a", "antwort", "answer", "答", "受访者"},
}
NAME_IN_TEXT = re.compile(r"\b([A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2})\b")


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

    def spellings(self) -> dict[str, str]:
        """Every name and alias of the registry's people → their slug."""
        return {n: p.slug for p in self.people for n in [p.name, *p.aliases]}

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
            re.escape(n) if re.search(HAN_CHAR, n) else rf"(?<!\w){re.escape(n)}(?!\w)"
            for n in ordered
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

    def __post_init__(self):
        self.people = self.registry.mentioned_people(self.text)
        self.shows = [s for s in self.registry.mentioned_shows(self.text) if not s.is_outlet]
        for show in self.shows:  # a show's hosts are part of its page even when unnamed
            self.people += [
                h for h in map(self.registry.person, show.hosts) if h and h not in self.people
            ]
        self.page_names = list(dict.fromkeys(NAME_IN_TEXT.findall(self.text)))

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
        return next(
            (Person(n, slugify(n)) for n in self.page_names if name_key(n) == name_key(label)), None
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
        return Person(self.page_names[0], slugify(self.page_names[0])) if self.page_names else None

    def interviewer(self) -> Person:
        if self.publisher:
            return Person(
                self.publisher,
                slugify(self.publisher) or self.placeholder("interviewer").slug,
                is_organization=True,
            )
        return self.placeholder("interviewer")

    def placeholder(self, role: str) -> Person:
        """An unnamed host, guest or interviewer of this page ("答：" with no name on the
        page): a speaker of its own, never merged with other pages' unnamed people."""
        digest = hashlib.sha1(self.text[:400].encode()).hexdigest()[:8]
        return Person(role.title(), f"{role}-{digest}", role=role)

    def resolve(self, label: str) -> tuple[Person | None, str]:
        """(person, role word) for a label; person None when nothing says who it is."""
        role = role_of(label)
        if role:
            found = {"host": self.host, "interviewer": self.interviewer, "guest": self.main_guest}[
                role
            ]()
            return found or self.placeholder(role), role
        found = self.outlet_speaker(label)
        if found:
            return found, "interviewer"
        found = (
            self.registry.person(label)
            or self.by_page_name(label)
            or self.by_first_name(label)
            or self.by_last_name(label)
        )
        return found, self.named_role(found) if found else ""


def looks_like_name(label: str) -> bool:
    words = label.split()
    if re.search(HAN_CHAR, label):
        return len(label) <= 6
    return 1 <= len(words) <= 3 and all(w[0].isupper() for w in words)


def speaker_labels(blocks_: list[Block], ctx: Context) -> dict[str, tuple[Person | None, str]]:
    """Which label names in the document are speakers, each with its resolution."""
    counts = Counter(b.label.name for b in blocks_ if b.label)
    marked = {
        b.label.name
        for b in blocks_
        if b.label and (b.label.timestamp is not None or b.label.continued or b.label.bold)
    }
    accepted: dict[str, tuple[Person | None, str]] = {}
    for name, n in counts.items():
        person, role = ctx.resolve(name)
        evidence = (
            person
            or role
            or (name in marked and looks_like_name(name))
            or (n >= 2 and looks_like_name(name))
        )
        if evidence:
            accepted[name] = (person, role)
    # A label nothing resolves and the page never names elsewhere ("Note:", "Example:")
    # is a sentence opener when other labels are people.
    resolved = {n for n, (p, r) in accepted.items() if p or r}
    if len(resolved) >= 2:
        for name in [n for n in accepted if n not in resolved and n not in marked]:
            if ctx.text.count(name) <= counts[name]:
                del accepted[name]
    # "Altman: \"We welcome…\"" lines under an article are quotations, not a conversation:
    # unmarked labels whose every turn is a single quoted sentence.
    texts = [b.text for b in blocks_ if b.label and b.label.name in accepted]
    if (
        texts
        and not marked & set(accepted)
        and all(t and t[:1] in '"„“«‚‘「『' and t.rstrip()[-1:] in '"“”»’」』' for t in texts)
    ):
        return {}
    # One label alone is a sentence that happens to have a colon, not a conversation.
    return accepted if len(accepted) >= 2 or marked & set(accepted) else {}


def person_for(label: str, resolved: tuple[Person | None, str]) -> Person:
    person, role = resolved
    if person:  # a copy: the registry's people are shared between documents
        return replace(person, aliases=list(person.aliases))
    slug = slugify(label) or "speaker-" + hashlib.sha1(label.encode()).hexdigest()[:8]
    return Person(label, slug, aliases=[], role=role)

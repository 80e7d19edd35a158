"""Speakers who introduce themselves on pages without labels: monologues, speech-to-text.

Small pages run through the real parser with the real registry in data/.
"""

from __future__ import annotations

import json

import pytest

from app.config import ROOT
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(ROOT / "data")


def speakers(text: str, registry: Registry, name: str = "page.txt") -> list[tuple[str | None, str]]:
    [doc] = parse_bytes(name, text.encode("utf-8"), registry)
    return [(p.speaker.name if p.speaker else None, p.evidence) for p in doc.passages]


MONOLOGUE = (
    "The morning brief, episode 12\n\n"
    "Welcome back to the morning brief. I'm Jane Roe, and this is Tuesday.\n\n"
    "The labs shipped three models this week, and none of them is small.\n\n"
    "That is all for today.\n"
)


def test_a_monologue_is_the_voice_that_introduces_itself(registry: Registry) -> None:
    assert speakers(MONOLOGUE, registry) == [
        ("Jane Roe", "introduction"),
        ("Jane Roe", "continuation"),
        ("Jane Roe", "continuation"),
    ]


def test_a_page_that_announces_a_guest_gives_the_introducer_only_the_introduction(
    registry: Registry,
) -> None:
    text = MONOLOGUE.replace("and this is Tuesday.", "and my guest today is John Doe.")
    assert speakers(text, registry) == [("Jane Roe", "introduction"), (None, ""), (None, "")]


@pytest.mark.parametrize(
    "opening",
    [
        "Ich bin Ende Mai, wie jedes Jahr, in Berlin gewesen.",  # German nouns are capitalised
        "我是中国人。我在北京长大。",  # a noun where a name would stand
        "He said: I'm Not Sure, and left.",  # not the page's own opening voice
    ],
)
def test_what_only_looks_like_an_introduction_names_nobody(
    registry: Registry, opening: str
) -> None:
    text = f"Ein Text\n\n{opening}\n\nMehr Text folgt hier.\n"
    assert {who for who, _ in speakers(text, registry)} == {None}


def test_an_introduction_deep_in_an_article_names_nobody(registry: Registry) -> None:
    text = (
        "A report\n\nThe labs met on Tuesday.\n\nThey talked for hours.\n\n"
        "Then one stood up. I'm Jane Roe, she said, and I disagree.\n"
    )
    assert {who for who, _ in speakers(text, registry)} == {None}


def test_a_cjk_introduction_names_a_registry_person(registry: Registry) -> None:
    text = "演讲\n\n大家好，我是杨植麟。今天想和大家聊聊人工智能。\n\n人工智能正在改变一切。\n"
    found = speakers(text, registry)
    assert found[0] == ("Yang Zhilin", "introduction"), found


def test_a_transcript_host_introduces_himself(registry: Registry) -> None:
    segments = [
        {"start": 0.0, "end": 2.0, "text": "Welcome to the Long View."},
        {"start": 2.1, "end": 4.0, "text": "I am Jane Roe, your host."},
        {"start": 4.1, "end": 6.0, "text": "Today we talk about whales."},
    ]
    [doc] = parse_bytes("show.json", json.dumps(segments).encode(), registry)
    first = doc.passages[0]
    assert (first.speaker.name if first.speaker else None, first.evidence) == (
        "Jane Roe",
        "introduction",
    )
    assert [(role, p.name) for role, p in doc.participants] == [("host", "Jane Roe")]


@pytest.mark.parametrize(
    "announcement",
    [
        "Today I'm joined by John Doe.",
        "With me is John Doe, who runs a lab.",
        "We sit down with John Doe.",
        "Welcome back to the show.",
    ],
)
def test_a_page_with_a_second_voice_is_not_a_monologue(
    registry: Registry, announcement: str
) -> None:
    text = MONOLOGUE.replace("and this is Tuesday.", f"and this is Tuesday. {announcement}")
    assert [who for who, _ in speakers(text, registry)] == ["Jane Roe", None, None]


def test_a_hosts_note_in_the_first_person_on_a_shows_page_is_the_hosts(
    registry: Registry,
) -> None:
    text = (
        "Dwarkesh Podcast: the episode page\n\n"
        "Here is my conversation with Jane Roe, who runs a lab. We talk about scaling.\n\n"
        "Jane explains that loss curves are predictable.\n"
    )
    assert speakers(text, registry) == [("Dwarkesh Patel", "introduction"), (None, "")]


def test_a_site_name_glued_to_itself_is_read_once() -> None:
    from app.parse.clean import clean

    assert clean("Dwarkesh PodcastDwarkesh Podcast\n\nText.\n").paragraphs[0] == (
        "Dwarkesh Podcast"
    )
    assert clean("byebye\n").paragraphs[0] == "byebye"

"""Aligning versions as pure functions: the seeds against a golden read by hand, made-up
pairs for merged and split turns, and the anchors that survive translation."""

from __future__ import annotations

import json

import pytest

from app.align import Names, Unit, align, anchors, cn_value, numbers
from app.config import ROOT
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry

GOLDEN = ROOT / "tests" / "alignment" / "000_001.json"
REGISTRY = Registry.load(ROOT / "data")


def seed_units(name: str) -> list[Unit]:
    """A seed's passages as the aligner sees them; ids are ordinals, as in the golden."""
    (doc,) = parse_bytes(name, (ROOT / "seeds" / name).read_bytes(), REGISTRY)
    return [
        Unit(str(n), p.role, p.speaker.slug if p.speaker else "", p.text)
        for n, p in enumerate(doc.passages)
    ]


def names_of(*versions: list[Unit]) -> dict[str, str]:
    """The registry's spellings for the pages of these versions (as links.realign reads
    them for an interview)."""
    return REGISTRY.spellings("\n\n".join(u.text for units in versions for u in units))


def pairs(links) -> set[tuple[int, int]]:
    return {(int(x), int(y)) for link in links for x in link.a for y in link.b}


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text("utf-8"))


@pytest.fixture(scope="module")
def seeds(golden):
    return seed_units(golden["a"]), seed_units(golden["b"])


def test_the_golden_still_names_the_passages_it_was_read_from(golden, seeds):
    a, b = seeds
    for link in golden["links"]:
        assert a[link["a"][0]].text.startswith(link["a_starts"])
        assert b[link["b"][0]].text.startswith(link["b_starts"])
    linked_a = {x for link in golden["links"] for x in link["a"]}
    linked_b = {y for link in golden["links"] for y in link["b"]}
    assert linked_a | set(golden["unmatched_a"]) == set(range(len(a)))
    assert linked_b | set(golden["unmatched_b"]) == set(range(len(b)))


def test_seeds_000_and_001_align_at_the_targets(golden, seeds):
    a, b = seeds
    found = pairs(align(a, b, names_of(a, b)))
    truth = {(x, y) for link in golden["links"] for x in link["a"] for y in link["b"]}
    right = found & truth
    precision = len(right) / len(found) if found else 0.0
    recall = len(right) / len(truth)
    print(
        f"\nalignment of 000 and 001: {len(found)} links, {len(truth)} in the golden, "
        f"precision {precision:.1%}, recall {recall:.1%}"
    )
    assert precision >= 0.95 and recall >= 0.90, (sorted(found - truth), sorted(truth - found))


def test_the_alignment_is_the_same_either_way_round(seeds):
    a, b = seeds
    names = names_of(a, b)
    forward = pairs(align(a, b, names))
    backward = {(x, y) for y, x in pairs(align(b, a, names))}
    assert forward == backward


# A made-up interview and its translation: the translator split one answer into two
# paragraphs and added an editor's note of their own.
ENGLISH = [
    Unit("a0", "question", "host", "When did you found the company, and how many were you?"),
    Unit(
        "a1",
        "answer",
        "guest",
        "We started in 2014 with 12 people in a garage in Toronto. By 2019 we were 340, "
        "and revenue grew 85% a year.",
    ),
    Unit("a2", "question", "host", "What changed when GPT-4 arrived?"),
    Unit(
        "a3",
        "answer",
        "guest",
        "Everything. Our Atlas product went from 3,000 to 250,000 users in six months.",
    ),
]
CHINESE = [
    Unit("b0", "narration", "", "编者按:本文译自英文播客,略有删节。"),
    Unit("b1", "question", "host", "你们是什么时候创立公司的?当时有多少人?"),
    Unit("b2", "answer", "guest", "我们 2014 年在多伦多的一个车库里起步,只有 12 个人。"),
    Unit("b3", "answer", "guest", "到 2019 年,我们已经有 340 人,收入每年增长 85%。"),
    Unit("b4", "question", "host", "GPT-4 出现后有什么变化?"),
    Unit(
        "b5",
        "answer",
        "guest",
        "一切都变了。我们的 Atlas 产品在六个月内从 3000 用户增长到 25 万用户。",
    ),
]


def test_a_split_turn_is_one_to_two_and_an_editors_note_has_no_counterpart():
    links = {(link.a, link.b) for link in align(ENGLISH, CHINESE)}
    assert links == {
        (("a0",), ("b1",)),
        (("a1",), ("b2", "b3")),
        (("a2",), ("b4",)),
        (("a3",), ("b5",)),
    }


def test_merged_turns_are_two_to_one():
    links = {(link.a, link.b) for link in align(CHINESE, ENGLISH)}
    assert (("b2", "b3"), ("a1",)) in links
    assert not any("b0" in a for a, _ in links)


def test_turns_of_two_speakers_are_never_merged():
    crossed = [*CHINESE[:3], Unit("b3", "question", "host", CHINESE[3].text), *CHINESE[4:]]
    for link in align(ENGLISH, crossed):
        assert len(link.b) == 1 or link.b != ("b2", "b3")


def test_scores_are_between_0_and_1_and_nothing_aligns_with_nothing():
    assert all(0 < link.score <= 1 for link in align(ENGLISH, CHINESE))
    assert align([], CHINESE) == [] and align(ENGLISH, []) == []


@pytest.mark.parametrize(
    "text, key",
    [
        ("100 Millionen US - Dollar", "#1e+08"),
        ("一亿美元", "#1e+08"),
        ("三千亿美元", "#3e+11"),
        ("300 Milliarden", "#3e+11"),
        ("82 % der Fragen", "#82%"),
        ("解决率能达到 82%", "#82%"),
        ("百分之五十", "#50%"),
        ("25 万用户", "#250000"),
        ("1.000 Menschen", "#1000"),
        ("sechs bis zwölf Monaten", "#12"),
        ("6 到 12 个月", "#12"),
    ],
)
def test_numbers_compare_across_scripts(text, key):
    assert key in numbers(text)


def test_lone_chinese_numerals_inside_words_are_not_numbers():
    assert numbers("一些人一直在说") == []
    assert cn_value("万一") is None and cn_value("二十") == 20 and cn_value("两万") == 20_000


def test_names_meet_across_scripts():
    names = Names(REGISTRY.spellings())
    german = anchors("Unser CEO Dario Amodei vergleicht es", names)
    chinese = anchors("达里奥·阿莫迪打过这样一个比方", names)
    assert "@dario-amodei" in german & chinese
    assert "w:claude" in anchors("Claude Code 团队", names)


def test_a_surname_two_people_share_anchors_only_on_the_one_the_page_names_in_full():
    """ "Amodei" is Dario's and Daniela's: a page that names neither in full gives no
    anchor (it anchored on Dario); one that names one of them gives theirs."""
    said = "Amodei sagt, die Talentdichte zähle mehr als alles andere."
    assert "Amodei" not in REGISTRY.spellings() and "阿莫迪" not in REGISTRY.spellings(said)
    assert not {"@dario-amodei", "@daniela-amodei"} & anchors(said, Names(REGISTRY.spellings(said)))
    for full, slug in [("Dario Amodei", "dario-amodei"), ("丹妮拉·阿莫迪", "daniela-amodei")]:
        page = f"Ein Gespräch mit {full}.\n\n{said}"
        assert REGISTRY.spellings(page)["Amodei"] == slug
        assert f"@{slug}" in anchors(said, Names(REGISTRY.spellings(page)))
    both = f"Dario Amodei und Daniela Amodei.\n\n{said}"
    assert "Amodei" not in REGISTRY.spellings(both)
    # a spelling only one person has needs no page
    assert REGISTRY.spellings()["达里奥·阿莫迪"] == "dario-amodei"


def test_a_copy_is_linked_passage_by_passage_and_only_its_changed_part_is_aligned(seeds):
    _, b = seeds
    copy = [Unit("c" + u.id, u.role, u.speaker, u.text) for u in b]
    copy[40] = copy[40]._replace(text=copy[40].text + " (编者注:有删节)")
    links = align(b, copy, names_of(b, copy))
    assert [(link.a, link.b) for link in links] == [((u.id,), ("c" + u.id,)) for u in b]
    assert all(link.score == 1.0 for i, link in enumerate(links) if i != 40)
    assert links[40].score < 1.0  # found by the aligner, not copied

"""Links kept by the ingest in real SQLite files: counterparts between the versions of an
interview (after ingest, after a version changes, after one goes) and passages of
different documents that share a long run of words."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.config import ROOT, settings_for
from app.ingest import ingest
from app.quotes import Text, shared_words, tokens

SEEDS = ROOT / "seeds"
GERMAN, CHINESE = "000_120461cb871c2243.txt", "001_18a6d7e100dca724.txt"
GOLDEN = json.loads((ROOT / "tests" / "alignment" / "000_001.json").read_text("utf-8"))


def copy_seeds(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, target / f.name)
    return target


def ids_by_ordinal(con, key: str) -> dict[int, str]:
    rows = con.execute(
        "select p.ordinal, p.id from passage p join document d on d.id = p.document_id"
        " where d.key = ?",
        (key,),
    )
    return dict(rows)


def links(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as con:
        return set(con.execute("select passage_id, other_id from passagelink"))


def dangling(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return sum(
            con.execute(
                f"select count(*) from {table} where passage_id not in (select id from passage)"
                f" or other_id not in (select id from passage)"
            ).fetchone()[0]
            for table in ("passagelink", "passagequote")
        )


@pytest.mark.slow
def test_ingest_links_the_seed_versions_as_the_golden_says(tmp_path):
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [copy_seeds(tmp_path / "src")])
    with sqlite3.connect(settings.db_path) as con:
        de, zh = ids_by_ordinal(con, GERMAN), ids_by_ordinal(con, CHINESE)
        scores = [s for (s,) in con.execute("select score from passagelink")]
    truth = {(de[x], zh[y]) for link in GOLDEN["links"] for x in link["a"] for y in link["b"]}
    stored = links(settings.db_path)
    assert truth <= stored and {(b, a) for a, b in truth} <= stored  # both directions
    assert len(stored) == 2 * len(truth)
    assert all(0 < s <= 1 for s in scores)


@pytest.mark.slow
def test_an_edited_version_is_realigned_and_a_removed_one_takes_its_links(tmp_path):
    src = copy_seeds(tmp_path / "src")
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [src])
    with sqlite3.connect(settings.db_path) as con:
        old_zh = ids_by_ordinal(con, CHINESE)
        de = ids_by_ordinal(con, GERMAN)
    page = src / CHINESE
    text = page.read_text("utf-8")
    assert "所以进展是在加快的。" in text
    page.write_text(text.replace("所以进展是在加快的。", "所以进展确实是在加快的。"), "utf-8")
    ingest(settings, [src])
    with sqlite3.connect(settings.db_path) as con:
        new_zh = ids_by_ordinal(con, CHINESE)
        (moved_to,) = con.execute(
            "select new_id from passageredirect where old_id = ?", (old_zh[12],)
        ).fetchone()
    assert new_zh[12] != old_zh[12] and moved_to == new_zh[12]
    stored = links(settings.db_path)
    assert (de[16], new_zh[12]) in stored and (new_zh[12], de[16]) in stored
    assert not any(old_zh[12] in pair for pair in stored)
    assert dangling(settings.db_path) == 0

    page.unlink()
    ingest(settings, [src])
    assert links(settings.db_path) == set()  # one version left: nothing to link
    assert dangling(settings.db_path) == 0


QUOTING = """Was Anthropic-Mitgründer Ben Mann über Gehälter sagt

Ein Kommentar zur Lage im Silicon Valley.

Ben Mann meint: Vom geschäftlichen Standpunkt aus gesehen ist ein Gehalt von 100 Millionen US-Dollar über vier Jahre im Vergleich zum geschaffenen Wert tatsächlich relativ günstig. Wir sehen das anders.

Die Debatte geht weiter.
"""


@pytest.mark.slow
def test_a_page_that_quotes_a_seed_is_linked_with_the_shared_words(tmp_path):
    src = copy_seeds(tmp_path / "src")
    (src / "kommentar.txt").write_text(QUOTING, "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    report = ingest(settings, [src])
    assert not report.failures
    with sqlite3.connect(settings.db_path) as con:
        rows = con.execute(
            "select p.text, q.words, q.spans, d.key, o.text from passagequote q"
            " join passage p on p.id = q.passage_id join passage o on o.id = q.other_id"
            " join document d on d.id = p.document_id"
        ).fetchall()
    quoting = [r for r in rows if r[3] == "kommentar.txt"]
    assert len(quoting) == 1
    text, words, spans, _, other = quoting[0]
    assert other.startswith("Ich bin mir sehr sicher") and words >= 20
    (start, end), *_ = json.loads(spans)
    assert text[start:end].startswith("Vom geschäftlichen Standpunkt")
    assert text[start:end].endswith("relativ günstig. Wir")  # the run goes on as far as it can


def pair(a: str, b: str) -> list:
    return shared_words([Text("a", 1, a), Text("b", 2, b)])


def test_eight_words_are_a_quote_and_seven_are_not():
    eight = "one two three four five six seven eight"
    assert pair(f"Before. {eight} after.", f"Other start {eight}, other end.")
    seven = "one two three four five six seven"
    assert not pair(f"Before. {seven} after.", f"Other start {seven}, other end.")


def test_twelve_cjk_characters_are_a_quote_and_eleven_are_not():
    twelve = "我们能写的代码量变成原来的"[:12]
    assert len(twelve) == 12
    assert pair(f"他说{twelve}了。", f"据报道,{twelve}十倍。")
    assert not pair(f"他说{twelve[:11]}。", f"据报道,{twelve[:11]}十倍。")


def test_words_are_compared_folded_and_one_interview_never_quotes_itself():
    a = "Die KÜNSTLICHE Intelligenz wird den Arbeitsmarkt grundlegend neu gestalten, sagt er."
    b = "Er meint, die künstliche Intelligenz wird den Arbeitsmarkt grundlegend neu gestalten."
    (found,) = pair(a, b)
    assert found.words == 9
    assert [t.form for t in tokens("KÜNSTLICHE")] == ["kunstliche"]
    assert shared_words([Text("a", 1, a), Text("b", 1, b)]) == []


@pytest.mark.slow
def test_seed_archive_has_no_dangling_links_after_a_reingest(tmp_path):
    src = copy_seeds(tmp_path / "src")
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [src])
    before = links(settings.db_path)
    ingest(settings, [src])
    assert links(settings.db_path) == before and dangling(settings.db_path) == 0


@pytest.mark.slow
def test_many_versions_are_linked_through_a_pivot(tmp_path):
    """Five copies of the Chinese version and the German one: six versions of one
    interview, more than PAIRWISE; every copy still links the German passages."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEEDS / GERMAN, src / GERMAN)
    for n in range(5):
        text = (SEEDS / CHINESE).read_text("utf-8") + f"\n\n转载 {n}\n"
        (src / f"{n}_{CHINESE}").write_text(text, "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    ingest(settings, [src])
    with sqlite3.connect(settings.db_path) as con:
        de = ids_by_ordinal(con, GERMAN)
        copies = [ids_by_ordinal(con, f"{n}_{CHINESE}") for n in range(5)]
        interviews = con.execute("select count(distinct interview_id) from document").fetchone()
    assert interviews == (1,)
    stored = links(settings.db_path)
    for zh in copies:
        for link in GOLDEN["links"]:
            assert (de[link["a"][0]], zh[link["b"][0]]) in stored
    for one, other in zip(copies, copies[1:]):
        assert (one[12], other[12]) in stored and (one[3], other[3]) in stored
    assert dangling(settings.db_path) == 0

"""Property-based tests (Hypothesis): random documents through the parser and the ingest.

Whatever the bytes, parsing ends in documents or in a clear refusal; passages hold only
words of the page (text is evidence: nothing invented), no control characters and no bidi
overrides; the same bytes give the same passages; an ingested page renders.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import ROOT, settings_for
from app.parse.decode import DecodeError
from app.parse.pipeline import ParseError, parse_bytes
from app.parse.speakers import Registry

REGISTRY = Registry.load(ROOT / "data")
WORD = re.compile(r"\w+")
# Removed at decode (words on either side may join); other line breaks become newlines.
REMOVED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
BREAKS = re.compile("[\r\x0b\x0c\x85\u2028\u2029]")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
)
sentence = st.lists(words, min_size=1, max_size=12).map(" ".join)
label = st.sampled_from(["Host", "Gast", "主持人", "Dario Amodei", "Q", "A", "Lenny"])
paragraph = st.one_of(
    sentence,
    st.tuples(label, sentence).map(lambda t: f"{t[0]}: {t[1]}"),
    st.tuples(label, sentence).map(lambda t: f"**{t[0]}:** {t[1]}"),
)
page = st.tuples(sentence, st.lists(paragraph, min_size=0, max_size=15)).map(
    lambda t: "\n\n".join([t[0], *t[1]])
)


def page_words(data: bytes) -> set[str]:
    text = data.decode("utf-8", errors="replace")
    text = unicodedata.normalize("NFC", REMOVED.sub("", BREAKS.sub("\n", text)))
    text = html.unescape(text.replace("AMPERSAND", "&"))
    return {w.casefold() for w in WORD.findall(text)}


@given(text=page)
@settings(max_examples=60, deadline=None)
@pytest.mark.slow
def test_any_page_parses_to_its_own_words_or_a_clear_refusal(text):
    data = text.encode("utf-8")
    try:
        docs = parse_bytes("page.txt", data, REGISTRY)
    except (DecodeError, ParseError):
        return
    known = page_words(data)
    for doc in docs:
        for p in doc.passages:
            assert not UNSAFE.search(p.text)
            assert {w.casefold() for w in WORD.findall(p.text)} <= known
        assert not UNSAFE.search(doc.title)
    again = parse_bytes("page.txt", data, REGISTRY)
    assert [p.text for d in again for p in d.passages] == [p.text for d in docs for p in d.passages]


@given(data=st.binary(max_size=2000))
@settings(max_examples=60, deadline=None)
def test_any_bytes_parse_or_are_refused_with_a_reason(data):
    try:
        parse_bytes("page.txt", data, REGISTRY)
    except (DecodeError, ParseError) as exc:
        assert str(exc)


@pytest.mark.slow
@given(text=page)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_ingested_page_renders(tmp_path_factory, text):
    from fastapi.testclient import TestClient

    from app.ingest import ingest
    from app.web.app import create_app

    folder = tmp_path_factory.mktemp("random")
    (folder / "sources").mkdir()
    (folder / "sources" / "page.txt").write_text(text, "utf-8")
    settings = settings_for(folder / "archive.db")
    report = ingest(settings, [folder / "sources"])
    if report.failures:
        assert report.failures[0].error
        return
    with TestClient(create_app(settings)) as client:
        for interview in client.get("/api/interviews").json()["items"]:
            assert client.get(f"/interviews/{interview['slug']}").status_code == 200
            passages = client.get(f"/api/interviews/{interview['slug']}").json()["passages"]
            for p in passages[:3]:
                assert client.get(f"/p/{p['id']}").status_code == 200


# pieces of the query language and of the seeds' words, and any character at all
query_piece = st.one_of(
    st.sampled_from(
        ['"', "*", "-", ":", " ", " OR ", " AND ", "NOT ", "speaker:", "date:2024..", "lang:"]
        + ["Talent", "KI", "人才", "Kass*", "ta*", "Benjamin Mann", "2025-07", "..", "-lang:zh"]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
)
query_text = st.lists(query_piece, max_size=80).map("".join)


@given(q=query_text)
@settings(max_examples=150, deadline=None)
@pytest.mark.slow
def test_any_query_parses_within_its_limits(q):
    from app.search.query import MAX_CLAUSES, MAX_PREFIXES, parse

    parsed = parse(q)
    clauses = len(parsed.must) + len(parsed.must_not) + len(parsed.filters)
    assert clauses <= MAX_CLAUSES
    forms = len(parsed.langs) + 1  # a prefix is searched folded and in each stem
    assert sum(t.endswith("*") for t in parsed.terms) <= MAX_PREFIXES * forms
    assert all(isinstance(n, str) for n in parsed.notes)


@pytest.fixture(scope="module")
def seed_index(archive):
    from app.search.index import SearchIndex

    index = SearchIndex(archive.index_root)
    yield index
    index.close()


@pytest.mark.slow
@given(q=query_text)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_query_searches_the_seed_archive_without_failing(seed_index, q):
    from app.search.run import search

    result = search(seed_index, q)
    assert "The search failed" not in result.message
    assert result.total >= len(result.hits)

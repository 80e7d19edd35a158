"""Search on a real whoosh index: query language, filters, snippets, escaping, bad input."""

from __future__ import annotations

import json

import pytest
from malformed_queries import MALFORMED_QUERIES
from markupsafe import Markup
from search_entries import ENTRIES, entry
from whoosh import matching
from whoosh import query as Q

from app.search.index import SearchIndex, build_index
from app.search.matchers import scorable
from app.search.query import prepare
from app.search.run import search, whoosh_query
from app.web.marks import highlight, mark_spans, snippet_html


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    build_index(root, ENTRIES)
    index = SearchIndex(root)
    yield index
    index.close()


def ids(index, q, **kw) -> list[str]:
    return [hit.id for hit in search(index, q, **kw).hits]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("grossartig", "de-3"),
        ("großartig", "de-3"),
        ("Kunstliche", "de-2"),
        ("Künstliche", "de-2"),
        ("Talent", "de-1"),
        ("KI-Talente", "de-1"),
        ('"KI Talenten"', "de-1"),
        ("Kinnlade", "de-5"),
        ("人才", "zh-1"),
        ("数据中心", "zh-2"),
        ("達里奧", "zh-3"),
        ("ＫＩ－Ｔａｌｅｎｔｅ", "de-1"),
        ("companies", "en-1"),
        ("runs", "en-1"),
    ],
)
def test_word_forms_find_their_passage(index, q, expected):
    assert expected in ids(index, q)


def test_words_are_anded(index):
    assert ids(index, "Talentdichte Team") == ["de-4", "de-3"] or set(
        ids(index, "Talentdichte Team")
    ) == {"de-3", "de-4"}
    assert ids(index, "Talentdichte Kinnlade") == []


def test_german_phrase(index):
    assert ids(index, '"Talentdichte schlägt Talentmasse"') == ["de-3"]
    assert ids(index, '"Talentmasse schlägt Talentdichte"') == []


def test_chinese_phrase(index):
    assert ids(index, '"数据中心里的天才国度"') == ["zh-2"]
    assert ids(index, '"天才国度里的数据中心"') == []


def test_or_exclusion_and_prefix(index):
    assert set(ids(index, "Kinnlade OR Talentdichte")) == {"de-3", "de-4", "de-5"}
    assert ids(index, "Talentdichte -Forschern") == ["de-4"]
    assert ids(index, "Talentdichte NOT Forschern") == ["de-4"]
    assert set(ids(index, "Talentd*")) == {"de-3", "de-4"}


def test_leading_wildcards_are_refused(index):
    result = search(index, "*dichte")
    assert "wildcard" in result.message.lower()
    assert search(index, "T*").message


@pytest.mark.parametrize(
    "q, expected",
    [
        ('speaker:"Dario Amodei" Talentdichte', ["de-4"]),
        ("speaker:dario-amodei Talentdichte", ["de-4"]),
        ("speaker:lex-fridman", ["de-3"]),
        ("lang:zh 人才", ["zh-1"]),
        ("interview:wiwo", ["de-5"]),
        ("kind:essay", ["en-1"]),
        ("date:2024 Talentdichte", ["de-4", "de-3"]),
        ("date:2024-06-01..2024-06-30", ["de-5"]),
        ("date:2025 Talentdichte", []),
    ],
)
def test_field_filters(index, q, expected):
    assert sorted(ids(index, q)) == sorted(expected)


def test_filters_as_keyword_arguments(index):
    assert ids(index, "Talentdichte", speaker="dario-amodei") == ["de-4"]
    assert set(ids(index, "", lang="zh")) == {"zh-1", "zh-2", "zh-3"}
    assert ids(index, "Talentdichte", date_from="2025-01-01") == []
    assert set(ids(index, "Talentdichte", date_from="2024-01-01", date_to="2024-12-31")) == {
        "de-3",
        "de-4",
    }
    assert ids(index, "Kinnlade", kind="interview", interview="wiwo") == ["de-5"]


def test_unknown_fields_are_plain_words(index):
    assert ids(index, "kam:Kinnlade") == ["de-5"]  # "kam" AND "Kinnlade", not a phrase


def test_hit_fields_facets_and_terms(index):
    result = search(index, "Talentdichte")
    hit = next(h for h in result.hits if h.id == "de-3")
    assert (hit.speaker, hit.speaker_slug, hit.interview_slug, hit.date, hit.language) == (
        "Lex Fridman",
        "lex-fridman",
        "lex-452",
        "2024-11-11",
        "de",
    )
    assert (hit.role, hit.timestamp, hit.kind, hit.document_key) == (
        "question",
        5905,
        "interview",
        "002",
    )
    assert "<mark>Talentdichte</mark>" in snippet_html(hit.snippet)
    assert result.facets["speaker"] == {"dario-amodei": 1, "lex-fridman": 1}
    assert result.facets["language"] == {"de": 2}
    assert result.terms == ["talentdicht"]
    plain = json.loads(json.dumps(result.to_dict()))["hits"][0]["snippet"]  # spans, no HTML
    assert [plain["text"][s:e] for s, e in plain["marks"]] == ["Talentdichte"]


def test_pagination(index):
    first, second = search(index, "KI", page_size=2), search(index, "KI", page=2, page_size=2)
    assert first.total == second.total == 3 and first.pages == 2
    assert (len(first.hits), len(second.hits)) == (2, 1)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_group_by_interview(index):
    result = search(index, "Talentdichte OR Kinnlade", group_by_interview=True)
    assert {g["interview_slug"]: len(g["hits"]) for g in result.groups} == {"lex-452": 2, "wiwo": 1}
    assert result.to_dict()["groups"][0]["hits"]


def test_did_you_mean(index):
    assert search(index, "Talentdihte").did_you_mean == "talentdichte"


def test_did_you_mean_inside_a_quote(index):
    result = search(index, '"Talentdichte schlägt Talentmase"')
    assert result.total == 0
    assert result.did_you_mean == '"Talentdichte schlägt talentmasse"'
    assert search(index, result.did_you_mean).total == 1


def test_passage_markup_is_escaped(index):
    snippet = snippet_html(search(index, "Angriff").hits[0].snippet)
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "<b>" not in snippet
    assert "<mark>Angriff</mark>" in snippet


def test_query_markup_is_escaped(index):
    result = search(index, "<script>alert(1)</script>")
    assert [h.id for h in result.hits] == ["xss"]
    assert "<script>" not in snippet_html(result.hits[0].snippet)
    # one unit of the query (no spaces) is marked as one span, escaped inside
    assert "<mark>script&gt;alert(1)&lt;/script</mark>" in snippet_html(result.hits[0].snippet)


def test_highlight_escapes_and_marks():
    marked = highlight('Die <b>KI</b> - Talente & "数据中心"', ["ki", "talent", "数据中心"])
    assert isinstance(marked, Markup)
    assert marked == (
        "Die &lt;b&gt;<mark>KI</mark>&lt;/b&gt; - <mark>Talente</mark> &amp; "
        "&#34;<mark>数据中心</mark>&#34;"
    )
    assert highlight("Talentdichte", ["talent*"]) == "<mark>Talentdichte</mark>"


def test_highlight_window_shows_the_matches():
    text = "Vorrede " * 60 + "hier steht die Kinnlade & mehr " + "Nachrede " * 60
    marked = highlight(text, ["kinnlad"], limit=120)
    assert "<mark>Kinnlade</mark> &amp; mehr" in marked
    assert marked.startswith("…") and marked.endswith("…") and len(marked) < 200


@pytest.mark.parametrize("q", MALFORMED_QUERIES, ids=range(len(MALFORMED_QUERIES)))
def test_malformed_queries_give_a_result_or_a_message(index, q):
    result = search(index, q)
    assert result.hits or result.message or result.total == 0
    json.dumps(result.to_dict())


# ---------------------------------------------------------------- the real seed archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The seeds through the real ingest (parse, store, build_index), searched as the app does."""
    from app.config import ROOT, settings_for
    from app.ingest import ingest

    settings = settings_for(tmp_path_factory.mktemp("archive") / "archive.db")
    report = ingest(settings, [ROOT / "seeds"])
    assert not report.failures
    index = SearchIndex(settings.index_root)
    yield index
    index.close()


def docs(index, q, **kw) -> list[str]:
    return [hit.document_key for hit in search(index, q, page_size=100, **kw).hits]


def test_archive_talentdichte_only_in_its_document(archive):
    found = docs(archive, "Talentdichte")
    assert found and all(d.startswith("002_bba25088e3cb1a14.txt") for d in found)


def test_archive_phrase_finds_the_question_first(archive):
    first = search(archive, '"Talentdichte schlägt Talentmasse"').hits[0]
    assert (first.speaker, first.timestamp) == ("Lex Fridman", 98 * 60 + 25)


def test_archive_speaker_phrase_filter(archive):
    hits = search(archive, 'speaker:"Dario Amodei" Talent', page_size=100).hits
    assert hits and all(h.speaker == "Dario Amodei" for h in hits)
    assert all(h.document_key.startswith("002_") for h in hits)
    assert {h.id for h in hits} == {
        h.id for h in search(archive, "speaker:dario-amodei Talent", page_size=100).hits
    }


def test_archive_chinese_phrase(archive):
    first = search(archive, '"数据中心里的天才国度"').hits[0]
    assert first.document_key.startswith("001_") and first.speaker == "Benjamin Mann"


@pytest.mark.parametrize(
    "q, document",
    [
        ("人才", "001_"),
        ("数据中心", "001_"),
        ('"Wirtschaftlichen Turing"', "000_"),
        ("Kinnlade", "003_"),
        ("达里奥", "004_"),
    ],
)
def test_archive_words_find_their_document(archive, q, document):
    assert any(d.startswith(document) for d in docs(archive, q))


def test_archive_traditional_and_simplified_find_the_same(archive):
    simplified = [h.id for h in search(archive, "达里奥").hits]
    assert simplified and simplified == [h.id for h in search(archive, "達里奧").hits]


def test_archive_speaker_filter_by_name(archive):
    hits = search(archive, 'speaker:"Zack Kass" KI', page_size=100).hits
    assert hits and all(h.speaker == "Zack Kass" for h in hits)


def test_archive_language_filter(archive):
    result = search(archive, "lang:zh", page_size=100)
    assert result.total and all(h.language == "zh" for h in result.hits)
    assert set(result.facets["language"]) == {"zh"}


@pytest.mark.parametrize(
    "page, page_size, shown, size, hits",
    [
        (10**9, 20, 500, 20, 0),  # the deepest page the 10,000-hit window reaches: empty
        (-3, 0, 1, 1, 1),
        ("x", "y", 1, 20, 3),  # garbage: the defaults
        (2, 10**6, 2, 100, 0),  # a page beyond the 3 hits stays asked for, and empty
    ],
)
def test_odd_pages_are_bounded(index, page, page_size, shown, size, hits):
    result = search(index, "KI", page=page, page_size=page_size)
    assert (result.page, result.page_size, len(result.hits)) == (shown, size, hits)
    assert result.total == 3


def test_totals_and_facets_count_every_match(tmp_path):
    from search_entries import entry

    fillers = [entry(f"f{i}", f"Füllsatz {i}", speaker="Filler", slug="filler") for i in range(300)]
    build_index(tmp_path, ENTRIES + fillers)
    index = SearchIndex(tmp_path)
    result = search(index, "Kinnlade OR Füllsatz", page_size=1)
    assert result.total == 301
    assert result.facets["speaker"] == {"filler": 300, "zack-kass": 1}
    index.close()


def search_terms_of(q: str) -> list[str]:
    return sorted(prepare(q).terms)


def test_snippet_shows_the_phrase_not_the_common_words(tmp_path):
    text = "我们的" * 150 + "像 Dario 说的,数据中心里的天才国度,还能加速科学。" + "我们的" * 150
    build_index(tmp_path, [entry_zh("long", text)])
    index = SearchIndex(tmp_path)
    snippet = snippet_html(search(index, '"数据中心里的天才国度"').hits[0].snippet)
    assert "<mark>数据中心里的天才国度</mark>" in snippet
    assert snippet.count("<mark>") == 1  # 的 is marked only inside the phrase
    index.close()


def test_an_excluded_word_excludes_the_first_match_too(tmp_path):
    """whoosh's AndNot checked its first match only when both sides stood on one passage."""
    build_index(tmp_path, [entry("n0", "dass"), entry("n1", "aber dass"), entry("n2", "aber")])
    index = SearchIndex(tmp_path)
    assert [h.id for h in search(index, "aber -dass").hits] == ["n2"]
    index.close()


def test_an_excluded_word_excludes_the_first_match_of_a_stepped_search(tmp_path, monkeypatch):
    """The same where whoosh steps through the matches itself: a prefix that stands for
    three words or more is an array of their postings, which block scoring cannot read, so
    whoosh walks AndNotMatcher from the first match its (patched) _find_first chose.
    Without the patch "aber dass" is the first hit of `ab* -dass`. (search() computes an
    exclusion at once, app.search.sequences.Without, and must agree. Whoosh's own
    matchers: a whoosh index under ARCHIVE_ENGINE=tantivy too.)"""
    monkeypatch.setenv("ARCHIVE_ENGINE", "whoosh")
    texts = ["dass", "aber dass", "abend", "abgabe", "aber"]
    build_index(tmp_path, [entry(f"n{i}", text) for i, text in enumerate(texts)])
    index = SearchIndex(tmp_path)
    searcher = index.searcher()
    positive = whoosh_query(prepare("ab*"))
    matcher = Q.AndNot(positive, Q.Term("text", "dass")).matcher(searcher)
    assert type(matcher) is matching.AndNotMatcher and not scorable(matcher)  # stepped
    stepped = sorted(searcher.stored_fields(d)["id"] for d in matcher.all_ids())
    assert stepped == ["n2", "n3", "n4"]
    assert sorted(h.id for h in search(index, "ab* -dass").hits) == ["n2", "n3", "n4"]
    index.close()


def test_phrase_words_are_marked_only_where_they_stand_together(tmp_path):
    text = "Talent und Zeit. Mehr Zeit und Talent. Talent und Zeit und Geld."
    build_index(tmp_path, [entry("phr", text)])
    index = SearchIndex(tmp_path)
    snippet = str(snippet_html(search(index, '"Talent und Zeit"').hits[0].snippet))
    assert snippet == (
        "<mark>Talent und Zeit</mark>. Mehr Zeit und Talent. <mark>Talent und Zeit</mark> und Geld."
    )
    both = str(snippet_html(search(index, 'Geld "Talent und Zeit"').hits[0].snippet))
    assert both.endswith("<mark>Talent und Zeit</mark> und <mark>Geld</mark>.")
    index.close()


def test_highlight_marks_phrases_as_one_span():
    terms = search_terms_of('"wird als der" Mensch')
    marked = str(highlight("Er wird als der Mensch gelten; als der Erste wird er", terms))
    assert (
        marked == "Er <mark>wird als der</mark> <mark>Mensch</mark> gelten; als der Erste wird er"
    )


def entry_zh(id, text):
    from search_entries import entry

    return entry(id, text, lang="zh")


def test_snippet_window_does_not_open_on_a_blank_line():
    text = (
        "Erster Absatz über etwas anderes, recht lang und ohne Treffer hier.\n\n"
        "Zweiter Absatz: Talentdichte schlägt Talentmasse, sagt er."
    )
    start = text.index("\n")
    snippet = str(
        mark_spans(
            text, start, len(text), [(text.index("Talentdichte"), text.index("Talentdichte") + 12)]
        )
    )
    assert snippet.startswith("…Zweiter Absatz") and "<mark>Talentdichte</mark>" in snippet


def test_open_ended_date_ranges_filter_with_and_without_words(tmp_path):
    """whoosh matched every passage for a range without a start (date:..2020)."""
    build_index(
        tmp_path,
        [
            entry("old", "Talent früher", date="2019-05-01"),
            entry("mid", "Talent damals", date="2021-03-03"),
            entry("new", "Talent heute", date="2024-01-01"),
        ],
    )
    index = SearchIndex(tmp_path)
    assert [h.id for h in search(index, "date:..2020").hits] == ["old"]
    assert [h.id for h in search(index, "", date_to="2020").hits] == ["old"]
    assert {h.id for h in search(index, "Talent -date:..2020").hits} == {"mid", "new"}
    assert [h.id for h in search(index, "date:2022..").hits] == ["new"]
    index.close()


def test_prefixes_find_stemmed_words_and_mark_every_match(tmp_path):
    words = [f"be{a}{b}tung" for a in "klmnopqrst" for b in "aeiou"]  # 50 words with be...
    entries = [entry(f"w{i}", f"Die {w} ist wichtig.") for i, w in enumerate(words)]
    entries += [entry("t", "Die Talente und KI-Talente."), entry("z", "Betonung zuletzt.")]
    build_index(tmp_path, entries)
    index = SearchIndex(tmp_path)
    found = search(index, "be*", page_size=100)
    assert found.total == 51 and all("<mark>" in snippet_html(h.snippet) for h in found.hits)
    talents = search(index, "Talente*")  # the index holds the stem "talent"
    assert [h.id for h in talents.hits] == ["t"]
    assert str(snippet_html(talents.hits[0].snippet)).count("<mark>") == 2
    assert [h.id for h in search(index, "KI-Tal*").hits] == ["t"]
    index.close()


def test_excluded_words_are_not_marked(tmp_path):
    build_index(tmp_path, [entry_zh("zh", "我们需要人才,也需要数据中心。")])
    index = SearchIndex(tmp_path)
    result = search(index, "我们 -人才公司")  # 人才公司 is two words: 人才 AND 公司
    assert result.terms == ["~我们", "我们"] and result.total == 1  # as a fragment and a word
    assert str(snippet_html(result.hits[0].snippet)).count("<mark>") == 1
    index.close()

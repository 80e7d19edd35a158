"""Citation wording and moment links as functions (the pages and API use them on the seeds
in test_api.py): quote marks per language, outer quotes dropped, BibTeX escaping, which
URL is a recording and how it opens at a second."""

from __future__ import annotations

import pytest

from app.web import citations, moments
from app.web.views import InterviewCard, PassageView, SpeakerRef, Version


@pytest.mark.parametrize(
    "language, text, quoted",
    [
        ("de", "Ja.", "„Ja.“"),
        ("zh", "是的。", "“是的。”"),
        ("ja", "はい。", "「はい。」"),
        ("fr", "Oui.", "«\u00a0Oui.\u00a0»"),
        ("en", "Yes.", "“Yes.”"),
        ("xx", "Yes.", "“Yes.”"),
        ("de", '"Ja."', "„Ja.“"),  # the source's own pair goes
        ("de", "„Ja.“", "„Ja.“"),
        ("zh", "「是的。」", "“是的。”"),
        ("de", '"Eins."\n\n"Zwei."', "„Eins.\n\nZwei.“"),  # one pair per paragraph
        ("de", '"Ja", sagte er, "nein"', '„"Ja", sagte er, "nein"“'),  # two quotes stay
        ("en", '"', '“"”'),
    ],
)
def test_one_pair_of_the_languages_marks(language, text, quoted):
    assert citations.quote(text, language) == quoted


def passage(text: str, who: str = "Ada Lovelace") -> tuple:
    p = PassageView(
        id="ABCDEFGHJKLM",
        ordinal=0,
        text=text,
        role="answer",
        section="",
        timestamp=None,
        time="",
        moment_url="",
        speaker_label="",
        speaker=SpeakerRef("ada", who),
        language="en",
        document_key="a.txt",
        interview_slug="ada",
        interview_title="On {engines} & 100% of #notes_",
    )
    card = InterviewCard(
        "ada", p.interview_title, "en", "interview", "Show", "7", "1843-07-01", ["en"], []
    )
    version = Version(
        "a.txt",
        "en",
        "t",
        "Pub",
        "",
        "",
        [],
        "",
        "",
        "",
        [],
        "English · verbatim transcript",
        [],
        "interview",
    )
    return p, card, version


def test_bibtex_escapes_what_bibtex_reads_as_markup():
    p, card, version = passage("It {weaves} 50% $ patterns.")
    bib = citations.bibtex(p, card, version, who="Ada Lovelace", url="https://x/p/ABCDEFGHJKLM")
    assert bib.startswith("@misc{lovelace1843_abcdefgh,\n")
    assert r"title = {On \{engines\} \& 100\% of \#notes\_}" in bib
    assert r"note = {“It \{weaves\} 50\% \$ patterns.”}" in bib
    assert "author = {Ada Lovelace}" in bib and "year = {1843}" in bib
    outlet = citations.bibtex(p, card, version, who="WirtschaftsWoche", url="u")
    assert "author = {{WirtschaftsWoche}}" in outlet  # one name, not first and last


def test_plain_citation():
    p, card, version = passage('"Yes."')
    text = citations.plain(p, card, version, who="Ada Lovelace", url="https://x/p/A")
    assert (
        text
        == "“Yes.” — Ada Lovelace, On {engines} & 100% of #notes_, Show #7, Pub, 1843-07-01. https://x/p/A"
    )


@pytest.mark.parametrize(
    "url, media, real",
    [
        ("https://www.youtube.com/watch?v=ugvHCXCOmm4", True, True),
        ("https://youtu.be/ugvHCXCOmm4", True, True),
        ("https://www.youtube.com/live/ugvHCXCOmm4", True, True),
        ("https://www.youtube.com/watch?v=lexfridman", False, False),  # not an id: never shown
        ("https://www.youtube.com/@lexfridman", False, True),  # a channel page
        ("https://vimeo.com/123456", True, True),
        ("https://cdn.example/ep452.mp3", True, True),
        ("https://lexfridman.com/dario-amodei-transcript/", False, True),
    ],
)
def test_which_urls_are_recordings(url, media, real):
    assert moments.is_media(url) == media and moments.is_real(url) == real


def test_moment_urls():
    assert moments.moment_url("https://www.youtube.com/watch?v=ugvHCXCOmm4", 5905) == (
        "https://www.youtube.com/watch?v=ugvHCXCOmm4&t=5905s"
    )
    assert (
        moments.moment_url("https://youtu.be/ugvHCXCOmm4?t=10", 61)
        == "https://youtu.be/ugvHCXCOmm4?t=61s"
    )
    assert (
        moments.moment_url("https://cdn.example/ep.mp3#t=5", 61)
        == "https://cdn.example/ep.mp3#t=61"
    )
    assert (
        moments.moment_url("", 61) == ""
        and moments.moment_url("https://youtu.be/ugvHCXCOmm4", None) == ""
    )
    urls = ["https://www.youtube.com/watch?v=ugvHCXCOmm4", "https://lexfridman.com/t/"]
    assert moments.source_url(urls) == "https://lexfridman.com/t/"
    assert moments.media_url(urls) == urls[0]

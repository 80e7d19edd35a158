"""Japanese, Korean, French and Spanish pages from tests/corpus, ingested end to end: their
passages are analysed in their language, any fragment of them is found, and the search
page's language facet names them."""

from __future__ import annotations

import random
import re

import pytest
from conftest import build_archive
from fastapi.testclient import TestClient
from search_entries import entry

from app.config import ROOT
from app.search.analysis import CJK_RUN, terms
from app.search.index import SearchIndex, build_index
from app.search.run import search
from app.web.app import create_app

CORPUS = ROOT / "tests" / "corpus"
PAGES = [
    "ja_logmi_fukatsu-generative-ai.txt",
    "ja_tbs-newsdig_shane-gu-chatgpt.txt",
    "ko_mbn_ai-anchor-interview.txt",
    "ko_donga_sunak-gates-ai-questions.txt",
    "fr_atlantico_benhamou-ia.txt",
    "es_elcorreo_nerea-luis.txt",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = build_archive(tmp_path_factory.mktemp("languages"), [CORPUS / p for p in PAGES])
    with TestClient(create_app(settings)) as client:
        yield client


def passages(client, lang: str) -> list[dict]:
    out = []
    for interview in client.get(f"/api/interviews?lang={lang}&page_size=100").json()["items"]:
        out += client.get(f"/api/interviews/{interview['slug']}").json()["passages"]
    return out


@pytest.mark.parametrize("lang", ["ja", "ko"])
@pytest.mark.slow
def test_any_fragment_of_a_passage_finds_it(client, lang):
    rng = random.Random(lang)
    found = passages(client, lang)
    runs = [(run, p["id"]) for p in found for run in CJK_RUN.findall(p["text"]) if len(run) > 1]
    assert len(runs) > 20
    for run, passage in rng.sample(runs, 20):
        size = rng.randint(2, min(6, len(run)))
        at = rng.randrange(len(run) - size + 1)
        piece = run[at : at + size]
        ids = set()
        for page in (1, 2, 3):
            ids |= {
                h["id"] for h in client.get(f"/api/search?q={piece}&page={page}").json()["hits"]
            }
        assert passage in ids, piece


def test_korean_words_as_spaced(client):
    text = next(p["text"] for p in passages(client, "ko") if re.search(r"[가-힣]{3,} ", p["text"]))
    word = re.search(r"[가-힣]{3,}(?= )", text).group()
    hits = client.get(f"/api/search?q={word}").json()["hits"]
    assert hits and word in {h["snippet"][s:e] for h in hits for s, e in h["marks"]}


@pytest.mark.parametrize(
    "lang, label", [("ja", "Japanese"), ("ko", "Korean"), ("fr", "French"), ("es", "Spanish")]
)
def test_the_language_facet_names_them(client, lang, label):
    text = passages(client, lang)[0]["text"]
    word = max(re.findall(r"\w{2,}", text)[:12], key=len)
    result = client.get(f"/api/search?q={word}").json()
    assert lang in result["facets"]["language"]
    page = client.get(f"/search?q={word}").text
    assert f">{label}</a>" in page or f"<strong>{label}</strong>" in page


def test_passages_are_stemmed_in_their_language(tmp_path):
    """trabajamos and trabajar share a Spanish stem, not an English one; the archive holds
    Spanish passages, so queries are stemmed the Spanish way too."""
    build_index(tmp_path, [entry("es-1", "Trabajamos con modelos de lenguaje.", lang="es")])
    index = SearchIndex(tmp_path)
    try:
        assert [h.id for h in search(index, "trabajar").hits] == ["es-1"]
        assert search(index, '"trabajar"').total == 0  # a quote keeps the exact form
        assert terms("trabajamos", "en") != terms("trabajar", "en")
    finally:
        index.close()

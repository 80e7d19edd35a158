"""Language detection on real pages: every page of tests/corpus names its language in its
file name (de, en, es, fr, ja, ko, zh), and the parser must find the same."""

from __future__ import annotations

import pytest

from app.config import ROOT
from app.parse.classify import detect_language
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry

CORPUS = ROOT / "tests" / "corpus"
PAGES = sorted(
    p for p in CORPUS.iterdir() if p.suffix != ".md" and not p.name.endswith(".golden.json")
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(ROOT / "data")


@pytest.mark.parametrize("page", [p for p in PAGES if p.name[:2] in ("ja", "ko", "fr", "es")])
def test_pages_in_new_languages_are_named(page, registry):
    documents = parse_bytes(page.name, page.read_bytes(), registry)
    assert documents and {d.language for d in documents} == {page.name[:2]}


@pytest.mark.slow
def test_every_corpus_page_gets_its_language(registry):
    wrong = [
        (page.name, {d.language for d in parse_bytes(page.name, page.read_bytes(), registry)})
        for page in PAGES
    ]
    assert [w for w in wrong if w[1] != {w[0][:2]}] == []


@pytest.mark.parametrize(
    "text, lang",
    [
        ("東京大学の研究者は人工知能の安全性について議論した。", "ja"),
        ("人工知能(AI)에 대해 金 교수는 이렇게 말했다. 모델은 매년 더 강력해지고 있습니다.", "ko"),
        ("我们需要数据中心和芯片。", "zh"),
        ("Oui, bien sûr. Les modèles deviennent plus puissants chaque année.", "fr"),
        ("Sí, claro. Los modelos son cada vez más potentes y hay que pensar en ello.", "es"),
    ],
)
def test_short_texts_by_script_then_statistics(text, lang):
    assert detect_language(text) == lang

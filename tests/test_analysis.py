"""The analyzer: folding, stemming, hyphens, Chinese segmentation, positions and offsets."""

from __future__ import annotations

import pickle

from app.search.analysis import LangText, analyzer, han_bigrams, query_variants, terms


def tokens(text: str, lang: str = "de") -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer()(LangText(text, lang), positions=True, chars=True)
    ]


def test_sharp_s_and_umlauts_fold_alike():
    assert terms("großartig", "de") == terms("grossartig", "de")
    assert terms("Künstliche", "de") == terms("Kunstliche", "de") == terms("KÜNSTLICHE", "de")


def test_german_stemming_joins_plural():
    assert terms("Talente", "de") == terms("Talent", "de") == terms("Talenten", "de")


def test_english_stemming_for_english_passages():
    assert terms("running models", "en") == terms("run model", "en")


def test_hyphen_and_seed_spacing_give_the_same_tokens():
    assert terms("KI-Talente", "de") == terms("KI - Talente", "de") == ["ki", "talent"]


def test_width_folding():
    assert terms("ＡＩ", "en") == terms("AI", "en") == ["ai"]


def test_positions_are_ordinal_and_offsets_point_into_the_text():
    text = "Die KI - Talente 數據中心里的天才"
    found = tokens(text)
    assert [(word, pos) for word, pos, _, _ in found][:5] == [
        ("die", 0),
        ("ki", 1),
        ("talent", 2),
        ("数据中心", 3),
        ("里", 4),
    ]
    assert [text[start:end] for _, _, start, end in found][:5] == [
        "Die",
        "KI",
        "Talente",
        "數據中心",
        "里",
    ]


def test_chinese_words_inside_sentences():
    words = terms("所以现在优秀的人才极其重要,我们需要数据中心和芯片。", "zh")
    assert "人才" in words and "数据中心" in words


def test_traditional_folds_to_simplified():
    assert terms("達里奧", "zh") == terms("达里奥", "zh")


def test_query_variants_cover_both_stemmers():
    variants = query_variants("Unternehmen")
    assert ["unternehm"] in variants and ["unternehmen"] in variants
    assert query_variants("Unternehmen", "de") == [["unternehm"]]


def test_analyzer_and_lang_text_pickle():
    text = pickle.loads(pickle.dumps(LangText("Talente", "de")))
    assert text == "Talente" and text.lang == "de"
    assert [t.text for t in pickle.loads(pickle.dumps(analyzer()))(text)] == ["talent"]


def test_bigrams_cover_every_pair():
    assert [w for _, _, w in han_bigrams("数据中心")] == ["数据", "据中", "中心"]

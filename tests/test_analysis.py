"""The analyzer: folding, stemming, hyphens, Chinese segmentation, positions and offsets."""

from __future__ import annotations

import pickle

import pytest

from app.search.analysis import (
    MARK,
    ExactAnalyzer,
    GramAnalyzer,
    LangText,
    analyzer,
    grams,
    han_bigrams,
    query_variants,
    stem_languages,
    terms,
)
from app.search.postings import Places


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


def field_tokens(field_analyzer, text: str, lang: str) -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in field_analyzer(LangText(text, lang), positions=True, chars=True)
    ]


def test_grams_sit_at_their_character_offsets():
    text = "Im 數據中心 arbeiten 人"
    found = field_tokens(GramAnalyzer(), text, "de")
    # 人 is a one-character run, and a word of `text` there: left to `text`
    assert [(g, pos) for g, pos, _, _ in found] == [("数据", 3), ("据中", 4), ("中心", 5)]
    assert all(pos == start and text[start:end] for _, pos, start, end in found)
    assert [text[s:e] for _, _, s, e in found] == ["數據", "據中", "中心"]


def test_grams_leave_out_what_text_holds_as_a_word_starting_there():
    text = "我们的公司"  # jieba: 我们 / 的 / 公司
    assert [g for g, _, _, _ in field_tokens(GramAnalyzer(), text, "zh")] == ["们的", "的公"]
    words = [(w, s) for w, _, s, _ in field_tokens(analyzer(), text, "zh")]
    assert ("我们", 0) in words and ("公司", 3) in words  # where STARTS finds them
    # Japanese runs have no jieba words: every bigram stays
    assert [g for g, _, _, _ in field_tokens(GramAnalyzer(), "東京で", "ja")] == ["东京", "京で"]


def test_a_fragment_is_a_run_of_consecutive_grams():
    passage = dict((g, at) for at, g in grams("数据中心里的天才国度"))
    fragment = grams("心里的天才")
    first = passage[fragment[0][1]] - fragment[0][0]
    assert all(passage[g] == first + at for at, g in fragment)


def test_japanese_and_korean_runs_are_grams_without_jieba():
    text = "Claudeは東京で働く。 인공지능 모델은 강력하다"
    assert [g for _, g in grams("Claudeは東京")] == ["は东", "东京"]  # T/S folded
    assert terms("Claudeは東京") == ["claud", "东京"]  # queries and Chinese passages: jieba
    words = [w for w, *_ in tokens(text, "ja")]
    assert "东京" not in words and "は" not in words and "claud" in words
    assert [w for w, *_ in tokens(text, "ko")][-3:] == ["인공지능", "모델은", "강력하다"]
    assert ("인공", 14) in [(g, pos) for g, pos, *_ in field_tokens(GramAnalyzer(), text, "ko")]


def test_half_width_kana_grams_fold_and_keep_offsets():
    text = "ｶﾀｶﾅ"
    found = field_tokens(GramAnalyzer(), text, "ja")
    assert [g for g, *_ in found] == [g for _, g in grams("カタカナ")]
    assert [pos for _, pos, *_ in found] == [0, 1, 2]


def test_exact_holds_the_forms_the_stemmer_changed_with_a_mark():
    text = "Die wirtschaftlichen Talente und das Talent"
    exact = field_tokens(ExactAnalyzer(), text, "de")
    assert [(w, pos) for w, pos, *_ in exact] == [
        ("wirtschaftlichen", 1),
        (MARK + "wirtschaft", 1),
        ("talente", 2),
        (MARK + "talent", 2),
    ]
    stems = {pos: w for w, pos, *_ in tokens(text, "de")}
    assert stems[1] == "wirtschaft" and stems[2] == stems[5] == "talent"


@pytest.mark.parametrize(
    "lang, words",
    [
        ("fr", ["nationalités", "nationalité"]),
        ("es", ["inteligencias", "inteligencia"]),
        ("it", ["modelli", "modello"]),
        ("pt", ["modelos", "modelo"]),
        ("nl", ["vragen", "vraag"]),
        ("de", ["Talenten", "Talent"]),
    ],
)
def test_each_language_has_its_stemmer(lang, words):
    assert len({tuple(terms(w, lang)) for w in words}) == 1


def test_query_stemmers_follow_the_archive_languages():
    assert stem_languages(["de", "zh", "ko"]) == ("de", "en")
    assert stem_languages(["fr", "es"]) == ("es", "fr")
    # diacritics go before stemming: "nationalites" typed without accents stems alike
    assert terms("nationalites", "fr") in query_variants("nationalités", langs=("de", "fr"))


def test_places_round_trip():
    places = Places()
    for positions in ([0], [3, 4, 5], [1, 300, 70_000], [255, 256]):
        value = places.encode(positions)
        assert places.decode_positions(value) == positions
        assert places.decode_frequency(value) == len(positions)

"""Facts about text that every stage shares: script ranges, folding for matching, slugs.

One place for them, so the parser, the index and the pages agree on what counts as Han,
kana or hangul and on how two spellings of a word or a name are compared.
"""

from __future__ import annotations

import re
import unicodedata

# Character classes (inside [...]): CJK ideographs with extensions A and B+ and the
# compatibility block; kana with the prolonged sound mark; hangul syllables and jamo.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"

# Narrower classes for rules that mean one script's common block only: basic Han (the
# CJK Unified Ideographs block), hiragana, katakana (with ・ and ー), hangul syllables.
BASIC_HAN = "\u4e00-\u9fff"
HIRAGANA = "\u3040-\u309f"
KATAKANA = "\u30a0-\u30ff"
HANGUL_SYLLABLES = "\uac00-\ud7af"

HAN_CHAR = re.compile(f"[{HAN}]")
KANA_CHAR = re.compile(f"[{KANA}]")
HANGUL_CHAR = re.compile(f"[{HANGUL}]")
CJK_CHAR = re.compile(f"[{HAN}{KANA}{HANGUL}]")


def is_han(char: str) -> bool:
    return bool(HAN_CHAR.match(char))


def has_han(text: str) -> bool:
    return HAN_CHAR.search(text) is not None


def has_cjk(text: str) -> bool:
    """Han, kana or hangul: scripts written without spaces between words (hangul aside)."""
    return CJK_CHAR.search(text) is not None


def match_form(word: str) -> str:
    """How a word is compared in search: NFKC (width), casefold (ß -> ss), no diacritics."""
    word = unicodedata.normalize("NFKC", word).casefold()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def name_key(text: str) -> str:
    """How a name or label is compared: NFKC, casefold, typographic apostrophes, trimmed.

    Diacritics stay: "Müller" and "Muller" may be two people.
    """
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'").strip()


def slugify(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")

"""Read and decode: bytes → NFC text, or a clear refusal.

Order matters: BOMs, strict UTF-8, strict GB18030 and Big5, and a detector last, because
detectors misread short Chinese text (GBK as cp949) and truncated UTF-8 (as cp1250).
Nothing is ever decoded with silent replacement characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from app.text import is_han

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Line breaks in other guises become newlines: vertical tab, form feed, NEL, U+2028/2029.
OTHER_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
# Removed: C0 and C1 controls other than tab and newline (a NUL past the binary check's
# first 4 KB reached HTML and JSON raw) and bidi embeddings, overrides and isolates (U+202E
# turned titles and meta tags around). Marks (U+200E/F) stay: they reorder nothing.
UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
# The most frequent Han characters of modern Chinese: a Big5 reading of GBK bytes (or the
# reverse) yields rare characters instead.
COMMON_HAN = set(
    "的一是不了人我在有他这中大来上个国们到说时要就出会可也你对生能而子那得于着下自"
    "之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好"
    "小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性"
    "知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己"
    "制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水"
    "名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再"
    "感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书"
    "非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万"
    "取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲"
    "极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商"
    "算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容"
    "照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医"
    "局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划"
    "敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝"
    "奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男"
    "钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰"
    "試說們這個來為時對會學國後過還發當說頭麼沒問讓經種開關實體點現應動聽總與從見達給長"
)


# What the detector may answer. Left free, it reads short German as UTF-16 without a BOM,
# EBCDIC, Urdu cp1006, johab or Shift_JIS ("Käse" → "K舖e"); CJK was tried strictly before it.
DETECTABLE = [
    "cp1252",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "iso8859_7",
    "cp1253",
    "cp1254",
    "mac_roman",
]


class DecodeError(ValueError):
    """The file cannot be read as text; the message says why, for the ingest report."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample or len(CONTROL.findall(sample.decode("latin-1"))) > len(sample) / 20


def han_score(text: str) -> float:
    han = [c for c in text if is_han(c)]
    return sum(c in COMMON_HAN for c in han) / len(han) if han else 0.0


def strict(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
        # U+FFFD only when the bytes spell it (a codec that cannot encode it never made one).
        if "\ufffd" in text and "\ufffd".encode(encoding) not in data:
            return None
    except (UnicodeError, LookupError):
        return None
    return text


def in_first_level(char: str, encoding: str) -> bool:
    """GB2312 (A1–F7 leads) and Big5's frequent level (A4–C6 leads) hold everyday characters."""
    try:
        lead = char.encode("gb2312" if encoding == "gb18030" else "big5")[0]
    except UnicodeEncodeError:
        return False
    return 0xA1 <= lead <= 0xF7 if encoding == "gb18030" else 0xA4 <= lead <= 0xC6


def cjk_rank(encoding: str, text: str) -> tuple[float, float]:
    han = [c for c in text if is_han(c)]
    usual = sum(in_first_level(c, encoding) for c in han) / len(han) if han else 0.0
    return han_score(text), usual  # the second breaks ties between rare-character readings


def cjk_candidates(data: bytes) -> list[tuple[str, str]]:
    found = [
        (enc, text)
        for enc in ("gb18030", "big5")
        if (text := strict(data, enc)) and not PRIVATE_USE.search(text)
    ]  # GB18030 maps Big5's gaps to private use
    return sorted(found, key=lambda pair: cjk_rank(*pair), reverse=True)


def truncated_utf8(data: bytes) -> str | None:
    """A file cut inside its last multi-byte character is UTF-8 all the same.

    The incremental decoder accepts exactly that: valid UTF-8 up to an unfinished last
    character. Non-ASCII in the prefix is the evidence; "Hello\xe4" may as well be Latin-1.
    """
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return None
    return text if any(ord(c) > 127 for c in text) else None


def detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=DETECTABLE).best()
    if best is None or best.encoding is None:
        raise DecodeError("not text: no character encoding fits these bytes")
    text = strict(data, best.encoding)
    if text is None:
        raise DecodeError(f"not text: bytes do not decode as {best.encoding}")
    return best.encoding, text


def choose(data: bytes) -> Decoded:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = strict(data[len(bom) :], encoding.replace("-sig", ""))
            if text is None:
                raise DecodeError(f"broken {encoding.upper()}: bytes after the BOM do not decode")
            return Decoded(text, encoding)
    if looks_binary(data):
        raise DecodeError("binary file (NUL or control bytes), not a text page")
    if (text := strict(data, "utf-8")) is not None:
        return Decoded(text, "utf-8")
    # Before the CJK decoders: GB18030 reads most UTF-8 Chinese as (rare-character) mojibake.
    if (text := truncated_utf8(data)) is not None:
        return Decoded(
            text, "utf-8", ["the file ends inside a UTF-8 character; the cut is dropped"]
        )
    candidates = cjk_candidates(data)
    if candidates and han_score(candidates[0][1]) >= 0.3:
        return Decoded(candidates[0][1], candidates[0][0])
    try:
        encoding, text = detect(data)
    except DecodeError:
        if not candidates:
            raise
        # Short Chinese of rarer characters (訪談 in Big5) fits no single-byte codepage.
        encoding, text = candidates[0]
    return Decoded(text, encoding, [f"encoding guessed: {encoding}"])


def decode_bytes(data: bytes, name: str = "") -> Decoded:
    if not data.strip():
        raise DecodeError("empty file")
    decoded = tidied(choose(data))
    if not decoded.text.strip():
        raise DecodeError("empty file (only a byte-order mark or white space)")
    return decoded


def tidied(decoded: Decoded) -> Decoded:
    """NFC, one kind of line break, and no control or bidi-override characters: what every
    decoded text gets, whichever way its charset was found."""
    text = unicodedata.normalize("NFC", decoded.text.replace("\r\n", "\n").replace("\r", "\n"))
    text, removed = UNSAFE.subn("", OTHER_BREAKS.sub("\n", text))
    if removed:
        decoded.warnings.append(f"{removed} control or bidi-override characters removed")
    decoded.text = text
    return decoded

"""Clean: split off front matter, repair scraping debris, drop site chrome.

Works on kinds of page furniture (menus, breadcrumbs, inserts, counters, captions, footers,
related-article lists), never on one site's sentences. What is dropped is kept in
`Cleaned.removed` with its reason, so a reader of the ingest report can check it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from app.parse import boilerplate
from app.parse.dates import find_dates
from app.text import CJK_CHAR

URL = re.compile(r"https?://[^\s)\]>\"'，。）]+")
EMPTY_LINK = re.compile(r"\[\]\((https?://[^)\s]+)\)")
TEXT_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
ENTITY_WORD = re.compile(r"AMPERSAND(#?\w{1,8};)")  # "AMPERSAND#34;" is an escaped "&#34;"
ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")
EMPTY_PARENS = re.compile(r"\s?(\(\s*\)|（\s*）)")
ATTRIBUTE_DEBRIS = re.compile(r"\s+[a-z]+(?:-[a-z]+)+=\S*$")
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
BULLET = re.compile(r"^\s*([•·▪►*\-–]|\d{1,2}[.)、])\s+")
MARKDOWN_LIST = re.compile(r"^\s*([*\-+]|\d{1,2}\.)\s+")
RULE = re.compile(r"^\s*([-*_=]\s*){3,}$")

# Words that make up navigation bars and breadcrumbs, in the languages we meet.
NAV_WORDS = {
    "startseite",
    "home",
    "artikel",
    "article",
    "articles",
    "news",
    "nachrichten",
    "menu",
    "menü",
    "login",
    "anmelden",
    "register",
    "suche",
    "search",
    "abo",
    "newsletter",
    "首页",
    "登录",
    "注册",
    "搜索",
    "文章",
    "资讯",
    "主页",
    "blog",
    "posts",
    "archive",
    "tags",
}
BREADCRUMB_START = re.compile(
    r"^(当前位置|您的位置|你的位置|位置|Sie sind hier|You are here)\s*[:：]", re.I
)
BREADCRUMB_SEPARATORS = re.compile(r"\s*[»›>/|]\s*")
CAMEL = re.compile(r"(?<=[a-zäöü])(?=[A-ZÄÖÜ])")

# A line that starts one of these ends the article: what follows is the site's, not the text's.
END_MARKERS = re.compile(
    r"^(OTHER NEWS|MORE NEWS|Leserfavoriten\b|Related (articles|stories|posts)|More from\b|"
    r"Mehr zum Thema$|Das könnte Sie auch interessieren|Kommentare\b|Comments\b|"
    r"推荐阅读|相关阅读$|相关推荐|相关文章|猜你喜欢|热门文章|分类精选|分类排行|评论\s*[(（]\d+|"
    r"(免责)?声明\s*[:：]|版权声明|未经允许不得转载|©|Copyright\b|All rights reserved|"
    r"Alle Rechte vorbehalten|Related$|More (interviews|stories|episodes|articles|from)\b|"
    r"You (might|may) also like|Most Popular$|Share this\b|Like this\b|Ready for more|"
    r"Listen to more|Up next$|Comments\s*\(?[\d,.]+\)?$|Weitere Artikel|版权所有)",
    re.I,
)
# Consent banners, newsletter boxes and share rows, wherever they stand.
CONSENT = re.compile(r"cookie", re.I)
CONSENT_ACTION = re.compile(
    r"accept|agree|consent|preferences|decline|akzept|zustimm|einstellungen|"
    r"同意|接受",
    re.I,
)
SIGNUP = re.compile(
    r"^(subscribe( to\b.*)?|sign up( for\b.*)?|newsletter\b.*|type your email.*|"
    r"enter your email.*|get .{1,60} in your inbox.*|.*\bunsubscribe anytime\b.*|"
    r"jetzt abonnieren.*|newsletter abonnieren.*|扫码关注.*|点击阅读原文|关注公众号.*|"
    r"分享到\s*[:：].*|share (on|this)\b.*|teilen auf\b.*)$",
    re.I,
)
MENU_SPLIT = re.compile(r"\s*[|•·∙]\s*|\s{2,}")
# Lines dropped wherever they stand: inserts between paragraphs and advertising slots.
INSERT_LINE = re.compile(
    r"^(Lesen Sie (auch|hier|mehr)|Mehr dazu|Auch interessant|Read (also|more)|See also|Related|"
    r"相关阅读|延伸阅读|推荐阅读)\s*[:：]|^(Anzeige|Werbung|Advertisement|广告|Sponsored)$",
    re.I,
)
SOURCE_CREDIT = re.compile(
    r"^(文章来源|来源|原文链接|原文地址|本文来源|Quelle|Source|Original|Via)\s*([(（][^)）]{0,40}[)）])?\s*[:：]|"
    r"^(本文)?(转载自|转自|编译自)",
    re.I,
)
CAPTION = re.compile(r"\b(Foto|Bild|Photo|Image|Credit|Bildquelle)\s*:\s*\S|图片来源|图源\s*[:：]")
CREDIT_ONLY = re.compile(
    r"^(Foto|Bild|Photo|Image|Credit|Bildquelle)\s*:\s*\S.{0,80}$|^(图片来源|图源)", re.I
)
RELATIVE_TIME = re.compile(
    r"^\d+\s*(秒|分钟|小时|天|周|个月|月|年)前\b|^\d+\s+(seconds?|minutes?|hours?|days?)\s+ago\b|"
    r"^vor\s+\d+\s+(Sekunden|Minuten|Stunden|Tagen)\b",
    re.I,
)
COUNTER = re.compile(
    r"^(收藏|点赞|分享|评论|阅读|浏览|Like|Likes|Share|Teilen|Drucken|Print|Comments|Restacks|Views)\s*[(（]?[\d,.]*\s*[kKmM万]?[)）]?$",
    re.I,
)


@dataclass
class Cleaned:
    paragraphs: list[str]
    front_matter: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    source_credit: str = ""
    date_text: str = ""  # a relative date ("9小时前") when the page gives no other
    removed: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)


# A scraper's inline stamp in front of the first line: " date 2018-07 SPIEGEL: …".
SCRAPER_STAMP = re.compile(r"\A\s*date\s+(?P<date>\d{4}-\d{2}(?:-\d{2})?)[ \t]+(?=\S)")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """`---` key: value `---` at the very top (Jekyll/Hugo style), or a scraper's stamp."""
    m = re.match(r"\A---\n((?:[A-Za-z_][\w-]*:.*\n)+)---\n", text)
    if not m:
        stamp = SCRAPER_STAMP.match(text)
        if stamp:
            return {"date": stamp.group("date")}, text[stamp.end() :]
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, text[m.end() :]


def repair_line(line: str, urls: list[str]) -> str:
    """Undo scraping debris; the words themselves are never touched."""
    line = INVISIBLE.sub("", line).replace("\u00a0", " ")
    line = ENTITY_WORD.sub(r"&\1", line)
    for _ in range(2):  # "&amp;#34;" needs two rounds
        line = ENTITY.sub(lambda m: html.unescape(m.group(0)), line)
    for m in EMPTY_LINK.finditer(line):
        urls.append(m.group(1))
    line = EMPTY_LINK.sub("", line)
    for m in TEXT_LINK.finditer(line):
        urls.append(m.group(2))
    line = TEXT_LINK.sub(r"\1", line)
    urls.extend(URL.findall(line))
    line = EMPTY_PARENS.sub("", line)
    line = ATTRIBUTE_DEBRIS.sub("", line)
    return undoubled(re.sub(r"[ \t]+", " ", line).strip())


def undoubled(line: str) -> str:
    """ "Dwarkesh PodcastDwarkesh Podcast": a logo's text and its link's text glued
    together; the site's name once."""
    half = len(line) // 2
    if (
        8 <= len(line) <= 120
        and len(line) % 2 == 0
        and line[:half] == line[half:]
        and (" " in line[:half] or CJK_CHAR.search(line))
    ):
        return line[:half]
    return line


def is_nav_line(line: str) -> bool:
    if BREADCRUMB_START.match(line):
        return True
    crumbs = [c for c in re.split(r"\s*[»›>|]\s*", line) if c]
    if (
        len(crumbs) >= 2
        and crumbs[0].lower() in NAV_WORDS
        and all(len(c.split()) <= 4 and len(c) <= 40 for c in crumbs)
    ):
        return True  # "Startseite › Technologie › KI"
    parts = [p for p in BREADCRUMB_SEPARATORS.split(CAMEL.sub(" ", line)) for p in p.split()]
    return bool(parts) and all(p.lower() in NAV_WORDS for p in parts)


def is_menu_item(line: str) -> bool:
    m = BULLET.match(line)
    rest = line[m.end() :] if m else ""
    return bool(m) and 0 < len(rest) <= 16 and len(rest.split()) <= 3


def drop_menus(lines: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """Runs of three or more short bullet items are menus."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and is_menu_item(lines[j]):
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                keep[k] = False
                removed.append(("menu", lines[k]))
        i = max(j, i + 1)
    return [line for line, k in zip(lines, keep) if k]


def cut_head(lines: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """Everything above a breadcrumb near the top is site chrome (logo, tagline, menus)."""
    limit = max(3, len(lines) // 4)
    for i, line in enumerate(lines[:limit]):
        if line and is_nav_line(line):
            removed.extend(("page header", x) for x in lines[: i + 1] if x)
            return lines[i + 1 :]
    return lines


def cut_tail(lines: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """From the first end marker on, the page is the site's: lists, comments, footers.

    A marker in the first 30% of the text is more likely a page that opens oddly than the
    end of the article, so it is left to the line rules."""
    total = sum(len(line) for line in lines) or 1
    before = 0
    for i, line in enumerate(lines):
        if END_MARKERS.match(line) and before >= total * 0.3:
            removed.extend(("page footer", x) for x in lines[i:] if x)
            return lines[:i]
        before += len(line)
    return lines


def is_menu_row(raw: str) -> bool:
    """ "Business | Culture | Gear", "News  Reviews  AI  Startups": short items in a row,
    separated by bars, bullets or runs of spaces (before spaces are collapsed)."""
    parts = [p for p in MENU_SPLIT.split(raw.strip()) if p]
    return (
        len(parts) >= 3
        and not find_dates(raw)
        and all(
            len(p.split()) <= 3 and len(p) <= 24 and not re.search(r"[.!?。！？,，]$", p)
            for p in parts
        )
    )


def classify_line(line: str) -> str | None:
    """Why a single line is not content, or None when it is."""
    if CONSENT.search(line) and CONSENT_ACTION.search(line) and len(line) < 400:
        return "consent banner"
    if SIGNUP.match(line) and len(line) < 160:
        return "newsletter or share box"
    if RULE.match(line):
        return "separator"
    if INSERT_LINE.match(line):
        return "insert"
    if SOURCE_CREDIT.match(line) and len(line) < 300:
        return "source credit"
    if CAPTION.search(line) and len(line) < 400:
        return "caption"
    if RELATIVE_TIME.match(line) and len(line) < 80:
        return "counter"
    if COUNTER.match(line):
        return "counter"
    if is_nav_line(line):
        return "navigation"
    return boilerplate.kind_of(line)


def similar(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 0.9 * max(len(a), len(b)):
        return False  # cheap bounds first: ratio() is quadratic in the paragraph length
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= 0.9
        and matcher.quick_ratio() >= 0.9
        and matcher.ratio() >= 0.9
    )


def drop_duplicates(paragraphs: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """A paragraph printed twice (a deck, a pull quote) is kept once, at its first place."""
    seen: set[str] = set()
    out: list[str] = []
    for p in paragraphs:
        norm = re.sub(r"\W+", "", p.casefold())
        if len(norm) >= 20 and norm in seen:
            removed.append(("duplicate", p))
            continue
        if len(norm) >= 20 and out and len(p) >= 40 and similar(p, out[-1]):
            # not the same words: the ingest report warns (a speaker may repeat himself)
            removed.append(("near duplicate", p))
            continue
        seen.add(norm)
        out.append(p)
    return out


def join_lists(lines: list[str]) -> list[str]:
    """Markdown list items stay with the paragraph that introduces them (same block)."""
    paragraphs: list[str] = []
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        continues = paragraphs and not previous_blank and MARKDOWN_LIST.match(line)
        nested = paragraphs and line.startswith("    ") and MARKDOWN_LIST.match(line)
        if continues or nested:
            paragraphs[-1] += "\n" + line.strip()
        else:
            paragraphs.append(line.strip())
        previous_blank = False
    return paragraphs


def clean(text: str) -> Cleaned:
    front, body = split_front_matter(text)
    urls: list[str] = []
    removed: list[tuple[str, str]] = []
    credits: list[str] = []
    raw = [line.rstrip() for line in body.split("\n")]
    lines = [repair_line(line, urls) if line.strip() else "" for line in raw]
    for i, line in enumerate(raw):  # menu rows are seen before runs of spaces collapse
        if lines[i] and is_menu_row(line):
            removed.append(("navigation", lines[i]))
            lines[i] = ""
    # Keep list indentation: join_lists needs it to see nested items.
    lines = [("    " + x if raw[i].startswith("    ") and x else x) for i, x in enumerate(lines)]
    lines = drop_menus(lines, removed)
    lines = cut_head(lines, removed)
    lines = cut_tail(lines, removed)
    for i in boilerplate.metadata_runs(lines):
        removed.append(("metadata", lines[i]))
        lines[i] = ""
    kept: list[str] = []
    for line in lines:
        reason = classify_line(line.strip()) if line else None
        if (
            reason == "caption"
            and CREDIT_ONLY.match(line.strip())
            and kept
            and kept[-1]
            and len(kept[-1]) < 200
        ):
            removed.append(("caption", kept[-1]))  # the caption printed above its credit
            kept[-1] = ""
        if reason == "source credit":
            credits.append(line.strip())
        if reason:
            removed.append((reason, line))
            kept.append("")
        else:
            kept.append(line)
    paragraphs = drop_duplicates(join_lists(kept), removed)
    relative = next(
        (m.group(0) for r, t in removed if r == "counter" and (m := RELATIVE_TIME.match(t))),
        "",
    )
    return Cleaned(
        paragraphs=paragraphs,
        front_matter=front,
        urls=list(dict.fromkeys(urls)),
        source_credit="\n".join(credits),
        date_text=relative,
        removed=removed,
    )

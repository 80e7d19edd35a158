"""Kinds of lines that are the page's or the tool's, not anyone's words.

`clean.py` drops menus, footers and captions; these are the further kinds met on transcript
pages, podcast sites and AI-written notes, in the archive's languages: a broadcaster's
stage directions, transcript notices, metadata dumped by a scraper, share and font-size
buttons, photo credits, and a chatbot's closing offer. Each rule is for a kind of line,
never for one page.
"""

from __future__ import annotations

import re

# "(BEGIN VIDEO CLIP)", "(COMMERCIAL BREAK)", "[CROSSTALK]": a broadcaster's directions.
STAGE_DIRECTION = re.compile(
    r"^[(\[](?:BEGIN|END) (?:VIDEO|AUDIO) (?:CLIP|TAPE)[)\]]$|"
    r"^[(\[](?:COMMERCIAL BREAK|CROSSTALK|INAUDIBLE|MUSIC|APPLAUSE|LAUGHTER|BREAK)[)\]]$",
    re.I,
)
# Notices about the transcript itself, not part of it.
NOTICE = re.compile(
    r"^(THIS IS A RUSH TRANSCRIPT\b|Available transcripts are automatically generated\b|"
    r"Disclaimer\s*[:：]|Please (log ?in|sign ?in|subscribe) to (see|read|view)\b|"
    r"(This|The) transcript (was|is) (automatically|machine|AI)[- ]generated\b|"
    r"Transcripts? (are|is) (auto(matically)?|machine)[- ]generated\b|"
    r"Dieses Transkript wurde (automatisch|maschinell)\b|本文由AI生成|本文为AI生成)",
    re.I,
)
# Buttons and counters of the page: short lines of interface words.
INTERFACE_WORDS = (
    r"Download transcript|Copy link|Copy transcript|Show (?:full )?transcript|Read more|"
    r"Discussion\s*\(\d+\)|Listen now|Play episode|Watch on YouTube.{0,3}|youtube thumbnail|"
    r"Transkript herunterladen|Link kopieren|Close|Menu|Chapters|Contents|Table of contents|"
    r"Show notes|Inhaltsverzeichnis|"
    r"공유하기|글자크기(?: 설정)?|도구모음|기자정보|기사등록일|URL이 복사되었습니다\..{0,40}|스크랩|"
    r"인쇄하기|목차|本文印刷|この記事をはてなブックマークに追加|シェア|ツイート|目次|"
    r"分享|复制链接|字号|打印|目录"
)
# A line of one to four of them: "기자정보, 기사등록일", "Share · Print"; or a series counter.
INTERFACE = re.compile(
    rf"^(?:{INTERFACE_WORDS})(?:\s*[,·|/]?\s*(?:{INTERFACE_WORDS})){{0,3}}$|"
    r"^.{4,80}[(（]全\d+(?:記事|回)[)）]$",
    re.I,
)
# Photo credits in Korean, Japanese and Chinese papers: "[사진=로이터]", "…/사진=김상희 기자".
PHOTO_CREDIT = re.compile(r"^\[?(사진|写真|图|圖)\s*=|/\s*사진\s*=|\[사진=[^\]]*\]$|^▲")
# "© 2007 Computer History Museum", "© Alexander Gehring": a credit line on its own.
COPYRIGHT = re.compile(r"^(©|\(c\)|Copyright\b)", re.I)
# "youtube_url: https://…", "view_count: 0": a scraper's metadata, one key a line.
METADATA = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*\s*:(?:\s.{0,200})?$")
# A line of marks only: "##", "|", "* * *".
MARKS_ONLY = re.compile(r"^[#|*•·~=_\-–—\s]+$")
# "🇬🇧 English": a language switcher.
LANGUAGE_SWITCH = re.compile(r"^[\U0001F1E6-\U0001F1FF]{2}\s*\w{2,12}$")
# A chatbot's closing offer left in an AI-written note.
CHATBOT_LEFTOVER = re.compile(
    r"^(let me know if you('d| would) like|feel free to ask|i hope this (summary|overview|helps)|"
    r"if you('d| would) like( me)? to|would you like me to|do you want me to|"
    r"ich hoffe,? (diese|das|dass diese) (zusammenfassung|übersicht)|"
    r"lass(en sie)? mich wissen,? (ob|wenn)|wenn du (weitere|mehr) (details|informationen)|"
    r"falls (du|sie) (weitere|mehr) (fragen|details|informationen)|"
    r"j'espère que ce résumé|n'hésitez pas à (me )?demander|"
    r"espero que este resumen|si (quieres|desea) (más|que)|"
    r"希望(这份|这个|以上)(总结|摘要|内容)|如果(您|你)(需要|想)(更多|进一步|了解)|"
    r"この要約が|他に(質問|知りたいこと)があれば|"
    r"도움이 되(었|셨)기를|더 (궁금한|필요한) (점|내용)이 있으면)",
    re.I,
)


# "ARTIFICIAL-INTELLIGENCEALIGNMENTETHICS…": a row of tags run together.
TAG_RUN = re.compile(r"^[A-Z][A-Z-]{24,}$")
# A button's icon or a list bullet in front of its word: "🧾️ Download transcript".
ICON = re.compile(r"^[^\w\s(\[<「“\"'«]+\s*")


def kind_of(line: str) -> str | None:
    """Why a line is boilerplate, or None when it may be someone's words."""
    if TAG_RUN.match(line):
        return "tags"
    if ICON.match(line) and INTERFACE.match(ICON.sub("", line)):
        return "interface"
    if STAGE_DIRECTION.match(line):
        return "stage direction"
    if NOTICE.match(line) and len(line) < 400:
        return "transcript notice"
    if INTERFACE.match(line) or LANGUAGE_SWITCH.match(line):
        return "interface"
    if PHOTO_CREDIT.search(line) and len(line) < 160:
        return "caption"
    if COPYRIGHT.match(line) and len(line) < 100:
        return "credit"
    if MARKS_ONLY.match(line) and len(line) < 40:
        return "separator"
    if CHATBOT_LEFTOVER.match(line):
        return "chatbot leftover"
    return None


def metadata_runs(lines: list[str]) -> set[int]:
    """Indexes of runs of three or more `key: value` lines (snake_case keys): a scraper's
    record of the page, not its text."""
    out: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        if line.strip() and METADATA.match(line.strip()):
            run.append(i)
            continue
        if not line.strip() and run:
            continue  # blank lines inside a run
        if len(run) >= 3:
            out.update(run)
        run = []
    return out

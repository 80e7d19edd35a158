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
    r"인쇄하기|목차|本文印刷|シェア|ツイート|目次|Deep Dive|"
    r"分享|复制链接|字号|打印|目录"
)
# A line of one to four of them: "기자정보, 기사등록일", "Share · Print"; or a series counter.
INTERFACE = re.compile(
    rf"^(?:{INTERFACE_WORDS})(?:\s*[,·|/]?\s*(?:{INTERFACE_WORDS})){{0,3}}$|"
    r"^.{4,80}[(（]全\d+(?:記事|回)[)）]$",
    re.I,
)
# Share buttons and social widgets: a network's name with a verb of sharing or bookmarking,
# in a short line ("Share on LinkedIn", "Auf Facebook teilen", "この記事をはてなブックマー
# クに追加", "分享到微博", "카카오톡 공유").
NETWORK = (
    r"Facebook|Twitter|\bX\b|LinkedIn|WhatsApp|Telegram|Reddit|E-?Mail|Xing|Pinterest|Threads|"
    r"Bluesky|Mastodon|Pocket|Flipboard|Tumblr|Messenger|Weibo|WeChat|\bLINE\b|Hatena|"
    r"はてな(?:ブックマーク)?|微博|微信|朋友圈|QQ空间|豆瓣|카카오(?:톡|스토리)?|페이스북|트위터|"
    r"네이버|밴드|페북"
)
SHARE_VERB = (
    r"share|teilen|partager|compartir|condividi|bookmark|merken|"
    r"シェア|共有|追加|ブックマーク|分享|转发|收藏|공유|보내기"
)
SHARE_BUTTON = re.compile(
    rf"^\W{{0,3}}(?:この(?:記事|ページ)を|(?:이\s?)?기사를?\s?|(?:auf|on|sur|en|in|via|per)\s)?"
    rf"(?:(?:{SHARE_VERB})\S*\s?\S{{0,6}}\s?(?:{NETWORK})|(?:{NETWORK})\s?\S{{0,6}}\s?(?:{SHARE_VERB}))"
    r"[^.!?。！？\s]{0,6}$",
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


# A link of the site's navigation standing alone: "Return to Transcripts main page", "See
# all Lex Fridman transcripts on Youtube", "← Zurück zur Übersicht", "登录甲子光年".
NAV_LINK = re.compile(
    r"^(?:[←‹«<]\s*)?(?:"
    r"(?:Return|Go back|Back) to (?:[A-Z]|(?:the )?(?:top|home|main|overview|index|list)\b)|"
    r"(?:See|View|Browse) all\b.{0,40}\b(?:transcripts|episodes|articles|posts|stories|"
    r"interviews|videos|podcasts|news)\b|"
    r"Zurück zu[mr]? (?:[A-ZÄÖÜ]|Start)|Alle \w+ (?:anzeigen|ansehen)$|Retour (?:à|aux?) l[ae']|"
    r"Volver a l[ao]s? |返回|回到首页|查看全部|登录|登入|注册|ログイン|로그인)"
    r"[^.!?。！？:：]{0,60}$",
)
# A login dialog's lines: "其他登录方式", "找回密码", "获取验证码", "Forgot password?".
LOGIN = re.compile(
    r"登录|登入|注册|密码|验证码|用户协议|隐私政策|ログイン|パスワード|로그인|비밀번호|회원가입|"
    r"^(?:Log ?in|Sign ?in|Sign up|Forgot (?:your )?password|Password|Anmelden|Registrieren|"
    r"Passwort vergessen|Se connecter|Mot de passe oublié|Iniciar sesión|Contraseña)\b",
    re.I,
)
# "[선데이 모닝 키플랫폼] 인터뷰 - 서리빈 … 교수", "[Serie] Interview – Name, Titel": a
# newspaper's bracketed series kicker over the text, naming the genre and the guest.
KICKER = re.compile(
    r"^\[[^\]\n]{2,30}\]\s*[^\s\[][^.!?。！？\n]{0,40}\s[-–|]\s[^.!?。！？\n]{2,80}$"
)
# A PDF's running header and cover fields, run into the text by a flattened export: the
# title with the interviewer's name ("Oral History of X (Knuth)"), a catalogue number and
# a copyright line ("CHM Reference number: X3897.2007 © 2007 Computer History Museum").
CATALOGUE_FIELD = r"(?:\b[A-Z]{2,6}\s+)?(?:Reference|Ref\.?|Catalog(?:ue)?|Accession)\s+(?:number|no\.?|#)\s*:\s*\S+"
PDF_TAIL = re.compile(
    rf"\s*(?:{CATALOGUE_FIELD}\s*)?(?:©|\(c\)|Copyright\b)\s*\d{{4}}\b[^.!?:;]{{0,80}}$"
)


def without_page_furniture(paragraph: str, title: str) -> str:
    """A paragraph without a flattened PDF's running header (the title and a name in
    brackets, wherever it stands) and without the cover's catalogue and copyright lines
    at its end (where a speaker's label then follows)."""
    if len(title) >= 12:
        paragraph = re.sub(rf"\s*{re.escape(title)}\s\([^()\n]{{2,30}}\)", "", paragraph)
    return PDF_TAIL.sub("", paragraph).strip() or paragraph


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
    if KICKER.match(line):
        return "kicker"
    if NAV_LINK.match(line):
        return "navigation"
    if LOGIN.search(line) and len(line) <= 40 and not re.search(r"[.。！!]$", line):
        return "login dialog"
    if NOTICE.match(line) and len(line) < 400:
        return "transcript notice"
    if INTERFACE.match(line) or LANGUAGE_SWITCH.match(line):
        return "interface"
    if SHARE_BUTTON.match(line) and len(line) <= 60:
        return "share button"
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

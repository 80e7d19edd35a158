"""Sources and moments: which of a version's URLs is its original page, which is its
recording, and the recording's URL at a given second.

Only URLs the source itself names are used; none is ever built from a name. A video
platform's URL whose video id cannot be one (an AI summary's `watch?v=lexfridman`) is
not a recording of anything and is never shown.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# YouTube video ids are 11 characters of [A-Za-z0-9_-]
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
MEDIA_FILE = re.compile(r"\.(mp3|m4a|mp4|ogg|oga|opus|webm|wav|aac|mov)$", re.I)
VIMEO = re.compile(r"^/\d+/?$")


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube URL ("" when it is YouTube but has no valid id), None when
    the URL is not YouTube at all."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif host in YOUTUBE_HOSTS:
        if parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif re.match(r"^/(live|embed|shorts|v)/", parts.path):
            video = parts.path.split("/")[2]
        else:
            return None  # a channel or playlist page: YouTube, but not one recording
    else:
        return None
    return video if YOUTUBE_ID.match(video) else ""


def is_real(url: str) -> bool:
    """False for a URL that cannot point at anything: a YouTube video without a valid id."""
    return youtube_id(url) != ""


def is_media(url: str) -> bool:
    parts = urlsplit(url)
    if youtube_id(url):
        return True
    if parts.netloc.lower() in ("vimeo.com", "www.vimeo.com") and VIMEO.match(parts.path):
        return True
    return bool(MEDIA_FILE.search(parts.path))


def media_url(urls: list[str]) -> str:
    """The first recording among the URLs the source names, or ""."""
    return next((u for u in urls if is_media(u)), "")


def source_url(urls: list[str]) -> str:
    """The original page: the first URL the source names that is not a recording."""
    return next((u for u in urls if not is_media(u)), "") or media_url(urls)


def moment_url(media: str, seconds: int | None) -> str:
    """The recording opened at `seconds`: YouTube takes ?t= (or &t=), others the media
    fragment #t= (W3C Media Fragments; Vimeo reads it too)."""
    if not media or seconds is None:
        return ""
    base = media.split("#", 1)[0]
    if youtube_id(media):
        base = re.sub(r"([?&])t=[^&]*&?", r"\1", base).rstrip("?&")
        return f"{base}{'&' if '?' in base else '?'}t={int(seconds)}s"
    return f"{base}#t={int(seconds)}"

"""Dates as pages print them (ISO, "August 7, 2025", "11. November 2024", "2025 年 4 月 25 日")."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    # English
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # German
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "oktober": 10,
    "dezember": 12,
    "okt": 10,
    "dez": 12,
    # French
    "janvier": 1,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    # Spanish
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

PATTERNS = [
    # 2025-07-22, 2025/07/22, 2025.07.22
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), ("y", "m", "d")),
    # 2025 年 4 月 25 日
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), ("y", "m", "d")),
    # August 7, 2025 / Aug. 7 2025
    (
        re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
        ("mon", "d", "y"),
    ),
    # 11. November 2024 / 7 August 2025 / 12 mars 2024 / 7 de agosto de 2025
    (
        re.compile(
            rf"(?<!\d)(\d{{1,2}})\.?\s+(?:de\s+)?({_MONTH})\.?\s+(?:de\s+)?(\d{{4}})\b", re.I
        ),
        ("d", "mon", "y"),
    ),
    # 22.07.2025
    (re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), ("d", "m", "y")),
]


def _build(parts: dict[str, str]) -> str | None:
    try:
        month = MONTHS[parts["mon"].lower()] if "mon" in parts else int(parts["m"])
        return date(int(parts["y"]), month, int(parts["d"])).isoformat()
    except (ValueError, KeyError):
        return None


def find_dates(text: str) -> list[tuple[int, str, str]]:
    """All dates in text as (position, ISO date, text as printed), in order of position."""
    found: dict[int, tuple[int, str, str]] = {}
    for pattern, names in PATTERNS:
        for m in pattern.finditer(text):
            iso = _build(dict(zip(names, m.groups())))
            if iso and m.start() not in found:
                found[m.start()] = (m.start(), iso, m.group(0))
    return sorted(found.values())


def first_date(text: str) -> tuple[str, str]:
    """(ISO, raw) of the first date in text, or ("", "")."""
    dates = find_dates(text)
    return (dates[0][1], dates[0][2]) if dates else ("", "")

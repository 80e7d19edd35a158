"""Query parameters of the JSON API, checked: a bad value is a 422 with a message naming
the parameter, never a silent default (pages stay forgiving and use their defaults)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Depends

from app.web.labels import KINDS

MAX_PAGE_SIZE = 100
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def whole(name: str, value: str | None, default: int, low: int, high: int) -> int:
    if value is None or str(value).strip() == "":
        return default
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise BadParameter(name, f"{name} must be a whole number, not {text[:40]!r}.")
    number = int(text)
    if not low <= number <= high:
        raise BadParameter(name, f"{name} must be between {low} and {high}, not {number}.")
    return number


def page(value: str | None) -> int:
    return whole("page", value, 1, 1, 10_000)


def page_size(value: str | None, default: int) -> int:
    return whole("page_size", value, min(default, MAX_PAGE_SIZE), 1, MAX_PAGE_SIZE)


def date(name: str, value: str | None) -> str:
    text = (value or "").strip()
    if text and not DATE.match(text):
        raise BadParameter(
            name, f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {text[:40]!r}."
        )
    return text


def choice(name: str, value: str | None, allowed: list[str] | tuple[str, ...]) -> str:
    text = (value or "").strip()
    if text and text not in allowed:
        raise BadParameter(name, f"{name} must be one of {', '.join(allowed)}; not {text[:40]!r}.")
    return text


@dataclass
class SearchFilters:
    """The filters of a search as query parameters: one declaration for the search page and
    /api/search (FastAPI reads the fields as parameters through Depends())."""

    speaker: str = ""
    interview: str = ""
    lang: str = ""
    kind: str = ""
    date_from: str = ""
    date_to: str = ""

    def each(self, tidy: Callable[[str], str]) -> dict[str, str]:
        return {name: tidy(value) for name, value in asdict(self).items()}

    def checked(self) -> dict[str, str]:
        """For the API: a date that is no date is a 422."""
        found = asdict(self)
        found["date_from"] = date("date_from", self.date_from)
        found["date_to"] = date("date_to", self.date_to)
        return found


FiltersDep = Annotated[SearchFilters, Depends()]


@dataclass
class InterviewFilters:
    """The interviews list's filters and page as query parameters: one declaration for
    /interviews and /api/interviews (read through Depends() as SearchFilters is).
    `page_size` is the API's: the page shows the archive's page size."""

    lang: str = ""
    speaker: str = ""
    kind: str = ""
    page: str = "1"
    page_size: str = ""

    def asked(self) -> dict[str, str]:
        """The filters as given, for a page's form and links (no page number)."""
        return dict(lang=self.lang, speaker=self.speaker, kind=self.kind)

    def checked(self) -> dict[str, str]:
        """For the API: a kind that is none of ours is a 422 (the page: params.page)."""
        return dict(self.asked(), kind=choice("kind", self.kind, tuple(KINDS)))


InterviewFiltersDep = Annotated[InterviewFilters, Depends()]

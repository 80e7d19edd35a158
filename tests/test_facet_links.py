"""A search page's links, encoded once per page (labels.Links) or one at a time
(labels.link, with quote_plus), are the strings urlencode gave: same order of keys, empty
values and page 1 left out, a changed key in its place, a new key at the end."""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

from app.web.labels import Links, link

HERE = [
    {"speaker": "", "interview": "", "lang": "", "kind": "", "date_from": "", "date_to": ""},
    {"speaker": "dario-amodei", "interview": "", "lang": "zh", "kind": "", "date_from": "2024"},
]
VIEWS = [{"q": "", "sort": "", "group": ""}, {"q": '数据 中心 & "x"', "sort": "date", "group": "i"}]
CHANGES = [
    {},
    {"speaker": "a b/c"},
    {"speaker": ""},
    {"lang": "de"},
    {"date_from": "2023", "date_to": "2023"},
    {"date_from": "", "date_to": ""},
    {"format": "csv"},
]


def by_urlencode(path: str, params: dict) -> str:
    """labels.link as it was written first."""
    kept = {k: v for k, v in params.items() if v not in (None, "") and not (k == "page" and v == 1)}
    return f"{path}?{urlencode(kept)}" if kept else path


def test_links_match_urlencode():
    for filters, view, changes in itertools.product(HERE, VIEWS, CHANGES):
        here = dict(filters, **view)
        once = Links("/search", dict(here, page=1))
        expected = by_urlencode("/search", dict(here, page=1, **changes))
        assert once.to(**changes) == expected, changes
        assert link("/search", dict(here, page=1, **changes)) == expected, changes

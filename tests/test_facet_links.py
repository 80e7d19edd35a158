"""A search page's facet links, encoded once per page (labels.Links), are the strings
labels.link gives for the same query: same order of keys, empty values and page 1 left out,
a changed key in its place, a new key at the end."""

from __future__ import annotations

import itertools

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


def test_links_match_link():
    for filters, view, changes in itertools.product(HERE, VIEWS, CHANGES):
        here = dict(filters, **view)
        once = Links("/search", dict(here, page=1))
        assert once.to(**changes) == link("/search", dict(here, page=1, **changes)), changes

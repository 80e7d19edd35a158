"""The search page and its JSON twin: order, grouping, facets, filters in the query,
filters that cannot match, aliases in any script."""

from __future__ import annotations

import html
import re

import pytest


def api(client, **params) -> dict:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def test_sort_by_date_puts_the_newest_first(client):
    by_relevance = api(client, q="KI", page_size=100)
    by_date = api(client, q="KI", page_size=100, sort="date")
    assert by_date["total"] == by_relevance["total"] > 20
    assert {h["id"] for h in by_date["hits"]} == {h["id"] for h in by_relevance["hits"]}
    dates = [h["date"] or "0000" for h in by_date["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert [h["id"] for h in by_date["hits"]] != [h["id"] for h in by_relevance["hits"]]
    second = api(client, q="KI", page_size=10, page=2, sort="date")
    assert [h["id"] for h in second["hits"]] == [h["id"] for h in by_date["hits"][10:20]]
    page = client.get("/search?q=KI&sort=date").text
    assert '<a aria-current="true">newest first</a>' in page
    assert "sort=date" in re.search(r'rel="next" href="([^"]+)"', page)[1]


def test_kind_and_year_facets(client):
    result = api(client, q="KI")
    assert set(result["facets"]) >= {"speaker", "interview", "language", "kind", "year"}
    assert sum(result["facets"]["kind"].values()) == result["total"]
    years = result["facets"]["year"]
    assert years and all(re.fullmatch(r"\d{4}", y) for y in years)
    year = next(iter(years))
    only = api(client, q="KI", date_from=year, date_to=year)
    assert only["total"] == years[year]
    page = client.get("/search?q=KI").text
    assert "<h2>Kind</h2>" in page and "<h2>Year</h2>" in page
    assert f"date_from={year}&amp;date_to={year}" in page


def test_group_by_interview(client):
    grouped = api(client, q="Talentdichte", group="interview")
    assert grouped["groups"] and sum(len(g["hits"]) for g in grouped["groups"]) == len(
        grouped["hits"]
    )
    page = client.get("/search?q=Talentdichte&group=interview").text
    n, m = grouped["total"], len(grouped["facets"]["interview"])
    heading = f"{n} passage{'s' if n != 1 else ''} in {m} interview{'s' if m != 1 else ''}"
    assert f'<h2 id="results-h">{heading}</h2>' in page
    assert page.count('<section class="group">') == len(grouped["groups"])
    assert "Show as one list" in page


@pytest.mark.parametrize(
    "alias",
    ["达里奥", "达里奥·阿莫迪", "Amodei", '"dario amodei"', "dario-amodei", "ダリオ・アモデイ"],
)
def test_speaker_filter_takes_any_alias(client, alias):
    found = api(client, q=f"speaker:{alias}")
    assert found["total"] and {h["speaker"]["slug"] for h in found["hits"]} == {"dario-amodei"}
    assert found["filters"] == [["speaker", alias.strip('"'), False]]
    assert api(client, speaker=alias.strip('"'))["total"] == found["total"]


@pytest.mark.slow
def test_filters_that_cannot_match_say_why(client):
    for q, why in [
        ("Talent speaker:KI", "No speaker called “KI”"),
        ("KI lang:xx", "No passage in the language “xx”; the archive holds"),
        ("KI kind:podcast", "No interview of the kind “podcast”"),
        ("KI date:1990", "No passage is dated 1990: the archive's dates run from"),
        ("KI interview:nope", "No interview “nope”"),
    ]:
        result = api(client, q=q)
        assert result["total"] == 0 and any(why in n for n in result["filter_notes"]), (q, result)
        assert why in html.unescape(client.get("/search", params={"q": q}).text), q
    assert api(client, q="KI", speaker="nobody-here")["filter_notes"]
    assert api(client, q="KI -speaker:KI")["filter_notes"] == []  # excluding nothing is fine
    assert api(client, q="Talentdichte speaker:dario-amodei")["filter_notes"] == []


def test_filters_typed_into_the_query_show_in_the_panel(client):
    page = client.get("/search", params={"q": "KI speaker:达里奥 -lang:zh"}).text
    panel = re.search(r'<details class="filters" open>.*?</details>', page, re.S)[0]
    assert "Filters (2)" in panel
    assert (
        'Speaker: <span lang="zh">达里奥</span>' in panel
        and "not Language: <span>zh</span>" in panel
    )
    removes = re.findall(r'<a href="([^"]+)" aria-label="Remove', panel)
    assert [html.unescape(r) for r in removes] == [
        "/search?q=KI+-lang%3Azh",
        "/search?q=KI+speaker%3A%E8%BE%BE%E9%87%8C%E5%A5%A5",
    ]


def test_hits_show_their_own_link(client):
    result = api(client, q="数据中心")
    page = client.get("/search?q=数据中心").text
    for hit in result["hits"]:
        assert (
            f'<a class="self-link" href="/p/{hit["id"]}"' in page and f">/p/{hit['id']}</a>" in page
        )


def test_odd_sort_and_group_values(client):
    assert client.get("/search?q=KI&sort=zzz&group=zzz").status_code == 200
    assert client.get("/api/search?q=KI&sort=zzz").status_code == 422
    assert client.get("/api/search?q=KI&group=zzz").status_code == 422

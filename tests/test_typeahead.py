"""The search page's interview filter is a text field that takes a title or a slug, and
/api/suggest/interviews suggests titles as they are typed (app/web/typeahead.py): the
page no longer lists every interview of the archive as an <option>."""

from __future__ import annotations

import re

from app.text import match_form


def interviews(client) -> list[dict]:
    return client.get("/api/interviews", params={"page_size": 100}).json()["items"]


def test_suggestions_hold_every_typed_word(client):
    items = interviews(client)
    title = next(i["title"] for i in items if len(i["title"].split()) >= 3)
    words = title.split()
    typed = f"{words[-1].upper()}  {words[0].lower()}"  # any order, any case
    found = client.get("/api/suggest/interviews", params={"q": typed}).json()
    assert found["q"] == typed
    assert {"slug", "title"} <= set(found["items"][0])
    titles = [s["title"] for s in found["items"]]
    assert title in titles
    for shown in titles:
        assert all(match_form(w) in match_form(shown) for w in typed.split()), shown
    slugs = {i["slug"]: i["title"] for i in items}
    assert all(slugs[s["slug"]] == s["title"] for s in found["items"])


def test_titles_starting_with_the_word_come_first(client):
    items = interviews(client)
    first = items[0]["title"].split()[0]
    found = client.get("/api/suggest/interviews", params={"q": first}).json()["items"]
    starts = [match_form(s["title"]).startswith(match_form(first)) for s in found]
    assert starts and starts[0] and starts == sorted(starts, reverse=True)


def test_nothing_typed_or_nothing_matching_suggests_nothing(client):
    for typed in ["", "   ", "zzqqxx nothing", "%00<script>", "x" * 20_000]:
        answer = client.get("/api/suggest/interviews", params={"q": typed})
        assert answer.status_code == 200, typed[:20]
        assert answer.json()["items"] == [], typed[:20]


def test_the_search_page_lists_no_interview_titles(client):
    page = client.get("/search", params={"q": "AI"}).text
    field = re.search(r'<input name="interview"[^>]*>', page)
    assert field and 'list="interview-titles"' in field.group(0)
    assert 'data-suggest="/api/suggest/interviews"' in field.group(0)
    assert '<select name="interview"' not in page
    assert '<datalist id="interview-titles"></datalist>' in page


def test_a_typed_title_filters_as_its_slug_does(client):
    item = next(i for i in interviews(client) if {"de", "zh"} & set(i["languages"]))
    by_slug = client.get("/api/search", params={"q": "", "interview": item["slug"]}).json()
    assert by_slug["total"] > 0
    for typed in [item["title"], f"  {item['title'].upper()} "]:
        by_title = client.get("/api/search", params={"q": "", "interview": typed}).json()
        assert by_title["total"] == by_slug["total"] and not by_title["filter_notes"]
        assert [h["id"] for h in by_title["hits"]] == [h["id"] for h in by_slug["hits"]]
        page = client.get("/search", params={"q": "", "interview": typed}).text
        # the field shows the title again, the links carry the slug
        field = re.search(r'<input name="interview"[^>]*>', page).group(0)
        assert f'value="{item["title"]}"' in field.replace("&#39;", "'").replace("&amp;", "&")
        assert f"interview={item['slug']}" in page
    unknown = client.get("/api/search", params={"q": "", "interview": "no such title"}).json()
    assert unknown["total"] == 0 and "No interview" in unknown["filter_notes"][0]

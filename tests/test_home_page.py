"""The home page shows six interviews and reads only those: its cost does not grow with
the archive (rows fetched, counted on the real engine), and its six are the first six of
the interviews list."""

from __future__ import annotations

import pytest
from counting import costs
from fastapi.testclient import TestClient
from many_interviews import store_archive

from app.config import Settings
from app.web.app import create_app


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Settings:
    return store_archive(tmp_path_factory.mktemp("many") / "archive.db", 48)


def test_the_home_page_reads_only_the_interviews_it_shows(many):
    app = create_app(many)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        client.get("/")  # the speakers' list is read once per content version (catalog)
        spent.reset()
        html = client.get("/", headers={"if-none-match": '"x"'}).text
        assert html.count('class="card') == 6
        assert '<a href="/interviews">48</a>' in html  # counted, not loaded
        # the six interviews with their versions and people, the counts, the speakers:
        # about 30 rows; it read 48 interviews, 48 versions and 96 participants
        assert spent.rows <= 60, (spent.rows, spent.statements)
        # the ETag's two facts, the content version, the six, their versions and people: 6;
        # the counts and the passages per language are the catalog's (per content version)
        assert len(spent.statements) <= 8 and spent.reads_of("passage") == 0, spent.statements


def test_the_home_pages_six_are_the_first_of_the_list(many):
    with TestClient(create_app(many)) as client:
        listed = client.get("/api/interviews", params={"page_size": 6}).json()["items"]
        html = client.get("/").text
        latest = html.split('id="latest"')[1].split("</section>")[0]
        shown = [part.split('"')[0] for part in latest.split('href="/interviews/')[1:]]
        assert [i["slug"] for i in listed] == list(dict.fromkeys(shown)), shown
        feed = client.get("/feeds/interviews.atom").text
        assert all(f"/interviews/{i['slug']}" in feed for i in listed)

"""The interviews list, its JSON twin, a speaker's page and the sitemap read only what
they show: rows fetched (counted on the real engine) do not grow with the archive, and
each page is the slice of the whole listing, ties and totals included, that the whole
listing sorted and filtered in Python gives."""

from __future__ import annotations

import pytest
from counting import costs
from fastapi.testclient import TestClient
from many_interviews import HOST, store_archive
from sqlmodel import Session, select

from app import store
from app.config import Settings
from app.models import Document, Interview, InterviewSpeaker, Passage, Speaker
from app.web import read
from app.web.app import create_app

COUNT = 60


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Settings:
    return store_archive(tmp_path_factory.mktemp("listing") / "archive.db", COUNT)


def whole_listing(settings: Settings, lang: str = "", speaker: str = "", kind: str = ""):
    """Every interview's slug in the list's order, sorted and filtered in Python from all
    the records, as the pages did it before they asked SQL to: dated first, newest first,
    then by title, ties in the order the interviews were written."""
    engine = store.read_engine(settings.db_path)
    with Session(engine) as session:
        rows = session.exec(select(Interview).order_by(Interview.id)).all()
        languages = {
            (i, lang) for i, lang in session.exec(select(Document.interview_id, Document.language))
        }
        people = set(
            session.exec(
                select(InterviewSpeaker.interview_id, Speaker.slug).join(
                    Speaker, InterviewSpeaker.speaker_id == Speaker.id
                )
            )
        )
    engine.dispose()
    kept = [
        r
        for r in rows
        if (not lang or (r.id, lang) in languages)
        and (not speaker or (r.id, speaker) in people)
        and (not kind or r.kind == kind)
    ]
    kept.sort(key=lambda r: (r.date != "", r.date, r.title), reverse=True)
    return [r.slug for r in kept]


FILTERS = [
    {},
    {"lang": "de"},
    {"speaker": "gast-nummer-2"},
    {"kind": "essay"},
    {"lang": "en", "kind": "interview", "speaker": "gast-nummer-4"},
    {"lang": "xx"},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_each_page_is_its_slice_of_the_whole_listing(archive, filters):
    whole = whole_listing(archive, **filters)
    with TestClient(create_app(archive)) as client:
        size = 7
        pages = max(1, -(-len(whole) // size))
        for page in sorted({1, min(2, pages), pages}):
            got = client.get(
                "/api/interviews", params={**filters, "page": page, "page_size": size}
            ).json()
            assert got["total"] == len(whole)
            start = (page - 1) * size
            assert [i["slug"] for i in got["items"]] == whole[start : start + size], page
            assert (got["next"] is None) == (page == pages)
        beyond = client.get("/api/interviews", params={**filters, "page": pages + 1}).json()
        assert beyond["items"] == [] and beyond["total"] == len(whole)
        # the HTML page, 20 to a page: its pages joined are the whole listing
        shown: list[str] = []
        for page in range(1, max(1, -(-len(whole) // 20)) + 1):
            html = client.get("/interviews", params={**filters, "page": page}).text
            assert f"{len(whole)} interview" in html
            slugs = [part.split('"')[0] for part in html.split('href="/interviews/')[1:]]
            assert html.count('class="card') == len(set(slugs)) <= 20
            shown += dict.fromkeys(slugs)
        assert shown == whole
        past = client.get("/interviews", params={**filters, "page": 99}).text
        assert past == html  # a page past the last shows the last


def test_the_listing_has_ties_to_break(archive):
    """Guards the test above: the archive has interviews alike in date and title."""
    engine = store.write_engine(archive.db_path)
    with Session(engine) as session:
        keys = [(r.date, r.title) for r in session.exec(select(Interview)).all()]
    engine.dispose()
    assert len(keys) == COUNT and len(set(keys)) < COUNT and ("", "Gespräch 00") in keys


def test_a_page_of_interviews_reads_only_that_page(archive):
    app = create_app(archive)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        client.get("/interviews")  # the catalog (filter choices): once per content version
        for params in [{"page": "2", "page_size": "7"}, {"page": "8", "page_size": "7"}]:
            spent.reset()
            assert len(client.get("/api/interviews", params=params).json()["items"]) == 7
            # seven interviews, their seven versions and fourteen people, a count, the
            # content version: about 30; it read 60 interviews, 60 versions, 120 people
            assert spent.rows <= 45, (spent.rows, spent.statements)
            assert len(spent.statements) <= 8 and spent.reads_of("passage") == 0
        for params in [{"page": "2"}, {"speaker": "gast-nummer-3"}]:
            spent.reset()
            html = client.get("/interviews", params=params).text
            assert html.count('class="card') == (10 if "speaker" in params else 20)
            # at most twenty interviews, their versions and people: about 80; it was 242
            assert spent.rows <= 100, [
                (n, s[:150]) for n, s in zip(spent.fetched, spent.statements)
            ]


def test_a_speakers_page_reads_only_their_interviews(archive):
    app = create_app(archive)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        client.get("/speakers/gast-nummer-1")
        spent.reset()
        found = client.get("/api/speakers/gast-nummer-1", params={"page_size": "5"}).json()
        assert [a["interview"]["slug"] for a in found["appearances"]["items"]] == whole_listing(
            archive, speaker="gast-nummer-1"
        )
        assert found["passages"]["total"] == 10 and len(found["passages"]["items"]) == 5
        # ten interviews, their versions and people, their roles, five passages: about 60;
        # it read all 60 interviews, their versions and 120 people
        assert spent.rows <= 80, (spent.rows, spent.statements)


def test_a_speakers_interviews_come_a_page_at_a_time(archive):
    """The host of all 60 interviews: three pages of 20, each the slice of the whole
    listing, each reading only its own interviews: 109 rows a page, where reading all 60
    interviews, their versions, people and roles fetched 309."""
    whole = whole_listing(archive, speaker=HOST.slug)
    app = create_app(archive)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        client.get(f"/speakers/{HOST.slug}")  # the catalog: once per content version
        shown: list[str] = []
        for page in (1, 2, 3):
            spent.reset()
            found = client.get(
                f"/api/speakers/{HOST.slug}",
                params={"appearances_page": page, "page_size": "5"},
            ).json()["appearances"]
            assert found["total"] == COUNT and found["page"] == page
            assert (found["next"] is None, found["prev"] is None) == (page == 3, page == 1)
            shown += [a["interview"]["slug"] for a in found["items"]]
            assert all(a["roles"] == ["host"] for a in found["items"])
            assert spent.rows <= 150, (spent.rows, spent.statements)
        assert shown == whole
        spent.reset()
        html = client.get(f"/speakers/{HOST.slug}", params={"appearances_page": "2"}).text
        assert html.count('<li><a href="/interviews/') == 20
        assert f'href="/speakers/{HOST.slug}?appearances_page=3"' in html
        assert f'href="/speakers/{HOST.slug}"' in html  # previous: page 1, no number
        assert spent.rows <= 150, (spent.rows, spent.statements)


def test_the_sitemap_is_split_into_files_each_read_alone(archive, monkeypatch):
    app = create_app(archive)
    with TestClient(app) as client:
        whole = client.get("/sitemap.xml").text
        assert "<urlset" in whole
        engine = store.write_engine(archive.db_path)
        with Session(engine) as session:
            speakers = len(session.exec(select(Speaker)).all())
            passages = len(session.exec(select(Passage)).all())
        engine.dispose()
        locs = [
            line.split("<loc>")[1].split("</loc>")[0]
            for line in whole.splitlines()
            if "<loc>" in line
        ]
        assert len(locs) == len(set(locs)) == 3 + COUNT + speakers + passages
        monkeypatch.setattr(read, "SITEMAP_LIMIT", 50)
    # a new server: a running one keeps its answers until the archive changes, and a
    # limit changed under it is no change of the archive
    app = create_app(archive)
    with TestClient(app) as client:
        index = client.get("/sitemap.xml").text
        files = -(-len(locs) // 50)
        assert "<sitemapindex" in index and index.count("<sitemap>") == files
        split = []
        with costs(app.state.engine) as spent:
            for n in range(1, files + 1):
                spent.reset()
                part = client.get(f"/sitemap-{n}.xml").text
                split += [
                    line.split("<loc>")[1].split("</loc>")[0]
                    for line in part.splitlines()
                    if "<loc>" in line
                ]
                assert spent.rows <= 50 + 10, (n, spent.rows)
        assert split == locs
        assert client.get(f"/sitemap-{files + 1}.xml").status_code == 404

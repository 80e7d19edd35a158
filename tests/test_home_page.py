"""The home page shows six interviews and reads only those: its cost does not grow with
the archive (rows fetched, counted on the real engine), and its six are the first six of
the interviews list."""

from __future__ import annotations

from pathlib import Path

import pytest
from counting import costs
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import store
from app.config import Settings, settings_for
from app.parse.documents import ParsedDocument, ParsedPassage, Person
from app.passage_ids import passage_ids
from app.web.app import create_app

HOST = Person("Anna Berger", "anna-berger")
GUEST = Person("Thomas Keller", "thomas-keller")


def interview(n: int) -> ParsedDocument:
    """One small interview; dates repeat (ties) and some are missing (undated last)."""
    date = "" if n % 7 == 0 else f"2024-{n % 12 + 1:02d}-{n % 3 + 1:02d}"
    return ParsedDocument(
        key=f"i{n:04d}.txt",
        source_file=f"i{n:04d}.txt",
        sha256=f"{n:064x}",
        encoding="utf-8",
        language="de" if n % 2 else "en",
        title=f"Gespräch {n % 24:02d}",  # titles repeat too: whole ties (date and title)
        text="",
        passages=[
            ParsedPassage(f"Frage {n}?", "question", HOST.name, HOST, evidence="label"),
            ParsedPassage(f"Antwort {n}.", "answer", GUEST.name, GUEST, evidence="label"),
        ],
        kind="interview",
        published_date=date,
        participants=[("host", HOST), ("guest", GUEST)],
    )


def store_archive(db: Path, count: int) -> Settings:
    """An archive of `count` interviews written by the store itself (no parsing: only the
    records matter here, and parsing hundreds of pages would take seconds)."""
    engine = store.write_engine(db)
    with Session(engine) as session:
        for n in range(count):
            doc = interview(n)
            ids = passage_ids(doc.key, [p.text for p in doc.passages])
            store.replace_file(session, doc.source_file, [doc], {doc.key: ids})
        store.refresh_interviews(session)
        store.set_meta(session, "content_version", "1")
        session.commit()
    engine.dispose()
    return settings_for(db)


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

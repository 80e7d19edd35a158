"""An archive of many small interviews written by the store itself (no parsing: only the
records matter to the tests of what a listing reads, and parsing hundreds of pages would
take seconds). Dates repeat and some are missing, titles repeat: ties of date and of
title, which the listings' order must break."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from app import store
from app.config import Settings, settings_for
from app.parse.documents import ParsedDocument, ParsedPassage, Person
from app.passage_ids import passage_ids

HOST = Person("Anna Berger", "anna-berger")  # hosts every interview


def guest(n: int) -> Person:
    return Person(f"Gast Nummer {n % 6}", f"gast-nummer-{n % 6}")  # every sixth interview


def interview(n: int) -> ParsedDocument:
    """Interview n: German or English, an essay every fifth, undated every seventh."""
    date = "" if n % 7 == 0 else f"2024-{n % 12 + 1:02d}-{n % 3 + 1:02d}"
    return ParsedDocument(
        key=f"i{n:04d}.txt",
        source_file=f"i{n:04d}.txt",
        sha256=f"{n:064x}",
        encoding="utf-8",
        language="de" if n % 2 else "en",
        title=f"Gespräch {n % 24:02d}",
        text="",
        passages=[
            ParsedPassage(f"Frage {n}?", "question", HOST.name, HOST, evidence="label"),
            ParsedPassage(f"Antwort {n}.", "answer", guest(n).name, guest(n), evidence="label"),
        ],
        kind="interview" if n % 5 else "essay",
        published_date=date,
        participants=[("host", HOST), ("guest", guest(n))],
    )


def store_archive(db: Path, count: int) -> Settings:
    """An archive of interviews 0 to count - 1."""
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

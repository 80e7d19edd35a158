"""The compare view of a long pair comes a window of rows at a time (app/web/compare.py):
every passage of both versions stands in exactly one window, beside its counterparts (a
link group is never cut); ?at= opens the window of a passage of either version; a window
reads only its own passages' text."""

from __future__ import annotations

import random

import pytest
from counting import costs
from fastapi.testclient import TestClient
from generated import turn_text
from sqlmodel import Session, select

from app import store
from app.config import settings_for
from app.ingest import ingest
from app.models import Document, PassageLink
from app.parse.documents import ParsedDocument, ParsedPassage, Person
from app.passage_ids import passage_ids
from app.web import read
from app.web.app import create_app

pytestmark = pytest.mark.slow  # each archive here is ingested and indexed: seconds

WHO = ("Lenny Rachitsky", "Benjamin Mann")
TITLE = "Lenny's Podcast: Benjamin Mann über Sicherheit"


def pair_texts(turns: int, merged: set[int], dropped: set[int]) -> tuple[str, str]:
    """Two versions of one conversation: a, and b with a's answers `merged` joined to the
    answer before them (a translator's 2-1) and the turns `dropped` left out (gaps); b has
    a note of its own after turn 3 (a gap on a's side)."""
    rng = random.Random(7)
    texts = [turn_text(rng, 24) for _ in range(turns)]
    speaker = [WHO[0]]
    for n in range(1, turns):  # a merged turn is a second paragraph of the same answer
        speaker.append(speaker[-1] if n in merged else WHO[1 - WHO.index(speaker[-1])])
    a, b = [TITLE, ""], [TITLE + " (Abschrift)", ""]
    for n, text in enumerate(texts):
        a += [f"{speaker[n]}: {text}", ""]
        if n in dropped:
            continue
        if n in merged:
            b[-2] += " " + text
        else:
            b += [f"{speaker[n]}: {text}", ""]
        if n == 3:
            b += [f"{WHO[0]}: Anmerkung der Redaktion zu diesem Abschnitt des Gesprächs.", ""]
    return "\n".join(a), "\n".join(b)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pair")
    (folder / "src").mkdir()
    a, b = pair_texts(46, merged={10, 30}, dropped={5, 21})
    (folder / "src" / "a.txt").write_text(a, "utf-8")
    (folder / "src" / "b.txt").write_text(b, "utf-8")
    settings = settings_for(folder / "archive.db")
    assert not ingest(settings, [folder / "src"]).failures
    return settings


def windows_of(client, slug: str, a: str, b: str) -> list[dict]:
    first = client.get(f"/api/interviews/{slug}/compare", params={"a": a, "b": b}).json()
    return [first] + [
        client.get(f"/api/interviews/{slug}/compare", params={"a": a, "b": b, "page": k}).json()
        for k in range(2, first["parts"] + 1)
    ]


def passages(window: dict, side: str) -> list[dict]:
    return [p for row in window["rows"] for p in row[side]]


def test_a_long_pair_is_compared_window_by_window(pair, monkeypatch):
    monkeypatch.setattr(read, "WINDOW", 10)  # windows of 10 rows: the pair is five of them
    with TestClient(create_app(pair)) as client:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        whole = client.get(f"/api/interviews/{slug}").json()
        a, b = [v["key"] for v in whole["versions"]]
        counts = {
            key: client.get(f"/api/interviews/{slug}", params={"version": key, "page": 99}).json()[
                "passages"
            ][-1]["ordinal"]
            + 1
            for key in (a, b)
        }
        assert counts == {a: 46, b: 43}  # b: 46 - 2 merged - 2 dropped + 1 of its own
        windows = windows_of(client, slug, a, b)
        assert len(windows) == 5 and [w["part"] for w in windows] == [1, 2, 3, 4, 5]
        assert all(len(w["rows"]) <= 10 for w in windows)
        for side, key in (("a", a), ("b", b)):
            ordinals = [p["ordinal"] for w in windows for p in passages(w, side)]
            assert ordinals == list(range(counts[key]))  # each once, in reading order
        for k, window in enumerate(windows, 1):
            for row in window["rows"]:
                shown = {p["id"] for p in row["a"] + row["b"]}
                for side, other in (("a", b), ("b", a)):
                    for p in row[side]:
                        partners = {c["id"] for c in p["counterparts"] if c["version"] == other}
                        assert partners <= shown, (k, p["text"][:40], row)  # side by side
        merged = [r for w in windows for r in w["rows"] if len(r["a"]) == 2 and len(r["b"]) == 1]
        assert len(merged) == 2 and all(r["score"] is not None for r in merged)


def test_at_opens_the_window_of_a_passage_of_either_version(pair, monkeypatch):
    monkeypatch.setattr(read, "WINDOW", 10)
    with TestClient(create_app(pair)) as client:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        whole = client.get(f"/api/interviews/{slug}").json()
        a, b = [v["key"] for v in whole["versions"]]
        url = f"/api/interviews/{slug}/compare"
        for k, window in enumerate(windows_of(client, slug, a, b), 1):
            for side in ("a", "b"):
                for p in passages(window, side)[::4]:
                    found = client.get(url, params={"a": a, "b": b, "at": p["id"]}).json()
                    assert found["part"] == k, (side, p["ordinal"], k)
        html = client.get(f"/interviews/{slug}/compare", params={"a": a, "b": b, "page": 2}).text
        assert "Page 2 of 5" in html and 'rel="next"' in html and 'rel="prev"' in html
        assert f"a={a}" in html.split('rel="next" href="')[1].split('"')[0]
        assert client.get(f"/interviews/{slug}/compare?page=x&at=nothing").status_code == 200
        assert client.get(f"{url}?page=99").json()["part"] == 5
        # the interview page's window 2 links to the rows where that window starts
        second = client.get(f"/api/interviews/{slug}", params={"page": 2}).json()["passages"]
        page = client.get(f"/interviews/{slug}", params={"page": 2}).text
        assert f"at={second[0]['id']}" in page.split("side by side")[0].rsplit("<a ", 1)[1]


def test_a_window_reads_only_its_own_passages_text(pair, monkeypatch):
    """The layout reads ids and links (a few bytes a passage); text, for the window only."""
    monkeypatch.setattr(read, "WINDOW", 10)
    app = create_app(pair)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        spent.reset()
        window = client.get(f"/api/interviews/{slug}/compare", params={"page": 3}).json()
        shown = len(passages(window, "a") + passages(window, "b"))
        assert 10 <= shown <= 24
        # the window's passages with their document rows; it read all 89 with their text
        assert spent.rows_of("passage.text", "p.text") == shown, spent.statements


def test_a_pair_of_unequal_length_is_windowed_on_both_sides(tmp_path, monkeypatch):
    """b more than three times as long as a: b goes on in windows of its own."""
    monkeypatch.setattr(read, "WINDOW", 10)
    src = tmp_path / "src"
    src.mkdir()
    short, long = pair_texts(12, set(), set()), pair_texts(40, set(), set())
    (src / "a.txt").write_text(short[0], "utf-8")
    (src / "b.txt").write_text(long[1], "utf-8")
    settings = settings_for(tmp_path / "archive.db")
    assert not ingest(settings, [src]).failures
    with TestClient(create_app(settings)) as client:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        versions = client.get(f"/api/interviews/{slug}").json()["versions"]
        a, b = [v["key"] for v in versions]
        windows = windows_of(client, slug, a, b)
        assert all(len(w["rows"]) <= 10 for w in windows) and len(windows) >= 4
        assert [p["ordinal"] for w in windows for p in passages(w, "a")] == list(range(12))
        assert [p["ordinal"] for w in windows for p in passages(w, "b")] == list(range(41))


def stored_pair(db, turns: int) -> None:
    """Two versions of `turns` turns written by the store, linked one to one, but for a's
    turns 399 and 400 (one turn in b: a 2-1 across the interview page's first window)
    and every 50th pair of turns left unlinked (gaps). Links are written as the
    ingest's alignment writes them (both directions), so that this test is about the
    compare view alone (test_align_long.py ingests such a pair end to end)."""
    host, guest = (
        Person("Lenny Rachitsky", "lenny-rachitsky"),
        Person("Benjamin Mann", "benjamin-mann"),
    )
    rng = random.Random(11)
    texts = [turn_text(rng, 20) for _ in range(turns)]

    def version(key: str, language: str, texts: list[str]) -> ParsedDocument:
        return ParsedDocument(
            key=key,
            source_file=key,
            sha256=key,
            encoding="utf-8",
            language=language,
            title=TITLE,
            text="",
            passages=[
                ParsedPassage(t, "turn", "", guest if n % 2 else host) for n, t in enumerate(texts)
            ],
            kind="interview",
            show="Lenny's Podcast",
            participants=[("host", host), ("guest", guest)],
        )

    b_texts = texts[:399] + [texts[399] + " " + texts[400]] + texts[401:]
    docs = [version("a.txt", "de", texts), version("b.txt", "en", b_texts)]
    engine = store.write_engine(db)
    with Session(engine) as session:
        for doc in docs:
            ids = passage_ids(doc.key, [p.text for p in doc.passages])
            store.replace_file(session, doc.key, [doc], {doc.key: ids})
        store.refresh_interviews(session)
        rows = session.exec(select(Document).order_by(Document.id)).all()
        a_ids = passage_ids("a.txt", texts)
        b_ids = passage_ids("b.txt", b_texts)
        at = [n if n < 400 else n - 1 for n in range(turns)]  # a's turn n -> b's turn
        pairs = [(a_ids[n], b_ids[at[n]]) for n in range(turns) if at[n] % 50 != 25]
        for x, y in pairs:
            for one, other in ((x, y), (y, x)):
                session.add(
                    PassageLink(
                        passage_id=one, other_id=other, interview_id=rows[0].interview_id, score=1.0
                    )
                )
        store.set_meta(session, "content_version", "1")
        session.commit()
    engine.dispose()


def test_a_3000_turn_pair_comes_in_windows_of_400_rows(tmp_path):
    stored_pair(tmp_path / "archive.db", 3000)
    app = create_app(settings_for(tmp_path / "archive.db"))
    with TestClient(app) as client, costs(app.state.engine) as spent:
        slug = client.get("/api/interviews").json()["items"][0]["slug"]
        url = f"/api/interviews/{slug}/compare"
        spent.reset()
        first = client.get(url, params={"a": "a.txt", "b": "b.txt"}).json()
        assert first["parts"] == 8 and len(first["rows"]) == 400
        assert spent.rows_of("passage.text", "p.text") <= 2 * 400 + 10  # a window's text, not 6,000
        windows = [first] + [
            client.get(url, params={"a": "a.txt", "b": "b.txt", "page": k}).json()
            for k in range(2, 9)
        ]
        assert [p["ordinal"] for w in windows for p in passages(w, "a")] == list(range(3000))
        assert [p["ordinal"] for w in windows for p in passages(w, "b")] == list(range(2999))
        merged = [(k, r) for k, w in enumerate(windows, 1) for r in w["rows"] if len(r["a"]) == 2]
        assert len(merged) == 1  # a's turns 399 and 400 beside b's one turn, in one window
        k, row = merged[0]
        assert [p["ordinal"] for p in row["a"]] == [399, 400] and len(row["b"]) == 1
        at = client.get(url, params={"a": "a.txt", "b": "b.txt", "at": row["b"][0]["id"]})
        assert at.json()["part"] == k
        html = client.get(f"/interviews/{slug}/compare", params={"page": 8}).text
        assert "Page 8 of 8" in html and len(html) < 2_000_000

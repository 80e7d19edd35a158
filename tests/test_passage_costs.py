"""A passage page reads a handful of plain statements whatever its passage: itself with its
document and interview, its neighbours, their counterparts, the interview's versions and
people, the counterparts' own rows and the passages that quote it. It made ten ORM
statements and read the document's whole text; counted here on the real engine."""

from __future__ import annotations

import sqlite3

from counting import costs
from fastapi.testclient import TestClient

from app.web.app import create_app


def test_a_passage_page_reads_a_few_statements(archive):
    with sqlite3.connect(archive.db_path) as con:
        linked = con.execute("SELECT passage_id FROM passagelink LIMIT 1").fetchone()[0]
        quoted = con.execute("SELECT passage_id FROM passagequote LIMIT 1").fetchone()
        plain = con.execute(
            "SELECT id FROM passage WHERE id NOT IN (SELECT passage_id FROM passagelink)"
            " AND id NOT IN (SELECT passage_id FROM passagequote) LIMIT 1"
        ).fetchone()[0]
    app = create_app(archive)
    with TestClient(app) as client, costs(app.state.engine) as spent:
        client.get("/")
        for pid in [linked, plain] + ([quoted[0]] if quoted else []):
            for path in [f"/p/{pid}", f"/api/passages/{pid}"]:
                spent.reset()
                page = client.get(path)
                assert page.status_code == 200 and pid in page.text
                # 2 to 9 now (the ETag's facts, a passage with both counterparts and quotes)
                assert len(spent.statements) <= 12, spent.statements
                assert not any("document.text" in s or "d.text" in s for s in spent.statements)

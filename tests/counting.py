"""What a request costs the database: SQL statements and rows fetched, counted on the real
engine of a real app (SQLAlchemy's cursor events and sqlite3's row factory; nothing of the
archive's own is replaced)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

TABLE = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)", re.I)


@dataclass
class Costs:
    statements: list[str] = field(default_factory=list)  # SELECTs, in order
    fetched: list[int] = field(default_factory=list)  # rows fetched by each of them
    cursors: dict[int, int] = field(default_factory=dict)  # id(cursor) -> its statement

    @property
    def rows(self) -> int:
        return sum(self.fetched)

    def reads_of(self, table: str) -> int:
        """How many statements read this table."""
        return sum(table in TABLE.findall(s) for s in self.statements)

    def rows_of(self, *fragments: str) -> int:
        """Rows fetched by the statements that contain one of these fragments
        ("passage.text" from the ORM, "p.text" from app/web/passage_rows.py's plain SQL)."""
        return sum(
            n for s, n in zip(self.statements, self.fetched) if any(f in s for f in fragments)
        )

    def reset(self) -> None:
        self.statements.clear()
        self.fetched.clear()
        self.cursors.clear()


@contextmanager
def costs(engine: Engine) -> Iterator[Costs]:
    """Counts every SELECT the engine runs and every row it fetches until the block ends.

    The engine's pooled connections are closed first: the row counter is set on each
    connection as it opens."""
    found = Costs()

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            found.cursors[id(cursor)] = len(found.statements)
            found.statements.append(statement)
            found.fetched.append(0)

    def count_row(cursor, row):
        at = found.cursors.get(id(cursor))
        if at is not None and at < len(found.fetched):
            found.fetched[at] += 1
        return row

    def on_connect(dbapi_connection, record) -> None:
        dbapi_connection.row_factory = count_row

    engine.dispose()
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "connect", on_connect)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "connect", on_connect)
        engine.dispose()

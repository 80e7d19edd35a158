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
    rows: int = 0  # rows fetched by them

    def reads_of(self, table: str) -> int:
        """How many statements read this table."""
        return sum(table in TABLE.findall(s) for s in self.statements)

    def reset(self) -> None:
        self.statements.clear()
        self.rows = 0


@contextmanager
def costs(engine: Engine) -> Iterator[Costs]:
    """Counts every SELECT the engine runs and every row it fetches until the block ends.

    The engine's pooled connections are closed first: the row counter is set on each
    connection as it opens."""
    found = Costs()

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            found.statements.append(statement)

    def count_row(cursor, row):
        found.rows += 1
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

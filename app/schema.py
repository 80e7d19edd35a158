"""The archive's schema version and the migrations that bring an older archive up to it.

`create_all` creates missing tables but never alters an existing one, so a column added to
app/models.py would break every archive written before it. Instead, each change of the
tables is one step in MIGRATIONS, and the archive records how many steps it has had in
SQLite's `PRAGMA user_version` (written in the same transaction as the steps, so a killed
migration leaves the archive at its old version).

To change the tables: edit app/models.py, then append one step here that brings an archive
of the previous version to the new one (ALTER TABLE … ADD COLUMN, CREATE TABLE, a data
fix), and extend tests/test_schema.py's upgrade test if the step moves data. A new, empty
archive is made by `create_all` and stamped with the newest version directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, inspect
from sqlmodel import SQLModel


class SchemaError(Exception):
    """The archive was written by a newer version of the code, or cannot be migrated."""


@dataclass(frozen=True)
class Migration:
    version: int  # the version an archive has after this step
    what: str
    step: Callable[[Connection], None]


def _baseline(conn: Connection) -> None:
    """Version 1 is the schema the archive had before versions were recorded."""


def add_column(conn: Connection, table: str, column: str, ddl: str) -> None:
    """ALTER TABLE … ADD COLUMN, skipped when it is there (an archive made by create_all)."""
    if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")


def create_table(conn: Connection, table: str) -> None:
    """Create one table of app/models.py, with its indexes, if it is missing."""
    SQLModel.metadata.tables[table].create(conn, checkfirst=True)


def _passage_links(conn: Connection) -> None:
    for table in ("passagelink", "passagequote"):
        create_table(conn, table)


def _passage_evidence(conn: Connection) -> None:
    add_column(conn, "passage", "evidence", "VARCHAR NOT NULL DEFAULT ''")


MIGRATIONS: list[Migration] = [
    Migration(1, "documents, interviews, speakers, passages, redirects, meta", _baseline),
    Migration(2, "passage links between versions, passages that quote each other", _passage_links),
    Migration(3, "passage.evidence: how each passage's speaker was known", _passage_evidence),
]
CURRENT = MIGRATIONS[-1].version


def version_of(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def has_tables(conn: Connection) -> bool:
    return bool(inspect(conn).get_table_names())


def pending(version: int) -> list[Migration]:
    return [m for m in MIGRATIONS if m.version > version]


def migrate(conn: Connection) -> list[str]:
    """Bring the archive on `conn` (inside a write transaction) to CURRENT.

    Returns what was done, one line a step. An archive without tables is created at
    CURRENT; one with tables but no recorded version predates versioning: version 1.
    """
    version = version_of(conn)
    if version > CURRENT:
        raise SchemaError(
            f"the archive has schema version {version}, newer than this code's {CURRENT}: "
            "update the code"
        )
    if version == 0 and not has_tables(conn):
        SQLModel.metadata.create_all(conn)
        conn.exec_driver_sql(f"PRAGMA user_version = {CURRENT}")
        return [f"created schema version {CURRENT}"]
    done = []
    for migration in pending(version or 1):
        migration.step(conn)
        done.append(f"schema {migration.version}: {migration.what}")
    if version != CURRENT:
        conn.exec_driver_sql(f"PRAGMA user_version = {CURRENT}")
    return done

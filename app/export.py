"""The whole archive out and back in: `archive export --format jsonl|csv OUT`, and
`archive ingest OUT` restoring it with every id as it was.

An export holds every record of every table the archive keeps (speakers, interviews,
their participants, documents, passages, redirects) and the archive's facts (parser and
content versions, schema version), each column under its own name:

- JSON Lines: one file; its first line is the manifest {"archive_export": 1, ...}, then
  one line per record, {"table": "passage", "record": {...}}.
- CSV: a folder with manifest.json and one CSV file per table (RFC 4180, UTF-8, a header
  row; booleans as true/false, JSON lists as their JSON text; None as an empty cell, or as
  backslash-N in a text column that may be None, where a value starting with a backslash
  gets one more, as PostgreSQL's COPY writes them).

Restoring replaces the archive's records with the export's in one transaction, keeping
primary keys (passage ids, document and interview ids), then rebuilds the search index:
permanent links (/p/{id}) and redirects work on the restored archive as before.
"""

from __future__ import annotations

import csv
import json
import types
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, SQLModel, delete, select

from app import store
from app.config import Settings
from app.models import (
    Document,
    Interview,
    InterviewSpeaker,
    Passage,
    PassageRedirect,
    Speaker,
)

FORMAT_VERSION = 1
# in the order a restore inserts them (what a foreign key names comes first)
TABLES: dict[str, type[SQLModel]] = {
    "speaker": Speaker,
    "interview": Interview,
    "interview_speaker": InterviewSpeaker,
    "document": Document,
    "passage": Passage,
    "passage_redirect": PassageRedirect,
}
FILES = {name: f"{name}s.csv" for name in TABLES}
MANIFEST = "manifest.json"
META_KEPT = ("parser_version", "content_version", "updated_at")


class ExportError(ValueError):
    """An export that cannot be restored: said in one line."""


def columns(model: type[SQLModel]) -> list[str]:
    return list(model.model_fields)


def rows(session: Session, model: type[SQLModel]) -> Iterator[dict]:
    keys = [getattr(model, name) for name in columns(model)]
    first = [k for k in keys if getattr(k, "primary_key", False)] or keys[:1]
    for record in session.exec(select(model).order_by(*first)):
        yield {name: getattr(record, name) for name in columns(model)}


def manifest(session: Session, counts: dict[str, int]) -> dict:
    return {
        "archive_export": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "schema_version": store.schema_version(session.get_bind()),
        "meta": {key: store.get_meta(session, key) for key in META_KEPT},
        "counts": counts,
    }


# ---------------------------------------------------------------- export


def export(settings: Settings, out: Path, fmt: str) -> dict[str, int]:
    """Write the archive to `out` (a file for jsonl, a folder for csv); record counts."""
    if fmt not in ("jsonl", "csv"):
        raise ExportError(f"unknown format {fmt!r}: use jsonl or csv")
    if not settings.db_path.exists():
        raise ExportError(f"no archive at {settings.db_path}")
    engine = store.read_engine(settings.db_path)
    try:
        with Session(engine) as session:
            tables = {name: list(rows(session, model)) for name, model in TABLES.items()}
            counts = {name: len(records) for name, records in tables.items()}
            head = manifest(session, counts)
    finally:
        engine.dispose()
    if fmt == "jsonl":
        write_jsonl(out, head, tables)
    else:
        write_csv(out, head, tables)
    return counts


def write_jsonl(out: Path, head: dict, tables: dict[str, list[dict]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(head, ensure_ascii=False) + "\n")
        for name, records in tables.items():
            for record in records:
                f.write(json.dumps({"table": name, "record": record}, ensure_ascii=False) + "\n")


NULL = "\\N"  # None in a text column that can be None ("" is a value there)


def nullable_text(info) -> bool:
    args = typing.get_args(info.annotation)
    return str in args and type(None) in args


def cell(value, info) -> str:
    if value is None:
        return NULL if nullable_text(info) else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if nullable_text(info) and str(value).startswith("\\"):
        return "\\" + str(value)
    return str(value)


def write_csv(out: Path, head: dict, tables: dict[str, list[dict]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_text(json.dumps(head, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for name, records in tables.items():
        with open(out / FILES[name], "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns(TABLES[name]))
            fields = TABLES[name].model_fields
            for record in records:
                writer.writerow([cell(record[c], fields[c]) for c in columns(TABLES[name])])


# ---------------------------------------------------------------- restore


def is_export(path: Path) -> bool:
    """A JSON Lines export (its first line a manifest) or a CSV export folder."""
    if path.is_dir():
        return (path / MANIFEST).is_file()
    if path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson"):
        with open(path, encoding="utf-8", errors="replace") as f:
            return '"archive_export"' in f.readline()
    return False


def read_export(path: Path) -> tuple[dict, dict[str, list[dict]]]:
    """(manifest, table -> records as typed values), or ExportError saying what is wrong."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    if path.is_dir():
        head = json.loads((path / MANIFEST).read_text("utf-8"))
        for name, model in TABLES.items():
            with open(path / FILES[name], encoding="utf-8", newline="") as f:
                tables[name] = [typed(model, row, from_text=True) for row in csv.DictReader(f)]
    else:
        with open(path, encoding="utf-8") as f:
            head = json.loads(f.readline())
            for number, line in enumerate(f, start=2):
                if not line.strip():
                    continue
                item = json.loads(line)
                if item.get("table") not in TABLES:
                    raise ExportError(
                        f"{path.name} line {number}: unknown table {item.get('table')!r}"
                    )
                tables[item["table"]].append(typed(TABLES[item["table"]], item["record"]))
    if head.get("archive_export") != FORMAT_VERSION:
        raise ExportError(f"{path.name}: not an archive export of format {FORMAT_VERSION}")
    for name, expected in head.get("counts", {}).items():
        if len(tables.get(name, [])) != expected:
            raise ExportError(
                f"{path.name}: {name} holds {len(tables.get(name, []))} records, "
                f"the manifest says {expected} (a truncated export?)"
            )
    return head, tables


def base_type(annotation) -> type:
    """int for `int | None`, str for `str`: the type a column's text converts to."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def typed(model: type[SQLModel], record: dict, from_text: bool = False) -> dict:
    """A record's values as the model's column types. Missing columns are an error: a
    restore must not invent values."""
    out = {}
    for name, info in model.model_fields.items():
        if name not in record:
            raise ExportError(f"a {model.__name__} record lacks its column {name!r}")
        value = record[name]
        kind = base_type(info.annotation)
        if from_text and nullable_text(info):
            value = None if value == NULL else value[1:] if value.startswith("\\") else value
        elif from_text and kind is not str:
            if value == "":
                value = None
            elif kind is bool:
                value = value == "true"
            elif kind is int:
                value = int(value)
        out[name] = value
    return out


def restore(settings: Settings, path: Path) -> dict[str, int]:
    """Replace the archive's records with the export's (ids kept) in one transaction and
    rebuild the search index. Returns the counts restored."""
    from app.ingest import reindex_if_stale, writer_lock

    try:
        head, tables = read_export(path)
    except (OSError, json.JSONDecodeError, csv.Error, ValueError, KeyError) as exc:
        if isinstance(exc, ExportError):
            raise
        raise ExportError(f"{path.name}: cannot read the export ({exc})") from None
    with writer_lock(settings.db_path):
        engine = store.write_engine(settings.db_path)
        with Session(engine) as session:
            for model in reversed(TABLES.values()):
                session.exec(delete(model))
            for name, model in TABLES.items():
                session.add_all(model(**record) for record in tables[name])
                session.flush()  # in table order: what a key names exists first
            for key, value in head.get("meta", {}).items():
                if key in META_KEPT and key != "content_version" and value:
                    store.set_meta(session, key, value)
            # a restore is a change: answers cached before it must not be reused
            store.bump_content_version(session)
            session.commit()
        reindex_if_stale(settings, engine)
        engine.dispose()
    return {name: len(records) for name, records in tables.items()}

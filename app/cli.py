"""archive ingest | add | export | reindex | serve."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from app.config import ROOT, Settings, settings_for

app = typer.Typer(help="The AI-lab interview archive.", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Archive file (default data/archive.db, or $ARCHIVE_DB)."),
]


# Exit codes (the README lists them): what a script calling the CLI can act on.
OK, FILES_FAILED, BAD_ARGUMENTS, LOCKED, NOT_WRITTEN = 0, 1, 2, 3, 4


@contextmanager
def one_line_errors():
    """Errors a user can meet end in one line with the file and the reason, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.ingest import IndexNotBuilt, IngestLocked, reason

    try:
        yield
    except IngestLocked as exc:
        fail(str(exc), LOCKED)
    except IndexNotBuilt as exc:
        fail(str(exc), NOT_WRITTEN)
    except OSError as exc:
        fail(f"cannot write: {reason(exc)}", NOT_WRITTEN)
    except SQLAlchemyError as exc:  # disk full at commit, a file that is not an archive
        fail(f"archive not written: {getattr(exc, 'orig', None) or exc}", NOT_WRITTEN)


def fail(message: str, code: int):
    console.print(f"[red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def settings(db: Path | None) -> Settings:
    return settings_for(db) if db else Settings()


def summary_table(report) -> Table:
    table = Table(title="Ingest summary", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in report.totals.items():
        table.add_row(key, str(value))
    statuses = [f.status for f in report.files]
    for status in ("new", "changed", "unchanged", "skipped", "removed"):
        table.add_row(f"files {status}", str(statuses.count(status)))
    table.add_row("warnings", str(len(report.warnings)))
    table.add_row("failures", str(len(report.failures)))
    return table


def print_report(report) -> None:
    console.print(summary_table(report))
    for name, warning in report.warnings:
        console.print(f"[yellow]warning[/] {name}: {warning}")
    for failure in report.failures:
        console.print(f"[red]failed[/] {failure.name}: {failure.error}", highlight=False)
    for entry in report.skipped:
        console.print(f"skipped {entry.name}: {entry.error}", highlight=False)
    if report.reindexed:
        console.print("search index rebuilt")


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders of source pages (default: seeds/)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Parse source pages into the archive and rebuild the search index; given an export
    (archive export), restore the archive from it with every id."""
    from app.export import is_export
    from app.ingest import ingest as run_ingest
    from app.sources import discover

    paths = paths or [ROOT / "seeds"]
    missing = [p for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(map(str, missing))}", BAD_ARGUMENTS)
    if any(is_export(p) for p in paths):
        restore_export(settings(db), paths)
        return
    total = len(discover(paths)[0])
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"),
        console=console,
        disable=not console.is_terminal and os.environ.get("CI") == "true",
    ) as bar:
        task = bar.add_task("ingest", total=total, name="")
        with one_line_errors():
            report = run_ingest(
                settings(db),
                paths,
                progress=lambda name: bar.update(task, advance=1, name=name),
                stage=lambda what: bar.update(task, name=what + " …"),
            )
    print_report(report)
    if report.index_error:
        fail(report.index_error, NOT_WRITTEN)
    raise typer.Exit(FILES_FAILED if report.failures else OK)


def restore_export(s: Settings, paths: list[Path]) -> None:
    from app.export import ExportError, restore
    from app.ingest import IngestLocked

    if len(paths) != 1:
        console.print("[red]an export is restored alone:[/] give only the export's path")
        raise typer.Exit(2)
    try:
        counts = restore(s, paths[0])
    except ExportError as exc:
        console.print(f"[red]cannot restore:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    except IngestLocked as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(3) from None
    console.print(counts_table("Restored from " + paths[0].name, counts))
    console.print("search index rebuilt")


def counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("records")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key, str(value))
    return table


@app.command("export")
def export_archive(
    out: Annotated[Path, typer.Argument(help="A file (jsonl) or a folder (csv) to write.")],
    format: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    db: DbOption = None,
) -> None:
    """Write the whole archive (documents, interviews, speakers, passages, redirects) to
    OUT; `archive ingest OUT` restores it with every id."""
    from app.export import ExportError, export

    try:
        counts = export(settings(db), out, format)
    except ExportError as exc:
        console.print(f"[red]cannot export:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    console.print(counts_table(f"Exported to {out}", counts))


@app.command()
def add(
    urls: Annotated[list[str], typer.Argument(help="Pages, subtitle files or transcripts.")],
    db: DbOption = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for an answer.")] = 20.0,
    max_mb: Annotated[float, typer.Option(help="Largest download, in MB.")] = 20.0,
) -> None:
    """Fetch pages by URL, keep a snapshot of each and ingest it."""
    from app.fetch import add_urls
    from app.ingest import IngestLocked

    s = settings(db)
    try:
        results = add_urls(s, urls, timeout=timeout, max_bytes=int(max_mb * 1024 * 1024))
    except IngestLocked as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(3) from None
    for r in results:
        if r.status == "failed":
            console.print(f"[red]failed[/] {r.url}: {r.error}", soft_wrap=True)
        else:
            counted = f" ({r.passages} passages)" if r.status in ("new", "changed") else ""
            console.print(f"{r.status} {r.url} → {r.name}{counted}", soft_wrap=True)
    if any(r.status != "failed" for r in results):
        console.print(f"snapshots in {s.sources_dir}")
    raise typer.Exit(1 if any(r.status == "failed" for r in results) else 0)


@app.command()
def reindex(
    db: DbOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Build into this new folder instead, for `archive install-index`."),
    ] = None,
) -> None:
    """Rebuild the search index from the archive."""
    from app.ingest import reindex_if_stale, writer_lock
    from app.store import write_engine

    s = settings(db)
    if out is not None:
        from app.index_copy import build_elsewhere, describe

        with one_line_errors():
            state = build_elsewhere(s, out)
        console.print(f"search index built at {out} ({describe(state)})")
        return
    with one_line_errors(), writer_lock(s.db_path):
        reindex_if_stale(s, write_engine(s.db_path), force=True)
    console.print(f"search index rebuilt at {s.index_root}")


@app.command("install-index")
def install_index(
    folder: Annotated[Path, typer.Argument(help="A folder made by `archive reindex --out`.")],
    db: DbOption = None,
    archive: Annotated[
        Path | None,
        typer.Option(help="First copy this archive file (the one FOLDER was built from) in."),
    ] = None,
) -> None:
    """Switch the archive's search index to a copy of an index built elsewhere."""
    from app.index_copy import install

    s = settings(db)
    console.print(f"search index switched to {install(s, folder, archive)}")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    db: DbOption = None,
    ingest_if_empty: Annotated[
        bool, typer.Option(help="Ingest seeds/ first when the archive is empty.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes sharing the archive and its index.")
    ] = 1,
) -> None:
    """Serve the archive over HTTP."""
    import uvicorn

    s = settings(db)
    if ingest_if_empty and archive_is_empty(s):
        from app.ingest import ingest as run_ingest

        console.print("the archive is empty: ingesting seeds/ first")
        with one_line_errors():
            print_report(run_ingest(s, [s.seeds_dir]))
    if s.db_path.exists():
        from app.store import write_engine

        with one_line_errors():
            write_engine(s.db_path).dispose()  # brings an older archive to this code's schema
    from app.web.app import create_app
    from app.web.serving import HTTP  # TCP_NODELAY: see app/web/serving.py

    console.print(f"serving {s.db_path} on http://{host}:{port} ({workers} worker(s))")
    if workers == 1:
        uvicorn.run(create_app(s), host=host, port=port, http=HTTP)
        return
    # Worker processes import the app by name and make their own Settings: they read the
    # archive and index this process resolved through the environment.
    os.environ["ARCHIVE_DB"] = str(s.db_path)
    os.environ["ARCHIVE_INDEX"] = str(s.index_root)
    uvicorn.run(
        "app.web.app:create_app", factory=True, host=host, port=port, workers=workers, http=HTTP
    )


@app.command("parse")
def parse_file(
    file: Annotated[Path, typer.Argument(help="One source page.")],
    width: Annotated[int, typer.Option(help="How many characters of each passage.")] = 60,
) -> None:
    """Print how one file is parsed: documents, turns, speakers, evidence. No database."""
    from app.parse.pipeline import ParseError, parse_bytes
    from app.parse.speakers import Registry

    if not file.is_file():
        console.print(f"[red]no such file:[/] {file}")
        raise typer.Exit(2)
    try:
        docs = parse_bytes(file.name, file.read_bytes(), Registry.load(ROOT / "data"))
    except (ParseError, ValueError) as exc:
        console.print(f"[red]{file.name}:[/] {exc}")
        raise typer.Exit(1) from None
    out = Console(width=None if console.is_terminal else 160)
    for doc in docs:
        people = ", ".join(f"{p.name} ({role})" for role, p in doc.participants) or "-"
        out.print(f"[bold]{doc.key}[/]  {doc.kind} · {doc.language} · {doc.title!r}")
        out.print(f"  people: {people}", markup=False)
        table = Table(show_header=True, box=None, pad_edge=False)
        for column in ("#", "speaker", "evidence", "role", "label", "starts"):
            table.add_column(column, overflow="fold")
        for n, p in enumerate(doc.passages):
            starts = " ".join(p.text.split())[:width]
            speaker = p.speaker.name if p.speaker else "-"
            table.add_row(str(n), speaker, p.evidence or "-", p.role, p.label or "", starts)
        out.print(table, markup=False)
        for warning in doc.warnings:
            out.print(f"  [yellow]warning[/] {warning}")


@app.command("check-corpus")
def check_corpus(
    folder: Annotated[Path, typer.Argument(help="Pages with golden files.")] = ROOT
    / "tests"
    / "corpus",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Every turn.")] = False,
) -> None:
    """Fidelity report: turns found and attributed as the golden files say."""
    from app.parse.fidelity import check_corpus as run_check
    from app.parse.speakers import Registry

    report = run_check(folder, Registry.load(ROOT / "data"))
    out = Console(width=None if console.is_terminal else 160)
    table = Table(title="Who said it: fidelity over the corpus")
    for column in ("page", "expected", "found", "right", "wrong", "missed", "boilerplate"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for page in report.pages:
        if page.skipped:
            table.add_row(page.name, "", "", "", "", "", f"skipped: {page.skipped}")
            continue
        table.add_row(
            page.name,
            str(len(page.turns)),
            str(sum(t.at_start for t in page.turns)),
            str(page.count("right")),
            str(page.count("wrong")),
            str(page.count("missed") + page.count("lost")),
            str(len(page.boilerplate)),
        )
    out.print(table)
    if verbose:
        for page in report.read:
            for t in page.turns:
                if t.verdict != "right" or not t.at_start:
                    out.print(
                        f"{page.name}: {t.verdict} expected={t.expected!r} found={t.found!r} "
                        f"{'' if t.at_start else '(inside) '}{t.starts[:50]!r}",
                        markup=False,
                    )
            for text in page.boilerplate:
                out.print(f"{page.name}: boilerplate passage {text[:60]!r}", markup=False)
    out.print(
        f"pages read {len(report.read)}, skipped {len(report.pages) - len(report.read)}; "
        f"turns expected {report.expected}, found {report.found}; "
        f"right {report.share('right'):.1%}, wrong {report.share('wrong'):.1%}; "
        f"boilerplate passages {report.boilerplate_passages}; of turns whose speaker the page "
        f"names: right {report.share_nameable('right'):.1%}; titles as the golden files: "
        f"{sum(p.title_ok for p in report.read)} of {len(report.read)}"
    )


def archive_is_empty(s: Settings) -> bool:
    if not s.db_path.exists():
        return True
    from sqlmodel import Session

    from app import store

    with Session(store.read_engine(s.db_path)) as session:
        try:
            return not store.has_passages(session)
        except Exception:  # a file that is not an archive yet
            return True


# Errors a user can meet, each said in one line with its exit code (listed in the README);
# anything else is a bug and keeps its traceback.
EXIT_CODES = {"SchemaError": 4, "IndexCopyError": 5, "IngestLocked": 3}


def main() -> None:
    try:
        app()
    except Exception as exc:
        code = EXIT_CODES.get(type(exc).__name__)
        if code is None:
            raise
        console.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(code)


if __name__ == "__main__":
    main()

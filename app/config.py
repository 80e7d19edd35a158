"""Settings from the environment. Tests build their own Settings instead of touching env."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("whoosh", "tantivy")


def search_engine() -> str:
    """The engine new indexes are built with: ARCHIVE_ENGINE=whoosh (the default, pure
    Python) or tantivy (for archives of a million passages; README, Engines). A reader
    reads whichever engine built the live index folder."""
    engine = os.environ.get("ARCHIVE_ENGINE", "whoosh").strip().lower() or "whoosh"
    if engine not in ENGINES:
        raise ValueError(f"ARCHIVE_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")
    return engine


@dataclass(frozen=True)
class Settings:
    db_path: Path = field(
        default_factory=lambda: Path(os.environ.get("ARCHIVE_DB", ROOT / "data" / "archive.db"))
    )
    # The index lives in folders beside the database; a pointer file names the live one.
    index_dir: Path | None = None
    seeds_dir: Path = ROOT / "seeds"
    data_dir: Path = ROOT / "data"
    page_size: int = 20
    # Larger files are refused: one page's cost in memory and index grows with its size.
    max_file_bytes: int = field(
        default_factory=lambda: int(float(os.environ.get("ARCHIVE_MAX_FILE_MB", "20")) * 1e6)
    )
    allowed_hosts: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            h.strip()
            for h in os.environ.get(
                "ARCHIVE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]"
            ).split(",")
            if h.strip()
        )
    )
    # The public address for citations, canonical links and the sitemap; empty: each
    # request's own scheme, host and port (a server on port 8131 cites :8131, not :8000).
    # Read when Settings() is made, not at import: `archive serve --workers` hands its
    # options to the worker processes through the environment.
    base_url: str = field(default_factory=lambda: os.environ.get("ARCHIVE_BASE_URL", ""))
    # Where `archive add` keeps what it fetched (snapshots and their records).
    sources: Path | None = None

    @property
    def index_root(self) -> Path:
        if self.index_dir is not None:
            return Path(self.index_dir)
        env = os.environ.get("ARCHIVE_INDEX")
        return Path(env) if env else self.db_path.parent / (self.db_path.stem + ".index")

    @property
    def sources_dir(self) -> Path:
        if self.sources is not None:
            return Path(self.sources)
        env = os.environ.get("ARCHIVE_SOURCES")
        return Path(env) if env else self.db_path.parent / "sources"


def settings_for(db_path: str | Path, **kw) -> Settings:
    """Settings for one archive file (the CLI's --db and the tests use this)."""
    return Settings(db_path=Path(db_path), **kw)

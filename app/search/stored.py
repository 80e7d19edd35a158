"""The classes an index file names: NEVER move or rename this module or these names.

whoosh pickles the schema into every index, and with it the class path of our analyzer and
posting formats. The classes say they live here (`__module__ = "app.search.stored"`), so the
index files name `app.search.stored.ArchiveAnalyzer` and `app.search.stored.Offsets`, and
the classes themselves can move between modules freely. Renaming one of these names, or
changing what the classes write, needs an INDEX_FORMAT bump (app.search.index): archives
then rebuild their index on the next ingest. An index that cannot be opened at all is
rebuilt too (see app.ingest.reindex_if_stale).
"""

from __future__ import annotations

from app.search.analysis import ArchiveAnalyzer, ExactAnalyzer, GramAnalyzer
from app.search.postings import Offsets, Places

__all__ = ["ArchiveAnalyzer", "ExactAnalyzer", "GramAnalyzer", "Offsets", "Places"]

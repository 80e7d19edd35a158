"""IndexEntry: one passage as the search index takes it, under the index's own field names.

The store yields these and app.search.index writes them; nothing renames a key on the way.
It lives apart from index.py so that the store builds entries without loading whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IndexEntry:
    id: str
    text: str
    language: str = ""
    speaker_name: str = ""
    speaker_slug: str = ""
    interview_slug: str = ""
    interview_title: str = ""
    document_key: str = ""
    date: str = ""  # ISO (YYYY, YYYY-MM or YYYY-MM-DD) or whatever the source said
    kind: str = ""
    section: str = ""
    provenance: list[str] = field(default_factory=list)
    timestamp: int | None = None
    ordinal: int = 0
    role: str = ""

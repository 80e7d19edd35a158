"""What pages and API both take from a request: the Session, the SearchIndex, Settings.

create_app() puts the engine, index and settings on app.state; these dependencies hand
them to routes, so routes never open the database or the index themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings
from app.search.index import SearchIndex


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_index(request: Request) -> SearchIndex:
    return request.app.state.index


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def public_base(request: Request) -> str:
    """The address the archive is served at, no trailing slash: ARCHIVE_BASE_URL when set,
    else the request's own scheme, host and port (uvicorn applies X-Forwarded-* from
    trusted proxies to these)."""
    configured = request.app.state.settings.base_url
    if configured:
        return configured.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


SessionDep = Annotated[Session, Depends(get_session)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BaseDep = Annotated[str, Depends(public_base)]

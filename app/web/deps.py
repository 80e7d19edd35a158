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


SessionDep = Annotated[Session, Depends(get_session)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

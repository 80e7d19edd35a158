"""Titles suggested as they are typed: the search page's interview filter.

The filter is a text field (a title or a slug; the search resolves it, app/web/read.py's
interview_slug), so the page no longer lists every interview: at 3,371 interviews their
titles as <option>s made a 300 KB search page that took 37 ms to render. static/site.js
fills the field's <datalist> from this route as the reader types; without scripts the
field still takes a title as typed.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.web import read
from app.web.deps import SessionDep
from app.web.views import Suggestions

router = APIRouter(prefix="/api")
MAX_TYPED = 200  # characters of the typed text that are read (a title is shorter)


@router.get(
    "/suggest/interviews",
    summary="Interview titles for a typed text",
    description="Up to ten interviews whose title holds every word of `q` (case, width "
    "and accents aside), titles that start with the first word first. An empty `q` "
    "suggests nothing. The search page's interview filter takes the title (or the slug).",
    response_model=Suggestions,
)
def suggest_interviews(session: SessionDep, q: str = "") -> Suggestions:
    q = q[:MAX_TYPED]
    return Suggestions(q=q, items=read.interview_suggestions(session, q=q))

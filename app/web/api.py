"""JSON routes: the twin of each page, built from the same app.web.read functions.

The dataclasses of app.web.views are the response models, so the OpenAPI schema at /docs
describes exactly what the pages show.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, RedirectResponse

from app.web import labels, read, views
from app.web.deps import IndexDep, SessionDep, SettingsDep
from app.web.marks import snippet_html

router = APIRouter(prefix="/api", tags=["archive"])

NOT_FOUND = {404: {"description": "No such record."}}


@router.get(
    "/stats",
    summary="What the archive holds (the home page's numbers)",
    response_model=views.HomeStats,
)
def stats(session: SessionDep):
    return read.home_stats(session)


@router.get(
    "/search",
    summary="Search passages",
    description='Words are ANDed; "phrases", OR, -word, prefix*, and the filters '
    "speaker:, interview:, lang:, kind:, date:YYYY[-MM[-DD]][..YYYY] work "
    "in `q` as on the search page. Never fails on odd input: problems "
    "are reported in `message`. `total` and `facets` count every match "
    "(each facet lists its 50 largest values); `terms` are the analysed "
    "forms that snippets mark (`xy*` a prefix, a term with spaces a "
    'phrase, marked only where its words stand together, `"a b"` a quote, '
    "matched in its exact forms, `~xy` a fragment of Han, kana or hangul "
    "text). Each hit links its passage (`url`) and the passage's place in "
    "its interview (`interview_url`), and gives its snippet as text "
    "(`snippet`, with `marks`: [start, end] offsets into it in code points) and "
    "as HTML (`snippet_html`).",
)
def search(
    session: SessionDep,
    index: IndexDep,
    settings: SettingsDep,
    q: str = "",
    speaker: str = "",
    interview: str = "",
    lang: str = "",
    kind: str = "",
    date_from: str = "",
    date_to: str = "",
    page: str = "1",
) -> dict:
    found = read.run_search(
        session,
        index=index,
        q=q,
        speaker=speaker,
        interview=interview,
        lang=lang,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        page=page,
        page_size=settings.page_size,
    )
    out = found.result.to_dict()
    for hit, shown in zip(out["hits"], found.result.hits):
        hit.update(hit_links(shown))
        del hit["snippet"]
        hit.update(snippet_fields(shown.snippet))
    out["speaker_names"] = {
        s: found.speakers[s] for s in out["facets"].get("speaker", {}) if s in found.speakers
    }
    out["interview_titles"] = {
        s: found.interviews[s] for s in out["facets"].get("interview", {}) if s in found.interviews
    }
    return out


def hit_links(hit) -> dict:
    return {
        "url": f"/p/{hit.id}",
        "interview_url": labels.passage_url(hit.interview_slug, hit.document_key, hit.id),
    }


def snippet_fields(snippet) -> dict:
    """The snippet as plain text ("…" where the passage goes on) with the marks as
    [start, end] offsets into that text, and as HTML."""
    before = "…" if snippet.cut_start else ""
    return {
        "snippet": before + snippet.text + ("…" if snippet.cut_end else ""),
        "marks": [[s + len(before), e + len(before)] for s, e in snippet.marks],
        "snippet_html": str(snippet_html(snippet)),
    }


@router.get(
    "/interviews",
    summary="List interviews, newest first",
    response_model=list[views.InterviewCard],
)
def interviews(session: SessionDep, lang: str = "", speaker: str = "", kind: str = ""):
    return read.list_interviews(
        session, lang=lang or None, speaker=speaker or None, kind=kind or None
    )


@router.get(
    "/interviews/{slug}",
    summary="One interview: versions, participants, passages",
    response_model=views.InterviewPage,
    responses=NOT_FOUND,
)
def interview(session: SessionDep, slug: str, version: str = "", page: str = "1", at: str = ""):
    """`passages` holds one window of a long version (`part` of `parts`): `page` picks it,
    or `at`, a passage id, the window holding that passage."""
    found = read.get_interview(session, slug=slug, version=version, part=page, at=at)
    if found is None:
        raise HTTPException(404, "No such interview.")
    return found


@router.get("/speakers", summary="List speakers", response_model=list[views.SpeakerCard])
def speakers(session: SessionDep):
    return read.list_speakers(session)


@router.get(
    "/speakers/{slug}",
    summary="One speaker: interviews, roles, passages (paginated)",
    response_model=views.SpeakerPage,
    responses=NOT_FOUND,
)
def speaker(session: SessionDep, settings: SettingsDep, slug: str, page: str = "1"):
    found = read.get_speaker(session, slug=slug, page=page, page_size=settings.page_size)
    if found is None:
        raise HTTPException(404, "No such speaker.")
    return found


@router.get(
    "/passages/{passage_id}",
    summary="One passage with its context",
    response_model=views.PassagePage,
    responses={
        **NOT_FOUND,
        301: {"description": "The passage moved: Location names its new id."},
        410: {
            "description": "The passage was removed; `interview` links the interview it came from."
        },
    },
)
def passage(session: SessionDep, settings: SettingsDep, passage_id: str):
    found = read.get_passage(session, passage_id=passage_id, base_url=settings.base_url.rstrip("/"))
    if found is None:
        raise HTTPException(404, "No such passage.")
    if isinstance(found, views.Moved):
        if found.new_id:
            return RedirectResponse(f"/api/passages/{found.new_id}", status_code=301)
        return JSONResponse(
            status_code=410,
            content={
                "detail": labels.REMOVED,
                "interview": f"/api/interviews/{found.interview_slug}"
                if found.interview_slug
                else None,
            },
        )
    return found

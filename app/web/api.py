"""JSON routes: the twin of each page, built from the same app.web.read functions.

Conventions (the README's "Pages and API" lists them): a speaker is {slug, name}
everywhere; lists are pages of `items` with `page`, `page_size` (at most 100), `total`,
`next` and `prev`; a bad parameter is a 422 naming it; every error has one shape
(views.ApiError). The dataclasses of app.web.views are the response models, so
/openapi.json describes every field.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from app.web import compare, exports, labels, params, read, views
from app.web.deps import BaseDep, IndexDep, SessionDep, SettingsDep
from app.web.marks import snippet_html

ERRORS = {
    status: {"model": views.ApiError, "description": what}
    for status, what in [
        (404, "No such record."),
        (422, "A parameter is not valid; `parameter` names it."),
    ]
}

router = APIRouter(prefix="/api", tags=["archive"], responses={422: ERRORS[422]})


def page_links(found, request: Request, key: str = "page"):
    """Fill in a list's next and prev URLs: this request's URL with another page (the
    parameter `key` names it)."""
    kept = {k: v for k, v in request.query_params.items() if k != key}

    def url(page: int) -> str:
        return f"{request.url.path}?{urlencode({**kept, key: page})}"

    pages = max(1, -(-found.total // found.page_size))
    found.next = url(found.page + 1) if found.page < pages else None
    found.prev = url(found.page - 1) if found.page > 1 else None
    return found


@router.get(
    "/stats",
    summary="What the archive holds (the home page's numbers)",
    response_model=views.HomeStats,
)
def stats(session: SessionDep):
    return read.home_stats(session)


class SearchHit(BaseModel):
    """One matching passage."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(description="The passage id; /p/{id} is its page.", examples=["4KXQ2M7RZC3A"])
    speaker: views.SpeakerRef | None = Field(description="Who speaks, if known.", examples=[None])
    interview_title: str = Field(description="Its interview's title.", examples=["…"])
    interview_slug: str = Field(description="Its interview's slug.", examples=["lex-fridman-452"])
    document_key: str = Field(description="Its version's key.", examples=["002.txt"])
    date: str = Field(description="ISO date of the interview.", examples=["2024-11-11"])
    language: str = Field(description="Language code.", examples=["de"])
    kind: str = Field(description="Kind of its interview.", examples=["interview"])
    role: str = Field(description="question, answer, turn or narration.", examples=["answer"])
    section: str = Field(description="Heading it stands under.", examples=[""])
    timestamp: int | None = Field(description="Seconds into the recording.", examples=[5905])
    ordinal: int = Field(description="Position in its version.", examples=[3])
    provenance: list[str] = Field(description="Its version's provenance.", examples=[["summary"]])
    score: float = Field(description="BM25 relevance.", examples=[7.31])
    snippet_html: str = Field(
        description="Up to 240 characters, HTML-escaped, matches in <mark>.",
        examples=["…die <mark>Talentdichte</mark>…"],
    )
    url: str = Field(description="The passage's own page.", examples=["/p/4KXQ2M7RZC3A"])
    interview_url: str = Field(
        description="The passage's place in its interview.",
        examples=["/interviews/lex-fridman-452?version=002.txt#4KXQ2M7RZC3A"],
    )
    snippet: str = Field(
        description="The snippet as plain text, with … where the passage goes on.",
        examples=["…die Talentdichte…"],
    )
    marks: list[list[int]] = Field(
        description="[start, end] offsets of the matches in `snippet`, in code points.",
        examples=[[[5, 18]]],
    )


class SearchAnswer(BaseModel):
    """A page of search hits with totals and facets (exact unless `partial`)."""

    model_config = ConfigDict(extra="allow")
    query: str = Field(description="The query as searched.", examples=["Talentdichte"])
    hits: list[SearchHit] = Field(description="This page's hits.", examples=[[]])
    total: int = Field(
        description="Every match, counted exactly; an estimate when `total_is_estimate`.",
        examples=[17],
    )
    total_is_estimate: bool = Field(
        description="True when a budget stopped the search (`partial`): the total is then "
        "estimated from the share of the archive read, and the facets count that share.",
        examples=[False],
    )
    partial: bool = Field(
        description="True when the time or prefix budget stopped the search early; "
        "`message` says which.",
        examples=[False],
    )
    page: int = Field(description="This page, from 1.", examples=[1])
    page_size: int = Field(description="Hits per page (at most 100).", examples=[20])
    pages: int = Field(description="How many pages.", examples=[1])
    next: str | None = Field(description="URL of the next page, or null.", examples=[None])
    prev: str | None = Field(description="URL of the previous page, or null.", examples=[None])
    facets: dict[str, dict[str, int]] = Field(
        description="Counts per speaker, interview, language (50 largest each).",
        examples=[{"language": {"de": 17}}],
    )
    terms: list[str] = Field(
        description="Analysed forms the snippets mark (xy* a prefix, spaces a phrase).",
        examples=[["talentdicht"]],
    )
    did_you_mean: str = Field(description="A corrected query, or empty.", examples=[""])
    message: str = Field(description="What was ignored or shortened, or empty.", examples=[""])
    speaker_names: dict[str, str] = Field(
        description="Names of the speakers in the facets.", examples=[{"dario-amodei": "Dario"}]
    )
    interview_titles: dict[str, str] = Field(
        description="Titles of the interviews in the facets.", examples=[{}]
    )
    sort: str = Field(description="relevance, or date (newest first).", examples=["relevance"])
    filters: list[tuple[str, str, bool]] = Field(
        description="Filters written into q: (name, value, excluded).",
        examples=[[["speaker", "达里奥", False]]],
    )
    filter_notes: list[str] = Field(
        description="Why a filter matches nothing, when it cannot.",
        examples=[["No speaker called “KI”: see the list of speakers for names and aliases."]],
    )
    groups: list[dict] = Field(
        description="With group=interview: this page's hits by interview "
        "(interview_slug, interview_title, hits as ids).",
        examples=[[]],
    )


@router.get(
    "/search",
    summary="Search passages",
    description='Words are ANDed; "phrases", OR, -word, prefix*, and the filters '
    "speaker:, interview:, lang:, kind:, date:YYYY[-MM[-DD]][..YYYY] work "
    "in `q` as on the search page. Odd query text is never an error: problems "
    "are reported in `message`; bad parameters (page, page_size, dates, sort, group, "
    "format) are a 422. `total` and `facets` count every match (each facet lists its 50 "
    "largest values); `terms` are the analysed forms that snippets mark (`xy*` a prefix, "
    'a term with spaces a phrase, marked only where its words stand together, `"a b"` a '
    "quote, matched in its exact forms, `~xy` a fragment of Han, kana or hangul text). "
    "Each hit links its passage (`url`) and the passage's place in its interview "
    "(`interview_url`), and gives its snippet as text (`snippet`, with `marks`: "
    "[start, end] offsets into it in code points) and as HTML (`snippet_html`). "
    "`format=csv` or `format=jsonl` gives the page's hits as CSV or JSON Lines; "
    "`sort=date` puts the newest first; `group=interview` adds `groups`.",
    response_model=SearchAnswer,
)
def search(
    request: Request,
    response: Response,
    session: SessionDep,
    index: IndexDep,
    settings: SettingsDep,
    base: BaseDep,
    filters: params.FiltersDep,
    q: str = "",
    page: str = "1",
    page_size: str = "",
    sort: str = "",
    group: str = "",
    format: str = "",
):
    shape = params.choice("format", format, ("json", "csv", "jsonl"))
    asked = filters.checked()
    asked["interview"] = read.interview_slug(session, asked["interview"])
    found = read.run_search(
        session,
        index=index,
        q=q,
        **asked,
        page=params.page(page),
        page_size=params.page_size(page_size, settings.page_size),
        sort=params.choice("sort", sort, ("relevance", "date")) or "relevance",
        group=params.choice("group", group, ("interview",)) == "interview",
    )
    result = found.result
    # a search a budget cut short depends on the machine's load: never kept (caching.py)
    unkept = {"cache-control": "no-store"} if result.partial else None
    if unkept:
        response.headers.update(unkept)
    if shape == "csv":
        return PlainTextResponse(
            exports.search_csv(result.hits, base),
            media_type="text/csv; charset=utf-8",
            headers=unkept,
        )
    if shape == "jsonl":
        return PlainTextResponse(
            exports.search_jsonl(result.hits, base),
            media_type="application/x-ndjson; charset=utf-8",
            headers=unkept,
        )
    out = result.to_dict()
    for hit, shown in zip(out["hits"], result.hits):
        hit.update(hit_links(shown))
        del hit["snippet"]
        hit.update(snippet_fields(shown.snippet))
        slug = hit.pop("speaker_slug", "")
        hit["speaker"] = {"slug": slug, "name": hit["speaker"]} if slug else None
    out["speaker_names"] = {
        s: found.speakers[s] for s in out["facets"].get("speaker", {}) if s in found.speakers
    }
    out["interview_titles"] = {
        s: found.interviews[s] for s in out["facets"].get("interview", {}) if s in found.interviews
    }
    out["filter_notes"] = found.notes
    links = page_links(
        views.PassageList([], result.page, result.page_size, result.total, None, None), request
    )
    out["next"], out["prev"] = links.next, links.prev
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
    summary="List interviews, newest first (paginated)",
    response_model=views.InterviewList,
)
def interviews(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    asked: params.InterviewFiltersDep,
):
    found = read.interview_list(
        session,
        **asked.checked(),
        page=params.page(asked.page),
        page_size=params.page_size(asked.page_size, settings.page_size),
        last=False,
    )
    return page_links(found, request)


@router.get(
    "/interviews/{slug}",
    summary="One interview: versions, participants, passages",
    response_model=views.InterviewPage,
    responses={404: ERRORS[404]},
)
def interview(
    session: SessionDep,
    slug: str,
    version: str = "",
    near: str = "",
    page: str = "1",
    at: str = "",
):
    """`passages` holds one window of a long version (`part` of `parts`): `page` picks it,
    or `at`, a passage id, the window holding that passage; `near`, a passage of another
    version, opens this version at its counterpart."""
    found = read.get_interview(
        session, slug=slug, version=version, near=near[:64], part=page, at=at[:64]
    )
    if found is None:
        raise HTTPException(404, "No such interview.")
    if version and found.version.key != version:
        keys = ", ".join(v.key for v in found.versions)
        raise params.BadParameter(
            "version", f"This interview has no version {version!r}; it has {keys}."
        )
    return found


@router.get(
    "/interviews/{slug}/compare",
    summary="Two versions side by side: rows of passages that say the same",
    description="`a` and `b` are version keys (document keys); unknown or missing keys "
    "fall back to the first versions. A row with one side empty is a gap: that version "
    "has nothing there. `score` (0..1) is how sure the alignment is. Long versions come "
    "a window of 400 rows at a time (`part` of `parts`): `page` picks it, or `at`, a "
    "passage id of either version, the window holding that passage. A row is never "
    "cut: every passage stands in one window, beside its counterparts.",
    response_model=views.ComparePage,
    responses={404: ERRORS[404]},
)
def compare_versions(
    session: SessionDep, slug: str, a: str = "", b: str = "", page: str = "1", at: str = ""
):
    found = compare.get_compare(session, slug=slug, a=a[:500], b=b[:500], part=page, at=at[:64])
    if found is None:
        raise HTTPException(404, "No such interview.")
    return found


@router.get("/speakers", summary="List speakers (paginated)", response_model=views.SpeakerList)
def speakers(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    page: str = "1",
    page_size: str = "",
):
    found = read.speaker_list(
        session,
        page=params.page(page),
        page_size=params.page_size(page_size, settings.page_size),
    )
    return page_links(found, request)


@router.get(
    "/speakers/{slug}",
    summary="One speaker: interviews, roles, passages (paginated)",
    description="`appearances` (their interviews, newest first, with their roles) and "
    "`passages` are two lists of pages: `page` and `page_size` page the passages, "
    "`appearances_page` the interviews (20 to a page, the interviews list's size).",
    response_model=views.SpeakerPage,
    responses={404: ERRORS[404]},
)
def speaker(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    slug: str,
    page: str = "1",
    page_size: str = "",
    appearances_page: str = "1",
):
    found = read.get_speaker(
        session,
        slug=slug,
        page=params.page(page),
        page_size=params.page_size(page_size, settings.page_size),
        appearances_page=params.whole("appearances_page", appearances_page, 1, 1, 10_000),
        appearances_size=settings.page_size,
    )
    if found is None:
        raise HTTPException(404, "No such speaker.")
    page_links(found.passages, request)
    page_links(found.appearances, request, key="appearances_page")
    return found


@router.get(
    "/passages/{passage_id}",
    summary="One passage with its context and citation",
    response_model=views.PassagePage,
    responses={
        404: ERRORS[404],
        301: {"description": "The passage moved: Location names its new id."},
        410: {
            "model": views.ApiError,
            "description": "The passage was removed; `interview` links the interview it came from.",
        },
    },
)
def passage(session: SessionDep, base: BaseDep, passage_id: str):
    found = read.get_passage(session, passage_id=passage_id, base_url=base)
    if found is None:
        raise HTTPException(404, "No such passage.")
    if isinstance(found, views.Moved):
        if found.new_id:
            return RedirectResponse(f"/api/passages/{found.new_id}", status_code=301)
        return error_response(
            410,
            labels.REMOVED,
            interview=f"/api/interviews/{found.interview_slug}" if found.interview_slug else None,
        )
    return found


def error_response(
    status: int,
    detail: str,
    *,
    parameter: str | None = None,
    interview: str | None = None,
    headers: dict | None = None,
) -> JSONResponse:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = views.ApiError(status, title, detail, parameter, interview)
    return JSONResponse(body.__dict__, status_code=status, headers=headers)

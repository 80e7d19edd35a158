"""HTML routes. Each page renders what one function of app.web.read returns.

The Jinja2 environment is built here with autoescape on for every template: Starlette's
default escapes only .html/.htm/.xml, and sitemap.xml or a future .txt template must not
be the one that lets a scraped `<script>` through.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from app.config import ROOT
from app.web import compare, exports, labels, read
from app.web.deps import BaseDep, IndexDep, SessionDep, SettingsDep, public_base
from app.web.facets import facet_lists
from app.web.marks import highlight, shared_words, snippet_html
from app.web.params import FiltersDep, InterviewFiltersDep
from app.web.views import Moved

router = APIRouter(include_in_schema=False)
LATEST = 6  # interviews the home page shows
# Parameters are repeated in every link of a page: a 100 KB query made an 11 MB search
# page. They are cut as the search cuts its query (its MAX_QUERY).
MAX_PARAM = 500


def capped(value: str) -> str:
    return value[:MAX_PARAM]


FILTER_NAMES = {
    "speaker": "Speaker",
    "interview": "Interview",
    "lang": "Language",
    "kind": "Kind",
    "date": "Date",
}


def drop_filter(q: str, name: str, value: str, excluded: bool) -> str:
    """The query without one filter written into it (the filter panel's × link)."""
    sign = "-" if excluded else ""
    clause = rf'(?<!\S){sign}{name}:(?:"{re.escape(value)}"?|{re.escape(value)}\*?)(?!\S)'
    return " ".join(re.sub(clause, " ", q, count=1, flags=re.I).split())


def marker(terms: list[str]):
    """text -> Markup with the terms marked; the one place pages mark source text."""

    def mark(text: str) -> Markup | str:
        return highlight(text, terms) if terms else text

    return mark


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        link=labels.link,
        passage_url=labels.passage_url,
        counterpart_url=labels.counterpart_url,
        shared_words=shared_words,
        mark=marker([]),
        snippet_html=snippet_html,
        languages=labels.LANGUAGES,
        kinds=labels.KINDS,
        script_lang=labels.text_language,
        drop_filter=drop_filter,
        filter_names=FILTER_NAMES,
    )
    env.filters["language"] = labels.language_name
    env.filters["endonym"] = labels.endonym
    env.filters["kind"] = labels.kind_name
    return env


templates = Jinja2Templates(env=environment())


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("base", public_base(request))  # canonical and og:url links
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status_code: int, detail: str = "") -> HTMLResponse:
    return render(
        request,
        "error.html",
        status_code=status_code,
        status=status_code,
        detail=detail,
        interview_slug="",
    )


def not_found(request: Request) -> HTMLResponse:
    return error_page(request, 404, "Not Found")


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep):
    return render(
        request,
        "home.html",
        stats=read.home_stats(session),
        latest=read.latest_interviews(session, limit=LATEST),
        speakers=read.list_speakers(session),
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: SessionDep,
    index: IndexDep,
    settings: SettingsDep,
    asked: FiltersDep,
    q: str = "",
    page: str = "1",
    sort: str = "",
    group: str = "",
):
    filters = asked.each(capped)
    filters["interview"] = read.interview_slug(session, filters["interview"])
    q = capped(q)
    # how the hits are shown: kept in every link of the page, left out when default
    view = dict(sort="date" if sort == "date" else "", group="interview" if group else "")
    found = read.run_search(
        session,
        index=index,
        q=q,
        page=capped(page),
        page_size=settings.page_size,
        sort=view["sort"] or "relevance",
        group=bool(view["group"]),
        **filters,
    )
    page_built = render(
        request,
        "search.html",
        q=q,
        filters=filters,
        view=view,
        found=found,
        result=found.result,
        mark=marker(found.result.terms),
        options=read.filter_options(session),
        interview_field=read.interview_field(session, filters["interview"]),
        facets=facet_lists(found, filters, dict(filters, q=q, **view)),
    )
    return unkept_when_partial(page_built, found.result.partial)


def unkept_when_partial(response: Response, partial: bool) -> Response:
    """A search a time budget cut short depends on the machine's load, not the archive:
    neither the server (app/web/caching.py) nor a browser may keep it."""
    if partial:
        response.headers["cache-control"] = "no-store"
    return response


@router.get("/interviews", response_class=HTMLResponse)
def interviews(
    request: Request, session: SessionDep, settings: SettingsDep, asked: InterviewFiltersDep
):
    # a page at a time: the whole list read every interview of the archive
    filters = asked.asked()
    found = read.interview_list(
        session, page=capped(asked.page), page_size=settings.page_size, last=True, **filters
    )
    return render(
        request,
        "interviews.html",
        found=found,
        pages=max(1, -(-found.total // found.page_size)),
        filters=filters,
        options=read.filter_options(session),
    )


@router.get("/interviews/{slug}.txt", response_class=PlainTextResponse)
def interview_text(session: SessionDep, base: BaseDep, slug: str, version: str = ""):
    found = read.whole_interview(session, slug=slug, version=version)
    if found is None:
        return PlainTextResponse("No such interview.\n", status_code=404)
    return PlainTextResponse(exports.interview_text(found, base))


@router.get("/interviews/{slug}.md", response_class=PlainTextResponse)
def interview_markdown(session: SessionDep, base: BaseDep, slug: str, version: str = ""):
    found = read.whole_interview(session, slug=slug, version=version)
    if found is None:
        return PlainTextResponse("No such interview.\n", status_code=404)
    return PlainTextResponse(
        exports.interview_markdown(found, base), media_type="text/markdown; charset=utf-8"
    )


@router.get("/interviews/{slug}", response_class=HTMLResponse)
def interview(
    request: Request,
    session: SessionDep,
    slug: str,
    version: str = "",
    q: str = "",
    near: str = "",
    page: str = "1",
    at: str = "",
):
    found = read.get_interview(
        session,
        slug=slug,
        version=capped(version),
        near=near[:64],
        part=capped(page),
        at=capped(at),
    )
    if found is None:
        return not_found(request)
    q = capped(q)
    return render(request, "interview.html", page=found, q=q, mark=marker(read.search_terms(q)))


@router.get("/interviews/{slug}/compare", response_class=HTMLResponse)
def compare_versions(
    request: Request,
    session: SessionDep,
    slug: str,
    a: str = "",
    b: str = "",
    page: str = "1",
    at: str = "",
):
    found = compare.get_compare(
        session, slug=slug, a=capped(a), b=capped(b), part=capped(page), at=capped(at)
    )
    if found is None:
        return not_found(request)
    return render(request, "compare.html", page=found)


@router.get("/p/{passage_id}", response_class=HTMLResponse)
def passage(request: Request, session: SessionDep, base: BaseDep, passage_id: str):
    found = read.get_passage(session, passage_id=passage_id, base_url=base)
    if found is None:
        return not_found(request)
    if isinstance(found, Moved):
        if found.new_id:
            return RedirectResponse(f"/p/{found.new_id}", status_code=301)
        return render(
            request,
            "error.html",
            status_code=410,
            status=410,
            detail=labels.REMOVED,
            interview_slug=found.interview_slug,
        )
    return render(request, "passage.html", page=found)


@router.get("/speakers", response_class=HTMLResponse)
def speakers(request: Request, session: SessionDep):
    return render(request, "speakers.html", speakers=read.list_speakers(session))


@router.get("/speakers/{slug}", response_class=HTMLResponse)
def speaker(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    slug: str,
    page: str = "1",
    appearances_page: str = "1",
):
    found = read.get_speaker(
        session,
        slug=slug,
        page=page,
        page_size=settings.page_size,
        appearances_page=appearances_page,
        appearances_size=settings.page_size,
    )
    if found is None:
        return not_found(request)
    return render(request, "speaker.html", page=found)


@router.get("/api", response_class=HTMLResponse)
@router.get("/docs", response_class=HTMLResponse)
def api_index(request: Request):
    """The JSON routes as the OpenAPI schema describes them (/openapi.json has it all).

    Served at /docs too, in place of Swagger UI, whose CDN scripts and inline code the
    Content-Security-Policy forbids."""
    routes = [
        dict(
            path=path,
            summary=op.get("summary", ""),
            about=op.get("description", ""),
            params=[p["name"] for p in op.get("parameters", [])],
        )
        for path, ops in request.app.openapi()["paths"].items()
        for op in ops.values()
    ]
    return render(request, "api.html", routes=routes)


@router.get("/sitemap.xml")
def sitemap(request: Request, session: SessionDep, base: BaseDep):
    """The archive's pages, or, past one file's 50,000 URLs, an index of the files."""
    files = read.sitemap_files(session)
    if files == 1:
        return urlset(session, base, 1)
    body = templates.get_template("sitemap-index.xml").render(base_url=base, files=files)
    return Response(body, media_type="application/xml")


@router.get("/sitemap-{part}.xml")
def sitemap_file(request: Request, session: SessionDep, base: BaseDep, part: int):
    if not 1 <= part <= read.sitemap_files(session):
        return not_found(request)
    return urlset(session, base, part)


def urlset(session: SessionDep, base: str, part: int) -> Response:
    body = templates.get_template("sitemap.xml").render(
        base_url=base, paths=read.sitemap_paths(session, part=part)
    )
    return Response(body, media_type="application/xml")

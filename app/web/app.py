"""create_app(settings): the web application over one archive file and its search index.

The server only reads: SQLite is opened read-only (an ingest in another process writes
through WAL while pages keep reading the previous state), and one SearchIndex lives as
long as the app, because opening an index searcher per request costs ~120 ms.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

from app.config import ROOT, Settings
from app.search.index import INDEX_FORMAT, SearchIndex, current_folder, is_tantivy
from app.store import get_meta, read_engine
from app.web import api, feeds, pages, read, typeahead
from app.web.caching import ConditionalGet
from app.web.deps import public_base
from app.web.params import BadParameter

SECURITY_HEADERS = [
    # default-src 'self' alone would allow <base> and framing; nothing here needs either
    (
        b"content-security-policy",
        b"default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
READ_METHODS = {"GET", "HEAD"}
# Data others may fetch from their own pages: GET from any origin (no cookies are used)
CROSS_ORIGIN = ("/api/", "/feeds/", "/openapi.json")
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Content-Type"),
]
PREFLIGHT_HEADERS = CORS_HEADERS + [
    (b"access-control-allow-methods", b"GET, HEAD"),
    (b"access-control-allow-headers", b"If-None-Match, Accept"),
    (b"access-control-max-age", b"86400"),
]


def machine_path(path: str) -> bool:
    """Paths whose errors are JSON (views.ApiError) rather than pages."""
    return path.startswith(("/api/", "/feeds/")) or path == "/api"


def host_allowed(scope, allowed: tuple[str, ...]) -> bool:
    """The Host header's name (no port) is one of `allowed`; "*" allows any, "*.x" any
    subdomain of x (as Starlette's TrustedHostMiddleware, whose plain-text 400 this
    replaces so that /api/* answers JSON)."""
    if "*" in allowed:
        return True
    host = Headers(scope=scope).get("host", "")
    host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
    return any(
        host == name or (name.startswith("*.") and host.endswith(name[1:])) for name in allowed
    )


class ReadOnlySite:
    """ASGI middleware: GET and HEAD only (405 otherwise), known hosts only (400), CORS
    for the data routes (and their preflight), security headers on every answer.

    HEAD runs the GET route and drops the body, so every page answers HEAD too."""

    def __init__(self, app, allowed_hosts: tuple[str, ...]):
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        extra = SECURITY_HEADERS + (CORS_HEADERS if path.startswith(CROSS_ORIGIN) else [])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            elif message["type"] == "http.response.body" and method == "HEAD":
                message = {**message, "body": b""}
            await send(message)

        if not host_allowed(scope, self.allowed_hosts):
            response = refusal(path, 400, "Invalid host header.")
        elif method == "OPTIONS" and path.startswith(CROSS_ORIGIN):
            response = Response(status_code=204, headers={"Allow": "GET, HEAD, OPTIONS"})
            extra = SECURITY_HEADERS + PREFLIGHT_HEADERS
        elif method not in READ_METHODS:
            response = refusal(path, 405, "Method Not Allowed: this archive is read-only.")
            response.headers["Allow"] = "GET, HEAD"
        else:
            if method == "HEAD":
                scope = {**scope, "method": "GET"}
            return await self.app(scope, receive, send_with_headers)
        return await response(scope, receive, send_with_headers)


def refusal(path: str, status: int, detail: str) -> Response:
    if machine_path(path):
        return api.error_response(status, detail)
    return PlainTextResponse(detail + "\n", status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.index.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="AI-lab interview archive",
        summary="Interviews with the people who build AI, searchable and citable.",
        version="0.1.0",
        lifespan=lifespan,
        # Swagger UI and ReDoc load scripts from a CDN and run inline code, which
        # the CSP forbids; /api describes the routes in plain HTML instead.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = read_engine(settings.db_path)
    app.state.index = SearchIndex(settings.index_root)
    app.add_middleware(ConditionalGet, engine_of=lambda: app.state.engine)
    # outermost: even a 400 carries the headers
    app.add_middleware(ReadOnlySite, allowed_hosts=tuple(settings.allowed_hosts))
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    app.include_router(typeahead.router)
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(pages.router)
    add_error_pages(app)
    add_plain_routes(app)
    return app


def add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if machine_path(request.url.path):
            return api.error_response(exc.status_code, str(exc.detail), headers=headers)
        if exc.status_code in (404, 410):
            return pages.error_page(request, exc.status_code, str(exc.detail))
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code, headers=headers)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter) -> Response:
        return api.error_response(422, exc.message, parameter=exc.parameter)

    @app.exception_handler(OperationalError)
    async def archive_unavailable(request: Request, exc: OperationalError) -> Response:
        # no archive file yet, or another process holds it too long: a clear 503, not a 500
        if machine_path(request.url.path):
            return api.error_response(503, "The archive is not available.")
        return pages.error_page(request, 503, "The archive is not available right now.")

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # parameters are plain strings checked by app.web.params, so this only follows a
        # malformed request
        first = exc.errors()[0] if exc.errors() else {}
        where = [str(x) for x in first.get("loc", ())[1:]]
        return api.error_response(
            422, f"Bad request: {first.get('msg', 'not valid')}.", parameter=".".join(where) or None
        )


def add_plain_routes(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> JSONResponse:
        try:
            with Session(request.app.state.engine) as session:
                passages = read.archive_ready(session)
                version = f"{get_meta(session, 'content_version')}+{INDEX_FORMAT}"
        except Exception as exc:  # a missing or broken archive: say so, do not crash
            return JSONResponse(
                {"status": "unavailable", "error": type(exc).__name__}, status_code=503
            )
        return index_health(request.app.state.index, passages, version)

    @app.get("/robots.txt", include_in_schema=False)
    def robots(request: Request) -> PlainTextResponse:
        base = public_base(request)
        # search result pages are endless combinations of the same passages
        return PlainTextResponse(
            f"User-agent: *\nDisallow: /search\nDisallow: /api/\nSitemap: {base}/sitemap.xml\n"
        )


def index_health(index: SearchIndex, passages: int, version: str) -> JSONResponse:
    """503 when there is no readable index; "behind" when it was built from an older
    archive (an ingest killed between its commit and its index switch, a failed build):
    search still answers, from the older index, until the next ingest or reindex."""
    state, built_from = index.state()
    body = {
        "status": "ok",
        "passages": passages,
        "indexed": state == "ok",
        "index": state,
        "engine": live_engine(index),
    }
    if state != "ok":
        body.update(status="unavailable", error=index.problem or "no search index")
        return JSONResponse(body, status_code=503)
    if built_from != version:
        body.update(status="degraded", index="behind")
    return JSONResponse(body)


def live_engine(index: SearchIndex) -> str | None:
    """The engine that built the live index folder, whoosh or tantivy (the server reads
    whichever it finds, whatever ARCHIVE_ENGINE says now); None when there is no folder."""
    folder = current_folder(index.root)
    if folder is None or not folder.is_dir():
        return None
    return "tantivy" if is_tantivy(folder) else "whoosh"

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
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app.config import ROOT, Settings
from app.search.index import INDEX_FORMAT, SearchIndex
from app.store import get_meta, read_engine
from app.web import api, pages, read

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


class ReadOnlySite:
    """ASGI middleware: GET and HEAD only (405 otherwise), security headers on every answer.

    HEAD runs the GET route and drops the body, so every page answers HEAD too."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": list(message.get("headers", [])) + SECURITY_HEADERS,
                }
            elif message["type"] == "http.response.body" and method == "HEAD":
                message = {**message, "body": b""}
            await send(message)

        if method not in READ_METHODS:
            response = PlainTextResponse(
                "Method Not Allowed: this archive is read-only.\n",
                status_code=405,
                headers={"Allow": "GET, HEAD"},
            )
            return await response(scope, receive, send_with_headers)
        if method == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send_with_headers)


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
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(ReadOnlySite)  # outermost: even a 400 carries the headers
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    add_error_pages(app)
    add_plain_routes(app)
    return app


def add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code not in (404, 410):
            return JSONResponse(
                {"detail": exc.detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return pages.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def archive_unavailable(request: Request, exc: OperationalError) -> Response:
        # no archive file yet, or another process holds it too long: a clear 503, not a 500
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "The archive is not available."}, status_code=503)
        return pages.error_page(request, 503, "The archive is not available right now.")

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # path parameters are plain strings, so this only follows a malformed request
        return JSONResponse({"detail": "Bad request."}, status_code=400)


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
        base = request.app.state.settings.base_url.rstrip("/")
        # search result pages are endless combinations of the same passages
        return PlainTextResponse(
            f"User-agent: *\nDisallow: /search\nDisallow: /api/\nSitemap: {base}/sitemap.xml\n"
        )


def index_health(index: SearchIndex, passages: int, version: str) -> JSONResponse:
    """503 when there is no readable index; "behind" when it was built from an older
    archive (an ingest killed between its commit and its index switch, a failed build):
    search still answers, from the older index, until the next ingest or reindex."""
    state, built_from = index.state()
    body = {"status": "ok", "passages": passages, "indexed": state == "ok", "index": state}
    if state != "ok":
        body.update(status="unavailable", error=index.problem or "no search index")
        return JSONResponse(body, status_code=503)
    if built_from != version:
        body.update(status="degraded", index="behind")
    return JSONResponse(body)

# The archive as one image: the package, the seed archive ingested at build time, uvicorn
# on port 8000 as a non-root user. Build: docker build -t archive .  Run: docker run -p 8000:8000 archive
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ARCHIVE_DB=/srv/archive/data/archive.db \
    ARCHIVE_ALLOWED_HOSTS=localhost,127.0.0.1
# No ARCHIVE_BASE_URL: citations name the address a request came to (docker run -p 8131:8000
# cites :8131); set it when the archive is served behind a public name.

WORKDIR /srv/archive

# Dependencies first, so that code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY app/__init__.py app/__init__.py
RUN pip install -e .

# Editable install: the app finds templates/, static/, data/ and seeds/ beside app/.
COPY app app
COPY data data
COPY templates templates
COPY static static
COPY seeds seeds

RUN useradd --system --uid 10001 --home-dir /srv/archive --shell /usr/sbin/nologin archive \
    && chown -R archive:archive data
USER archive

# The archive is built into the image; the server opens it read-only. The index folder must
# stay writable by this user: readers leave a lease file there while they use a build.
RUN archive ingest --db "$ARCHIVE_DB" seeds/

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["uvicorn", "app.web.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]

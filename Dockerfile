# Recur: the GraphQL API and the single-page app in one image.
#
#   docker build -t recur .
#   docker run -p 8000:8000 -e RECUR_DATABASE_URL=postgresql+asyncpg://... \
#       -e RECUR_SECRET_KEY=... recur
#
# The container migrates the database, then serves on 0.0.0.0:8000.
# docker-compose.yml runs it next to PostgreSQL.

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 recur \
    && useradd --system --uid 10001 --gid recur --home-dir /app --shell /usr/sbin/nologin recur

WORKDIR /app

# The exact, hash-checked versions of requirements.lock, then the package itself (a regular,
# non-editable install) without resolving anything again.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY backend/ ./backend/
RUN pip install --no-deps . \
    && rm -rf build backend/*.egg-info

# The static single-page app: a non-editable install cannot find it next to the package.
COPY frontend/ ./frontend/

# var/ holds the development fallbacks (SQLite file, generated signing key); production needs
# RECUR_DATABASE_URL and RECUR_SECRET_KEY, but the directory must still be writable.
RUN mkdir -p /app/var && chown recur:recur /app/var

# Production fails closed: no start without RECUR_DATABASE_URL and a strong RECUR_SECRET_KEY.
ENV RECUR_ENV=production \
    RECUR_FRONTEND_DIR=/app/frontend \
    RECUR_VAR_DIR=/app/var

USER recur

EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD ["sh", "-c", "recur migrate && exec recur serve --host 0.0.0.0 --port 8000"]

"""Fixtures: every database-facing test runs on SQLite and on PostgreSQL.

PostgreSQL is expected at 127.0.0.1:5432 (user postgres, trust auth; ``RECUR_TEST_POSTGRES``
overrides the DSN). When it is unreachable the PostgreSQL half of the suite fails with
instructions, never passes silently. ``RECUR_TEST_BACKENDS=sqlite`` runs SQLite only, on
purpose, and says so in the summary.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from recur.app import create_app
from recur.clock import FixedClock
from recur.db.engine import Database
from recur.settings import Settings
from tests.databases import DEMO_TODAY, START_POSTGRES, PostgresFactory, SQLiteFactory

BACKENDS = [b for b in os.environ.get("RECUR_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
NOW = datetime.combine(DEMO_TODAY, time(10, 0), tzinfo=UTC)
SECRET = "test-secret-key-0123456789abcdef0123456789"


def pytest_report_header(config: pytest.Config) -> str:
    return f"recur database backends: {', '.join(BACKENDS)}"


@pytest.fixture(scope="session", params=BACKENDS)
async def factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SQLiteFactory | PostgresFactory]:
    """Makes fresh databases of one backend; the tests using it run once per backend."""
    if request.param == "sqlite":
        sqlite = SQLiteFactory(tmp_path_factory.mktemp("sqlite"))
        await sqlite.prepare()
        yield sqlite
        return
    problem = await PostgresFactory.reachable()
    if problem:
        pytest.fail(
            f"PostgreSQL is unreachable ({problem}). Start it with `{START_POSTGRES}`, or run "
            "only SQLite on purpose with RECUR_TEST_BACKENDS=sqlite.",
            pytrace=False,
        )
    postgres = PostgresFactory()
    await postgres.prepare()
    yield postgres
    await postgres.cleanup()


async def _fresh_database(
    factory: SQLiteFactory | PostgresFactory, *, with_demo: bool
) -> AsyncIterator[Database]:
    url = await factory.create(with_demo=with_demo)
    db = Database(url)
    yield db
    await db.dispose()
    await factory.drop(url)


@pytest.fixture
async def db(factory: SQLiteFactory | PostgresFactory) -> AsyncIterator[Database]:
    """A fresh database with the demo data, of the test's backend."""
    async for database in _fresh_database(factory, with_demo=True):
        yield database


@pytest.fixture
async def empty_db(factory: SQLiteFactory | PostgresFactory) -> AsyncIterator[Database]:
    """A fresh, migrated, empty database."""
    async for database in _fresh_database(factory, with_demo=False):
        yield database


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    frontend = tmp_path / "frontend"
    frontend.mkdir()
    (frontend / "index.html").write_text("<!doctype html><title>Recur</title><h1>Recur</h1>")
    return Settings(database_url=str(db.url), secret_key=SECRET, frontend_dir=frontend)


@pytest.fixture
def app(settings: Settings, db: Database, clock: FixedClock) -> Starlette:
    return create_app(settings, database=db, clock=clock)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


GraphQL = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    """POST a query; returns the decoded JSON body (``data`` and ``errors``; the cost
    report every answer carries, ``extensions.cost``, is left out: test_query_cost reads
    it)."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        body.get("extensions", {}).pop("cost", None)
        if body.get("extensions") == {}:
            del body["extensions"]
        return body

    return run


LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    token viewer { id email role } userErrors { field message code }
  }
}"""


@pytest.fixture
def login(gql: GraphQL) -> Callable[[str], Awaitable[str]]:
    """Log a demo user in and return the bearer token."""

    async def run(email: str, password: str = "recur-demo") -> str:
        body = await gql(LOGIN, {"email": email, "password": password})
        payload = body["data"]["login"]
        assert payload["userErrors"] == [], payload
        return str(payload["token"])

    return run

"""The surface: security headers on every answer, HSTS behind TLS only, GraphiQL and
introspection switched by the settings (docs/operations.md)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from recur.app import create_app
from recur.clock import FixedClock
from recur.db.engine import Database
from recur.settings import Settings

INTROSPECTION = "query Types { __schema { queryType { name } } }"
TYPE = 'query Product { __type(name: "Product") { name } }'
TYPENAME = "query Name { __typename }"
BROWSER = {"accept": "text/html,application/xhtml+xml"}
FRONTEND = Path(__file__).parents[3] / "frontend"


@pytest.fixture
def serve(settings: Settings, db: Database, clock: FixedClock) -> Any:
    """A client of the app made with some settings changed."""

    async def run(**changes: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update=changes), database=db, clock=clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield http

    return run


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "path", ["/", "/products/PLAT-CORE", "/healthz", "/graphql?query=%7B__typename%7D"]
)
async def test_every_answer_carries_the_apps_content_security_policy(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)

    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


async def test_no_hsts_over_plain_http(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert "strict-transport-security" not in response.headers


async def test_hsts_when_served_behind_tls(serve: Any) -> None:
    async for http in serve(secure_cookies=True):
        for path in ["/", "/graphql?query=%7B__typename%7D"]:
            response = await http.get(path)
            assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_graphiql_in_development_has_the_policy_it_needs(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers=BROWSER)

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["frame-ancestors"] == "'none'"
    assert "http" not in response.headers["content-security-policy"]  # no other origin


async def test_graphiql_loads_every_file_from_recur_itself(serve: Any) -> None:
    """Without internet GraphiQL still works: the page's scripts and styles are Recur's own
    files (frontend/assets/vendor/graphiql), byte for byte those the page's hashes name."""
    async for http in serve(frontend_dir=FRONTEND):
        page = (await http.get("/graphql", headers=BROWSER)).text
        assets = re.findall(r'(?:src|href)="([^"]+)"\s+integrity="([^"]+)"', page)

        assert len(assets) >= 5, page  # React, ReactDOM, GraphiQL's script and styles…
        assert "unpkg" not in page
        for path, integrity in assets:
            assert path.startswith("/assets/vendor/graphiql/"), path
            response = await http.get(path)
            assert response.status_code == 200, f"{path}: add it to the vendored files"
            digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
            assert integrity == f"sha384-{digest}", path


async def test_graphiql_switched_off_is_not_found_and_get_queries_still_work(
    serve: Any,
) -> None:
    async for http in serve(graphiql=False):
        page = await http.get("/graphql", headers=BROWSER)
        query = await http.get("/graphql", params={"query": TYPENAME})

    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()
    assert query.json()["data"] == {"__typename": "Query"}
    assert "errors" not in query.json()


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE])
async def test_introspection_is_answered_in_development(
    client: httpx.AsyncClient, query: str
) -> None:
    body = (await client.post("/graphql", json={"query": query})).json()
    assert "errors" not in body and body["data"]


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE])
async def test_introspection_switched_off_is_refused(serve: Any, query: str) -> None:
    async for http in serve(introspection=False):
        refused = (await http.post("/graphql", json={"query": query})).json()
        typename = (await http.post("/graphql", json={"query": TYPENAME})).json()

    messages = [error["message"] for error in refused["errors"]]
    assert refused.get("data") is None
    assert messages and all("introspection" in message for message in messages), messages
    assert typename["data"] == {"__typename": "Query"} and "errors" not in typename


def test_production_turns_graphiql_and_introspection_off_by_default() -> None:
    settings = Settings(
        env="production",
        database_url="postgresql+asyncpg://db/recur",
        secret_key="k7Qm2vXw9pLr4tZy8bNc3fHj6dGs5aEu1oIx",
    )
    assert (settings.graphiql, settings.introspection, settings.secure_cookies) == (
        False,
        False,
        True,
    )

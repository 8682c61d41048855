"""Requests too big or too deep for the server are refused cleanly, before they cost much."""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from recur.app import create_app
from recur.web.graphql_view import MAX_JSON_DEPTH

LIMIT = 4096
JSON = {"content-type": "application/json"}


@pytest.fixture
async def http(settings, db, clock) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a small body limit, seeing a crash as the 500 a browser would get."""
    app = create_app(
        settings.model_copy(update={"max_body_bytes": LIMIT}), database=db, clock=clock
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


def _body(padding: int) -> bytes:
    return json.dumps({"query": "{ currencies }", "variables": {"pad": "x" * padding}}).encode()


async def test_a_body_within_the_limit_is_answered(http) -> None:
    body = _body(LIMIT - 100)
    assert len(body) <= LIMIT
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["currencies"]


async def test_a_body_declared_too_large_is_refused_unread(http) -> None:
    read = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(1000):
            read += 1024
            yield b" " * 1024

    response = await http.post(
        "/graphql",
        content=stream(),
        headers={**JSON, "content-length": str(1024 * 1000)},
    )
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"
    assert read <= 1024  # the server stopped before reading the body


async def test_a_streamed_body_is_refused_once_past_the_limit(http) -> None:
    chunks = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal chunks
        for _ in range(1000):
            chunks += 1
            yield b" " * 1024

    response = await http.post("/graphql", content=stream(), headers=JSON)
    assert response.status_code == 413
    assert chunks <= LIMIT // 1024 + 2  # read up to the limit, not to the end


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 1000, 100_000])
async def test_deeply_nested_json_is_a_clean_400(settings, db, clock, depth: int) -> None:
    app = create_app(settings, database=db, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    nested = "[" * depth + "]" * depth
    variables = '{"v": ' + nested + "}"
    body = '{"query": "query($v: String) { currencies }", "variables": ' + variables + "}"
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        posted = await client.post("/graphql", content=body, headers=JSON)
        responses = [posted]
        if depth <= 1000:  # as far as a URL goes
            params = {"query": "query($v: String) { currencies }", "variables": variables}
            responses.append(
                await client.get("/graphql", params=params, headers={"accept": "application/json"})
            )
    for response in responses:
        assert response.status_code == 400, response.text
        assert f"more than {MAX_JSON_DEPTH} levels" in response.text
        assert "recursion" not in response.text


async def test_json_as_deep_as_allowed_is_answered(gql) -> None:
    depth = MAX_JSON_DEPTH - 2  # the body's object and its variables take two levels
    nested = json.loads("[" * depth + "]" * depth)
    body = await gql("{ currencies }", {"v": nested})
    assert body["data"]["currencies"]


async def test_what_start_up_made_is_kept_out_of_the_collectors_passes(settings, db, clock) -> None:
    app = create_app(settings, database=db, clock=clock)
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 10_000  # the modules, the schema, the app
    finally:
        gc.unfreeze()

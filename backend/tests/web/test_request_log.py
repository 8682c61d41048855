"""Request ids: honoured when sane, echoed, on every log line and beside "Unexpected error."."""

from __future__ import annotations

import logging

import httpx
import pytest

from recur.services import catalog


async def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    kept = await client.get("/livez", headers={"x-request-id": "edge-123.abc"})
    assert kept.headers["x-request-id"] == "edge-123.abc"

    replaced = await client.get("/livez", headers={"x-request-id": "no spaces <here>"})
    assert replaced.headers["x-request-id"] not in ("", "no spaces <here>")

    made = await client.get("/livez")
    assert len(made.headers["x-request-id"]) == 32


async def test_each_request_is_logged_with_its_operation_actor_and_duration(
    client: httpx.AsyncClient, login, caplog: pytest.LogCaptureFixture
) -> None:
    token = await login("fiona@recur.example")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="recur"):
        response = await client.post(
            "/graphql",
            json={"query": "query Categories { categories }"},
            headers={"authorization": f"Bearer {token}", "x-request-id": "trace-42"},
        )
    assert response.status_code == 200
    [line] = [r for r in caplog.records if r.name == "recur.request"]
    assert line.levelname == "INFO"
    assert (line.request_id, line.operation) == ("trace-42", "Categories")  # type: ignore[attr-defined]
    assert str(line.actor_id).startswith("user:")  # type: ignore[attr-defined]
    assert line.status == 200 and line.duration_ms >= 0  # type: ignore[attr-defined]
    assert line.getMessage().startswith("POST /graphql 200 ")


async def test_probes_are_logged_at_debug_only(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="recur"):
        await client.get("/livez")
    assert [r for r in caplog.records if r.name == "recur.request"] == []


async def test_an_unexpected_error_carries_the_request_id_to_the_client_and_the_log(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> list[str]:
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "categories", broken)
    with caplog.at_level(logging.INFO, logger="recur"):
        response = await client.post(
            "/graphql",
            json={"query": "query Categories { categories }"},
            headers={"x-request-id": "support-7"},
        )
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "support-7"}
    [fault] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert fault.request_id == "support-7" and fault.exc_info is not None  # type: ignore[attr-defined]

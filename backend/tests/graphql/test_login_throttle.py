"""Passwords may be tried only so often: per account, per client address, one per request."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from recur.app import create_app
from recur.clock import FixedClock
from recur.db.engine import Database
from recur.services.accounts import authentication
from recur.settings import Settings
from tests.graphql.test_oauth import CLIENT_ID, request_token

LOGIN = """mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    token retryAfter userErrors { message code } } }"""
REDIS = ("127.0.0.1", 6379)
START_REDIS = "redis-server --daemonize yes"


@asynccontextmanager
async def serving(
    settings: Settings, db: Database, clock: FixedClock, address: str = "10.0.0.1", **changes: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with ``changes`` to its settings, calling from ``address``."""
    app = create_app(settings.model_copy(update=changes), database=db, clock=clock)
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client
    await app.state.throttle_counts.close()  # as the app's lifespan does when it stops


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"email": email, "password": password}}
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["login"]
    payload["retry-after header"] = response.headers.get("retry-after")
    return payload


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def test_ten_tries_lock_the_account_even_against_the_right_password(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with serving(settings, db, clock) as client:
        for _ in range(10):
            assert codes(await log_in(client, "alice@acme.example", "guess")) == ["LOGIN_FAILED"]

        locked = await log_in(client, "Alice@ACME.example ", "recur-demo")
        other = await log_in(client, "bob@globex.example", "recur-demo")

    assert locked["token"] is None and codes(locked) == ["TOO_MANY_ATTEMPTS"]
    assert 840 < locked["retryAfter"] <= 900
    assert locked["retry-after header"] == str(locked["retryAfter"])
    assert locked["userErrors"][0]["message"] == "Too many login attempts. Try again in 15 minutes."
    assert other["token"] and other["retry-after header"] is None


async def test_the_right_password_forgives_the_accounts_failures(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with serving(settings, db, clock) as client:
        for _ in range(2):
            for _ in range(9):
                assert codes(await log_in(client, "carol@initech.example", "guess")) == [
                    "LOGIN_FAILED"
                ]
            assert (await log_in(client, "carol@initech.example", "recur-demo"))["token"]


async def test_an_address_may_try_only_so_often_whatever_the_emails(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    limited = {"login_attempts_per_address": "3 per minute"}
    async with serving(settings, db, clock, **limited) as client:
        for email in ("a@acme.example", "b@acme.example", "c@acme.example"):
            assert codes(await log_in(client, email, "guess")) == ["LOGIN_FAILED"]
        refused = await log_in(client, "alice@acme.example", "recur-demo")
    async with serving(settings, db, clock, address="10.0.0.2", **limited) as elsewhere:
        # Each app counts in its own memory: the same counts, from another address.
        assert (await log_in(elsewhere, "alice@acme.example", "recur-demo"))["token"]

    assert codes(refused) == ["TOO_MANY_ATTEMPTS"]
    assert 0 < refused["retryAfter"] <= 60


async def test_one_request_checks_one_password_however_many_aliases(
    settings: Settings,
    db: Database,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    real = authentication.verify_secret
    monkeypatch.setattr(
        authentication, "verify_secret", lambda h, p: checked.append(p) or real(h, p)
    )
    aliases = " ".join(
        f'g{n}: login(input: {{email: "alice@acme.example", password: "guess-{n}"}}) '
        "{ token userErrors { code } }"
        for n in range(30)
    )
    async with serving(settings, db, clock) as client:
        response = await client.post("/graphql", json={"query": f"mutation {{ {aliases} }}"})

    data = response.json()["data"]
    assert checked == ["guess-0"]
    assert data["g0"]["userErrors"] == [{"code": "LOGIN_FAILED"}]
    assert {alias["userErrors"][0]["code"] for name, alias in data.items() if name != "g0"} == {
        "ONE_LOGIN_PER_REQUEST"
    }


async def test_a_partner_client_is_throttled_with_a_429_and_retry_after(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with serving(settings, db, clock) as client:
        assert (await request_token(client)).status_code == 200
        for _ in range(10):
            assert (await request_token(client, (CLIENT_ID, "wrong"))).status_code == 401
        refused = await request_token(client)

    assert refused.status_code == 429
    assert 840 < int(refused.headers["retry-after"]) <= 900
    assert refused.json()["error"] == "too_many_attempts"
    assert "Try again in 15 minutes" in refused.json()["error_description"]


@pytest.fixture
async def redis_url() -> str:
    """Redis at 127.0.0.1:6379, which must answer (the suite says how to start it)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(*REDIS), timeout=5)
        writer.write(b"PING\r\n")
        answer = await reader.readline()
        writer.close()
        await writer.wait_closed()
    except (OSError, TimeoutError) as error:
        pytest.fail(f"Redis is unreachable ({error}). Start it with `{START_REDIS}`.")
    assert answer == b"+PONG\r\n", answer
    return "redis://{}:{}/0".format(*REDIS)


async def test_servers_sharing_redis_share_the_counts(
    settings: Settings, db: Database, clock: FixedClock, redis_url: str
) -> None:
    email = f"nobody-{uuid.uuid4().hex}@acme.example"  # its own counts, whatever ran before

    def server(address: str) -> Any:
        return serving(settings, db, clock, address=address, rate_limit_storage=redis_url)

    async with server("10.0.0.1") as first:
        for _ in range(5):
            assert codes(await log_in(first, email, "guess")) == ["LOGIN_FAILED"]
    async with server("10.0.0.2") as second:
        for _ in range(5):
            assert codes(await log_in(second, email, "guess")) == ["LOGIN_FAILED"]
        assert codes(await log_in(second, email, "guess")) == ["TOO_MANY_ATTEMPTS"]


async def test_logins_go_on_when_the_counts_cannot_be_reached(
    settings: Settings, db: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    async with serving(settings, db, clock, rate_limit_storage=unreachable) as client:
        payload = await log_in(client, "alice@acme.example", "recur-demo")

    assert payload["token"]
    assert "throttle's storage failed" in caplog.text

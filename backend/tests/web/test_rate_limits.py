"""Rate limits on /graphql: each user or partner client, and each anonymous address, may
make so many requests a minute; past that, 429 with Retry-After, and others are unaffected."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from recur.app import create_app
from recur.clock import FixedClock
from recur.db.engine import Database
from recur.settings import Settings

QUERY = {"query": "query Currencies { currencies }"}
LOGIN = """mutation Login($e: String!) { login(input: {email: $e, password: "recur-demo"}) {
  token } }"""


def _app(settings: Settings, db: Database, clock: FixedClock) -> Starlette:
    limited = settings.model_copy(
        update={"requests_per_actor": "3 per minute", "requests_per_address": "2 per minute"}
    )
    return create_app(limited, database=db, clock=clock)


async def test_past_its_limit_a_sender_gets_429_with_retry_after(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    transport = httpx.ASGITransport(app=_app(settings, db, clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        # Anonymous: counted by address (two a minute here); the login is one of them.
        login = await http.post(
            "/graphql", json={"query": LOGIN, "variables": {"e": "rita@recur.example"}}
        )
        token = login.json()["data"]["login"]["token"]
        assert (await http.post("/graphql", json=QUERY)).status_code == 200
        refused = await http.post("/graphql", json=QUERY)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert "try again in" in refused.json()["errors"][0]["message"]
        # A logged-in user has a count of their own, not the address's.
        bearer = {"authorization": f"Bearer {token}"}
        answers = [
            (await http.post("/graphql", json=QUERY, headers=bearer)).status_code for _ in range(4)
        ]
        assert answers == [200, 200, 200, 429]

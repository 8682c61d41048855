"""Query cost, GitHub-style: the nodes a query asks for, measured from the parsed document
(fragments spread, variables read, pages multiplied), reported in ``extensions.cost``,
bounded per query and spent from each sender's minute (docs/api.md, "Query cost")."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from graphql import parse

from recur.app import create_app
from recur.clock import FixedClock
from recur.db.engine import Database
from recur.graphql.core.query_cost import measure
from recur.graphql.schema import MAX_DEPTH, schema
from recur.settings import Settings
from tests.graphql.test_access import partner_token
from tests.graphql.test_login_throttle import redis_url, serving

__all__ = ["redis_url"]  # the fixture, used here too

CATALOG = """query Catalog($n: Int) { products(first: $n) { edges { node { ...Priced } } } }
fragment Priced on Product { sku prices { id tiers { upTo } } }"""
LOGIN = """mutation Login($e: String!) { login(input: {email: $e, password: "recur-demo"}) {
  token } }"""


def _nodes(query: str, variables: dict[str, Any] | None = None) -> int:
    return measure(schema._schema, parse(query), variables, max_depth=MAX_DEPTH).nodes


def test_nodes_multiply_through_pages_fragments_and_variables() -> None:
    # 100 products, 5 prices each (a list without first), 5 tiers each: 100 + 500 + 2,500.
    assert _nodes(CATALOG, {"n": 100}) == 3_100
    assert _nodes(CATALOG, {"n": 2}) == 2 + 10 + 50
    assert _nodes(CATALOG) == 20 + 100 + 500  # no first: the default page of 20
    assert _nodes(CATALOG, {"n": 10**6}) == 3_100  # beyond 100 counts as 100 (refused later)
    # Nested connections multiply: 10 accounts × 30 orders each; a quote's lines × 5.
    nested = """{ accounts(first: 10) { edges { node { name
      orders(first: 30) { edges { node { number } } } } } }
      quotes(first: 4) { edges { node { number lines { id } } } } }"""
    assert _nodes(nested) == 10 + 10 * 30 + 4 + 4 * 5
    # Aliases count again; scalars and single objects are not nodes.
    assert (
        _nodes(
            "{ a: products(first: 3) { edges { node { id } } } b: products(first: 4) "
            "{ edges { node { id } } } }"
        )
        == 7
    )
    assert _nodes('{ product(sku: "SEAT-STD") { name } currencies }') == 0


@asynccontextmanager
async def _serving(
    settings: Settings, db: Database, clock: FixedClock, **changes: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes), database=db, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


async def _ask(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def test_every_answer_reports_its_cost_and_what_is_left(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with _serving(settings, db, clock) as http:
        first = (await _ask(http, CATALOG, {"n": 100})).json()
        assert first["data"]["products"]["edges"]
        cost = first["extensions"]["cost"]
        assert cost["requested"] == cost["nodes"] == 3_100
        assert cost["limit"] == settings.query_cost_per_minute == 100_000
        assert cost["remaining"] == 100_000 - 3_100
        assert cost["resetAt"].endswith("Z")
        # A query asking for no list still costs 1; the same text again is measured alike.
        small = (await _ask(http, "{ currencies }")).json()["extensions"]["cost"]
        assert (small["requested"], small["nodes"], small["remaining"]) == (1, 0, 96_899)
        again = (await _ask(http, CATALOG, {"n": 1})).json()["extensions"]["cost"]
        assert again["requested"] == 1 + 5 + 25


async def test_a_query_above_the_node_limit_is_refused_before_it_runs(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with _serving(settings, db, clock, query_max_nodes=1_000) as http:
        refused = await _ask(http, CATALOG, {"n": 100})
        assert refused.status_code == 200
        body = refused.json()
        assert body["data"] is None and "cost" not in body.get("extensions", {})
        [error] = body["errors"]
        assert error["extensions"] == {
            "code": "QUERY_TOO_COSTLY",
            "nodes": 3_100,
            "maxNodes": 1_000,
        }
        assert "3,100 nodes" in error["message"] and "1,000" in error["message"]
        # Smaller pages are within it.
        assert (await _ask(http, CATALOG, {"n": 10})).json()["data"]["products"]


async def test_past_its_minute_a_sender_gets_429_and_others_go_on(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with _serving(settings, db, clock, query_cost_per_minute=5_000) as http:
        token = (await _ask(http, LOGIN, {"e": "rita@recur.example"})).json()["data"]["login"][
            "token"
        ]
        assert (await _ask(http, CATALOG, {"n": 100}, token)).status_code == 200
        refused = await _ask(http, CATALOG, {"n": 100}, token)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        body = refused.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert "costs 3,100" in body["errors"][0]["message"]
        assert "1,900 of the 5,000" in body["errors"][0]["message"]
        # What is left still serves smaller queries; nothing was spent on the refusal.
        small = await _ask(http, CATALOG, {"n": 10}, token)
        assert small.status_code == 200
        assert small.json()["extensions"]["cost"]["remaining"] == 1_900 - 310

        # Another sender has a minute of its own: an anonymous address, a partner client.
        assert (await _ask(http, CATALOG, {"n": 100})).status_code == 200
        partner = await partner_token(http)
        assert (await _ask(http, CATALOG, {"n": 100}, partner)).status_code == 200
        assert (await _ask(http, CATALOG, {"n": 100}, partner)).status_code == 429


async def test_off_the_minute_is_not_counted_but_the_cost_is_reported(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    async with _serving(settings, db, clock, query_cost_per_minute=0) as http:
        for _ in range(3):
            answer = await _ask(http, CATALOG, {"n": 100})
            assert answer.status_code == 200
            assert answer.json()["extensions"]["cost"] == {"requested": 3_100, "nodes": 3_100}


async def test_servers_sharing_redis_share_each_senders_minute(
    settings: Settings, db: Database, clock: FixedClock, redis_url: str
) -> None:
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"

    def server() -> Any:  # RECUR_REDIS_URL, the name the counts' Redis goes by
        return serving(
            settings, db, clock, address=address, redis_url=redis_url, query_cost_per_minute=5_000
        )

    async with server() as first:
        assert (await _ask(first, CATALOG, {"n": 100})).status_code == 200
    async with server() as second:
        refused = await _ask(second, CATALOG, {"n": 100})
        assert refused.status_code == 429 and refused.headers["retry-after"]


async def test_queries_go_on_when_the_counts_cannot_be_reached(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    async with serving(settings, db, clock, redis_url=unreachable) as http:
        answer = await _ask(http, CATALOG, {"n": 100})
    assert answer.status_code == 200
    assert answer.json()["extensions"]["cost"] == {"requested": 3_100, "nodes": 3_100}

"""Anonymous catalog reads are served from a short-lived cache; nothing personal is."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import update

from recur.app import create_app
from recur.db.models import Product
from recur.graphql.core.result_cache import ResultCache
from tests.graphql.test_statement_count import counting_statements

PRODUCTS = "{ products(first: 50) { edges { node { sku name prices { unitAmount } } } } }"


async def _rename_sandbox(db) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Product).where(Product.sku == "SANDBOX").values(name="Sandbox (renamed)")
        )


def _names(body: dict) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["products"]["edges"]]


async def test_a_repeated_anonymous_catalog_query_costs_no_sql(gql, db) -> None:
    first = await gql(PRODUCTS)
    with counting_statements(db) as statements:
        second = await gql(PRODUCTS)
    assert second == first
    assert statements == []


async def test_logged_in_users_and_other_queries_are_never_served_from_the_cache(
    gql, login, db
) -> None:
    await gql(PRODUCTS)  # fills the cache
    await _rename_sandbox(db)
    rep = await gql(PRODUCTS, token=await login("rita@recur.example"))
    assert "Sandbox (renamed)" in _names(rep)
    # A query that mixes in a personal field is not a catalog read.
    mixed = await gql(PRODUCTS.replace("{ products", "{ viewer { email } products", 1))
    assert "Sandbox (renamed)" in _names(mixed)


async def test_the_cache_can_be_switched_off(settings, db, clock) -> None:
    app = create_app(
        settings.model_copy(update={"catalog_cache_seconds": 0}), database=db, clock=clock
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        await http.post("/graphql", json={"query": PRODUCTS})
        await _rename_sandbox(db)
        body = (await http.post("/graphql", json={"query": PRODUCTS})).json()
    assert "Sandbox (renamed)" in _names(body)


async def test_requests_missing_the_same_entry_at_once_read_the_database_once(gql, db) -> None:
    with counting_statements(db) as alone:
        expected = await gql(PRODUCTS)
    assert alone  # a miss reads the catalog
    # The same read as another cache entry, asked by five visitors at the same moment.
    other = PRODUCTS.replace("first: 50", "first: 40")
    with counting_statements(db) as together:
        bodies = await asyncio.gather(*(gql(other) for _ in range(5)))
    assert len(together) == len(alone)
    assert all(body == bodies[0] for body in bodies)
    assert _names(bodies[0]) == _names(expected)


async def test_a_failed_computation_lets_the_waiting_requests_compute(db) -> None:
    cache = ResultCache(ttl_seconds=5)
    key = ("{ products { sku } }", "{}", None)
    hit, computes = await cache.get_or_claim(key)
    assert (hit, computes) == (None, True)
    waiting = asyncio.ensure_future(cache.get_or_claim(key))
    await asyncio.sleep(0)
    assert not waiting.done()  # waits for the request computing it
    cache.settle(key, None)  # that request failed: nothing kept
    assert await waiting == (None, False)
    # The next request computes it afresh, and its result is kept for the others.
    assert await cache.get_or_claim(key) == (None, True)
    cache.settle(key, {"data": 1})
    assert await cache.get_or_claim(key) == ({"data": 1}, False)


class FakeTimer:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _key(n: int) -> tuple[str, str, None]:
    return f"{{ products(first: {n}) {{ edges {{ node {{ sku }} }} }} }}", "{}", None


def test_the_cache_holds_at_most_its_bytes_dropping_the_least_recently_used() -> None:
    cache = ResultCache(ttl_seconds=60, max_bytes=10_000)
    data = {"products": ["x" * 990]}  # 1,007 bytes of JSON
    for n in range(50):
        cache.put(_key(n), data)
        assert cache.size_bytes <= 10_000
    assert len(cache) == 9
    assert cache.get(_key(0)) is None and cache.get(_key(49)) == data
    cache.put(_key(50), {"products": ["x" * 20_000]})  # more than the whole cache: not kept
    assert cache.get(_key(50)) is None and cache.get(_key(49)) == data


def test_expired_entries_are_dropped_not_just_hidden() -> None:
    timer = FakeTimer()
    cache = ResultCache(ttl_seconds=5, max_bytes=1_000_000, timer=timer)
    for n in range(20):
        cache.put(_key(n), {"products": [n] * 100})
    held = cache.size_bytes
    assert held > 0 and len(cache) == 20
    timer.now = 4.9
    assert cache.get(_key(0)) is not None
    timer.now = 5.1
    assert cache.size_bytes == 0 and len(cache) == 0  # the memory is let go, unasked


async def test_many_distinct_catalog_queries_stay_within_the_bytes(settings, db, clock) -> None:
    limit = 64 * 1024
    app = create_app(
        settings.model_copy(update={"catalog_cache_bytes": limit}), database=db, clock=clock
    )
    [view] = [route.app for route in app.routes if getattr(route, "path", "") == "/graphql"]
    cache = view.result_cache
    transport = httpx.ASGITransport(app=app)
    query = """query($n: Int) { products(first: $n) { edges { node { sku name description
      prices { currency billingPeriod model unitAmount tiers { upTo unitAmount } } } } } }"""
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        kept = 0
        for n in range(1, 41):
            body = await http.post("/graphql", json={"query": query, "variables": {"n": n}})
            assert body.status_code == 200 and "errors" not in body.json()
            kept += len(body.content)
            assert cache.size_bytes <= limit
    assert kept > 2 * limit  # the answers together would have held far more
    assert len(cache) > 1  # and the latest are still served from the cache

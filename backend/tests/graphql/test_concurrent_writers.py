"""Writers at once: each waits its turn, none fails, and what they write adds up.

On SQLite a transaction that reads and then writes cannot wait for the write lock, so every
write goes through ``Database.transaction`` (``BEGIN IMMEDIATE``); the engine refuses any
other write, so a path that forgets fails in every test, not only under load.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from recur.core.lifecycle import QuoteKind, QuoteStatus
from recur.db.engine import Database, DeferredWrite
from recur.db.models import Account, Quote
from tests.conftest import LOGIN
from tests.graphql.test_quote_to_order_api import ADD, price_of


async def test_concurrent_logins_all_succeed(gql) -> None:
    logins = [
        gql(LOGIN, {"email": email, "password": "recur-demo"})
        for email in ["alice@acme.example", "bob@globex.example", "rita@recur.example"] * 4
    ]
    for body in await asyncio.gather(*logins):
        assert "errors" not in body, body
        assert body["data"]["login"]["userErrors"] == []
        assert body["data"]["login"]["token"]


async def test_concurrent_first_adds_make_one_cart_with_every_line(gql, login, db) -> None:
    alice = await login("alice@acme.example")
    prices = [
        await price_of(gql, sku, period)
        for sku, period in [
            ("SEAT-STD", "MONTH"),
            ("PLAT-CORE", "MONTH"),
            ("ONBOARD", "ONE_TIME"),
            ("SEAT-STD", "YEAR"),
        ]
    ]
    bodies = await asyncio.gather(
        *(gql(ADD, {"price": price, "q": 2}, token=alice) for price in prices)
    )
    assert all(body["data"]["addToCart"]["userErrors"] == [] for body in bodies), bodies
    assert len({body["data"]["addToCart"]["cart"]["id"] for body in bodies}) == 1
    cart = (await gql("{ cart { lines { quantity } } }", token=alice))["data"]["cart"]
    assert [line["quantity"] for line in cart["lines"]] == [2, 2, 2, 2]
    async with db.session() as session:
        carts = await session.scalar(
            select(func.count())
            .select_from(Quote)
            .join(Account)
            .where(Account.name == "Acme Corp", Quote.is_cart, Quote.status == QuoteStatus.DRAFT)
        )
    assert carts == 1


async def test_a_second_open_cart_is_refused_by_the_database(db: Database) -> None:
    async with db.transaction() as session:  # the demo has no cart: make a quote one
        cart = (await session.scalars(select(Quote).order_by(Quote.id).limit(1))).one()
        await session.execute(
            update(Quote).where(Quote.id == cart.id).values(is_cart=True, status="DRAFT")
        )
    row = {
        "number": "Q-DUPLICATE",
        "account_id": cart.account_id,
        "kind": QuoteKind.NEW,
        "status": QuoteStatus.DRAFT,
        "currency": cart.currency,
        "start_date": cart.start_date,
        "term_months": 12,
        "version": 1,
        "is_cart": True,
        "note": "",
        "uplift_percent": 0,
    }
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await session.execute(insert(Quote).values(**row))
    # A closed cart (checked out or expired) does not count.
    async with db.transaction() as session:
        await session.execute(insert(Quote).values(**{**row, "status": QuoteStatus.EXPIRED}))


async def test_a_write_outside_a_write_transaction_is_refused_on_sqlite(db: Database) -> None:
    async with db.session() as session:
        statement = update(Account).values(name=Account.name)
        if db.is_sqlite:
            with pytest.raises(DeferredWrite):
                await session.execute(statement)
        else:  # PostgreSQL waits for row locks in any transaction
            await session.execute(statement)

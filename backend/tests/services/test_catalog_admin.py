"""Retiring products and archiving prices: nobody new buys them, running subscriptions go on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, Charge, InvoiceLine, Price, Product, User
from recur.services import billing, catalog, quotes, workflow
from recur.services.common import Actor, Invalid

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def _usd_price(db: Database, sku: str) -> Price:
    async with db.session() as session:
        price = await session.scalar(
            select(Price)
            .join(Product)
            .where(Product.sku == sku, Price.currency == "USD", Price.archived_at.is_(None))
            .order_by(Price.id)
        )
    assert price is not None
    return price


async def _retire(db: Database, sku: str) -> None:
    admin = await _actor(db, "adam@recur.example")
    product = await catalog.get_product(db, admin, sku=sku)
    assert product is not None
    fields = catalog.ProductFields(active=False)
    await catalog.update_product(db, admin, product.id, fields, now=NOW)


async def test_a_cart_holding_a_product_retired_since_is_not_checked_out(db) -> None:
    alice = await _actor(db, "alice@acme.example")
    price = await _usd_price(db, "SANDBOX")
    await quotes.add_to_cart(db, alice, price_id=price.id, quantity=1, today=TODAY, now=NOW)
    await _retire(db, "SANDBOX")
    with pytest.raises(Invalid) as refused:
        await workflow.checkout(
            db,
            alice,
            quote_id=None,
            start_date=None,
            term_months=12,
            threshold=Decimal(20),
            today=TODAY,
            now=NOW,
        )
    [problem] = refused.value.problems
    assert (problem.code, "Sandbox Environment" in problem.message) == ("OFF_SALE", True)


async def test_running_subscriptions_on_a_retired_product_are_still_billed(db) -> None:
    as_of = date(2026, 12, 31)
    billed = select(InvoiceLine.charge_id).where(InvoiceLine.charge_id.is_not(None))
    async with db.session() as session:
        due = await session.scalar(
            select(Charge)
            .where(Charge.period_start > TODAY, Charge.period_start <= as_of)
            .where(Charge.subscription_item_id.is_not(None), Charge.id.not_in(billed))
            .order_by(Charge.id)
        )
        assert due is not None
        price = await session.get_one(Price, due.price_id)
        product = await session.get_one(Product, price.product_id)
    await _retire(db, product.sku)
    await billing.run_billing(db, as_of=as_of, now=NOW)
    async with db.session() as session:
        line = await session.scalar(select(InvoiceLine.id).where(InvoiceLine.charge_id == due.id))
    assert line is not None, f"{product.sku} stopped billing when it was retired"


async def test_a_new_quote_for_a_product_retired_since_is_not_sent(db) -> None:
    rita = await _actor(db, "rita@recur.example")
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
    assert acme is not None
    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=12, today=TODAY, now=NOW
    )
    price = await _usd_price(db, "SSO")
    quote = await quotes.add_quote_line(
        db,
        rita,
        quote_id=quote.id,
        price_id=price.id,
        quantity=1,
        discount=Decimal(0),
        expected_version=None,
        now=NOW,
    )
    await _retire(db, "SSO")
    with pytest.raises(Invalid) as refused:
        await workflow.send_quote(
            db, rita, quote_id=quote.id, threshold=Decimal(20), today=TODAY, now=NOW
        )
    assert [p.code for p in refused.value.problems] == ["OFF_SALE"]

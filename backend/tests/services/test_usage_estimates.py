"""A metered line's quantity is an estimate: it counts in no MRR and no contract value, only
in the quote's estimated usage (docs/usage.md, "Quotes")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, Price, Product
from recur.services import insights, metrics, quotes
from recur.services.quotes import price_quote, prices_for
from tests.services.test_usage import NOW, TODAY, metered_price, subscribe, user_actor


async def licensed_price(db: Database, sku: str = "SEAT-STD") -> int:
    async with db.session() as session:
        price_id = await session.scalar(
            select(Price.id)
            .join(Product)
            .where(Product.sku == sku, Price.currency == "USD", Price.archived_at.is_(None))
            .limit(1)
        )
    assert price_id is not None
    return price_id


async def test_a_metered_estimate_is_kept_out_of_the_quotes_commitments(db: Database) -> None:
    alice = await user_actor(db, "alice@acme.example")
    metered = await metered_price(db)
    await quotes.add_to_cart(db, alice, price_id=metered, quantity=50, today=TODAY, now=NOW)
    licensed_only = await quotes.get_cart(db, alice)
    assert licensed_only is not None
    async with db.session() as session:
        alone = price_quote(licensed_only, await prices_for(session, [licensed_only]), Decimal(20))

    # 50 packages a month at the tiers: 10 × 2.00 + 40 × 1.50 = 80.00, twelve months.
    assert alone.totals.estimated_usage == Decimal("960.00")
    assert alone.totals.total_contract_value == 0
    assert alone.totals.monthly_recurring == 0

    seats = await licensed_price(db)
    cart = await quotes.add_to_cart(db, alice, price_id=seats, quantity=2, today=TODAY, now=NOW)
    async with db.session() as session:
        both = price_quote(cart, await prices_for(session, [cart]), Decimal(20))
    seat_line = next(line for line in both.lines if line.price.id == seats)
    assert both.totals.total_contract_value == seat_line.amounts.total_amount
    assert both.totals.estimated_usage == Decimal("960.00")


async def test_a_metered_item_adds_nothing_to_the_accounts_mrr(db: Database) -> None:
    async with db.session() as session:
        acme = await session.scalar(select(Account).where(Account.name == "Acme Corp"))
    assert acme is not None
    adam = await user_actor(db, "adam@recur.example")
    day = date(2027, 2, 15)

    async def mrr_now() -> tuple[Decimal, Decimal]:
        account = await insights.monthly_recurring_by_account(db, {acme.id: "USD"}, day)
        months = await metrics.revenue_metrics(
            db, adam, currency="USD", start=date(2027, 2, 1), end=date(2027, 2, 1)
        )
        return account[acme.id], months[-1].mrr

    before = await mrr_now()
    await subscribe(db, await metered_price(db))  # Acme buys it, estimating 5 packages
    assert await mrr_now() == before

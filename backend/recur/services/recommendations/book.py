"""The book's purchase histories, read from the orders, and the model learned from them
(docs/recommendations.md, "The model").

A purchase is a recurring product on an accepted quote's order (new, amendment or renewal)
with a quantity above zero, on the order's start date; its monthly value is the list price
for that quantity (yearly ÷ 12). An account's size is its seats: the largest quantity of a
product in the :data:`SIZE_CATEGORY` category.

The book is streamed account by account into the learner, so learning holds one account's
history at a time: memory stays flat however many accounts there are. The model is learned
once a day per process (the first request of the day, or the nightly refresh) and kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from weakref import WeakKeyDictionary

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from recur.core.catalog import ProductKind
from recur.core.money import round_money
from recur.core.offer_model import AccountHistory, Learner, OfferModel, Purchase
from recur.db.engine import Database
from recur.db.models import Account, Order, Price, Product, QuoteLine
from recur.services.catalog import amount_for

SIZE_CATEGORY = "Seats"
#: Rows fetched from the database at a time while the book streams.
BATCH = 2_000


def _purchases() -> Select[int, str, str, date, int, int, int]:
    return (
        select(
            Order.account_id,
            Account.currency,
            Account.billing_country,
            Order.start_date,
            QuoteLine.product_id,
            QuoteLine.price_id,
            QuoteLine.quantity,
        )
        .join(Account, Account.id == Order.account_id)
        .join(QuoteLine, QuoteLine.quote_id == Order.quote_id)
        .join(Product, Product.id == QuoteLine.product_id)
        .where(Product.kind == ProductKind.SUBSCRIPTION, QuoteLine.quantity > 0)
        .order_by(Order.account_id, Order.start_date, QuoteLine.id)
    )


@dataclass(frozen=True)
class _Catalog:
    prices: dict[int, Price]
    seat_products: frozenset[int]


async def _catalog(db: Database) -> _Catalog:
    async with db.session() as session:
        prices = {
            p.id: p for p in await session.scalars(select(Price).options(selectinload(Price.tiers)))
        }
        seats = await session.scalars(select(Product.id).where(Product.category == SIZE_CATEGORY))
        return _Catalog(prices, frozenset(seats))


def _monthly_value(price: Price, quantity: int) -> Decimal:
    months = price.billing_period.months
    if not months or price.metered:
        return Decimal(0)
    return round_money(amount_for(price, quantity) / months, price.currency)


async def histories(
    db: Database, *, account_id: int | None = None
) -> AsyncGenerator[AccountHistory[int], None]:
    """Every account's history (or one account's), one account at a time."""
    catalog = await _catalog(db)
    statement = _purchases()
    if account_id is not None:
        statement = statement.where(Order.account_id == account_id)
    current: AccountHistory[int] | None = None
    values: dict[tuple[int, int], Decimal] = {}  # as many as prices × quantities bought
    async with db.session() as session:
        rows = await session.stream(statement.execution_options(yield_per=BATCH))
        async for batch in rows.partitions(BATCH):
            for row in batch:
                account, currency, country, day, product, price_id, quantity = row
                if current is None or current.account_id != account:
                    if current is not None:
                        yield current
                    current = AccountHistory(account, currency, country or "")
                value = values.get((price_id, quantity))
                if value is None:
                    value = values[(price_id, quantity)] = _monthly_value(
                        catalog.prices[price_id], quantity
                    )
                current.purchases.append(
                    Purchase(
                        product,
                        day,
                        quantity,
                        value,
                        seats=quantity if product in catalog.seat_products else 0,
                    )
                )
    if current is not None:
        yield current


async def account_history(db: Database, account: Account) -> AccountHistory[int]:
    async with aclosing(histories(db, account_id=account.id)) as stream:
        async for history in stream:
            return history
    return AccountHistory(account.id, account.currency, account.billing_country or "")


async def learn_book(db: Database, as_of: date) -> OfferModel[int]:
    """The model of the whole book as it stands on ``as_of``."""
    learner: Learner[int] = Learner(as_of)
    async for history in histories(db):
        learner.add(history)
    return learner.model()


@dataclass
class _Kept:
    day: date
    model: OfferModel[int]


_MODELS: WeakKeyDictionary[Database, _Kept] = WeakKeyDictionary()
_LOCKS: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


async def book_model(db: Database, today: date) -> OfferModel[int]:
    """Today's model of the book: learned by the first caller of the day, then kept."""
    kept = _MODELS.get(db)
    if kept is not None and kept.day == today:
        return kept.model
    lock = _LOCKS.setdefault(db, asyncio.Lock())
    async with lock:
        kept = _MODELS.get(db)
        if kept is None or kept.day != today:
            kept = _Kept(today, await learn_book(db, today))
            _MODELS[db] = kept
    return kept.model


async def refresh_model(db: Database, today: date) -> OfferModel[int]:
    """Learn the book again now (the nightly refresh, or after loading a book)."""
    model = await learn_book(db, today)
    _MODELS[db] = _Kept(today, model)
    return model

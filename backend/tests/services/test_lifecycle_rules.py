"""Lifecycle rules that move money: renewals keep the billing anchor, a subscription left
without items ends, renewals carry their prices and compound the uplift."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from recur.core.lifecycle import QuoteKind, SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import Charge, Order, Subscription, SubscriptionItem
from recur.services import billing, quotes, subscriptions, workflow
from recur.services.subscriptions import ItemChangeRequest
from tests.services.test_quote_to_order import THRESHOLD, actor, price_id

START = date(2027, 1, 31)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


async def _month_end_subscription(db: Database, *, seats: int = 10) -> Subscription:
    """Alice buys monthly seats on Jan 31 for a one-month term that renews."""
    alice = await actor(db, "alice@acme.example")
    price = await price_id(db, "SEAT-STD", "USD", "MONTH")
    cart = await quotes.add_to_cart(
        db, alice, price_id=price, quantity=seats, today=START, now=_at(START)
    )
    order = await workflow.checkout(
        db,
        alice,
        quote_id=cart.id,
        start_date=START,
        term_months=1,
        threshold=THRESHOLD,
        today=START,
        now=_at(START),
    )
    async with db.session() as session:
        subscription = await session.get_one(Subscription, order.subscription_id)
    return subscription


async def _periods(db: Database, subscription_id: int) -> list[tuple[date, date | None]]:
    async with db.session() as session:
        rows = await session.execute(
            select(Charge.period_start, Charge.period_end)
            .join(Order, Order.id == Charge.order_id)
            .where(Order.subscription_id == subscription_id, Order.kind != QuoteKind.AMENDMENT)
            .order_by(Charge.period_start)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_renewals_keep_the_month_end_anchor(db: Database) -> None:
    subscription = await _month_end_subscription(db)
    for day in (date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)):
        await billing.run_billing(db, as_of=day, now=_at(day))

    assert await _periods(db, subscription.id) == [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 2, 28), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 4, 30), date(2027, 5, 31)),
    ]
    async with db.session() as session:
        renewed = await session.get_one(Subscription, subscription.id)
    assert renewed.current_term_end == date(2027, 5, 31)


async def test_a_change_after_a_renewal_is_prorated_on_the_true_period(db: Database) -> None:
    subscription = await _month_end_subscription(db)
    await billing.run_billing(db, as_of=date(2027, 2, 28), now=_at(date(2027, 2, 28)))
    async with db.session() as session:
        item = await session.scalar(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
        )
    assert item is not None

    day = date(2027, 3, 30)  # the last day but one of the period Feb 28 – Mar 31
    outcome = await subscriptions.change_subscription(
        db,
        await actor(db, "alice@acme.example"),
        subscription_id=subscription.id,
        effective_date=day,
        changes=[ItemChangeRequest(item_id=item.id, quantity=11)],
        today=day,
        now=_at(day),
    )

    prorated = [charge for charge in outcome.charges if charge.prorated_days is not None]
    assert [(c.prorated_days, c.period_days) for c in prorated] == [(1, 31)]
    # $25 a seat a month: one more seat for 1 day of 31.
    assert prorated[0].amount == Decimal("0.81")
    assert prorated[0].period_end == date(2027, 3, 31)


async def test_removing_every_item_ends_the_subscription_and_billing_runs_on(
    db: Database,
) -> None:
    subscription = await _month_end_subscription(db)
    async with db.session() as session:
        item = await session.scalar(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
        )
    assert item is not None
    day = date(2027, 2, 10)
    rita = await actor(db, "rita@recur.example")
    await subscriptions.change_subscription(
        db,
        rita,
        subscription_id=subscription.id,
        effective_date=day,
        changes=[ItemChangeRequest(item_id=item.id, quantity=0)],
        today=day,
        now=_at(day),
    )
    async with db.session() as session:
        ended = await session.get_one(Subscription, subscription.id)
    assert ended.status is SubscriptionStatus.CANCELED
    assert ended.canceled_on == day

    result = await billing.run_billing(db, as_of=date(2027, 3, 31), now=_at(date(2027, 3, 31)))
    assert result.failed_accounts == []


async def test_an_active_subscription_with_no_items_left_expires_at_term_end(
    db: Database,
) -> None:
    """Books written before removals ended subscriptions: nothing to renew, so it expires."""
    subscription = await _month_end_subscription(db)
    async with db.session() as session, session.begin():
        for item in await session.scalars(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
        ):
            item.ended_on = date(2027, 2, 10)

    result = await billing.run_billing(db, as_of=date(2027, 2, 28), now=_at(date(2027, 2, 28)))

    assert result.failed_accounts == []
    async with db.session() as session:
        ended = await session.get_one(Subscription, subscription.id)
    assert ended.status is SubscriptionStatus.EXPIRED

"""Lifecycle rules that move money: renewals keep the billing anchor, a subscription left
without items ends, renewals carry their prices and compound the uplift."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.core.lifecycle import QuoteKind, SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import Charge, Order, Subscription, SubscriptionEvent, SubscriptionItem
from recur.services import billing, quotes, subscriptions, workflow
from recur.services.common import Forbidden, Invalid
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
    maria = await actor(db, "maria@recur.example")
    await subscriptions.change_subscription(
        db,
        maria,
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
    async with db.transaction() as session:
        for item in await session.scalars(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
        ):
            item.ended_on = date(2027, 2, 10)

    result = await billing.run_billing(db, as_of=date(2027, 2, 28), now=_at(date(2027, 2, 28)))

    assert result.failed_accounts == []
    async with db.session() as session:
        ended = await session.get_one(Subscription, subscription.id)
    assert ended.status is SubscriptionStatus.EXPIRED


# ---- renewal uplift --------------------------------------------------------------------------


async def _renewal_amounts(db: Database, subscription_id: int) -> list[Decimal]:
    """The seat charge of each renewal order, oldest first (one month, ten seats each)."""
    async with db.session() as session:
        rows = await session.scalars(
            select(Charge.amount)
            .join(Order, Order.id == Charge.order_id)
            .where(Order.subscription_id == subscription_id, Order.kind == QuoteKind.RENEWAL)
            .order_by(Charge.period_start)
        )
        return list(rows)


async def _set_uplift(db: Database, who: str, subscription_id: int, percent: str) -> Subscription:
    return await subscriptions.set_renewal_uplift(
        db,
        await actor(db, who),
        subscription_id=subscription_id,
        uplift_percent=Decimal(percent),
        today=START,
        now=_at(START),
    )


async def test_each_automatic_renewal_raises_the_previous_terms_net_price(db: Database) -> None:
    subscription = await _month_end_subscription(db)  # 10 seats at $25: $250.00 a month
    updated = await _set_uplift(db, "rita@recur.example", subscription.id, "5")
    assert updated.uplift_percent == Decimal(5)

    for day in (date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)):
        await billing.run_billing(db, as_of=day, now=_at(day))

    # 250 × 1.05 = 262.50; 262.50 × 1.05 = 275.625 → 275.63; 275.63 × 1.05 = 289.4115 → 289.41
    assert await _renewal_amounts(db, subscription.id) == [
        Decimal("262.50"),
        Decimal("275.63"),
        Decimal("289.41"),
    ]
    async with db.session() as session:
        item = await session.scalar(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
        )
        history = list(
            await session.scalars(
                select(SubscriptionEvent.summary).where(
                    SubscriptionEvent.subscription_id == subscription.id,
                    SubscriptionEvent.action == "UPLIFT",
                )
            )
        )
    assert item is not None
    assert (item.net_amount, item.uplift_percent) == (Decimal("289.41"), Decimal("15.7625"))
    assert history == [
        "Renewal uplift 0 % → 5 %: from 2027-02-28, each automatic renewal raises the prices "
        "of the term before by 5 %."
    ]


async def test_an_agreed_renewals_prices_carry_into_the_automatic_renewals_after_it(
    db: Database,
) -> None:
    subscription = await _month_end_subscription(db)
    rita, alice = await actor(db, "rita@recur.example"), await actor(db, "alice@acme.example")
    quote = await subscriptions.create_renewal_quote(
        db,
        rita,
        subscription_id=subscription.id,
        term_months=1,
        uplift_percent=Decimal(10),
        now=_at(START),
    )
    await workflow.send_quote(
        db, rita, quote_id=quote.id, threshold=THRESHOLD, today=START, now=_at(START)
    )
    await workflow.accept_quote(
        db, alice, quote_id=quote.id, threshold=THRESHOLD, today=START, now=_at(START)
    )

    for day in (date(2027, 2, 28), date(2027, 3, 31)):
        await billing.run_billing(db, as_of=day, now=_at(day))

    # The agreed term at $275.00 (10 % over list); the automatic one after it keeps $275.00.
    assert await _renewal_amounts(db, subscription.id) == [Decimal("275.00"), Decimal("275.00")]


async def test_only_sales_set_the_uplift_within_0_to_100_percent(db: Database) -> None:
    subscription = await _month_end_subscription(db)
    with pytest.raises(Forbidden):
        await _set_uplift(db, "alice@acme.example", subscription.id, "5")
    with pytest.raises(Invalid) as wrong:
        await _set_uplift(db, "maria@recur.example", subscription.id, "150")
    assert [(p.field, p.code) for p in wrong.value.problems] == [
        (("upliftPercent",), "INVALID_UPLIFT")
    ]
    with pytest.raises(Invalid) as unseen:  # Initech's rep does not see Acme
        await _set_uplift(db, "sam@recur.example", subscription.id, "5")
    assert unseen.value.problems[0].code == "UNKNOWN_SUBSCRIPTION"


async def test_a_renewal_past_the_most_a_line_may_bill_is_refused_with_the_reason(
    db: Database,
) -> None:
    """At 100 % a month, a price doubles every renewal; it stops at a trillion, said so."""
    subscription = await _month_end_subscription(db)
    await _set_uplift(db, "maria@recur.example", subscription.id, "100")
    async with db.transaction() as session:
        item = await session.scalar(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
        )
        assert item is not None
        item.net_amount = Decimal("600000000000.00")

    day = date(2027, 2, 28)
    result = await billing.run_billing(db, as_of=day, now=_at(day))

    assert [(f.name, f.error) for f in result.failed_accounts] == [
        (
            "Acme Corp",
            f"{subscription.number}: cannot renew: This line would come to "
            "1,200,000,000,000.00 USD, more than the 1,000,000,000,000 a line may bill.",
        )
    ]
    async with db.session() as session:
        still = await session.get_one(Subscription, subscription.id)
    assert (still.status, still.current_term_end) == (SubscriptionStatus.ACTIVE, day)


async def test_a_refused_renewal_does_not_stop_the_next_one_on_the_same_price(
    db: Database,
) -> None:
    """The run reads each price once; a renewal rolled back must not leave the next one
    with prices its rollback expired."""
    refused = await _month_end_subscription(db)
    renewed = await _month_end_subscription(db, seats=3)
    await _set_uplift(db, "maria@recur.example", refused.id, "100")
    async with db.transaction() as session:
        item = await session.scalar(
            select(SubscriptionItem).where(SubscriptionItem.subscription_id == refused.id)
        )
        assert item is not None
        item.net_amount = Decimal("600000000000.00")

    day = date(2027, 2, 28)
    result = await billing.run_billing(db, as_of=day, now=_at(day))

    assert [f.error.split(":")[0] for f in result.failed_accounts] == [refused.number]
    assert await _renewal_amounts(db, renewed.id) == [Decimal("75.00")]

"""At term end the billing run renews auto-renewing subscriptions and expires the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update

from recur.core.lifecycle import QuoteKind, SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Invoice,
    InvoiceLine,
    Order,
    Quote,
    Subscription,
    SubscriptionItem,
)
from recur.services import billing

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


async def _acme_subscription(db: Database) -> Subscription:
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        subscription = await session.scalar(
            select(Subscription).where(Subscription.account_id == acme)
        )
    assert subscription is not None
    return subscription


async def _end_earlier_terms(db: Database, subscription: Subscription) -> None:
    """The demo's shorter Globex terms end before Acme's: a run the day before lets them
    renew or expire first, so the run on Acme's term end is about Acme alone."""
    await billing.run_billing(db, as_of=subscription.current_term_end - timedelta(days=1), now=NOW)


async def test_an_auto_renewing_subscription_renews_for_another_term_at_its_uplift(db) -> None:
    subscription = await _acme_subscription(db)
    async with db.transaction() as session:
        await session.execute(
            update(Subscription)
            .where(Subscription.id == subscription.id)
            .values(uplift_percent=Decimal(5))
        )
        before = {
            item.id: item.net_amount
            for item in await session.scalars(
                select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
            )
        }
    term_end = subscription.current_term_end
    await _end_earlier_terms(db, subscription)
    result = await billing.run_billing(db, as_of=term_end, now=NOW)
    again = await billing.run_billing(db, as_of=term_end, now=NOW)

    assert (result.renewed, result.expired, again.renewed) == (1, 0, 0)
    async with db.session() as session:
        renewed = await session.get_one(Subscription, subscription.id)
        order = await session.scalar(
            select(Order).where(Order.subscription_id == subscription.id, Order.kind == "RENEWAL")
        )
        assert order is not None
        quote = await session.get_one(Quote, order.quote_id)
        charges = list(await session.scalars(select(Charge).where(Charge.order_id == order.id)))
        items = {
            item.id: item.net_amount
            for item in await session.scalars(
                select(SubscriptionItem).where(SubscriptionItem.subscription_id == subscription.id)
            )
        }
        billed_now = list(
            await session.scalars(
                select(InvoiceLine.amount)
                .join(Invoice)
                .where(InvoiceLine.charge_id.in_([c.id for c in charges]))
            )
        )
    assert renewed.current_term_end == term_end + relativedelta(months=12)
    assert quote.kind is QuoteKind.RENEWAL and quote.uplift_percent == Decimal(5)
    assert sorted({c.period_start for c in charges})[0] == term_end
    assert len(charges) == 12 * len(items)
    # Platform Core 490.00 → 514.50; 25 seats at 25.00 = 625.00 → 656.25.
    assert sorted(items.values()) == sorted(
        (amount * Decimal("1.05")).quantize(Decimal("0.01")) for amount in before.values()
    )
    # The new term's first period is billed in the same run.
    assert sorted(billed_now) == sorted(items.values())


async def test_a_subscription_without_auto_renew_expires_at_term_end(db) -> None:
    subscription = await _acme_subscription(db)
    async with db.transaction() as session:
        await session.execute(
            update(Subscription).where(Subscription.id == subscription.id).values(auto_renew=False)
        )
    await _end_earlier_terms(db, subscription)
    result = await billing.run_billing(db, as_of=subscription.current_term_end, now=NOW)
    assert (result.renewed, result.expired) == (0, 1)
    async with db.session() as session:
        expired = await session.get_one(Subscription, subscription.id)
        last = await session.scalar(
            select(Charge.period_start)
            .where(Charge.subscription_item_id.is_not(None))
            .join(Order)
            .where(Order.subscription_id == subscription.id)
            .order_by(Charge.period_start.desc())
        )
    assert expired.status is SubscriptionStatus.EXPIRED
    assert last is not None and last < subscription.current_term_end


async def test_terms_missed_for_years_are_renewed_one_after_another(db) -> None:
    subscription = await _acme_subscription(db)
    far = subscription.current_term_end + relativedelta(months=25)
    result = await billing.run_billing(db, as_of=far, now=NOW)
    async with db.session() as session:
        renewed = await session.get_one(Subscription, subscription.id)
    assert renewed.current_term_end == subscription.current_term_end + relativedelta(months=36)
    assert result.renewed >= 3

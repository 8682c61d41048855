"""Ending a subscription before its term is up: when it is cancelled now, or when a change
leaves nothing on it. Nothing of an agreed next term was billed yet: it is called off too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import SubscriptionStatus
from recur.db.models import Charge, Order, Subscription
from recur.services.common import record_event, subscription_data, subscription_event
from recur.services.subscriptions.renewal_quotes import agreed_renewal


async def close_unbilled(session: AsyncSession, order_ids: set[int], on: date) -> None:
    """Close the charges of ``order_ids`` not billed yet, without a document: what is called
    off (a change that waited, an agreed renewal) is never billed."""
    if order_ids:
        await session.execute(
            update(Charge)
            .where(Charge.order_id.in_(order_ids), Charge.netted_on.is_(None))
            .values(netted_on=on)
        )


async def end_subscription(
    session: AsyncSession, subscription: Subscription, on: date, *, now: datetime | None = None
) -> str:
    """Mark ``subscription`` cancelled on ``on`` and call off a renewal agreed for its next
    term; the sentence for its history about that renewal ("" without one)."""
    agreed = await agreed_renewal(session, subscription)
    called_off = ""
    if agreed is not None:
        await close_unbilled(session, {agreed.id}, on)
        called_off = f" The renewal agreed in order {agreed.number} is called off."
    subscription.status = SubscriptionStatus.CANCELED
    subscription.canceled_on = on
    subscription.auto_renew = False
    # A change scheduled for ``on`` ends it when the billing run applies it: that day, UTC.
    occurred = now if now is not None else datetime.combine(on, time(), tzinfo=UTC)
    await record_event(
        session,
        "subscription.canceled",
        subscription.account_id,
        subscription_data(subscription),
        now=occurred,
    )
    return called_off


async def changed(
    session: AsyncSession, subscription: Subscription, order: Order, summary: str, *, now: datetime
) -> None:
    """Record ``subscription.changed`` for a change in force now (an end is ``canceled``)."""
    if subscription.status is SubscriptionStatus.ACTIVE:
        await subscription_event(
            session, "subscription.changed", subscription, now=now, order=order, summary=summary
        )

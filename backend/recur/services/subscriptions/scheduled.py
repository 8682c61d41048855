"""Scheduled changes: a change effective after today waits for its day.

Its AMENDMENT quote and order, and the order's charges from that day on, are written when
the change is made; the items stay as they are, so what is in effect today — the items,
monthly recurring revenue, the "before" of any other change — is what was ordered for
today. On its day the change is applied (by the billing run, or by the next change or
renewal of the subscription, whichever comes first), and until then it can be called off,
which closes its charges unbilled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import (
    Charge,
    Order,
    Product,
    QuoteLine,
    ScheduledChange,
    Subscription,
    SubscriptionItem,
)
from recur.services.common import Invalid, Problem, grouped, record_event, subscription_data
from recur.services.subscriptions.ending import close_unbilled, end_subscription
from recur.services.subscriptions.reads import locked_subscription

if TYPE_CHECKING:
    from recur.services.subscriptions.planning import PlannedChange

PENDING, APPLIED, CANCELED = "PENDING", "APPLIED", "CANCELED"


def schedule(
    session: AsyncSession,
    subscription: Subscription,
    order: Order,
    effective: date,
    changes: Sequence[tuple[QuoteLine, PlannedChange]],
    descriptions: dict[int, str],
) -> None:
    """Record the item changes of ``order`` to apply on ``effective``."""
    for line, plan in changes:
        if plan.item is None and plan.price.billing_period is BillingPeriod.ONE_TIME:
            continue  # a one-time add-on is charged on its day, not subscribed to
        session.add(
            ScheduledChange(
                subscription_id=subscription.id,
                order_id=order.id,
                quote_line_id=line.id,
                effective_date=effective,
                subscription_item_id=plan.item.id if plan.item else None,
                product_id=plan.price.product_id,
                price_id=plan.price.id,
                quantity=plan.quantity,
                discount_percent=plan.discount_percent,
                net_amount=plan.change.after,
                description=descriptions[line.id],
                status=PENDING,
            )
        )


async def change_items(
    session: AsyncSession,
    subscription: Subscription,
    changes: Sequence[tuple[QuoteLine, PlannedChange]],
    effective: date,
) -> dict[int, SubscriptionItem]:
    """Carry a change out on the items now; each quote line points at its item."""
    items_by_line: dict[int, SubscriptionItem] = {}
    for line, plan in changes:
        if plan.item is None and plan.price.billing_period is BillingPeriod.ONE_TIME:
            continue  # a one-time add-on is charged, not subscribed to
        if plan.item is None:
            item = _add_item(
                session,
                subscription,
                plan.price.product_id,
                plan.price.id,
                plan.quantity,
                plan.discount_percent,
                plan.change.after,
            )
        else:
            item = plan.item
            item.quantity = plan.quantity
            item.discount_percent = plan.discount_percent
            item.net_amount = plan.change.after
            if plan.quantity == 0:
                item.ended_on = effective
        items_by_line[line.id] = item
    await session.flush()
    for line, _plan in changes:
        if line.id in items_by_line:
            line.subscription_item_id = items_by_line[line.id].id
    return items_by_line


def _add_item(
    session: AsyncSession,
    subscription: Subscription,
    product_id: int,
    price_id: int,
    quantity: int,
    discount_percent: Decimal,
    net_amount: Decimal,
) -> SubscriptionItem:
    """An item added during the term: at the price it was added at, with no uplift."""
    item = SubscriptionItem(
        subscription_id=subscription.id,
        product_id=product_id,
        price_id=price_id,
        quantity=quantity,
        discount_percent=discount_percent,
        uplift_percent=Decimal(0),
        net_amount=net_amount,
    )
    session.add(item)
    subscription.items.append(item)
    return item


def items_after(
    subscription: Subscription, changes: Sequence[tuple[QuoteLine, PlannedChange]]
) -> list[SubscriptionItem]:
    """The items in effect once a scheduled change has taken effect (unsaved copies), for
    its monthly total."""
    planned = {plan.item.id: plan for _line, plan in changes if plan.item is not None}
    after = []
    for item in subscription.items:
        if item.ended_on is not None:
            continue
        plan = planned.get(item.id)
        if plan is None:
            after.append(item)
        elif plan.quantity:
            after.append(_copy(plan))
    after += [
        _copy(plan)
        for _line, plan in changes
        if plan.item is None and plan.price.billing_period is not BillingPeriod.ONE_TIME
    ]
    return after


def _copy(plan: PlannedChange) -> SubscriptionItem:
    return SubscriptionItem(
        price_id=plan.price.id, quantity=plan.quantity, net_amount=plan.change.after
    )


async def describe_changes(
    session: AsyncSession, changes: Sequence[tuple[QuoteLine, PlannedChange]]
) -> dict[int, str]:
    """Each line's change in words: "Standard Seats 10 → 20", "added SSO & SCIM × 1"."""
    ids = {plan.price.product_id for _line, plan in changes}
    names = dict(
        (await session.execute(select(Product.id, Product.name).where(Product.id.in_(ids)))).all()
    )
    words = {}
    for line, plan in changes:
        name = names[plan.price.product_id]
        if plan.item is None:
            words[line.id] = f"added {name} × {plan.quantity}"
        elif plan.quantity == 0:
            words[line.id] = f"removed {name}"
        else:
            words[line.id] = f"{name} {plan.quantity_before} → {plan.quantity}"
    return words


async def refuse_changes_to_scheduled(
    session: AsyncSession, subscription_id: int, item_ids: set[int]
) -> None:
    """An item with a change waiting for its day changes again once that one took effect or
    was called off: two changes of one item would each be priced against the other."""
    waiting = [
        change
        for change in await pending_changes(session, subscription_id)
        if change.subscription_item_id in item_ids
    ]
    if waiting:
        raise Invalid(
            [
                Problem(
                    ("changes",),
                    f"A change is scheduled for {change.effective_date.isoformat()} "
                    f"({change.description}): call it off first, or change the item again "
                    "once it has taken effect.",
                    "CHANGE_SCHEDULED",
                )
                for change in waiting
            ]
        )


async def pending_changes(session: AsyncSession, subscription_id: int) -> list[ScheduledChange]:
    return list(
        await session.scalars(
            select(ScheduledChange)
            .where(
                ScheduledChange.subscription_id == subscription_id,
                ScheduledChange.status == PENDING,
            )
            .order_by(ScheduledChange.effective_date, ScheduledChange.id)
        )
    )


async def apply_due(session: AsyncSession, subscription: Subscription, today: date) -> int:
    """Apply the changes of ``subscription`` (locked, with its items) due by ``today``; a
    subscription left without items ends on that day. Returns how many were applied."""
    due = [c for c in await pending_changes(session, subscription.id) if c.effective_date <= today]
    items = {item.id: item for item in subscription.items}
    for change in due:
        if change.subscription_item_id is None:
            item = _add_item(
                session,
                subscription,
                change.product_id,
                change.price_id,
                change.quantity,
                change.discount_percent,
                change.net_amount,
            )
            await session.flush()
            await session.execute(
                update(Charge)
                .where(Charge.quote_line_id == change.quote_line_id)
                .values(subscription_item_id=item.id)
            )
            await session.execute(
                update(QuoteLine)
                .where(QuoteLine.id == change.quote_line_id)
                .values(subscription_item_id=item.id)
            )
        else:
            item = items[change.subscription_item_id]
            item.quantity = change.quantity
            item.discount_percent = change.discount_percent
            item.net_amount = change.net_amount
            if change.quantity == 0:
                item.ended_on = change.effective_date
        change.status = APPLIED
        if subscription.status is SubscriptionStatus.ACTIVE and not any(
            item.ended_on is None for item in subscription.items
        ):
            await end_subscription(session, subscription, change.effective_date)
    if due:
        await session.flush()
    if due and subscription.status is SubscriptionStatus.ACTIVE:
        # Applied by the billing run on the day they take effect: that day, UTC.
        await record_event(
            session,
            "subscription.changed",
            subscription.account_id,
            subscription_data(subscription, summary=f"{len(due)} scheduled change(s) applied."),
            now=datetime.combine(today, time(), tzinfo=UTC),
        )
    return len(due)


async def apply_due_changes(db: Database, as_of: date) -> int:
    """The billing run's first step: every change due by ``as_of`` takes effect, each
    subscription in its own transaction."""
    async with db.session() as session:
        ids = list(
            await session.scalars(
                select(ScheduledChange.subscription_id)
                .where(ScheduledChange.status == PENDING, ScheduledChange.effective_date <= as_of)
                .distinct()
            )
        )
    applied = 0
    for subscription_id in ids:
        async with db.transaction() as session:
            subscription = await locked_subscription(session, subscription_id)
            if subscription is not None:
                applied += await apply_due(session, subscription, as_of)
    return applied


async def call_off(session: AsyncSession, changes: Sequence[ScheduledChange], on: date) -> None:
    """Call off waiting changes: their charges are closed unbilled."""
    for change in changes:
        change.status = CANCELED
    await close_unbilled(session, {change.order_id for change in changes}, on)


async def call_off_pending(session: AsyncSession, subscription: Subscription, on: date) -> None:
    """Cancelling now ends what is in effect; the changes still waiting go with it."""
    await call_off(session, await pending_changes(session, subscription.id), on)


async def scheduled_by_subscription(
    db: Database, subscription_ids: Sequence[int]
) -> dict[int, list[ScheduledChange]]:
    """The changes each subscription has waiting, soonest first (callers reach it through a
    visible subscription)."""
    statement = (
        select(ScheduledChange)
        .where(
            ScheduledChange.subscription_id.in_(set(subscription_ids)),
            ScheduledChange.status == PENDING,
        )
        .order_by(
            ScheduledChange.subscription_id, ScheduledChange.effective_date, ScheduledChange.id
        )
    )
    return await grouped(db, statement, lambda change: change.subscription_id)

"""Late records: usage recorded for a period already invoiced is billed on the account's next
invoice, as an adjustment of that period (docs/usage.md, "Late records").

A record is marked ``late`` when it is written into a period already invoiced. The billing
run bills every account with late records: for each period they fall in whose charge an
invoice (not void) bills, it adds an adjustment charge beside that charge (same order line
and period, ``adjusts_charge_id``), which rating prices at what the period's usage now comes
to less what its charges have billed (``rating.py``); the records are then no longer late.
A period whose charge is due anyway (its invoice was voided) needs no adjustment: it is
rated afresh with every record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.usage import period_bounds
from recur.db.models import (
    Charge,
    Subscription,
    SubscriptionItem,
    UsageRecord,
)
from recur.services.catalog import metered_charges
from recur.services.usage.rating import invoiced, own_period_charges


async def accounts_with_late_usage(session: AsyncSession, first: int, last: int) -> set[int]:
    """The accounts from ``first`` to ``last`` (ids) with late records waiting."""
    rows = await session.scalars(
        select(Subscription.account_id)
        .join(SubscriptionItem, SubscriptionItem.subscription_id == Subscription.id)
        .join(UsageRecord, UsageRecord.subscription_item_id == SubscriptionItem.id)
        .where(UsageRecord.late, Subscription.account_id.between(first, last))
        .distinct()
    )
    return set(rows)


async def late_adjustments(
    session: AsyncSession, account_id: int, due: Sequence[Charge]
) -> list[Charge]:
    """Under the account's lock: an adjustment charge (unrated) for each invoiced period the
    account's late records fall in, flushed; the records are no longer late."""
    items = list(
        await session.scalars(
            select(UsageRecord.subscription_item_id)
            .join(SubscriptionItem, SubscriptionItem.id == UsageRecord.subscription_item_id)
            .join(Subscription, Subscription.id == SubscriptionItem.subscription_id)
            .where(UsageRecord.late, Subscription.account_id == account_id)
            .distinct()
        )
    )
    if not items:
        return []
    periods = await session.scalars(
        select(Charge)
        .where(
            Charge.subscription_item_id.in_(items),
            Charge.adjusts_charge_id.is_(None),
            Charge.period_end.is_not(None),
            metered_charges(),
            *own_period_charges(),
            invoiced(),
        )
        .order_by(Charge.period_start, Charge.id)
    )
    due_now = {(c.subscription_item_id, c.period_start) for c in due}
    adjustments = [
        _adjustment_of(charge)
        for charge in await with_late_usage(session, list(periods))
        if (charge.subscription_item_id, charge.period_start) not in due_now
    ]
    session.add_all(adjustments)
    await session.execute(
        update(UsageRecord)
        .where(UsageRecord.late, UsageRecord.subscription_item_id.in_(items))
        .values(late=False)
    )
    await session.flush()
    return adjustments


async def with_late_usage(session: AsyncSession, charges: Sequence[Charge]) -> list[Charge]:
    """Those of ``charges`` (metered periods) whose period has late records."""
    items = {c.subscription_item_id for c in charges if c.period_end is not None}
    if not items:
        return []
    times: dict[int, list[datetime]] = defaultdict(list)
    for item, occurred_at in await session.execute(
        select(UsageRecord.subscription_item_id, UsageRecord.occurred_at).where(
            UsageRecord.late, UsageRecord.subscription_item_id.in_(items)
        )
    ):
        times[item].append(occurred_at)
    found = []
    for charge in charges:
        if charge.period_end is None or charge.subscription_item_id is None:
            continue
        starts, ends = period_bounds(charge.period_start, charge.period_end)
        if any(starts <= at < ends for at in times[charge.subscription_item_id]):
            found.append(charge)
    return found


def _adjustment_of(charge: Charge) -> Charge:
    """A charge beside ``charge`` for the same item and period, priced when rated."""
    return Charge(
        order_id=charge.order_id,
        quote_line_id=charge.quote_line_id,
        subscription_item_id=charge.subscription_item_id,
        product_id=charge.product_id,
        price_id=charge.price_id,
        billing_period=charge.billing_period,
        period_index=charge.period_index,
        period_start=charge.period_start,
        period_end=charge.period_end,
        quantity=0,
        list_amount=Decimal(0),
        discount_percent=charge.discount_percent,
        amount=Decimal(0),
        adjusts_charge_id=charge.id,
    )


def close_empty_adjustments(charges: Sequence[Charge], as_of: date) -> list[Charge]:
    """Close the adjustments rated to nothing (the late usage added no package, or their
    period is billed afresh beside them) without a document; the other charges."""
    kept = []
    for charge in charges:
        if charge.adjusts_charge_id is not None and not charge.amount and not charge.quantity:
            charge.netted_on = as_of
        else:
            kept.append(charge)
    return kept

"""Pricing usage: a metered item's charge for a period is rated from the period's usage,
aggregated in SQL, when the billing run invoices it (docs/usage.md, "Billing in arrears").

An order schedules a metered item's charges like any other (one per period, at the quoted
estimate); those charges fall due once their period has ended (``due_condition``), and
:func:`rate_charges` then sets each one's quantity and amount from the usage recorded for
its item within its period, in the billing transaction.

What a period's charge bills is the whole period's rating less what its charges on invoices
not void have billed already: nothing the first time, the period's own charge when usage
recorded late is billed by an adjustment charge (``late.py``). So whatever is voided and
billed again, a period is billed its rating once, in total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.core.usage import Aggregation, UsageType, metered_amounts, period_bounds
from recur.db.models import Charge, Invoice, InvoiceLine, SubscriptionItem, UsageRecord
from recur.services.catalog import load_prices, metered_charges, price_spec
from recur.services.common import ServiceError

#: What one charge (and invoice line) may hold: the quantity column is a 32-bit integer.
MAX_BILLED_PACKAGES = 2**31 - 1


class UsageTooLarge(ServiceError):
    code = "USAGE_TOO_LARGE"


def due_condition(as_of: date) -> ColumnElement[bool]:
    """Charges due by ``as_of``: licensed ones once their period has begun (in advance),
    metered ones once it has ended (in arrears; ``period_end`` is exclusive)."""
    return and_(
        Charge.period_start <= as_of,
        or_(~metered_charges(), Charge.period_end.is_(None), Charge.period_end <= as_of),
    )


async def aggregate_usage(
    session: AsyncSession,
    items: Iterable[tuple[int, Aggregation]],
    starts: datetime,
    ends: datetime,
) -> dict[int, int]:
    """Each item's usage from ``starts`` up to ``ends`` (exclusive) by its aggregation, in
    SQL: one grouped query for SUM and MAX, one for LAST. Items without usage are left out."""
    by_kind: dict[Aggregation, list[int]] = defaultdict(list)
    for item_id, aggregation in items:
        by_kind[aggregation].append(item_id)
    window = (UsageRecord.occurred_at >= starts, UsageRecord.occurred_at < ends)
    found: dict[int, int] = {}
    for aggregation, function in ((Aggregation.SUM, func.sum), (Aggregation.MAX, func.max)):
        if by_kind[aggregation]:
            rows = await session.execute(
                select(UsageRecord.subscription_item_id, function(UsageRecord.quantity))
                .where(UsageRecord.subscription_item_id.in_(by_kind[aggregation]), *window)
                .group_by(UsageRecord.subscription_item_id)
            )
            found.update((item, int(value)) for item, value in rows if value is not None)
    if by_kind[Aggregation.LAST]:
        # The latest record of each item: by time, then by the order recorded.
        ranked = (
            select(
                UsageRecord.subscription_item_id.label("item"),
                UsageRecord.quantity.label("quantity"),
                func.row_number()
                .over(
                    partition_by=UsageRecord.subscription_item_id,
                    order_by=(UsageRecord.occurred_at.desc(), UsageRecord.id.desc()),
                )
                .label("rank"),
            )
            .where(UsageRecord.subscription_item_id.in_(by_kind[Aggregation.LAST]), *window)
            .subquery()
        )
        rows = await session.execute(
            select(ranked.c.item, ranked.c.quantity).where(ranked.c.rank == 1)
        )
        found.update((item, int(value)) for item, value in rows)
    return found


@dataclass(frozen=True)
class Rated:
    """A metered charge's quantity (packages) and amounts: what is left to bill of its
    period's usage (``usage``, the whole period's, and what it comes to in all:
    ``period_quantity`` packages, ``period_amount``)."""

    usage: int
    quantity: int
    list_amount: Decimal
    amount: Decimal
    period_quantity: int = 0
    period_amount: Decimal = Decimal(0)


#: Packages, list amount and net amount.
Billed = tuple[int, Decimal, Decimal]


def invoiced() -> ColumnElement[bool]:
    """The charges an invoice not void bills (a condition on ``Charge``)."""
    return (
        select(InvoiceLine.id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.charge_id == Charge.id, Invoice.status != InvoiceStatus.VOID)
        .exists()
    )


def own_period_charges() -> tuple[ColumnElement[bool], ...]:
    """A period's own charge and its adjustments, not an amendment's (which bill nothing)."""
    return (Charge.quantity_before.is_(None), Charge.period_delta.is_(None))


async def billed_by_period(
    session: AsyncSession, item_ids: Iterable[int]
) -> dict[tuple[int, date], Billed]:
    """What the metered charges of ``item_ids`` on invoices not void have billed, by item
    and period start."""
    rows = await session.execute(
        select(
            Charge.subscription_item_id,
            Charge.period_start,
            func.sum(Charge.quantity),
            func.sum(Charge.list_amount),
            func.sum(Charge.amount),
        )
        .where(
            Charge.subscription_item_id.in_(set(item_ids)),
            metered_charges(),
            *own_period_charges(),
            invoiced(),
        )
        .group_by(Charge.subscription_item_id, Charge.period_start)
    )
    return {
        (item or 0, start): (int(quantity), Decimal(listed), Decimal(net))
        for item, start, quantity, listed, net in rows
    }


async def rate(
    session: AsyncSession, charges: Sequence[Charge], *, until: datetime | None = None
) -> dict[int, Rated]:
    """The metered ones among ``charges`` (by id), rated from their period's usage (up to
    ``until`` if given, for a preview); nothing is written. A period's amendment charges of
    a metered item bill nothing: its usage is billed once, on the period's own charge."""
    prices = await load_prices(session, {charge.price_id for charge in charges})
    metered = [
        charge
        for charge in charges
        if prices[charge.price_id].usage_type == UsageType.METERED
        and charge.subscription_item_id is not None
        and charge.period_end is not None
    ]
    if not metered:
        return {}
    item_rows = await session.execute(
        select(
            SubscriptionItem.id, SubscriptionItem.discount_percent, SubscriptionItem.uplift_percent
        ).where(SubscriptionItem.id.in_({c.subscription_item_id for c in metered}))
    )
    terms = {item_id: (discount, uplift) for item_id, discount, uplift in item_rows}
    periods: dict[tuple[date, date], list[Charge]] = defaultdict(list)
    for charge in metered:
        assert charge.period_end is not None
        periods[(charge.period_start, charge.period_end)].append(charge)
    billed = await billed_by_period(session, {c.subscription_item_id or 0 for c in metered})
    nothing: Billed = (0, Decimal(0), Decimal(0))
    rated: dict[int, Rated] = {}
    for (start, end), group in periods.items():
        starts, ends = period_bounds(start, end)
        if until is not None:
            ends = min(ends, until)
        usage = await aggregate_usage(
            session,
            {
                (c.subscription_item_id, prices[c.price_id].aggregation or Aggregation.SUM)
                for c in group
                if c.subscription_item_id is not None
            },
            starts,
            ends,
        )
        # The first of a period's charges here bills what is left of it; any other (an
        # adjustment due beside its voided period charge) nothing more.
        left: dict[int, Billed] = {}
        for charge in sorted(group, key=lambda c: c.id):
            assert charge.subscription_item_id is not None
            if charge.quantity_before is not None or charge.period_delta is not None:
                rated[charge.id] = Rated(0, charge.quantity, charge.list_amount, Decimal(0))
                continue
            discount, uplift = terms[charge.subscription_item_id]
            price = prices[charge.price_id]
            used = usage.get(charge.subscription_item_id, 0)
            count, list_amount, net = metered_amounts(
                price_spec(price),
                used,
                price.package_size,
                discount_percent=discount,
                uplift_percent=uplift,
            )
            if count > MAX_BILLED_PACKAGES:
                raise UsageTooLarge(
                    f"Item {charge.subscription_item_id}'s usage from {start} to {end} is "
                    f"more packages ({count:,}) than one invoice line holds."
                )
            item = charge.subscription_item_id
            done = left.get(item, billed.get((item, start), nothing))
            rated[charge.id] = Rated(
                used, count - done[0], list_amount - done[1], net - done[2], count, net
            )
            left[item] = (count, list_amount, net)
    return rated


async def rate_charges(session: AsyncSession, charges: Sequence[Charge]) -> None:
    """Rate the metered ones among ``charges`` (in a write transaction: it sets their
    quantity and amounts) before they are invoiced."""
    rated = await rate(session, charges)
    for charge in charges:
        if charge.id in rated:
            charge.quantity = rated[charge.id].quantity
            charge.list_amount = rated[charge.id].list_amount
            charge.amount = rated[charge.id].amount

"""Seeing usage: each metered item's usage per period so far, and the invoice a
subscription's next billing run will make (docs/usage.md, "Seeing usage").

Both read the same charges the billing run will invoice and rate them with the same
function (``rating.rate``), with the usage recorded so far: the upcoming invoice is the
invoice the run makes on its date, to the cent, if no more usage arrives.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.invoices import invoice_totals
from recur.core.usage import UsageType
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    CreditNoteLine,
    Order,
    Price,
    Product,
    Subscription,
)
from recur.services.accounts import visible_accounts
from recur.services.common import Actor
from recur.services.usage.late import with_late_usage
from recur.services.usage.rating import invoiced, rate


@dataclass(frozen=True)
class PeriodUsage:
    """A metered item's usage in one billing period, and what it bills (so far)."""

    subscription_item_id: int
    product_name: str
    period_start: date
    period_end: date
    usage: int
    quantity: int  # packages
    amount: Decimal
    invoiced: bool


@dataclass(frozen=True)
class UpcomingLine:
    description: str
    product_name: str
    period_start: date
    period_end: date | None
    quantity: int
    amount: Decimal
    metered: bool
    usage: int | None
    #: Usage recorded after its period was invoiced (docs/usage.md, "Late records").
    late: bool = False


@dataclass(frozen=True)
class UpcomingInvoice:
    issue_date: date
    currency: str
    lines: list[UpcomingLine]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


async def _subscription(
    session: AsyncSession, actor: Actor, subscription_id: int
) -> tuple[Subscription, Account] | None:
    row = (
        await session.execute(
            select(Subscription, Account)
            .join(Account, Account.id == Subscription.account_id)
            .where(Subscription.id == subscription_id, visible_accounts(actor))
        )
    ).first()
    return (row[0], row[1]) if row else None


async def _charges(session: AsyncSession, subscription_id: int) -> list[tuple[Charge, bool]]:
    """The subscription's charges not netted, each with whether an invoice or credit note
    (not void) bills it."""
    credited = select(CreditNoteLine.id).where(CreditNoteLine.charge_id == Charge.id).exists()
    rows = await session.execute(
        select(Charge, invoiced() | credited)
        .join(Order, Order.id == Charge.order_id)
        .where(Order.subscription_id == subscription_id, Charge.netted_on.is_(None))
        .order_by(Charge.period_start, Charge.id)
    )
    return [(charge, bool(billed)) for charge, billed in rows]


async def _metered_price_ids(session: AsyncSession, charges: list[Charge]) -> set[int]:
    ids = {charge.price_id for charge in charges}
    statement = select(Price.id).where(Price.id.in_(ids), Price.usage_type == UsageType.METERED)
    return set(await session.scalars(statement))


async def _product_names(session: AsyncSession, charges: list[Charge]) -> dict[int, str]:
    ids = {charge.product_id for charge in charges}
    return dict(
        (await session.execute(select(Product.id, Product.name).where(Product.id.in_(ids)))).all()
    )


async def usage_to_date(
    db: Database, actor: Actor, subscription_id: int, *, now: datetime
) -> list[PeriodUsage]:
    """Every metered item's usage per period begun by ``now``, oldest first (``[]`` for a
    subscription the actor does not see)."""
    async with db.session() as session:
        if await _subscription(session, actor, subscription_id) is None:
            return []
        charges = await _charges(session, subscription_id)
        metered = await _metered_price_ids(session, [c for c, _ in charges])
        begun = [
            (c, billed)
            for c, billed in charges
            if c.price_id in metered
            and c.period_end is not None
            and c.quantity_before is None
            and c.period_delta is None
            and c.adjusts_charge_id is None
            and c.period_start <= now.date()
        ]
        rated = await rate(session, [c for c, _ in begun], until=now)
        names = await _product_names(session, [c for c, _ in begun])
    periods = []
    for charge, billed in begun:
        assert charge.subscription_item_id is not None and charge.period_end is not None
        figures = rated[charge.id]
        periods.append(
            PeriodUsage(
                charge.subscription_item_id,
                names[charge.product_id],
                charge.period_start,
                charge.period_end,
                figures.usage,
                figures.period_quantity,
                figures.period_amount,
                billed,
            )
        )
    return periods


def _net_out(lines: list[tuple[Charge, Decimal]]) -> list[tuple[Charge, Decimal]]:
    """Leave out the charges of one item and period that add up to nothing, as the billing
    run closes them without a document."""
    groups: dict[tuple[int, date], list[Decimal]] = defaultdict(list)
    for charge, amount in lines:
        if charge.subscription_item_id is not None and charge.period_end is not None:
            groups[(charge.subscription_item_id, charge.period_end)].append(amount)
    return [
        (charge, amount)
        for charge, amount in lines
        if charge.subscription_item_id is None
        or charge.period_end is None
        or len(amounts := groups[(charge.subscription_item_id, charge.period_end)]) < 2
        or sum(amounts, Decimal(0)) != 0
    ]


async def upcoming_invoice(
    db: Database, actor: Actor, subscription_id: int, *, today: date, now: datetime
) -> UpcomingInvoice | None:
    """The subscription's part of the next invoice the billing run makes: the charges not
    invoiced that fall due first (licensed ones when their period begins, metered ones when
    it ends, rated with the usage recorded by ``now``), with the account's tax. ``None``
    when nothing is left to bill, or for a subscription the actor does not see."""
    async with db.session() as session:
        found = await _subscription(session, actor, subscription_id)
        if found is None:
            return None
        subscription, account = found
        charges = await _charges(session, subscription_id)
        pending = [c for c, billed in charges if not billed]
        metered = await _metered_price_ids(session, [c for c, _ in charges])
        # Invoiced periods with usage recorded since: the next run bills the difference.
        late = await with_late_usage(
            session,
            [
                c
                for c, billed in charges
                if billed and c.price_id in metered and c.adjusts_charge_id is None
            ],
        )

        def due(charge: Charge) -> date:
            if charge.price_id in metered and charge.period_end is not None:
                return charge.period_end
            return charge.period_start

        if not pending and not late:
            return None
        issue_date = max(today, min([*(due(c) for c in pending), *([today] if late else [])]))
        billed = [charge for charge in pending if due(charge) <= issue_date]
        rated = await rate(session, [*billed, *late], until=now)
        names = await _product_names(session, [*billed, *late])
    lines = _net_out([(c, rated[c.id].amount if c.id in rated else c.amount) for c in billed])
    lines += [(c, rated[c.id].amount) for c in late if rated[c.id].quantity or rated[c.id].amount]
    if not lines:
        return None
    totals = invoice_totals(
        (amount for _, amount in lines), account.tax_rate_percent, subscription.currency
    )
    return UpcomingInvoice(
        issue_date=issue_date,
        currency=subscription.currency,
        lines=[
            UpcomingLine(
                description=_describe(names[c.product_id], c, c.id in rated, c in late),
                product_name=names[c.product_id],
                period_start=c.period_start,
                period_end=c.period_end,
                quantity=rated[c.id].quantity if c.id in rated else c.quantity,
                amount=amount,
                metered=c.id in rated,
                usage=rated[c.id].usage if c.id in rated else None,
                late=c in late,
            )
            for c, amount in lines
        ],
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
    )


def _describe(name: str, charge: Charge, metered: bool, late: bool = False) -> str:
    if charge.period_end is None:
        return name
    period = f"{charge.period_start:%Y-%m-%d} to {charge.period_end:%Y-%m-%d}"
    if late:
        return f"{name}, usage recorded late for {period}"
    return f"{name}, usage {period}" if metered else f"{name}, {period}"

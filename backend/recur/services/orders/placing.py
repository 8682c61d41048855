"""Orders: what an accepted quote becomes, in the same transaction.

An order computes its charge schedule once, with the pricing core, and stores it; a NEW
order starts one subscription with the recurring lines and issues the first invoice at once
(billing in advance): the first period of every recurring line and the one-time lines.
Invoices copy scheduled charges; they never price again, so they equal the quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import SubscriptionStatus
from recur.core.periods import term_end
from recur.core.schedule import ScheduledCharge, charge_schedule, first_invoice_charges
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Order,
    Subscription,
    SubscriptionItem,
)
from recur.services.accounts import visible_accounts
from recur.services.common import (
    Actor,
    NumberSequence,
    default_renewal_uplift,
    next_number,
    order_data,
    record_event,
    subscription_data,
)
from recur.services.invoicing import issue_invoice
from recur.services.quotes import PricedLine, PricedQuote, line_terms


async def create_order(
    session: AsyncSession, priced: PricedQuote, account: Account, *, today: date, now: datetime
) -> Order:
    """The order of an accepted quote, its schedule, subscription and first invoice."""
    quote = priced.quote
    order = Order(
        number=await next_number(session, NumberSequence.ORDER),
        quote_id=quote.id,
        account_id=quote.account_id,
        kind=quote.kind,
        currency=quote.currency,
        start_date=quote.start_date,
        term_months=quote.term_months,
        purchase_order_number=quote.purchase_order_number,
        created_at=now,
    )
    session.add(order)
    schedule = charge_schedule(
        [(str(p.line.id), line_terms(p.line, p.price, quote.uplift_percent)) for p in priced.lines],
        quote.start_date,
        quote.term_months,
    )
    items = await _start_subscription(session, order, priced, now=now)
    await session.flush()
    await record_event(session, "order.created", order.account_id, order_data(order), now=now)
    by_line = {str(p.line.id): p for p in priced.lines}
    charges = [
        charge_row(order, scheduled, by_line[scheduled.line_key], items) for scheduled in schedule
    ]
    session.add_all(charges)
    await session.flush()
    first = {
        (c.line_key, c.period_index) for c in first_invoice_charges(schedule, quote.start_date)
    }
    # A metered line's first period is billed in arrears, when it ends (docs/usage.md).
    metered = {str(p.line.id) for p in priced.lines if p.price.metered}
    billed_now = [
        c
        for c in charges
        if (str(c.quote_line_id), c.period_index) in first and str(c.quote_line_id) not in metered
    ]
    if billed_now:  # nothing when every line is metered
        await issue_invoice(session, account, billed_now, issue_date=today, now=now)
    return order


async def _start_subscription(
    session: AsyncSession, order: Order, priced: PricedQuote, *, now: datetime
) -> dict[int, SubscriptionItem]:
    """One subscription with the recurring lines; items by quote line id."""
    recurring = [p for p in priced.lines if p.price.billing_period is not BillingPeriod.ONE_TIME]
    if not recurring:
        return {}
    quote = priced.quote
    subscription = Subscription(
        number=await next_number(session, NumberSequence.SUBSCRIPTION),
        account_id=quote.account_id,
        status=SubscriptionStatus.ACTIVE,
        currency=quote.currency,
        start_date=quote.start_date,
        term_months=quote.term_months,
        current_term_end=term_end(quote.start_date, quote.term_months),
        auto_renew=True,
        uplift_percent=await default_renewal_uplift(session),
        created_at=now,
    )
    session.add(subscription)
    await session.flush()
    order.subscription_id = subscription.id
    await record_event(
        session,
        "subscription.created",
        subscription.account_id,
        subscription_data(subscription),
        now=now,
    )
    items = {
        p.line.id: SubscriptionItem(
            subscription_id=subscription.id,
            product_id=p.line.product_id,
            price_id=p.price.id,
            quantity=p.line.quantity,
            discount_percent=p.line.discount_percent,
            net_amount=p.amounts.net_amount,
        )
        for p in recurring
    }
    session.add_all(items.values())
    return items


def charge_values(
    order: Order, scheduled: ScheduledCharge, priced: PricedLine, items: dict[int, SubscriptionItem]
) -> dict[str, Any]:
    """The columns of the charge ``scheduled`` for a line of ``order`` (flushed, as are the
    quote line and its item): for a bulk insert when nothing needs the charges' ids."""
    item = items.get(priced.line.id)
    return {
        "order_id": order.id,
        "quote_line_id": priced.line.id,
        "subscription_item_id": item.id if item else None,
        "product_id": priced.line.product_id,
        "price_id": priced.price.id,
        "billing_period": scheduled.billing_period,
        "period_index": scheduled.period_index,
        "period_start": scheduled.period_start,
        "period_end": scheduled.period_end,
        "quantity": scheduled.quantity,
        "list_amount": priced.amounts.list_amount,
        "discount_percent": priced.line.discount_percent,
        "amount": scheduled.amount,
    }


def charge_row(
    order: Order, scheduled: ScheduledCharge, priced: PricedLine, items: dict[int, SubscriptionItem]
) -> Charge:
    """The same charge as :func:`charge_values`, as an object to add to the session."""
    return Charge(**charge_values(order, scheduled, priced, items))


async def orders_by_id(db: Database, actor: Actor, ids: Sequence[int]) -> dict[int, Order]:
    if actor.is_anonymous or not ids:
        return {}
    statement = select(Order).where(
        Order.id.in_(set(ids)),
        Order.account_id.in_(select(Account.id).where(visible_accounts(actor))),
    )
    async with db.session() as session:
        return {order.id: order for order in await session.scalars(statement)}


async def orders_by_quote(db: Database, quote_ids: Sequence[int]) -> dict[int, Order]:
    """The order of each accepted quote (callers have checked the quote is visible)."""
    statement = select(Order).where(Order.quote_id.in_(set(quote_ids)))
    async with db.session() as session:
        return {order.quote_id: order for order in await session.scalars(statement)}


async def scheduled_total(db: Database, order_id: int) -> Decimal:
    """What an order's charge schedule bills in all, tax excluded (callers have checked the
    order is visible): for an amendment's order, what the change adds to the contract."""
    async with db.session() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(Charge.amount), 0)).where(Charge.order_id == order_id)
        )
    return Decimal(total or 0)

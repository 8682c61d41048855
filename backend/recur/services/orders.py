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

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.catalog import BillingPeriod
from recur.core.invoices import due_date, invoice_totals
from recur.core.lifecycle import InvoiceStatus, SubscriptionStatus
from recur.core.money import Money
from recur.core.periods import term_end
from recur.core.schedule import ScheduledCharge, charge_schedule, first_invoice_charges
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Invoice,
    InvoiceLine,
    Order,
    Product,
    Quote,
    Subscription,
    SubscriptionItem,
)
from recur.services.accounts import visible_accounts
from recur.services.actor import Actor
from recur.services.numbering import Sequence as NumberSequence
from recur.services.numbering import next_number
from recur.services.quotes import PricedLine, PricedQuote, line_terms

PERIOD_WORDS = {BillingPeriod.MONTH: "monthly", BillingPeriod.YEAR: "yearly"}


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
        created_at=now,
    )
    session.add(order)
    schedule = charge_schedule(
        [(str(p.line.id), line_terms(p.line, p.price)) for p in priced.lines],
        quote.start_date,
        quote.term_months,
    )
    items = await _start_subscription(session, order, priced, now=now)
    await session.flush()
    by_line = {str(p.line.id): p for p in priced.lines}
    charges = [
        _charge(order, scheduled, by_line[scheduled.line_key], items) for scheduled in schedule
    ]
    session.add_all(charges)
    await session.flush()
    first = {
        (c.line_key, c.period_index) for c in first_invoice_charges(schedule, quote.start_date)
    }
    billed_now = [c for c in charges if (str(c.quote_line_id), c.period_index) in first]
    await issue_invoice(session, order, quote, account, billed_now, today=today, now=now)
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
        created_at=now,
    )
    session.add(subscription)
    await session.flush()
    order.subscription_id = subscription.id
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


def _charge(
    order: Order, scheduled: ScheduledCharge, priced: PricedLine, items: dict[int, SubscriptionItem]
) -> Charge:
    item = items.get(priced.line.id)
    return Charge(
        order_id=order.id,
        quote_line_id=priced.line.id,
        subscription_item_id=item.id if item else None,
        product_id=priced.line.product_id,
        price_id=priced.price.id,
        billing_period=scheduled.billing_period,
        period_index=scheduled.period_index,
        period_start=scheduled.period_start,
        period_end=scheduled.period_end,
        quantity=scheduled.quantity,
        list_amount=priced.amounts.list_amount,
        discount_percent=priced.line.discount_percent,
        amount=scheduled.amount,
    )


async def issue_invoice(
    session: AsyncSession,
    order: Order,
    quote: Quote,
    account: Account,
    charges: Sequence[Charge],
    *,
    today: date,
    now: datetime,
) -> Invoice:
    """An invoice billing ``charges`` exactly as scheduled, tax on the subtotal once."""
    products = {
        p.id: p
        for p in await session.scalars(
            select(Product).where(Product.id.in_({c.product_id for c in charges}))
        )
    }
    totals = invoice_totals([c.amount for c in charges], account.tax_rate_percent, order.currency)
    invoice = Invoice(
        number=await next_number(session, NumberSequence.INVOICE),
        account_id=account.id,
        order_id=order.id,
        status=InvoiceStatus.OPEN if totals.total > 0 else InvoiceStatus.PAID,
        currency=order.currency,
        issue_date=today,
        due_date=due_date(today, account.payment_terms_days),
        tax_rate_percent=account.tax_rate_percent,
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
        amount_paid=Decimal(0),
        created_at=now,
    )
    session.add(invoice)
    await session.flush()
    session.add_all(
        InvoiceLine(
            invoice_id=invoice.id,
            position=position,
            charge_id=charge.id,
            subscription_item_id=charge.subscription_item_id,
            description=_description(products[charge.product_id], charge),
            period_start=charge.period_start,
            period_end=charge.period_end,
            quantity=charge.quantity,
            unit_amount=None,
            amount=charge.amount,
            explanation=explain(charge, products[charge.product_id], quote, order),
        )
        for position, charge in enumerate(charges, start=1)
    )
    return invoice


def _description(product: Product, charge: Charge) -> str:
    if charge.period_end is None:
        return product.name
    return f"{product.name} ({PERIOD_WORDS.get(charge.billing_period, '')})"


def explain(charge: Charge, product: Product, quote: Quote, order: Order) -> str:
    """Where an invoice line's amount comes from, in words and numbers."""
    currency = order.currency
    listed = Money(charge.list_amount, currency).format()
    net = Money(charge.amount, currency).format()
    period = (
        f"for {charge.period_start.isoformat()} to {charge.period_end.isoformat()} "
        f"(period {charge.period_index + 1})"
        if charge.period_end
        else f"once, on {charge.period_start.isoformat()}"
    )
    discount = (
        f", less {charge.discount_percent.normalize():f} % discount = {net}"
        if charge.discount_percent
        else ""
    )
    return (
        f"{product.name}, quantity {charge.quantity}: list {listed}{discount}, {period}. "
        f"From quote {quote.number}, order {order.number}; amounts rounded once to the cent."
    )


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

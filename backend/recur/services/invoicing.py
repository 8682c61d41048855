"""Issuing invoices from scheduled charges: copied, never priced again.

Used when an order is made (its first invoice) and by the billing run (everything due).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.catalog import BillingPeriod
from recur.core.invoices import due_date, invoice_totals
from recur.core.lifecycle import InvoiceStatus
from recur.core.money import Money
from recur.db.models import Account, Charge, Invoice, InvoiceLine, Order, Product, Quote
from recur.services.numbering import Sequence as NumberSequence
from recur.services.numbering import next_number
from recur.services.payments import apply_credit

PERIOD_WORDS = {BillingPeriod.MONTH: "monthly", BillingPeriod.YEAR: "yearly"}


async def issue_invoice(
    session: AsyncSession,
    account: Account,
    charges: Sequence[Charge],
    *,
    issue_date: date,
    now: datetime,
) -> Invoice:
    """An invoice billing ``charges`` exactly as scheduled, tax on the subtotal once."""
    product_ids = {c.product_id for c in charges}
    products = {
        p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(product_ids)))
    }
    order_ids = {c.order_id for c in charges}
    orders = {o.id: o for o in await session.scalars(select(Order).where(Order.id.in_(order_ids)))}
    quote_ids = {o.quote_id for o in orders.values()}
    quotes = {q.id: q for q in await session.scalars(select(Quote).where(Quote.id.in_(quote_ids)))}
    totals = invoice_totals([c.amount for c in charges], account.tax_rate_percent, account.currency)
    invoice = Invoice(
        number=await next_number(session, NumberSequence.INVOICE),
        account_id=account.id,
        order_id=next(iter(orders)) if len(orders) == 1 else None,
        status=InvoiceStatus.OPEN if totals.total > 0 else InvoiceStatus.PAID,
        currency=account.currency,
        issue_date=issue_date,
        due_date=due_date(issue_date, account.payment_terms_days),
        tax_rate_percent=account.tax_rate_percent,
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
        amount_paid=Decimal(0),
        created_at=now,
    )
    session.add(invoice)
    await session.flush()
    # A charge billed before by a voided invoice is billed once more: count those lines.
    rebills = {
        charge_id: count
        for charge_id, count in await session.execute(
            select(InvoiceLine.charge_id, func.count())
            .where(InvoiceLine.charge_id.in_([c.id for c in charges]))
            .group_by(InvoiceLine.charge_id)
        )
    }
    ordered = sorted(charges, key=lambda c: (c.period_start, c.order_id, c.quote_line_id))
    session.add_all(
        InvoiceLine(
            invoice_id=invoice.id,
            position=position,
            charge_id=charge.id,
            rebill=rebills.get(charge.id, 0),
            subscription_item_id=charge.subscription_item_id,
            description=_description(products[charge.product_id], charge),
            period_start=charge.period_start,
            period_end=charge.period_end,
            quantity=charge.quantity,
            unit_amount=None,
            amount=charge.amount,
            explanation=explain(
                charge,
                products[charge.product_id],
                quotes[orders[charge.order_id].quote_id],
                orders[charge.order_id],
            ),
        )
        for position, charge in enumerate(ordered, start=1)
    )
    await session.flush()
    # Account credit (an earlier overpayment) pays the new invoice at once.
    await apply_credit(session, account.id, now=now)
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
        f"for {charge.period_start.isoformat()} through "
        f"{(charge.period_end - timedelta(days=1)).isoformat()} (period {charge.period_index + 1})"
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

"""Issuing invoices (and, for scheduled credits, credit notes) from scheduled charges:
copied, never priced again.

Used when an order is made (its first invoice), when a subscription changes (its prorated
charge or credit), and by the billing run (everything due).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.invoices import due_date, invoice_totals
from recur.core.lifecycle import InvoiceStatus
from recur.db.base import table_of
from recur.db.models import (
    Account,
    Charge,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Order,
    Product,
    Quote,
)
from recur.services.common import (
    NumberSequence,
    credit_note_data,
    invoice_data,
    next_number,
    record_event,
)
from recur.services.invoicing.wording import describe_charge, explain, unit_amount
from recur.services.payments import apply_credit

#: A select of any columns.
AnySelect = Select[*tuple[Any, ...]]

#: Into the table, not through the model: the ORM's bulk path costs more than the rows, and
#: nothing needs the lines as objects.
_INSERT_LINES = insert(table_of(InvoiceLine))


@dataclass(frozen=True)
class LineContext:
    """What the lines of a document need to explain themselves."""

    products: dict[int, Product] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    quotes: dict[int, Quote] = field(default_factory=dict)
    #: Per charge id, how many invoice lines have billed the charge before (all of them on
    #: invoices voided since, or it would not be billed again).
    invoiced_before: dict[int, int] = field(default_factory=dict)

    def add(self, charge_id: int, product: Product, order: Order, quote: Quote, count: int) -> None:
        """One charge's context: the four columns :func:`with_line_context` adds."""
        self.products[product.id] = product
        self.orders[order.id] = order
        self.quotes[quote.id] = quote
        self.invoiced_before[charge_id] = count

    def description(self, charge: Charge) -> str:
        return describe_charge(self.products[charge.product_id], charge)

    def explanation(self, charge: Charge) -> str:
        order = self.orders[charge.order_id]
        return explain(charge, self.products[charge.product_id], self.quotes[order.quote_id], order)


def with_line_context(statement: AnySelect) -> AnySelect:
    """``statement``, a select of charges, with their context as four more columns (product,
    order, quote, invoice lines before: :meth:`LineContext.add`), so that whoever reads the
    charges to bill them reads their context in the same statement."""
    invoiced_before = (
        select(func.count())
        .where(InvoiceLine.charge_id == Charge.id)
        .correlate(Charge)
        .scalar_subquery()
    )
    return (
        statement.add_columns(Product, Order, Quote, invoiced_before)
        .join(Product, Product.id == Charge.product_id)
        .join(Order, Order.id == Charge.order_id)
        .join(Quote, Quote.id == Order.quote_id)
    )


async def _context(session: AsyncSession, charges: Sequence[Charge]) -> LineContext:
    """The context of ``charges`` (flushed: they have ids), in one query."""
    context = LineContext()
    for charge_id, *columns in await session.execute(
        with_line_context(select(Charge.id)).where(Charge.id.in_([c.id for c in charges]))
    ):
        context.add(charge_id, *columns)
    return context


def _single_order(charges: Sequence[Charge]) -> int | None:
    """The order all of ``charges`` belong to, if they belong to one."""
    orders = {charge.order_id for charge in charges}
    return orders.pop() if len(orders) == 1 else None


def _ordered(charges: Sequence[Charge]) -> list[Charge]:
    return sorted(charges, key=lambda c: (c.period_start, c.order_id, c.quote_line_id))


async def bill_charges(
    session: AsyncSession,
    account: Account,
    charges: Sequence[Charge],
    *,
    issue_date: date,
    now: datetime,
    reason: str,
    issued_by_user_id: int | None = None,
    context: LineContext | None = None,
    credit: bool | None = None,
) -> list[Invoice | CreditNote]:
    """An invoice for ``charges``, or, when they add up to less than zero (an amendment's
    credits), a credit note for them; before it, a credit note of its own for the credits
    of periods invoiced at another tax rate than today's, one per rate. The documents in
    the order made. ``reason`` is the credit notes'. ``context``: the charges' context if
    the caller has read it (:func:`with_line_context`); ``credit``: whether the account has
    credit, if the caller has read it (``payments.has_credit``)."""
    documents: list[Invoice | CreditNote] = []
    # Credits of what was invoiced at another rate than today's: a note of their own each.
    for rate, credits in (await _credits_at_other_rates(session, account, charges)).items():
        documents.append(
            await issue_credit_note(
                session,
                account,
                credits,
                issue_date=issue_date,
                now=now,
                reason=reason,
                issued_by_user_id=issued_by_user_id,
                context=context,
                tax_rate_percent=rate,
            )
        )
        charges = [charge for charge in charges if charge not in credits]
    if not charges:
        return documents
    if sum((c.amount for c in charges), Decimal(0)) < 0:
        note = await issue_credit_note(
            session,
            account,
            charges,
            issue_date=issue_date,
            now=now,
            reason=reason,
            issued_by_user_id=issued_by_user_id,
            context=context,
        )
        return [*documents, note]
    invoice = await issue_invoice(
        session,
        account,
        charges,
        issue_date=issue_date,
        now=now,
        context=context,
        credit=None if documents else credit,  # the notes may have left credit
    )
    return [*documents, invoice]


async def _credits_at_other_rates(
    session: AsyncSession, account: Account, charges: Sequence[Charge]
) -> dict[Decimal, list[Charge]]:
    """The credits among ``charges`` whose period was invoiced at another tax rate than the
    account's today, by that rate: a credit gives back the tax the customer paid, at the
    rate of the invoice it credits (docs/billing.md)."""
    credits = {
        (charge.subscription_item_id, charge.period_end): charge
        for charge in charges
        if charge.amount < 0 and charge.subscription_item_id is not None
    }
    if not credits:
        return {}
    billed = await session.execute(
        select(Charge.subscription_item_id, Charge.period_end, Invoice.tax_rate_percent)
        .join(InvoiceLine, InvoiceLine.charge_id == Charge.id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Charge.subscription_item_id.in_({item for item, _ in credits}),
            Charge.amount > 0,
            Invoice.status != InvoiceStatus.VOID,
        )
        .order_by(Invoice.id)
    )
    rates = {(item, end): rate for item, end, rate in billed}  # the latest invoice's
    by_rate: dict[Decimal, list[Charge]] = {}
    for key, charge in credits.items():
        rate = rates.get(key, account.tax_rate_percent)
        if rate != account.tax_rate_percent:
            by_rate.setdefault(rate, []).append(charge)
    return by_rate


async def issue_invoice(
    session: AsyncSession,
    account: Account,
    charges: Sequence[Charge],
    *,
    issue_date: date,
    now: datetime,
    context: LineContext | None = None,
    credit: bool | None = None,
) -> Invoice:
    """An invoice billing ``charges`` exactly as scheduled, tax on the subtotal once, paid
    from the account's credit if it has any."""
    if context is None:
        context = await _context(session, charges)
    totals = invoice_totals([c.amount for c in charges], account.tax_rate_percent, account.currency)
    invoice = Invoice(
        number=await next_number(session, NumberSequence.INVOICE),
        account_id=account.id,
        order_id=_single_order(charges),
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
    # One executemany: nothing here needs the lines' ids (SQLite, which cannot return them
    # in order from one multi-row INSERT, would otherwise insert them one at a time).
    await session.execute(
        _INSERT_LINES,
        [
            {
                "invoice_id": invoice.id,
                "position": position,
                "charge_id": charge.id,
                # Billed before by a voided invoice: billed once more, counted.
                "rebill": context.invoiced_before[charge.id],
                "subscription_item_id": charge.subscription_item_id,
                "description": context.description(charge),
                "period_start": charge.period_start,
                "period_end": charge.period_end,
                "quantity": charge.quantity,
                "unit_amount": unit_amount(charge),
                "amount": charge.amount,
                "explanation": context.explanation(charge),
            }
            for position, charge in enumerate(_ordered(charges), start=1)
        ],
    )
    await record_event(session, "invoice.issued", account.id, invoice_data(invoice), now=now)
    # Account credit (an earlier overpayment) pays the new invoice at once.
    await apply_credit(session, account.id, now=now, credit=credit)
    return invoice


async def issue_credit_note(
    session: AsyncSession,
    account: Account,
    charges: Sequence[Charge],
    *,
    issue_date: date,
    now: datetime,
    reason: str,
    issued_by_user_id: int | None = None,
    context: LineContext | None = None,
    tax_rate_percent: Decimal | None = None,
) -> CreditNote:
    """A credit note for scheduled credits (negative charges): each line credits one charge,
    tax on the subtotal once (at ``tax_rate_percent``, by default the account's), applied at
    once to the account's open invoices."""
    if context is None:
        context = await _context(session, charges)
    if tax_rate_percent is None:
        tax_rate_percent = account.tax_rate_percent
    credited = [-c.amount for c in charges]
    totals = invoice_totals(credited, tax_rate_percent, account.currency)
    note = CreditNote(
        number=await next_number(session, NumberSequence.CREDIT_NOTE),
        account_id=account.id,
        invoice_id=None,
        order_id=_single_order(charges),
        issued_by_user_id=issued_by_user_id,
        reason=reason,
        currency=account.currency,
        issue_date=issue_date,
        tax_rate_percent=tax_rate_percent,
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
        unapplied=totals.total,
        created_at=now,
    )
    session.add(note)
    await session.flush()
    session.add_all(
        CreditNoteLine(
            credit_note_id=note.id,
            position=position,
            charge_id=charge.id,
            subscription_item_id=charge.subscription_item_id,
            description=context.description(charge),
            period_start=charge.period_start,
            period_end=charge.period_end,
            quantity=charge.quantity,
            unit_amount=None if (unit := unit_amount(charge)) is None else -unit,
            amount=-charge.amount,
            explanation=context.explanation(charge),
        )
        for position, charge in enumerate(_ordered(charges), start=1)
    )
    await session.flush()
    await record_event(session, "credit_note.issued", account.id, credit_note_data(note), now=now)
    await apply_credit(session, account.id, now=now)
    return note


async def document_lines(
    session: AsyncSession, document: Invoice | CreditNote | None
) -> list[InvoiceLine | CreditNoteLine]:
    """The lines of an invoice or credit note, in order (none for no document)."""
    if document is None:
        return []
    if isinstance(document, Invoice):
        statement: AnySelect = select(InvoiceLine).where(InvoiceLine.invoice_id == document.id)
        order = InvoiceLine.position
    else:
        statement = select(CreditNoteLine).where(CreditNoteLine.credit_note_id == document.id)
        order = CreditNoteLine.position
    return list(await session.scalars(statement.order_by(order)))

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
from recur.core.tax import Treatment
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
    Seller,
)
from recur.services.common import (
    NumberSequence,
    bill_to,
    credit_note_data,
    invoice_data,
    next_number,
    record_event,
)
from recur.services.invoicing.parties import current_seller, tax_treatment
from recur.services.invoicing.wording import describe_charge, explain, unit_amount, word
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

    def wording(self, charge: Charge) -> str:
        return word(charge, self.orders[charge.order_id])

    def purchase_orders(self, charges: Sequence[Charge]) -> str:
        """The PO numbers of the orders ``charges`` bill, each once, in order."""
        numbers = (self.orders[c.order_id].purchase_order_number for c in _ordered(charges))
        return ", ".join(dict.fromkeys(n for n in numbers if n))[:100]


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
    today_tax = await tax_treatment(session, account, await current_seller(session))
    # Credits of what was invoiced at another rate than today's: a note of their own each.
    at_other_rates = await _credits_at_other_rates(session, charges, today_tax)
    for rate, credits in at_other_rates.items():
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
                treatment=rate,
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
            treatment=today_tax,
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
        treatment=today_tax,
    )
    return [*documents, invoice]


async def _credits_at_other_rates(
    session: AsyncSession, charges: Sequence[Charge], today: Treatment
) -> dict[Treatment, list[Charge]]:
    """The credits among ``charges`` whose period was invoiced with another tax than
    ``today``'s, by that tax: a credit gives back the tax the customer paid, at the rate of
    the invoice it credits (docs/billing.md)."""
    credits = {
        (charge.subscription_item_id, charge.period_end): charge
        for charge in charges
        if charge.amount < 0 and charge.subscription_item_id is not None
    }
    if not credits:
        return {}
    billed = await session.execute(
        select(
            Charge.subscription_item_id,
            Charge.period_end,
            Invoice.tax_name,
            Invoice.tax_rate_percent,
            Invoice.reverse_charge,
            Invoice.tax_note,
        )
        .join(InvoiceLine, InvoiceLine.charge_id == Charge.id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Charge.subscription_item_id.in_({item for item, _ in credits}),
            Charge.amount > 0,
            Invoice.status != InvoiceStatus.VOID,
        )
        .order_by(Invoice.id)
    )
    # The latest invoice's; invoices issued before taxes had names are named as today's.
    rates = {
        (item, end): Treatment(name or today.name, rate, reverse, note)
        for item, end, name, rate, reverse, note in billed
    }
    by_rate: dict[Treatment, list[Charge]] = {}
    for key, charge in credits.items():
        rate = rates.get(key, today)
        if (rate.rate_percent, rate.reverse_charge) != (today.rate_percent, today.reverse_charge):
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
    treatment: Treatment | None = None,
) -> Invoice:
    """An invoice billing ``charges`` exactly as scheduled, tax on the subtotal once, paid
    from the account's credit if it has any; issued by today's seller to the account as it
    is today, with ``treatment``'s tax (by default the account's today)."""
    if context is None:
        context = await _context(session, charges)
    seller = await current_seller(session)
    if treatment is None:
        treatment = await tax_treatment(session, account, seller)
    totals = invoice_totals([c.amount for c in charges], treatment.rate_percent, account.currency)
    invoice = Invoice(
        number=await next_number(session, NumberSequence.INVOICE),
        account_id=account.id,
        order_id=_single_order(charges),
        status=InvoiceStatus.OPEN if totals.total > 0 else InvoiceStatus.PAID,
        currency=account.currency,
        issue_date=issue_date,
        due_date=due_date(issue_date, account.payment_terms_days),
        **_paperwork(account, seller, treatment, context.purchase_orders(charges)),
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
                "wording": context.wording(charge),
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
    treatment: Treatment | None = None,
) -> CreditNote:
    """A credit note for scheduled credits (negative charges): each line credits one charge,
    tax on the subtotal once (with ``treatment``'s, by default the account's today), applied
    at once to the account's open invoices."""
    if context is None:
        context = await _context(session, charges)
    seller = await current_seller(session)
    if treatment is None:
        treatment = await tax_treatment(session, account, seller)
    credited = [-c.amount for c in charges]
    totals = invoice_totals(credited, treatment.rate_percent, account.currency)
    note = CreditNote(
        number=await next_number(session, NumberSequence.CREDIT_NOTE),
        account_id=account.id,
        invoice_id=None,
        order_id=_single_order(charges),
        issued_by_user_id=issued_by_user_id,
        reason=reason,
        currency=account.currency,
        issue_date=issue_date,
        **_paperwork(account, seller, treatment, context.purchase_orders(charges)),
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
            wording=context.wording(charge),
        )
        for position, charge in enumerate(_ordered(charges), start=1)
    )
    await session.flush()
    await record_event(session, "credit_note.issued", account.id, credit_note_data(note), now=now)
    await apply_credit(session, account.id, now=now)
    return note


def _paperwork(
    account: Account, seller: Seller | None, treatment: Treatment, purchase_orders: str
) -> dict[str, Any]:
    """What a document freezes when issued: the parties, its tax and the customer's PO."""
    return {
        "seller_id": seller.id if seller else None,
        "bill_to": bill_to(account),
        "purchase_order_number": purchase_orders,
        "tax_name": treatment.name,
        "tax_rate_percent": treatment.rate_percent,
        "reverse_charge": treatment.reverse_charge,
        "tax_note": treatment.note,
    }


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

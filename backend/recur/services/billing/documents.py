"""Billing documents as the asking actor may see them: the data their PDFs print.

Each document is found only among what the actor may see, so another account's document
and one that does not exist both give ``None``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import Account, CreditNote, CreditNoteLine, Invoice, InvoiceLine
from recur.documents import (
    BillingDocument,
    DocumentKind,
    DocumentLine,
    Party,
    Settlement,
    TaxLine,
)
from recur.documents.document import long_date
from recur.services.accounts import accounts_by_id
from recur.services.billing.credit_notes import (
    applications_by_credit_note,
    credit_applications_by_invoice,
    credit_notes_by_id,
    credit_notes_by_invoice,
    credit_notes_by_number,
    lines_by_credit_note,
)
from recur.services.billing.invoices import invoices_by_id, invoices_by_number, lines_by_invoice
from recur.services.common import Actor, bill_to, buyer_party
from recur.services.invoicing import seller_party, sellers_by_id
from recur.services.payments import applications_by_invoice, payments_by_id


async def invoice_document(
    db: Database, actor: Actor, number: str, *, seller: Party, generated_at: datetime
) -> BillingDocument | None:
    """Invoice ``number`` as of ``generated_at``, or ``None`` if ``actor`` may not see it."""
    if actor.is_anonymous:
        return None
    found = await invoices_by_number(db, actor, [number])
    if not found:
        return None
    invoice = found[0]
    lines = (await lines_by_invoice(db, [invoice.id])).get(invoice.id, [])
    account = (await accounts_by_id(db, actor, [invoice.account_id])).get(invoice.account_id)
    return BillingDocument(
        **await _paperwork(db, invoice, account, seller),
        kind=DocumentKind.INVOICE,
        number=invoice.number,
        status=_invoice_status(invoice, generated_at.date()),
        currency=invoice.currency,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        terms=f"Net {account.payment_terms_days} days" if account else None,
        lines=tuple(document_line(line) for line in lines),
        subtotal=invoice.subtotal,
        tax_rate_percent=invoice.tax_rate_percent,
        tax=invoice.tax,
        total=invoice.total,
        settlements=await _invoice_settlements(db, actor, invoice),
        settled=invoice.amount_paid,
        credited=invoice.amount_credited,
        outstanding=invoice.balance_due,
        note=await _void_note(db, invoice),
        generated_at=generated_at,
    )


async def credit_note_document(
    db: Database, actor: Actor, number: str, *, seller: Party, generated_at: datetime
) -> BillingDocument | None:
    """Credit note ``number`` as of ``generated_at``, or ``None`` if ``actor`` may not see it."""
    found = await credit_notes_by_number(db, actor, [number])
    if not found:
        return None
    note = found[0]
    lines = (await lines_by_credit_note(db, [note.id])).get(note.id, [])
    account = (await accounts_by_id(db, actor, [note.account_id])).get(note.account_id)
    applications = (await applications_by_credit_note(db, [note.id])).get(note.id, [])
    invoice_ids = [a.invoice_id for a in applications]
    if note.invoice_id is not None:
        invoice_ids.append(note.invoice_id)
    invoices = await invoices_by_id(db, actor, invoice_ids)
    credited = invoices.get(note.invoice_id) if note.invoice_id else None
    return BillingDocument(
        **await _paperwork(db, note, account, seller),
        kind=DocumentKind.CREDIT_NOTE,
        number=note.number,
        status="Issued",
        currency=note.currency,
        issue_date=note.issue_date,
        lines=tuple(document_line(line) for line in lines),
        subtotal=note.subtotal,
        tax_rate_percent=note.tax_rate_percent,
        tax=note.tax,
        total=note.total,
        settlements=tuple(
            Settlement(invoice.number, application.created_at.date(), application.amount)
            for application in applications
            if (invoice := invoices.get(application.invoice_id))
        ),
        settled=note.total - note.unapplied,
        outstanding=note.unapplied,
        corrects=_corrects(note.reason, credited),
        generated_at=generated_at,
    )


def _corrects(reason: str, credited: Invoice | None) -> str:
    if credited is None:
        return reason
    if credited.status is InvoiceStatus.VOID and credited.void_reason:
        return f"Credits invoice {credited.number}, voided: {credited.void_reason}"
    return f"Credits invoice {credited.number}: {reason}"


async def _paperwork(
    db: Database, document: Invoice | CreditNote, account: Account | None, current: Party
) -> dict[str, Any]:
    """Who the document is from and to, as when it was issued, its PO and its tax."""
    seller = current
    if document.seller_id is not None:
        async with db.session() as session:
            row = (await sellers_by_id(session, [document.seller_id]))[document.seller_id]
        seller = seller_party(row.name, row.address, row.email, row.tax_id)
    snapshot = document.bill_to or (bill_to(account) if account else {"name": ""})
    rate = document.tax_rate_percent
    return {
        "seller": seller,
        "buyer": buyer_party(snapshot),
        "purchase_order_number": document.purchase_order_number,
        "tax_lines": (TaxLine(document.tax_name or "Tax", rate, document.tax),),
        "tax_note": document.tax_note,
    }


def document_line(line: InvoiceLine | CreditNoteLine) -> DocumentLine:
    """A stored line (whose ``period_end`` is the first day after it) as printed: explained
    in the customer's words (lines issued before those were kept: the full trace)."""
    return DocumentLine(
        description=line.description,
        amount=line.amount,
        quantity=line.quantity,
        period_start=line.period_start,
        period_end=_last_day(line.period_start, line.period_end),
        explanation=line.wording or line.explanation,
        unit_amount=line.unit_amount,
    )


def _last_day(start: date | None, end: date | None) -> date | None:
    if start is None or end is None:
        return None
    return max(start, end - timedelta(days=1))


def _invoice_status(invoice: Invoice, today: date) -> str:
    if invoice.status is InvoiceStatus.OPEN and invoice.due_date < today:
        return "Overdue"
    return invoice.status.value.capitalize()


async def _invoice_settlements(
    db: Database, actor: Actor, invoice: Invoice
) -> tuple[Settlement, ...]:
    """The payments and credit notes applied to the invoice, by date."""
    payments = (await applications_by_invoice(db, [invoice.id])).get(invoice.id, [])
    credits = (await credit_applications_by_invoice(db, [invoice.id])).get(invoice.id, [])
    paid_by = await payments_by_id(db, actor, [a.payment_id for a in payments])
    credited_by = await credit_notes_by_id(db, actor, [a.credit_note_id for a in credits])
    settlements = [
        Settlement(payment.number, payment.received_on, application.amount)
        for application in payments
        if (payment := paid_by.get(application.payment_id))
    ]
    settlements += [
        Settlement(note.number, note.issue_date, application.amount)
        for application in credits
        if (note := credited_by.get(application.credit_note_id))
    ]
    return tuple(sorted(settlements, key=lambda settlement: settlement.on))


async def _void_note(db: Database, invoice: Invoice) -> str | None:
    if invoice.status is not InvoiceStatus.VOID:
        return None
    notes = (await credit_notes_by_invoice(db, [invoice.id])).get(invoice.id, [])
    when = f" on {long_date(invoice.voided_at.date())}" if invoice.voided_at else ""
    why = f": {invoice.void_reason}" if invoice.void_reason else ""
    by = f" Credit note {notes[0].number} cancels it." if notes else ""
    return f"Voided{when}{why}. Nothing is due.{by}"

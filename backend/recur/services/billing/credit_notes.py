"""Credit notes: money owed back to an account, and invoice voids that issue them.

A void never deletes: the invoice turns ``VOID`` and a credit note (``CN-000001``) mirrors it
line by line, tax and total. The note first settles what the voided invoice still owed;
whatever had already been paid on it is left on the note as account credit, applied at once
to the account's other open invoices, oldest due first, and kept for the next ones. The
voided invoice's charges are due again: the next billing run invoices them afresh (with
the account's current tax rate and terms), so invoices minus credit notes always equal
the charge schedules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    CreditNote,
    CreditNoteApplication,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
)
from recur.services.accounts import visible_accounts
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    NumberSequence,
    Page,
    PageRequest,
    credit_note_data,
    grouped,
    invoice_data,
    next_number,
    paginate,
    record_event,
)
from recur.services.payments import FINANCE, apply_credit

#: A void's reason is kept on the invoice (500 characters) and, after "Void of INV-…: "
#: (at most 30), on its credit note (500): 450 leave room for the longest number.
REASON_MAX = 450


def visible_credit_notes(actor: Actor) -> ColumnElement[bool]:
    return CreditNote.account_id.in_(select(Account.id).where(visible_accounts(actor)))


async def void_invoice(
    db: Database,
    actor: Actor,
    *,
    invoice_id: int,
    reason: str,
    today: date,
    now: datetime,
) -> tuple[Invoice, CreditNote]:
    """Void an invoice (finance): mark it ``VOID``, issue the credit note that cancels it
    and apply that credit. Nothing is deleted or edited but the invoice's status."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in FINANCE:
        raise Forbidden("Only finance voids invoices.")
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid.one("reason", "Say why the invoice is voided.", "REASON_REQUIRED")
    if len(reason) > REASON_MAX:
        raise Invalid.one(
            "reason", f"The reason has at most {REASON_MAX} characters.", "REASON_TOO_LONG"
        )
    async with db.transaction() as session:
        # The account first, as the billing run and payments lock it: one order, no deadlock.
        account = (
            await session.scalars(
                select(Account)
                .join(Invoice, Invoice.account_id == Account.id)
                .where(Invoice.id == invoice_id, visible_accounts(actor))
                .with_for_update(of=Account)
            )
        ).first()
        invoice = (
            None
            if account is None
            else (
                await session.scalars(
                    select(Invoice).where(Invoice.id == invoice_id).with_for_update()
                )
            ).first()
        )
        if account is None or invoice is None:
            raise Invalid.one("invoiceId", "There is no such invoice.", "UNKNOWN_INVOICE")
        if invoice.status is InvoiceStatus.VOID:
            raise Invalid.one("invoiceId", f"{invoice.number} is already void.", "ALREADY_VOID")
        if invoice.status is InvoiceStatus.UNCOLLECTIBLE:
            # A write-off is final (docs/collections.md, "Write-offs").
            raise Invalid.one(
                "invoiceId",
                f"{invoice.number} is written off: it cannot be voided.",
                "NOT_VOIDABLE",
            )
        lines = list(
            await session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id == invoice.id)
                .order_by(InvoiceLine.position)
            )
        )
        note = await credit_note_of(
            session,
            invoice,
            actor,
            reason=f"Void of {invoice.number}: {reason}",
            today=today,
            now=now,
            tax_rate_percent=invoice.tax_rate_percent,
            amounts=(invoice.subtotal, invoice.tax, invoice.total),
        )
        session.add(note)
        await session.flush()
        session.add_all(
            CreditNoteLine(
                credit_note_id=note.id,
                position=line.position,
                invoice_line_id=line.id,
                subscription_item_id=line.subscription_item_id,
                description=line.description,
                period_start=line.period_start,
                period_end=line.period_end,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                amount=line.amount,
                explanation=(
                    f"Credits line {line.position} of {invoice.number}, voided: {reason}. "
                    f"The line read: {line.explanation}"
                ),
                wording=line.wording,
            )
            for line in lines
        )
        # The note settles what the voided invoice still owed; the rest is account credit.
        owed = invoice.balance_due
        if owed > 0:
            session.add(
                CreditNoteApplication(
                    credit_note_id=note.id, invoice_id=invoice.id, amount=owed, created_at=now
                )
            )
            invoice.amount_credited += owed
            note.unapplied -= owed
        invoice.status = InvoiceStatus.VOID
        invoice.voided_at = now
        invoice.void_reason = reason
        await session.flush()
        await record_event(session, "invoice.voided", account.id, invoice_data(invoice), now=now)
        await record_event(
            session, "credit_note.issued", account.id, credit_note_data(note), now=now
        )
        await apply_credit(session, account.id, now=now)
        ids = invoice.id, note.id
    async with db.session() as session:
        return await session.get_one(Invoice, ids[0]), await session.get_one(CreditNote, ids[1])


# ---- reading ------------------------------------------------------------------------------


async def list_credit_notes(
    db: Database, actor: Actor, *, account_id: int | None, page: PageRequest
) -> Page[CreditNote]:
    """Visible credit notes, newest first."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(CreditNote).where(visible_credit_notes(actor))
    if account_id is not None:
        statement = statement.where(CreditNote.account_id == account_id)
    return await paginate(db, statement, (CreditNote.id,), page, descending=True)


async def credit_notes_by_id(
    db: Database, actor: Actor, ids: Sequence[int]
) -> dict[int, CreditNote]:
    if actor.is_anonymous or not ids:
        return {}
    statement = select(CreditNote).where(CreditNote.id.in_(set(ids)), visible_credit_notes(actor))
    async with db.session() as session:
        return {note.id: note for note in await session.scalars(statement)}


async def credit_notes_by_number(
    db: Database, actor: Actor, numbers: Sequence[str]
) -> list[CreditNote]:
    if actor.is_anonymous or not numbers:
        return []
    statement = (
        select(CreditNote)
        .where(CreditNote.number.in_(set(numbers)), visible_credit_notes(actor))
        .order_by(CreditNote.id)
    )
    async with db.session() as session:
        return list(await session.scalars(statement))


async def credit_notes_by_invoice(
    db: Database, invoice_ids: Sequence[int]
) -> dict[int, list[CreditNote]]:
    """The credit notes issued against each invoice (its void), oldest first; callers reach
    the invoices through visible accounts."""
    statement = (
        select(CreditNote)
        .where(CreditNote.invoice_id.in_(set(invoice_ids)))
        .order_by(CreditNote.invoice_id, CreditNote.id)
    )
    return await grouped(db, statement, lambda note: note.invoice_id)


async def lines_by_credit_note(
    db: Database, note_ids: Sequence[int]
) -> dict[int, list[CreditNoteLine]]:
    statement = (
        select(CreditNoteLine)
        .where(CreditNoteLine.credit_note_id.in_(set(note_ids)))
        .order_by(CreditNoteLine.credit_note_id, CreditNoteLine.position)
    )
    return await grouped(db, statement, lambda line: line.credit_note_id)


async def applications_by_credit_note(
    db: Database, note_ids: Sequence[int]
) -> dict[int, list[CreditNoteApplication]]:
    statement = (
        select(CreditNoteApplication)
        .where(CreditNoteApplication.credit_note_id.in_(set(note_ids)))
        .order_by(CreditNoteApplication.credit_note_id, CreditNoteApplication.id)
    )
    return await grouped(db, statement, lambda application: application.credit_note_id)


async def credit_applications_by_invoice(
    db: Database, invoice_ids: Sequence[int]
) -> dict[int, list[CreditNoteApplication]]:
    """The credit notes' amounts applied to each invoice, oldest first."""
    statement = (
        select(CreditNoteApplication)
        .where(CreditNoteApplication.invoice_id.in_(set(invoice_ids)))
        .order_by(CreditNoteApplication.invoice_id, CreditNoteApplication.id)
    )
    return await grouped(db, statement, lambda application: application.invoice_id)


async def credit_note_of(
    session: AsyncSession,
    invoice: Invoice,
    actor: Actor,
    *,
    reason: str,
    today: date,
    now: datetime,
    tax_rate_percent: Decimal,
    amounts: tuple[Decimal, Decimal, Decimal],
) -> CreditNote:
    """A credit note numbered now against ``invoice`` (a void, or a credit of part of it):
    as the invoice it credits, its PO, parties and tax; ``amounts`` its subtotal, tax and
    total, all of it unapplied until applied."""
    subtotal, tax, total = amounts
    return CreditNote(
        number=await next_number(session, NumberSequence.CREDIT_NOTE),
        account_id=invoice.account_id,
        invoice_id=invoice.id,
        order_id=invoice.order_id,
        issued_by_user_id=actor.user_id,
        reason=reason,
        currency=invoice.currency,
        issue_date=today,
        purchase_order_number=invoice.purchase_order_number,
        seller_id=invoice.seller_id,
        bill_to=invoice.bill_to,
        tax_name=invoice.tax_name,
        tax_rate_percent=tax_rate_percent,
        reverse_charge=invoice.reverse_charge,
        tax_note=invoice.tax_note,
        subtotal=subtotal,
        tax=tax,
        total=total,
        unapplied=total,
        created_at=now,
    )

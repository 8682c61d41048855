"""Finance's adjustments to an invoice short of voiding it (docs/collections.md):

- **Write-off**: the invoice turns ``UNCOLLECTIBLE``; its balance is given up (kept in
  ``written_off``), reported apart from revenue and no longer owed or chased.
- **Credit note**: part of an invoice credited — any amount, or chosen lines — with a
  reason (goodwill, a partial credit). The note settles the invoice's balance first; the
  rest is account credit, applied to the account's other open invoices oldest due first.
  It does not reverse the invoice's charges (a void does): the charges stay billed, so
  the reconciliation of schedules and invoices is untouched.

Each is recorded in the audit log with who did it and why, and told as an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.core.money import round_money
from recur.db.engine import Database
from recur.db.models import Account, CreditNote, CreditNoteApplication, CreditNoteLine, Invoice
from recur.db.models import InvoiceLine as Line
from recur.services.accounts import visible_accounts
from recur.services.billing.credit_notes import credit_note_of
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    audit,
    credit_note_data,
    invoice_data,
    record_event,
)
from recur.services.payments import FINANCE, apply_credit, check_amount

#: Reasons are kept on the invoice or note (500 characters).
ADJUSTMENT_REASON_MAX = 450


def _require_finance(actor: Actor, what: str) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in FINANCE:
        raise Forbidden(f"Only finance {what}.")


def _reason(reason: str, missing: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid.one("reason", missing, "REASON_REQUIRED")
    if len(reason) > ADJUSTMENT_REASON_MAX:
        raise Invalid.one(
            "reason",
            f"The reason has at most {ADJUSTMENT_REASON_MAX} characters.",
            "REASON_TOO_LONG",
        )
    return reason


async def _locked_invoice(
    session: AsyncSession, actor: Actor, invoice_id: int
) -> tuple[Account, Invoice]:
    """The invoice and its account, locked in the order every writer takes them."""
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
            await session.scalars(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
        ).first()
    )
    if account is None or invoice is None:
        raise Invalid.one("invoiceId", "There is no such invoice.", "UNKNOWN_INVOICE")
    return account, invoice


async def write_off(
    session: AsyncSession, invoice: Invoice, reason: str, *, now: datetime
) -> Decimal:
    """Mark an open invoice ``UNCOLLECTIBLE`` in the caller's transaction; returns the
    balance given up. Told as ``invoice.uncollectible``."""
    balance = invoice.balance_due
    invoice.written_off = balance
    invoice.status = InvoiceStatus.UNCOLLECTIBLE
    invoice.written_off_at = now
    invoice.write_off_reason = reason
    await session.flush()
    data = {**invoice_data(invoice), "writtenOff": balance, "reason": reason}
    await record_event(session, "invoice.uncollectible", invoice.account_id, data, now=now)
    return balance


async def write_off_invoice(
    db: Database, actor: Actor, *, invoice_id: int, reason: str, now: datetime
) -> Invoice:
    """Finance writes an open invoice off as uncollectible, saying why."""
    _require_finance(actor, "writes invoices off")
    reason = _reason(reason, "Say why the invoice is written off.")
    async with db.transaction() as session:
        account, invoice = await _locked_invoice(session, actor, invoice_id)
        if invoice.status is not InvoiceStatus.OPEN:
            raise Invalid.one(
                "invoiceId",
                f"{invoice.number} is {invoice.status.value.lower()}: only open invoices are "
                "written off.",
                "NOT_OPEN",
            )
        given_up = await write_off(session, invoice, reason, now=now)
        await audit(
            session,
            actor,
            "invoice.write_off",
            ("Invoice", invoice.id),
            f"{invoice.number} of {account.name} written off: {invoice.currency} {given_up} "
            f"({reason})",
            now=now,
        )
        invoice_id = invoice.id
    async with db.session() as session:
        return await session.get_one(Invoice, invoice_id)


async def issue_credit_note(
    db: Database,
    actor: Actor,
    *,
    invoice_id: int,
    amount: Decimal | None,
    line_ids: Sequence[int],
    reason: str,
    today: date,
    now: datetime,
) -> CreditNote:
    """Credit part of an invoice: ``amount`` (what the customer is credited, tax included:
    the tax in it is worked out at the invoice's rate, rounded once) or the chosen lines
    (their amounts, with tax at the invoice's rate on their sum). At most what the invoice
    billed less the notes already issued against it."""
    _require_finance(actor, "issues credit notes")
    reason = _reason(reason, "Say why the invoice is credited.")
    if (amount is None) == (not line_ids):
        raise Invalid.one("amount", "Give an amount or choose lines to credit.", "AMOUNT_OR_LINES")
    async with db.transaction() as session:
        account, invoice = await _locked_invoice(session, actor, invoice_id)
        if invoice.status in (InvoiceStatus.VOID, InvoiceStatus.UNCOLLECTIBLE):
            raise Invalid.one(
                "invoiceId",
                f"{invoice.number} is {invoice.status.value.lower()}: it cannot be credited.",
                "NOT_CREDITABLE",
            )
        rate = invoice.tax_rate_percent
        lines: list[Line] = []
        if line_ids:
            lines = list(
                await session.scalars(
                    select(Line)
                    .where(Line.invoice_id == invoice.id, Line.id.in_(set(line_ids)))
                    .order_by(Line.position)
                )
            )
            if len(lines) != len(set(line_ids)):
                raise Invalid.one("lineIds", "Choose lines of this invoice.", "UNKNOWN_LINE")
            subtotal = sum((line.amount for line in lines), Decimal(0))
            tax = round_money(subtotal * rate / 100, invoice.currency)
            total = subtotal + tax
            if total <= 0:
                raise Invalid.one("lineIds", "The chosen lines credit nothing.", "INVALID_AMOUNT")
        else:
            total = Decimal(0) if amount is None else amount
            check_amount(total, invoice.currency)
            tax = round_money(total * rate / (100 + rate), invoice.currency)
            subtotal = total - tax
        credited = await session.scalar(
            select(func.coalesce(func.sum(CreditNote.total), 0)).where(
                CreditNote.invoice_id == invoice.id
            )
        )
        room = invoice.total - Decimal(credited or 0)
        if total > room:
            raise Invalid.one(
                "lineIds" if line_ids else "amount",
                f"At most {invoice.currency} {room} of {invoice.number} is left to credit.",
                "CREDIT_TOO_LARGE",
            )
        note = await credit_note_of(
            session,
            invoice,
            actor,
            reason=f"Credit on {invoice.number}: {reason}",
            today=today,
            now=now,
            tax_rate_percent=rate,
            amounts=(subtotal, tax, total),
        )
        session.add(note)
        await session.flush()
        session.add_all(_note_lines(note, invoice, lines, subtotal, reason))
        owed = min(invoice.balance_due, total)
        if owed > 0:
            session.add(
                CreditNoteApplication(
                    credit_note_id=note.id, invoice_id=invoice.id, amount=owed, created_at=now
                )
            )
            invoice.amount_credited += owed
            note.unapplied -= owed
            if invoice.balance_due <= 0:
                invoice.status = InvoiceStatus.PAID
                await record_event(
                    session, "invoice.paid", account.id, invoice_data(invoice), now=now
                )
        await session.flush()
        await record_event(
            session, "credit_note.issued", account.id, credit_note_data(note), now=now
        )
        await audit(
            session,
            actor,
            "credit_note.issue",
            ("Invoice", invoice.id),
            f"{note.number} credits {invoice.currency} {total} on {invoice.number}: {reason}",
            now=now,
        )
        await apply_credit(session, account.id, now=now)
        note_id = note.id
    async with db.session() as session:
        return await session.get_one(CreditNote, note_id)


def _note_lines(
    note: CreditNote, invoice: Invoice, lines: Sequence[Line], subtotal: Decimal, reason: str
) -> list[CreditNoteLine]:
    """The note's lines: one per chosen invoice line, or one line of the amount. They name
    the invoice line in words only: a partial credit does not reverse the charge."""
    if not lines:
        return [
            CreditNoteLine(
                credit_note_id=note.id,
                position=1,
                description=f"Credit on {invoice.number}",
                quantity=1,
                unit_amount=subtotal,
                amount=subtotal,
                explanation=f"A credit of {invoice.currency} {note.total} tax included: {reason}",
                wording=reason,
            )
        ]
    return [
        CreditNoteLine(
            credit_note_id=note.id,
            position=position,
            subscription_item_id=line.subscription_item_id,
            description=line.description,
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            amount=line.amount,
            explanation=f"Credits line {line.position} of {invoice.number}: {reason}",
            wording=line.wording,
        )
        for position, line in enumerate(lines, start=1)
    ]

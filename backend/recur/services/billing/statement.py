"""An account's statement for any period (docs/collections.md, "Statement"): invoices,
payments, refunds, credit notes and write-offs with a running balance, from the balance
brought forward to the balance at the period's end — which, for a period ending today, is
the account's open balance less its credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from recur.core.lifecycle import InvoiceStatus
from recur.core.money import round_money
from recur.core.statement import Entry, Row, running
from recur.db.engine import Database
from recur.db.models import Account, CreditNote, Invoice, Payment, Refund
from recur.documents.document import long_date
from recur.services.accounts import visible_accounts
from recur.services.common import Actor, Invalid, NotAuthenticated


@dataclass(frozen=True)
class Statement:
    account: Account
    start: date
    end: date
    opening: Decimal
    rows: list[Row]

    @property
    def closing(self) -> Decimal:
        return self.rows[-1].balance if self.rows else self.opening


async def _entries(db: Database, account_id: int, end: date) -> list[Entry]:
    """Every entry of the account up to ``end``."""
    async with db.session() as session:
        invoices = list(
            await session.scalars(
                select(Invoice).where(Invoice.account_id == account_id, Invoice.issue_date <= end)
            )
        )
        payments = list(
            await session.scalars(
                select(Payment).where(Payment.account_id == account_id, Payment.received_on <= end)
            )
        )
        notes = list(
            await session.scalars(
                select(CreditNote).where(
                    CreditNote.account_id == account_id, CreditNote.issue_date <= end
                )
            )
        )
        refunds = list(
            await session.scalars(
                select(Refund).where(Refund.account_id == account_id, Refund.refunded_on <= end)
            )
        )
    numbers = {payment.id: payment.number for payment in payments}
    entries = [
        Entry(
            i.issue_date,
            "INVOICE",
            i.number,
            _invoice_words(i),
            i.total,
            i.id,
        )
        for i in invoices
    ]
    entries += [
        Entry(
            i.written_off_at.date(),
            "WRITE_OFF",
            i.number,
            f"Written off: {i.write_off_reason}",
            -i.written_off,
            i.id,
        )
        for i in invoices
        if i.status is InvoiceStatus.UNCOLLECTIBLE
        and i.written_off_at is not None
        and i.written_off_at.date() <= end
    ]
    entries += [
        Entry(p.received_on, "PAYMENT", p.number, p.reference or "Payment", -p.amount, p.id)
        for p in payments
    ]
    entries += [
        Entry(n.issue_date, "CREDIT_NOTE", n.number, n.reason, -n.total, n.id) for n in notes
    ]
    entries += [
        Entry(
            r.refunded_on,
            "REFUND",
            r.number,
            f"Refund of {numbers.get(r.payment_id or 0, 'account credit')}: {r.reason}",
            r.amount,
            r.id,
        )
        for r in refunds
    ]
    return entries


def _invoice_words(invoice: Invoice) -> str:
    if invoice.status is InvoiceStatus.VOID:
        return "Invoice, void (its credit note cancels it)"
    return f"Invoice, due {long_date(invoice.due_date)}"


async def account_statement(
    db: Database, actor: Actor, *, account_id: int, start: date, end: date
) -> Statement | None:
    """The statement of an account the actor sees, or ``None``."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if end < start:
        raise Invalid.one("to", "The period ends before it starts.", "INVALID_PERIOD")
    async with db.session() as session:
        account = (
            await session.scalars(
                select(Account).where(Account.id == account_id, visible_accounts(actor))
            )
        ).first()
    if account is None:
        return None
    entries = await _entries(db, account.id, end)
    opening = sum((e.amount for e in entries if e.on < start), Decimal(0))
    rows = running(opening, (e for e in entries if e.on >= start))
    return Statement(account, start, end, opening, rows)


def statement_csv_rows(statement: Statement) -> list[list[str]]:
    """The statement as CSV rows: a heading, the balance brought forward, the entries,
    the closing balance."""
    account = statement.account

    def amount(value: Decimal) -> str:
        return str(round_money(value, account.currency))

    rows = [["date", "type", "number", "description", "amount", "balance", "currency"]]
    rows.append(
        [
            statement.start.isoformat(),
            "OPENING",
            "",
            "Balance brought forward",
            "",
            amount(statement.opening),
            account.currency,
        ]
    )
    rows += [
        [
            row.entry.on.isoformat(),
            row.entry.kind,
            row.entry.number,
            row.entry.description,
            amount(row.entry.amount),
            amount(row.balance),
            account.currency,
        ]
        for row in statement.rows
    ]
    rows.append(
        [
            statement.end.isoformat(),
            "CLOSING",
            "",
            "Balance at the end of the period",
            "",
            amount(statement.closing),
            account.currency,
        ]
    )
    return rows

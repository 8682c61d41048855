"""Refunds (finance; docs/collections.md, "Refunds").

A refund gives back part or all of a payment — to its payment method through the provider,
or as a record of money sent back some other way — or of an account's credit. A payment's
refund comes first out of what it has not paid yet (its ``unapplied`` credit), then out of
the invoices it paid, newest first: each gives back its share (a negative application) and
opens again for that amount. So a payment's amount is always its applications plus its
unapplied rest plus its refunds, and an account's statement always ends at its balance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    CreditNote,
    Invoice,
    Payment,
    PaymentApplication,
    Refund,
)
from recur.services.accounts import visible_accounts
from recur.services.common import (
    Actor,
    Invalid,
    NumberSequence,
    audit,
    global_id,
    grouped,
    next_number,
    payment_data,
    record_event,
)
from recur.services.payments.ledger import apply_credit, check_amount, require_finance
from recur.services.payments.provider import PaymentProvider

PROVIDER, RECORD = "PROVIDER", "RECORD"
REFUND_REASON_MAX = 500


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid.one("reason", "Say why the money is refunded.", "REASON_REQUIRED")
    if len(reason) > REFUND_REASON_MAX:
        raise Invalid.one(
            "reason", f"The reason has at most {REFUND_REASON_MAX} characters.", "REASON_TOO_LONG"
        )
    return reason


async def _paid_invoices(session: AsyncSession, payment: Payment) -> list[tuple[Invoice, Decimal]]:
    """The open or paid invoices the payment still pays, with how much, newest first."""
    paid = (
        await session.execute(
            select(PaymentApplication.invoice_id, func.sum(PaymentApplication.amount))
            .where(PaymentApplication.payment_id == payment.id)
            .group_by(PaymentApplication.invoice_id)
            .order_by(func.max(PaymentApplication.id).desc())
        )
    ).all()
    # Locked apart: PostgreSQL locks no rows of a grouped query.
    invoices = {
        invoice.id: invoice
        for invoice in await session.scalars(
            select(Invoice)
            .where(
                Invoice.id.in_([invoice_id for invoice_id, _ in paid]),
                Invoice.status.in_((InvoiceStatus.OPEN, InvoiceStatus.PAID)),
            )
            .order_by(Invoice.id)
            .with_for_update()
        )
    }
    return [
        (invoices[invoice_id], Decimal(amount))
        for invoice_id, amount in paid
        if invoice_id in invoices and amount > 0
    ]


async def refund_payment(
    db: Database,
    actor: Actor,
    provider: PaymentProvider,
    *,
    payment_id: int,
    amount: Decimal,
    reason: str,
    method: str | None,
    reference: str,
    today: date,
    now: datetime,
) -> Payment:
    """Refund ``amount`` of a payment; what it paid opens again for that amount."""
    require_finance(actor)
    reason = _reason(reason)
    async with db.transaction() as session:
        account = (
            await session.scalars(
                select(Account)
                .join(Payment, Payment.account_id == Account.id)
                .where(Payment.id == payment_id, visible_accounts(actor))
                .with_for_update(of=Account)
            )
        ).first()
        payment = None if account is None else await session.get(Payment, payment_id)
        if account is None or payment is None:
            raise Invalid.one("paymentId", "There is no such payment.", "UNKNOWN_PAYMENT")
        check_amount(amount, payment.currency)
        method = method or (PROVIDER if payment.provider_reference else RECORD)
        if method == PROVIDER and not payment.provider_reference:
            raise Invalid.one(
                "method",
                f"{payment.number} was not taken through the provider: record the refund instead.",
                "NOT_A_CARD_PAYMENT",
            )
        invoices = await _paid_invoices(session, payment)
        refundable = payment.unapplied + sum((paid for _, paid in invoices), Decimal(0))
        if amount > refundable:
            raise Invalid.one(
                "amount",
                f"At most {payment.currency} {refundable} of {payment.number} can be refunded.",
                "REFUND_TOO_LARGE",
            )
        count = await session.scalar(select(func.count()).where(Refund.payment_id == payment.id))
        provider_reference = ""
        if method == PROVIDER:
            result = await provider.refund(
                charge=payment.provider_reference,
                amount=amount,
                currency=payment.currency,
                idempotency_key=f"{payment.number}:refund:{int(count or 0) + 1}",
            )
            if not result.approved:
                raise Invalid.one("paymentId", result.decline_reason, "REFUND_DECLINED")
            provider_reference = result.reference
        refund = Refund(
            number=await next_number(session, NumberSequence.REFUND),
            account_id=account.id,
            payment_id=payment.id,
            currency=payment.currency,
            amount=amount,
            method=method,
            refunded_on=today,
            reason=reason,
            reference=(provider_reference or reference.strip())[:200],
            user_id=actor.user_id,
            created_at=now,
        )
        session.add(refund)
        reopened = _take_back(session, payment, invoices, amount, now=now)
        payment.refunded += amount
        await session.flush()
        await record_event(
            session,
            "payment.refunded",
            account.id,
            {
                **payment_data(payment),
                "refund": _refund_data(refund),
                "reopenedInvoices": [
                    {"id": global_id("Invoice", i.id), "number": i.number} for i in reopened
                ],
            },
            now=now,
        )
        await audit(
            session,
            actor,
            "payment.refund",
            ("Payment", payment.id),
            f"{refund.number}: {payment.currency} {amount} of {payment.number} refunded "
            f"({'to the payment method' if method == PROVIDER else 'recorded'}): {reason}",
            now=now,
        )
        await apply_credit(session, account.id, now=now)
        payment_id = payment.id
    async with db.session() as session:
        return await session.get_one(Payment, payment_id)


def _take_back(
    session: AsyncSession,
    payment: Payment,
    invoices: Sequence[tuple[Invoice, Decimal]],
    amount: Decimal,
    *,
    now: datetime,
) -> list[Invoice]:
    """Take ``amount`` back from the payment: its unapplied rest first, then the invoices
    it paid, newest first; returns the invoices that opened again."""
    from_credit = min(payment.unapplied, amount)
    payment.unapplied -= from_credit
    left = amount - from_credit
    reopened = []
    for invoice, paid in invoices:
        if left <= 0:
            break
        taken = min(paid, left)
        left -= taken
        session.add(
            PaymentApplication(
                payment_id=payment.id, invoice_id=invoice.id, amount=-taken, created_at=now
            )
        )
        invoice.amount_paid -= taken
        if invoice.status is InvoiceStatus.PAID:
            invoice.status = InvoiceStatus.OPEN
            reopened.append(invoice)
    return reopened


def _refund_data(refund: Refund) -> dict[str, object]:
    return {
        "number": refund.number,
        "amount": refund.amount,
        "currency": refund.currency,
        "method": refund.method,
        "reason": refund.reason,
        "refundedOn": refund.refunded_on,
    }


async def refund_credit(
    db: Database,
    actor: Actor,
    *,
    account_id: int,
    amount: Decimal,
    reason: str,
    reference: str,
    today: date,
    now: datetime,
) -> list[Refund]:
    """Record money sent back out of an account's credit: the unapplied rest of its
    payments, newest first, then of its credit notes."""
    require_finance(actor)
    reason = _reason(reason)
    async with db.transaction() as session:
        account = (
            await session.scalars(
                select(Account)
                .where(Account.id == account_id, visible_accounts(actor))
                .with_for_update()
            )
        ).first()
        if account is None:
            raise Invalid.one("accountId", "There is no such account.", "UNKNOWN_ACCOUNT")
        check_amount(amount, account.currency)
        sources: list[Payment | CreditNote] = [
            *await session.scalars(
                select(Payment)
                .where(Payment.account_id == account.id, Payment.unapplied > 0)
                .order_by(Payment.id.desc())
                .with_for_update()
            ),
            *await session.scalars(
                select(CreditNote)
                .where(CreditNote.account_id == account.id, CreditNote.unapplied > 0)
                .order_by(CreditNote.id.desc())
                .with_for_update()
            ),
        ]
        credit = sum((source.unapplied for source in sources), Decimal(0))
        if amount > credit:
            raise Invalid.one(
                "amount",
                f"{account.name} has {account.currency} {credit} of credit.",
                "REFUND_TOO_LARGE",
            )
        refunds, left = [], amount
        for source in sources:
            if left <= 0:
                break
            taken = min(source.unapplied, left)
            left -= taken
            source.unapplied -= taken
            source.refunded += taken
            refund = Refund(
                number=await next_number(session, NumberSequence.REFUND),
                account_id=account.id,
                payment_id=source.id if isinstance(source, Payment) else None,
                credit_note_id=source.id if isinstance(source, CreditNote) else None,
                currency=account.currency,
                amount=taken,
                method=RECORD,
                refunded_on=today,
                reason=reason,
                reference=reference.strip()[:200],
                user_id=actor.user_id,
                created_at=now,
            )
            session.add(refund)
            refunds.append(refund)
        await session.flush()
        for refund in refunds:
            data = {"refund": _refund_data(refund), "accountId": global_id("Account", account.id)}
            await record_event(session, "payment.refunded", account.id, data, now=now)
        await audit(
            session,
            actor,
            "credit.refund",
            ("Account", account.id),
            f"{account.currency} {amount} of {account.name}'s credit refunded: {reason}",
            now=now,
        )
        return refunds


async def refunds_by_payment(db: Database, payment_ids: Sequence[int]) -> dict[int, list[Refund]]:
    """Each payment's refunds, oldest first (callers reach the payments through visible
    accounts)."""
    statement = (
        select(Refund)
        .where(Refund.payment_id.in_(set(payment_ids)))
        .order_by(Refund.payment_id, Refund.id)
    )
    found = await grouped(db, statement, lambda refund: refund.payment_id)
    return defaultdict(list, found)

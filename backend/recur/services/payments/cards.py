"""Card payments: a customer pays an invoice's balance through the payment provider, once
per attempt; a decline applies nothing and is told (``payment.failed``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Invoice, Payment, PaymentApplication
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    NumberSequence,
    invoice_data,
    next_number,
    payment_data,
    record_event,
)
from recur.services.payments.provider import PaymentProvider


async def pay_invoice(
    db: Database,
    actor: Actor,
    provider: PaymentProvider,
    *,
    invoice_id: int,
    token: str,
    attempt: str,
    today: date,
    now: datetime,
) -> Payment:
    """A customer pays an invoice's balance through the payment provider.

    A declined charge applies nothing, records a ``payment.failed`` event and says why.
    ``attempt`` identifies the customer's click on this invoice: a retry of the same
    attempt on the same invoice is charged at most once by the provider and recorded at
    most once here (the payment is keyed by invoice and attempt); the same attempt id on
    another invoice pays that invoice.
    """
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.CUSTOMER:
        raise Forbidden("Customers pay their own invoices; finance records payments.")
    if not attempt or len(attempt) > 64:
        raise Invalid.one("attempt", "attempt must be 1 to 64 characters.", "INVALID_ATTEMPT")
    reference = f"{provider.name}:{attempt}"
    declined = ""
    payment_id = 0
    async with db.transaction() as session:
        invoice = (
            await session.scalars(
                select(Invoice)
                .where(Invoice.id == invoice_id, Invoice.account_id == actor.account_id)
                .with_for_update()
            )
        ).first()
        if invoice is None:
            raise Invalid.one("invoiceId", "There is no such invoice.", "UNKNOWN_INVOICE")
        earlier = (
            await session.scalars(
                select(Payment).where(Payment.invoice_id == invoice.id, Payment.attempt == attempt)
            )
        ).first()
        if earlier is not None:
            return earlier
        balance = invoice.balance_due
        if balance <= 0:
            raise Invalid.one("invoiceId", f"{invoice.number} has nothing to pay.", "NOTHING_DUE")
        result = await provider.charge(
            token=token,
            amount=balance,
            currency=invoice.currency,
            idempotency_key=f"{invoice.number}:{attempt}",
        )
        if not result.approved:
            # Nothing is charged or applied; the failure is told (payment.failed) and said.
            await record_event(
                session,
                "payment.failed",
                invoice.account_id,
                {**invoice_data(invoice), "reason": result.decline_reason},
                now=now,
            )
            declined = result.decline_reason
        else:
            payment_id = await _card_payment(
                session, invoice, balance, reference, attempt, today=today, now=now
            )
    if declined:
        raise Invalid.one("token", declined, "PAYMENT_DECLINED")
    async with db.session() as session:
        return await session.get_one(Payment, payment_id)


async def _card_payment(
    session: AsyncSession,
    invoice: Invoice,
    balance: Decimal,
    reference: str,
    attempt: str,
    *,
    today: date,
    now: datetime,
) -> int:
    """Record an approved card charge of the invoice's balance and apply it to the invoice."""
    payment = Payment(
        number=await next_number(session, NumberSequence.PAYMENT),
        account_id=invoice.account_id,
        currency=invoice.currency,
        amount=balance,
        unapplied=Decimal(0),
        received_on=today,
        reference=reference,
        invoice_id=invoice.id,
        attempt=attempt,
        created_at=now,
    )
    session.add(payment)
    await session.flush()
    # The customer paid this invoice: the money goes to it, not to an older one.
    session.add(
        PaymentApplication(
            payment_id=payment.id, invoice_id=invoice.id, amount=balance, created_at=now
        )
    )
    invoice.amount_paid += balance
    invoice.status = InvoiceStatus.PAID
    await record_event(
        session, "payment.received", invoice.account_id, payment_data(payment), now=now
    )
    await record_event(session, "invoice.paid", invoice.account_id, invoice_data(invoice), now=now)
    return payment.id

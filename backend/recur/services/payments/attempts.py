"""Payment attempts: every try to collect an invoice through the provider — a customer's
click, autopay's charge, a dunning retry — is recorded on the invoice, paid or declined
(``Invoice.paymentAttempts``; docs/collections.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import Invoice, Payment, PaymentApplication, PaymentAttempt, PaymentMethod
from recur.services.common import (
    NumberSequence,
    global_id,
    grouped,
    invoice_data,
    next_number,
    payment_data,
    record_event,
)
from recur.services.payments.provider import PaymentProvider

CUSTOMER, AUTOPAY, RETRY = "CUSTOMER", "AUTOPAY", "RETRY"


def pay_link(invoice: Invoice) -> str:
    """The app's page where the invoice's customer pays it (the link a reminder carries)."""
    return f"/invoices/{global_id('Invoice', invoice.id)}/pay"


async def attempts_on(session: AsyncSession, invoice_id: int) -> int:
    """How many attempts the invoice has had."""
    count = await session.scalar(
        select(func.count()).where(PaymentAttempt.invoice_id == invoice_id)
    )
    return int(count or 0)


async def record_failure(
    session: AsyncSession,
    invoice: Invoice,
    attempt: PaymentAttempt,
    *,
    now: datetime,
) -> None:
    """Tell a declined attempt (``payment.failed``): the invoice, why, which attempt it was,
    when it is tried again (if it is) and where the customer pays it."""
    data = {
        **invoice_data(invoice),
        "reason": attempt.message,
        "attempt": await attempts_on(session, invoice.id),
        "automatic": attempt.source != CUSTOMER,
        "nextRetryOn": attempt.next_retry_on,
        "payLink": pay_link(invoice),
    }
    await record_event(session, "payment.failed", invoice.account_id, data, now=now)


async def record_card_payment(
    session: AsyncSession,
    invoice: Invoice,
    balance: Decimal,
    *,
    reference: str,
    attempt: str,
    provider_reference: str,
    method_id: int | None,
    today: date,
    now: datetime,
) -> Payment:
    """Record an approved charge of the invoice's balance and apply it to the invoice."""
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
        provider_reference=provider_reference,
        payment_method_id=method_id,
        created_at=now,
    )
    session.add(payment)
    await session.flush()
    # The charge was for this invoice: the money goes to it, not to an older one.
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
    return payment


async def charge_saved_method(
    session: AsyncSession,
    provider: PaymentProvider,
    invoice: Invoice,
    method: PaymentMethod,
    *,
    number: int,
    next_retry_on: date | None,
    today: date,
    now: datetime,
) -> PaymentAttempt:
    """Charge the invoice's balance to a saved method: automatic attempt ``number`` (1 for
    autopay's first charge, then one per retry). The caller holds the invoice's lock and has
    checked that the attempt is not recorded yet; the provider's idempotency key is the
    invoice and the number, so a crash between the charge and the commit charges once."""
    balance = invoice.balance_due
    result = await provider.charge(
        token=method.reference,
        amount=balance,
        currency=invoice.currency,
        idempotency_key=f"{invoice.number}:auto:{number}",
    )
    attempt = PaymentAttempt(
        invoice_id=invoice.id,
        account_id=invoice.account_id,
        payment_method_id=method.id,
        source=AUTOPAY if number == 1 else RETRY,
        number=number,
        attempted_at=now,
        succeeded=result.approved,
        message=(
            f"Paid with {method.brand} ending {method.last4}."
            if result.approved
            else result.decline_reason
        ),
    )
    if result.approved:
        payment = await record_card_payment(
            session,
            invoice,
            balance,
            reference=f"{provider.name}: autopay, {method.brand} ending {method.last4}",
            attempt=f"auto-{number}",
            provider_reference=result.reference,
            method_id=method.id,
            today=today,
            now=now,
        )
        attempt.payment_id = payment.id
        session.add(attempt)
    else:
        attempt.next_retry_on = next_retry_on
        session.add(attempt)
        await session.flush()
        await record_failure(session, invoice, attempt, now=now)
    await session.flush()
    return attempt


async def attempts_by_invoice(
    db: Database, invoice_ids: Sequence[int]
) -> dict[int, list[PaymentAttempt]]:
    """Each invoice's attempts, oldest first (callers reach the invoices through visible
    accounts)."""
    statement = (
        select(PaymentAttempt)
        .where(PaymentAttempt.invoice_id.in_(set(invoice_ids)))
        .order_by(PaymentAttempt.invoice_id, PaymentAttempt.id)
    )
    return await grouped(db, statement, lambda attempt: attempt.invoice_id)

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
from recur.db.models import Account, Invoice, Payment, PaymentAttempt, PaymentMethod
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    NumberSequence,
    next_number,
    payment_data,
    record_event,
)
from recur.services.payments.attempts import CUSTOMER, record_card_payment, record_failure
from recur.services.payments.ledger import apply_credit
from recur.services.payments.provider import PaymentProvider


async def pay_invoice(
    db: Database,
    actor: Actor,
    provider: PaymentProvider,
    *,
    invoice_id: int,
    token: str | None,
    attempt: str,
    today: date,
    now: datetime,
    method_id: int | None = None,
) -> Payment:
    """A customer pays an invoice's balance through the payment provider: with a card's
    single-use ``token``, or one of the account's saved methods (``method_id``).

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
        charged, label, method = await _what_to_charge(
            session, invoice.account_id, token, method_id
        )
        result = await provider.charge(
            token=charged,
            amount=balance,
            currency=invoice.currency,
            idempotency_key=f"{invoice.number}:{attempt}",
        )
        tried = PaymentAttempt(
            invoice_id=invoice.id,
            account_id=invoice.account_id,
            source=CUSTOMER,
            attempted_at=now,
            succeeded=result.approved,
            message=f"Paid by {label}." if result.approved else result.decline_reason,
            payment_method_id=method,
        )
        session.add(tried)
        await session.flush()
        if not result.approved:
            # Nothing is charged or applied; the failure is told (payment.failed) and said.
            await record_failure(session, invoice, tried, now=now)
            declined = result.decline_reason
        else:
            payment = await record_card_payment(
                session,
                invoice,
                balance,
                reference=reference,
                attempt=attempt,
                provider_reference=result.reference,
                method_id=method,
                today=today,
                now=now,
            )
            tried.payment_id = payment_id = payment.id
    if declined:
        field = "token" if method_id is None else "paymentMethodId"
        raise Invalid.one(field, declined, "PAYMENT_DECLINED")
    async with db.session() as session:
        return await session.get_one(Payment, payment_id)


async def pay_open_invoices(
    db: Database,
    actor: Actor,
    provider: PaymentProvider,
    *,
    account_id: int,
    token: str | None,
    method_id: int | None,
    attempt: str,
    today: date,
    now: datetime,
) -> Payment:
    """A customer pays every open invoice of the account at once: one charge of their
    balances, to a saved method or a single-use token, applied oldest due first. A retry of
    the same ``attempt`` answers with the first payment."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.CUSTOMER:
        raise Forbidden("Customers pay their own invoices; finance records payments.")
    if actor.account_id != account_id:
        raise Invalid.one("accountId", "There is no such account.", "UNKNOWN_ACCOUNT")
    if not attempt or len(attempt) > 64:
        raise Invalid.one("attempt", "attempt must be 1 to 64 characters.", "INVALID_ATTEMPT")
    declined = ""
    async with db.transaction() as session:
        account = (
            await session.scalars(select(Account).where(Account.id == account_id).with_for_update())
        ).one()
        earlier = (
            await session.scalars(
                select(Payment).where(
                    Payment.account_id == account.id,
                    Payment.invoice_id.is_(None),
                    Payment.attempt == attempt,
                )
            )
        ).first()
        if earlier is not None:
            return earlier
        charged, label, method = await _what_to_charge(session, account.id, token, method_id)
        invoices = list(
            await session.scalars(
                select(Invoice)
                .where(Invoice.account_id == account.id, Invoice.status == InvoiceStatus.OPEN)
                .order_by(Invoice.due_date, Invoice.id)
                .with_for_update()
            )
        )
        total = sum((invoice.balance_due for invoice in invoices), Decimal(0))
        if total <= 0:
            raise Invalid.one("accountId", "Nothing is due.", "NOTHING_DUE")
        result = await provider.charge(
            token=charged,
            amount=total,
            currency=account.currency,
            idempotency_key=f"account-{account.id}:{attempt}",
        )
        tries = [
            PaymentAttempt(
                invoice_id=invoice.id,
                account_id=account.id,
                payment_method_id=method,
                source=CUSTOMER,
                attempted_at=now,
                succeeded=result.approved,
                message=(
                    f"Paid with all open invoices, {label}."
                    if result.approved
                    else result.decline_reason
                ),
            )
            for invoice in invoices
        ]
        session.add_all(tries)
        await session.flush()
        if not result.approved:
            for invoice, tried in zip(invoices, tries, strict=True):
                await record_failure(session, invoice, tried, now=now)
            declined = result.decline_reason
        else:
            payment = Payment(
                number=await next_number(session, NumberSequence.PAYMENT),
                account_id=account.id,
                currency=account.currency,
                amount=total,
                unapplied=total,
                received_on=today,
                reference=f"{provider.name}: all open invoices, {label}",
                attempt=attempt,
                provider_reference=result.reference,
                payment_method_id=method,
                created_at=now,
            )
            session.add(payment)
            await session.flush()
            await record_event(
                session, "payment.received", account.id, payment_data(payment), now=now
            )
            await apply_credit(session, account.id, now=now)
            payment_id = payment.id
    if declined:
        raise Invalid.one("token", declined, "PAYMENT_DECLINED")
    async with db.session() as session:
        return await session.get_one(Payment, payment_id)


async def _what_to_charge(
    session: AsyncSession, account_id: int, token: str | None, method_id: int | None
) -> tuple[str, str, int | None]:
    """What to charge: a saved method of the account (its reference) or a single-use token;
    with words for it and the method's id."""
    if method_id is not None:
        method = await session.get(PaymentMethod, method_id)
        if method is None or method.account_id != account_id or method.removed_at is not None:
            raise Invalid.one(
                "paymentMethodId", "There is no such payment method.", "UNKNOWN_METHOD"
            )
        return method.reference, f"{method.brand} ending {method.last4}", method.id
    if not token:
        raise Invalid.one("token", "Choose a card.", "TOKEN_REQUIRED")
    return token, "card", None

"""Payments: recorded by finance, applied to open invoices oldest due first.

Whatever a payment (or a credit note) does not settle stays on it as ``unapplied``: the
account's credit, which pays the account's next invoices as soon as they are issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, ColumnExpressionArgument, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.core.money import MAX_AMOUNT, minor_unit
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    CreditNote,
    CreditNoteApplication,
    Invoice,
    Payment,
    PaymentApplication,
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
    Problem,
    grouped,
    invoice_data,
    next_number,
    paginate,
    payment_data,
    record_event,
)

FINANCE = (Role.FINANCE, Role.ADMIN)


def require_finance(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in FINANCE:
        raise Forbidden("Only finance records payments.")


def check_amount(amount: Decimal, currency: str) -> None:
    """A payment's amount: more than zero, at most ``MAX_AMOUNT`` (what a line may bill;
    amount columns hold nine trillion), in the currency's minor unit."""
    problems = []
    if not amount.is_finite() or amount <= 0:
        problems.append(
            Problem(("amount",), "The amount must be more than zero.", "INVALID_AMOUNT")
        )
    elif amount > MAX_AMOUNT:
        problems.append(
            Problem(
                ("amount",),
                f"A payment is at most {MAX_AMOUNT:,} {currency}.",
                "AMOUNT_TOO_LARGE",
            )
        )
    elif -amount.normalize().as_tuple().exponent > minor_unit(currency):  # type: ignore[operator]
        problems.append(
            Problem(
                ("amount",),
                f"{currency} amounts have at most {minor_unit(currency)} decimal places.",
                "INVALID_AMOUNT",
            )
        )
    if problems:
        raise Invalid(problems)


def check_received_on(received_on: date, *, today: date) -> None:
    """Money is recorded when it has been received: never on a day still to come."""
    if received_on > today:
        raise Invalid.one(
            "receivedOn",
            f"A payment is recorded once received: receivedOn must be on or before "
            f"{today.isoformat()}.",
            "RECEIVED_IN_FUTURE",
        )


async def _check_credit_room(session: AsyncSession, account: Account, amount: Decimal) -> None:
    """An account's credit stays within ``MAX_AMOUNT``, so that every sum of its payments
    and credit notes fits the amount columns (and SQLite's 64-bit ``SUM``)."""
    credit = Decimal(0)
    for model in (Payment, CreditNote):
        total = await session.scalar(
            select(func.sum(model.unapplied)).where(model.account_id == account.id)
        )
        credit += Decimal(total or 0)
    if credit + amount > MAX_AMOUNT:
        raise Invalid.one(
            "amount",
            f"{account.name} would hold more than {MAX_AMOUNT:,} {account.currency} of "
            "credit; apply the credit it has first.",
            "CREDIT_TOO_LARGE",
        )


async def record_payment(
    db: Database,
    actor: Actor,
    *,
    account_id: int,
    amount: Decimal,
    currency: str | None,
    received_on: date,
    reference: str,
    now: datetime,
) -> Payment:
    """Record money received and apply it at once; the rest becomes account credit."""
    require_finance(actor)
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
        if currency is not None and currency.upper() != account.currency:
            raise Invalid.one(
                "currency",
                f"{account.name} is billed in {account.currency}, not {currency.upper()}.",
                "CURRENCY_MISMATCH",
            )
        check_amount(amount, account.currency)
        check_received_on(received_on, today=now.date())
        await _check_credit_room(session, account, amount)
        payment = Payment(
            number=await next_number(session, NumberSequence.PAYMENT),
            account_id=account.id,
            currency=account.currency,
            amount=amount,
            unapplied=amount,
            received_on=received_on,
            reference=reference.strip()[:200],
            created_at=now,
        )
        session.add(payment)
        await session.flush()
        await record_event(session, "payment.received", account.id, payment_data(payment), now=now)
        await apply_credit(session, account.id, now=now)
        payment_id = payment.id
    async with db.session() as session:
        return await session.get_one(Payment, payment_id)


def has_credit(account_id: ColumnExpressionArgument[int]) -> ColumnElement[bool]:
    """Whether the account has credit: a credit note or payment with an unapplied rest."""
    return or_(
        select(CreditNote.id)
        .where(CreditNote.account_id == account_id, CreditNote.unapplied > 0)
        .exists(),
        select(Payment.id).where(Payment.account_id == account_id, Payment.unapplied > 0).exists(),
    )


#: Built once: the billing run asks it for every account.
_HAS_CREDIT = select(has_credit(bindparam("account_id")))


async def apply_credit(
    session: AsyncSession, account_id: int, *, now: datetime, credit: bool | None = None
) -> None:
    """Settle the account's open invoices, oldest due first, from its credit: unapplied
    credit notes first, then unapplied payments, oldest first. Runs inside the caller's
    transaction (the account row is theirs). ``credit``: whether the account has any, if
    the caller has read it (:func:`has_credit`) under the account's lock."""
    # Most accounts have no credit: one look for any, before reading (and locking) it.
    if credit is None:
        credit = bool(await session.scalar(_HAS_CREDIT, {"account_id": account_id}))
    if not credit:
        return
    notes = list(
        await session.scalars(
            select(CreditNote)
            .where(CreditNote.account_id == account_id, CreditNote.unapplied > 0)
            .order_by(CreditNote.issue_date, CreditNote.id)
            .with_for_update()
        )
    )
    payments = list(
        await session.scalars(
            select(Payment)
            .where(Payment.account_id == account_id, Payment.unapplied > 0)
            .order_by(Payment.received_on, Payment.id)
            .with_for_update()
        )
    )
    if not notes and not payments:
        return
    invoices = list(
        await session.scalars(
            select(Invoice)
            .where(Invoice.account_id == account_id, Invoice.status == InvoiceStatus.OPEN)
            .order_by(Invoice.due_date, Invoice.id)
            .with_for_update()
        )
    )
    sources: list[CreditNote | Payment] = [*notes, *payments]
    for invoice in invoices:
        for source in sources:
            applied = min(invoice.balance_due, source.unapplied)
            if applied <= 0:
                continue
            source.unapplied -= applied
            if isinstance(source, CreditNote):
                session.add(
                    CreditNoteApplication(
                        credit_note_id=source.id,
                        invoice_id=invoice.id,
                        amount=applied,
                        created_at=now,
                    )
                )
                invoice.amount_credited += applied
            else:
                session.add(
                    PaymentApplication(
                        payment_id=source.id, invoice_id=invoice.id, amount=applied, created_at=now
                    )
                )
                invoice.amount_paid += applied
        if invoice.balance_due <= 0:
            invoice.status = InvoiceStatus.PAID
            await record_event(session, "invoice.paid", account_id, invoice_data(invoice), now=now)
    await session.flush()


async def credit_balances(db: Database, account_ids: Sequence[int]) -> dict[int, Decimal]:
    """Each account's credit: what its payments and credit notes have not settled yet."""
    balances: dict[int, Decimal] = {}
    async with db.session() as session:
        for model in (Payment, CreditNote):
            statement = (
                select(model.account_id, func.sum(model.unapplied))
                .where(model.account_id.in_(set(account_ids)))
                .group_by(model.account_id)
            )
            for account_id, total in await session.execute(statement):
                balances[account_id] = balances.get(account_id, Decimal(0)) + Decimal(total or 0)
    return balances


async def payments_by_id(db: Database, actor: Actor, ids: Sequence[int]) -> dict[int, Payment]:
    if actor.is_anonymous or not ids:
        return {}
    statement = select(Payment).where(
        Payment.id.in_(set(ids)),
        Payment.account_id.in_(select(Account.id).where(visible_accounts(actor))),
    )
    async with db.session() as session:
        return {payment.id: payment for payment in await session.scalars(statement)}


async def list_payments(
    db: Database,
    actor: Actor,
    *,
    account_id: int | None,
    page: PageRequest,
    received_from: date | None = None,
    received_to: date | None = None,
    by_card: bool | None = None,
    refunded: bool | None = None,
) -> Page[Payment]:
    """Visible payments, newest first; filtered by account, the days received, how they
    were taken (by card through the provider, or recorded) and whether any was refunded."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(Payment).where(
        Payment.account_id.in_(select(Account.id).where(visible_accounts(actor)))
    )
    if account_id is not None:
        statement = statement.where(Payment.account_id == account_id)
    if received_from is not None:
        statement = statement.where(Payment.received_on >= received_from)
    if received_to is not None:
        statement = statement.where(Payment.received_on <= received_to)
    if by_card is not None:
        statement = statement.where(
            Payment.provider_reference != "" if by_card else Payment.provider_reference == ""
        )
    if refunded is not None:
        statement = statement.where(Payment.refunded > 0 if refunded else Payment.refunded == 0)
    return await paginate(db, statement, (Payment.id,), page, descending=True)


async def applications_by_payment(
    db: Database, payment_ids: Sequence[int]
) -> dict[int, list[PaymentApplication]]:
    statement = (
        select(PaymentApplication)
        .where(PaymentApplication.payment_id.in_(set(payment_ids)))
        .order_by(PaymentApplication.payment_id, PaymentApplication.id)
    )
    return await grouped(db, statement, lambda application: application.payment_id)


async def applications_by_invoice(
    db: Database, invoice_ids: Sequence[int]
) -> dict[int, list[PaymentApplication]]:
    """What paid each invoice (callers reach the invoices through visible accounts)."""
    statement = (
        select(PaymentApplication)
        .where(PaymentApplication.invoice_id.in_(set(invoice_ids)))
        .order_by(PaymentApplication.invoice_id, PaymentApplication.id)
    )
    return await grouped(db, statement, lambda application: application.invoice_id)

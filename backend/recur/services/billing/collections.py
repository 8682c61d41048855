"""Collections: autopay charges and dunning retries, after every billing run
(docs/collections.md, "Autopay" and "Dunning").

For every open invoice of an account with autopay on:

- **the first charge** (automatic attempt 1) when the invoice has had none yet and, for
  accounts that pay on the due date, the due date has come;
- **a retry** when its last automatic attempt failed and the retry's day has come. Retries
  fall on the days of the schedule (by default 1, 3, 5 and 7) counted from the first failed
  charge; each failure records ``payment.failed`` with the next retry's date and the pay
  link;
- **after the last retry fails**: the configured outcome — leave it open, write it off
  (``UNCOLLECTIBLE``), or stop the account's subscriptions renewing — and
  ``invoice.dunning_exhausted``, which tells the account's rep.

Each invoice is collected in its own transaction, under the account's and the invoice's
locks; the attempt's number is a unique key with the invoice and the provider's
idempotency key, so running collections twice at once charges nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Invoice,
    PaymentApplication,
    PaymentAttempt,
    PaymentMethod,
    User,
)
from recur.services.billing.adjustments import write_off
from recur.services.common import dunning_settings, global_id, invoice_data, record_event
from recur.services.payments import ON_DUE_DATE, PaymentProvider, charge_saved_method
from recur.services.subscriptions import stop_renewals

log = logging.getLogger("recur.billing")


@dataclass
class CollectionResult:
    charged: int = 0
    paid: int = 0
    failed: int = 0
    exhausted: int = 0
    errors: list[str] = field(default_factory=list)


def _due_for_collection(today: date) -> Select[Any]:
    """Every open invoice of an autopay account that autopay or dunning may charge today,
    with its last automatic attempt's number, outcome and retry day. Autopay's first charge
    is for invoices nothing has been paid on yet: an invoice a refund re-opened is not
    charged again by itself."""
    last = aliased(PaymentAttempt)
    latest_number = (
        select(func.max(PaymentAttempt.number))
        .where(PaymentAttempt.invoice_id == Invoice.id, PaymentAttempt.number.is_not(None))
        .correlate(Invoice)
        .scalar_subquery()
    )
    return (
        select(Invoice.id, latest_number, last.succeeded, last.next_retry_on)
        .join(Account, Account.id == Invoice.account_id)
        .outerjoin(last, (last.invoice_id == Invoice.id) & (last.number == latest_number))
        .where(
            Invoice.status == InvoiceStatus.OPEN,
            Account.autopay.is_(True),
            (Account.autopay_timing != ON_DUE_DATE) | (Invoice.due_date <= today),
            latest_number.is_not(None)
            | ~select(PaymentApplication.id)
            .where(PaymentApplication.invoice_id == Invoice.id)
            .exists(),
        )
        .order_by(Invoice.due_date, Invoice.id)
    )


async def collect(
    db: Database, provider: PaymentProvider, *, today: date, now: datetime
) -> CollectionResult:
    """Charge what autopay and dunning charge today; failures are reported, not fatal."""
    result = CollectionResult()
    async with db.session() as session:
        rows = (await session.execute(_due_for_collection(today))).all()
    for invoice_id, number, succeeded, next_retry_on in rows:
        if number is not None and (succeeded or next_retry_on is None or next_retry_on > today):
            continue
        try:
            await _collect_invoice(
                db, provider, invoice_id, (number or 0) + 1, today=today, now=now, result=result
            )
        except Exception:  # one invoice's failure must not stop the others
            log.exception("collecting invoice %s failed", invoice_id)
            result.errors.append(f"invoice {invoice_id}")
    if rows:
        log.info(
            "collections as of %s: %d charged, %d paid, %d declined, %d exhausted",
            today,
            result.charged,
            result.paid,
            result.failed,
            result.exhausted,
        )
    return result


async def _collect_invoice(
    db: Database,
    provider: PaymentProvider,
    invoice_id: int,
    number: int,
    *,
    today: date,
    now: datetime,
    result: CollectionResult,
) -> None:
    async with db.transaction() as session:
        account = (
            await session.scalars(
                select(Account)
                .join(Invoice, Invoice.account_id == Account.id)
                .where(Invoice.id == invoice_id)
                .with_for_update(of=Account)
            )
        ).one()
        invoice = (
            await session.scalars(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
        ).one()
        done = await session.scalar(
            select(PaymentAttempt.id).where(
                PaymentAttempt.invoice_id == invoice.id, PaymentAttempt.number == number
            )
        )
        if done is not None or invoice.status is not InvoiceStatus.OPEN or not account.autopay:
            return  # another run collected it meanwhile, or it was paid or autopay stopped
        method = (
            await session.scalars(
                select(PaymentMethod).where(
                    PaymentMethod.account_id == account.id,
                    PaymentMethod.is_default.is_(True),
                    PaymentMethod.removed_at.is_(None),
                )
            )
        ).first()
        if method is None or invoice.balance_due <= 0:
            return
        retry_days, outcome = await dunning_settings(session)
        # Retry n falls retry_days[n-1] days after the first failure: this attempt (made on
        # the day of its predecessor's schedule) sets the next one the gap further on.
        next_retry_on = (
            today
            + timedelta(days=retry_days[number - 1] - (retry_days[number - 2] if number > 1 else 0))
            if number <= len(retry_days)
            else None
        )
        attempt = await charge_saved_method(
            session,
            provider,
            invoice,
            method,
            number=number,
            next_retry_on=next_retry_on,
            today=today,
            now=now,
        )
        result.charged += 1
        if attempt.succeeded:
            result.paid += 1
            return
        result.failed += 1
        if next_retry_on is None:
            result.exhausted += 1
            await _exhausted(session, account, invoice, number, outcome, today=today, now=now)


async def _exhausted(
    session: AsyncSession,
    account: Account,
    invoice: Invoice,
    attempts: int,
    outcome: str,
    *,
    today: date,
    now: datetime,
) -> None:
    """The last retry failed: carry out the outcome and tell the rep."""
    why = f"payment of {invoice.number} failed {attempts} times"
    stopped: list[str] = []
    if outcome == "MARK_UNCOLLECTIBLE":
        await write_off(session, invoice, f"Dunning: {why}.", now=now)
    elif outcome == "CANCEL_AT_TERM_END":
        stopped = await stop_renewals(session, account.id, why=f"{why}.", today=today, now=now)
    owner = None if account.owner_id is None else await session.get(User, account.owner_id)
    data = {
        **invoice_data(invoice),
        "attempts": attempts,
        "outcome": outcome,
        "subscriptionsEnding": stopped,
        "rep": None if owner is None else {"id": global_id("User", owner.id), "name": owner.name},
    }
    await record_event(session, "invoice.dunning_exhausted", account.id, data, now=now)

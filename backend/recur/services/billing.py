"""The billing run: renew or expire what reached its term end, then invoice what is due.

It compares the charges due by a date with what has been invoiced and invoices the
difference, one invoice per account, each account in its own transaction (Kill Bill's
approach): missed periods are caught up, a second run with the same date finds nothing, a
crash loses only the account in progress, and the unique key on the invoiced charge
(``invoice_lines.charge_id`` with ``rebill``, the number of voids before) makes billing a
charge twice impossible even for two runs at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, select

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import Account, Charge, Invoice, InvoiceLine, Order
from recur.services.invoicing import issue_invoice
from recur.services.renewals import renew_or_expire, subscriptions_at_term_end

log = logging.getLogger("recur.billing")


# ---- the billing run ----------------------------------------------------------------------


@dataclass(frozen=True)
class FailedAccount:
    account_id: int
    name: str
    error: str


@dataclass
class BillingRunResult:
    as_of: date
    invoices_created: int = 0
    renewed: int = 0
    expired: int = 0
    failed_accounts: list[FailedAccount] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)


def _due_uninvoiced(as_of: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Charges due by ``as_of`` that no invoice bills (a voided invoice bills nothing: its
    charges are due again, and the next run invoices them afresh)."""
    billed = (
        select(InvoiceLine.charge_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.charge_id.is_not(None), Invoice.status != InvoiceStatus.VOID)
    )
    return Charge.period_start <= as_of, Charge.id.not_in(billed)


async def accounts_to_bill(db: Database, as_of: date) -> list[tuple[int, str]]:
    """Accounts with charges due by ``as_of`` and not invoiced, by id."""
    statement = (
        select(Account.id, Account.name)
        .where(
            Account.id.in_(
                select(Order.account_id)
                .join(Charge, Charge.order_id == Order.id)
                .where(*_due_uninvoiced(as_of))
            )
        )
        .order_by(Account.id)
    )
    async with db.session() as session:
        return [(row.id, row.name) for row in await session.execute(statement)]


async def bill_account(
    db: Database, account_id: int, *, as_of: date, now: datetime
) -> Invoice | None:
    """Invoice everything due for one account, in one transaction; ``None`` if nothing is
    due (or another run holds the account right now)."""
    async with db.transaction() as session:
        lock = select(Account).where(Account.id == account_id).with_for_update(skip_locked=True)
        account = (await session.scalars(lock)).first()
        if account is None:
            return None
        charges = list(
            await session.scalars(
                select(Charge)
                .join(Order, Charge.order_id == Order.id)
                .where(Order.account_id == account_id, *_due_uninvoiced(as_of))
                .order_by(Charge.period_start, Charge.id)
            )
        )
        if not charges:
            return None
        return await issue_invoice(session, account, charges, issue_date=as_of, now=now)


async def _term_ends(db: Database, result: BillingRunResult, *, as_of: date, now: datetime) -> None:
    for due in await subscriptions_at_term_end(db, as_of):
        try:
            renewed, expired = await renew_or_expire(db, due.subscription_id, as_of=as_of, now=now)
        except Exception as error:  # reported with its account; the run goes on
            log.exception("renewing subscription %s failed", due.number)
            result.failed_accounts.append(
                FailedAccount(due.account_id, due.account_name, f"{due.number}: {error}")
            )
        else:
            result.renewed += renewed
            result.expired += expired


async def run_billing(
    db: Database,
    *,
    as_of: date,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> BillingRunResult:
    """Renew or expire subscriptions whose term ended, then invoice every account's charges
    due by ``as_of``; failures are reported, not fatal."""
    result = BillingRunResult(as_of=as_of)
    await _term_ends(db, result, as_of=as_of, now=now)
    accounts = await accounts_to_bill(db, as_of)
    for done, (account_id, name) in enumerate(accounts, start=1):
        try:
            invoice = await bill_account(db, account_id, as_of=as_of, now=now)
        except Exception as error:  # one account's failure must not stop the others
            log.exception("billing account %s (%s) failed", account_id, name)
            result.failed_accounts.append(FailedAccount(account_id, name, str(error)))
        else:
            if invoice is not None:
                result.invoices_created += 1
                result.invoice_numbers.append(invoice.number)
        if progress is not None:
            progress(done, len(accounts))
    log.info(
        "billing run as of %s: %d invoices, %d failed accounts",
        as_of,
        result.invoices_created,
        len(result.failed_accounts),
    )
    return result

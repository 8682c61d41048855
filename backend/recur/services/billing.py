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
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, select

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import Account, Charge, CreditNote, CreditNoteLine, Invoice, InvoiceLine, Order
from recur.services.invoicing import bill_charges
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
    credit_note_numbers: list[str] = field(default_factory=list)


def _due_uninvoiced(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """Charges due by ``as_of`` that no invoice or credit note bills (a voided invoice bills
    nothing: its charges are due again, and the next run invoices them afresh)."""
    invoiced = (
        select(InvoiceLine.charge_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.charge_id.is_not(None), Invoice.status != InvoiceStatus.VOID)
    )
    credited = select(CreditNoteLine.charge_id).where(CreditNoteLine.charge_id.is_not(None))
    return (
        Charge.period_start <= as_of,
        Charge.netted_on.is_(None),
        Charge.id.not_in(invoiced.union(credited)),
    )


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
) -> Invoice | CreditNote | None:
    """Invoice everything due for one account, in one transaction — or, when what is due
    adds up to less than zero (scheduled credits of a downgrade), issue a credit note for
    it; ``None`` if nothing is due (or another run holds the account right now)."""
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
        charges = net_out(charges, as_of)
        if not charges:
            return None
        return await bill_charges(
            session, account, charges, issue_date=as_of, now=now, reason="Scheduled credits"
        )


def net_out(charges: Sequence[Charge], as_of: date) -> list[Charge]:
    """Close the charges of one item and period that add up to nothing (an item removed or
    a subscription cancelled before the period began: its scheduled charge and the
    amendment's credit) without a document, and return the others."""
    groups: dict[tuple[object, ...], list[Charge]] = defaultdict(list)
    for charge in charges:
        if charge.subscription_item_id is not None and charge.period_end is not None:
            key = (charge.subscription_item_id, charge.period_end)
            groups[key].append(charge)
    netted: set[int] = set()
    for group in groups.values():
        if len(group) > 1 and not sum(charge.amount for charge in group):
            for charge in group:
                charge.netted_on = as_of
                netted.add(charge.id)
    return [charge for charge in charges if charge.id not in netted]


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
            document = await bill_account(db, account_id, as_of=as_of, now=now)
        except Exception as error:  # one account's failure must not stop the others
            log.exception("billing account %s (%s) failed", account_id, name)
            result.failed_accounts.append(FailedAccount(account_id, name, str(error)))
        else:
            if isinstance(document, Invoice):
                result.invoices_created += 1
                result.invoice_numbers.append(document.number)
            elif isinstance(document, CreditNote):
                result.credit_note_numbers.append(document.number)
        if progress is not None:
            progress(done, len(accounts))
    log.info(
        "billing run as of %s: %d invoices, %d failed accounts",
        as_of,
        result.invoices_created,
        len(result.failed_accounts),
    )
    return result

"""The billing run: renew or expire what reached its term end, then invoice what is due.

It compares the charges due by a date with what has been invoiced and invoices the
difference, one invoice per account, each account in its own transaction (Kill Bill's
approach): missed periods are caught up, a second run with the same date finds nothing, a
crash loses only the accounts in progress, and the unique key on the invoiced charge
(``invoice_lines.charge_id`` with ``rebill``, the number of voids before) makes billing a
charge twice impossible even for two runs at once.

The accounts are read in batches (keyset on the id) with their due charges, one query per
batch; each account is then billed under its lock, from what its batch read as long as the
account has had no new invoice or credit note since (see :func:`_due_charges`). On
PostgreSQL a few accounts are billed at once (``CONCURRENT_ACCOUNTS``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, bindparam, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Order,
    Price,
)
from recur.services import usage
from recur.services.billing.collections import CollectionResult
from recur.services.billing.netting import net_out
from recur.services.common import ServiceError
from recur.services.invoicing import LineContext, bill_charges, with_line_context
from recur.services.payments import has_credit
from recur.services.subscriptions import (
    TermEnd,
    apply_due_changes,
    renew_or_expire,
    subscriptions_at_term_end,
)

log = logging.getLogger("recur.billing")

T = TypeVar("T")
R = TypeVar("R")


# ---- the billing run ----------------------------------------------------------------------


@dataclass(frozen=True)
class FailedAccount:
    account_id: int
    name: str
    error: str


#: What a run reports for a failure that is not a business rule: the details (a stack trace,
#: maybe SQL) go to the server log, never to the people reading the run's result.
UNEXPECTED = "Unexpected error; the details are in the server log."


def _reported(error: Exception) -> str:
    return error.message if isinstance(error, ServiceError) else UNEXPECTED


@dataclass
class BillingRunResult:
    as_of: date
    invoices_created: int = 0
    #: Accounts the run billed or tried to bill (those that failed included).
    accounts: int = 0
    renewed: int = 0
    expired: int = 0
    failed_accounts: list[FailedAccount] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)
    credit_note_numbers: list[str] = field(default_factory=list)
    #: What autopay and dunning charged after the run, when it collected (``runs``).
    collections: CollectionResult | None = None


def _due_uninvoiced(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """Charges due by ``as_of`` that no invoice or credit note bills (a voided invoice bills
    nothing: its charges are due again, and the next run invoices them afresh)."""
    invoiced = (
        select(InvoiceLine.id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.charge_id == Charge.id, Invoice.status != InvoiceStatus.VOID)
    )
    credited = select(CreditNoteLine.id).where(CreditNoteLine.charge_id == Charge.id)
    # Correlated NOT EXISTS: each charge looks up its own lines by index, instead of every
    # charge being compared with the set of all charges ever billed.
    return (
        usage.due_condition(as_of),  # metered charges once their period has ended
        Charge.netted_on.is_(None),
        ~invoiced.exists(),
        ~credited.exists(),
    )


#: Accounts whose due charges one query reads. The run holds one batch at a time (account
#: ids and charge ids only), so its memory does not grow with the book, and each batch costs
#: one evaluation of the billed-charges subquery instead of one per account.
BATCH_ACCOUNTS = 2000

#: Accounts billed at once on PostgreSQL, each in its own transaction (and connection):
#: their round trips overlap, and they queue only for the next invoice number. SQLite has
#: one writer at a time, so there the accounts are billed one after the other.
CONCURRENT_ACCOUNTS = 4


@dataclass(frozen=True)
class AccountDue:
    """An account with charges due and not billed when its batch was read."""

    account_id: int
    name: str
    charge_ids: tuple[int, ...]
    #: How many invoices and credit notes the account had just before the charges were read.
    documents: int


def _document_count(account_id: ColumnElement[int]) -> ColumnElement[int]:
    """How many invoices and credit notes the account has."""
    invoices = select(func.count()).where(Invoice.account_id == account_id).scalar_subquery()
    notes = select(func.count()).where(CreditNote.account_id == account_id).scalar_subquery()
    return invoices + notes


# The statements that run for every account, built once (building one costs more than its
# round trip), their values bound when they run.

#: The account, locked, and whether it has credit. A run waits for an account another
#: holds rather than passing it by: the other may be billing only the charges it read, not
#: those a renewal (of this run, say) scheduled since, which would then wait for the next day.
_LOCK_ACCOUNT = (
    select(Account, has_credit(Account.id))
    .where(Account.id == bindparam("account_id"))
    .with_for_update(of=Account)
)

#: The charges its batch read, with their context and the account's document count.
_CHARGES_READ = (
    with_line_context(select(Charge, _document_count(bindparam("account_id"))))
    .where(Charge.id.in_(bindparam("charge_ids", expanding=True)))
    .order_by(Charge.period_start, Charge.id)
)


async def accounts_to_bill(
    db: Database, as_of: date, *, batch: int = BATCH_ACCOUNTS
) -> AsyncIterator[list[AccountDue]]:
    """Accounts with charges due by ``as_of`` and not billed, by id, ``batch`` accounts at a
    time (keyset on the account id): each batch is read in a short read transaction of its
    own, nothing is held while it is billed."""
    after = 0
    while True:
        async with db.session() as session:
            accounts = (
                await session.execute(
                    select(Account.id, Account.name)
                    .where(Account.id > after)
                    .order_by(Account.id)
                    .limit(batch)
                )
            ).all()
            if not accounts:
                return
            first, last = accounts[0].id, accounts[-1].id
            # The documents first, then the charges: a document issued between the two reads
            # (PostgreSQL reads each statement afresh) shows when the account is locked.
            documents: dict[int, int] = defaultdict(int)
            for model in (Invoice, CreditNote):
                for account_id, count in await session.execute(
                    select(model.account_id, func.count())
                    .where(model.account_id.between(first, last))
                    .group_by(model.account_id)
                ):
                    documents[account_id] += count
            charges: dict[int, list[int]] = {
                account_id: []
                for account_id in await usage.accounts_with_late_usage(session, first, last)
            }
            for account_id, charge_id in await session.execute(
                select(Order.account_id, Charge.id)
                .join(Charge, Charge.order_id == Order.id)
                .where(Order.account_id.between(first, last))
                .where(*_due_uninvoiced(as_of))
                .order_by(Order.account_id, Charge.id)
            ):
                charges.setdefault(account_id, []).append(charge_id)
        after = last
        due = [
            AccountDue(account_id, name, tuple(charges[account_id]), documents[account_id])
            for account_id, name in accounts
            if account_id in charges
        ]
        if due:
            yield due


async def _count_accounts_to_bill(db: Database, as_of: date) -> int:
    async with db.session() as session:
        count = await session.scalar(
            select(func.count(distinct(Order.account_id)))
            .join(Charge, Charge.order_id == Order.id)
            .where(*_due_uninvoiced(as_of))
        )
    return int(count or 0)


async def _due_charges(
    db: Database, session: AsyncSession, account_id: int, as_of: date, due: AccountDue | None
) -> tuple[list[Charge], LineContext | None]:
    """The account's charges due and not billed, read under its lock; with their context
    (what their lines say) when they are those of ``due``, read in the same statement.

    Those its batch read (``due``), if the account has had no new invoice or credit note
    since: whatever bills, credits or voids charges an account already has (a billing run, a
    subscription change, a void) holds the account's lock and issues one of those (never
    deleted), so an unchanged count means that none of the charges read has been billed
    meanwhile. Charges
    netted meanwhile by another run (no document) are left out. Otherwise, or without
    ``due``, they are read again. Charges scheduled since without a document (another run's
    renewal) are left to the run that scheduled them: it reads its batch after renewing, and
    waits for this account's lock behind this run.
    """
    if due is not None:
        rows = (
            await session.execute(
                _CHARGES_READ, {"account_id": account_id, "charge_ids": due.charge_ids}
            )
        ).all()
        if rows and rows[0][1] == due.documents:
            context = LineContext()
            for charge, _, *columns in rows:
                context.add(charge.id, *columns)
            return [charge for charge, *_ in rows if charge.netted_on is None], context
    charges = await session.scalars(
        select(Charge)
        .join(Order, Charge.order_id == Order.id)
        .where(Order.account_id == account_id, *_due_uninvoiced(as_of))
        .order_by(Charge.period_start, Charge.id)
    )
    return list(charges), None


async def bill_account(
    db: Database,
    account_id: int,
    *,
    as_of: date,
    now: datetime,
    due: AccountDue | None = None,
) -> list[Invoice | CreditNote]:
    """Invoice everything due for one account, in one transaction — or, when what is due
    adds up to less than zero (scheduled credits of a downgrade), issue a credit note for
    it (see ``invoicing.bill_charges``); nothing if nothing is due (another run may have
    billed it meanwhile).

    ``due`` is what :func:`accounts_to_bill` read for the account, if anything: it is used
    when still right (see :func:`_due_charges`), which spares the billed-charges subquery."""
    async with db.transaction() as session:
        locked = (await session.execute(_LOCK_ACCOUNT, {"account_id": account_id})).first()
        if locked is None:
            return []
        account, credit = locked
        due_charges, context = await _due_charges(db, session, account_id, as_of, due)
        adjustments = await usage.late_adjustments(session, account_id, due_charges)
        if adjustments:  # usage recorded late for invoiced periods
            due_charges, context = [*due_charges, *adjustments], None
        # Metered charges are priced now, from their period's usage, under the lock.
        await usage.rate_charges(session, due_charges)
        charges = net_out(usage.close_empty_adjustments(due_charges, as_of), as_of)
        if not charges:
            return []
        return await bill_charges(
            session,
            account,
            charges,
            issue_date=as_of,
            now=now,
            reason="Scheduled credits",
            context=context,
            credit=credit,
        )


async def _term_ends(db: Database, result: BillingRunResult, *, as_of: date, now: datetime) -> None:
    prices: dict[int, Price] = {}  # read once a run: a price in use is never edited

    async def end_term(due: TermEnd) -> tuple[int, int] | FailedAccount:
        try:
            return await renew_or_expire(
                db, due.subscription_id, as_of=as_of, now=now, prices=prices
            )
        except Exception as error:  # reported with its account; the run goes on
            log.exception("renewing subscription %s failed", due.number)
            return FailedAccount(
                due.account_id, due.account_name, f"{due.number}: {_reported(error)}"
            )

    due = await subscriptions_at_term_end(db, as_of)
    for outcome in await _each(due, end_term, workers=_workers(db)):
        if isinstance(outcome, FailedAccount):
            result.failed_accounts.append(outcome)
        else:
            result.renewed += outcome[0]
            result.expired += outcome[1]


def _workers(db: Database) -> int:
    return 1 if db.is_sqlite else CONCURRENT_ACCOUNTS


async def _each(items: Sequence[T], work: Callable[[T], Awaitable[R]], *, workers: int) -> list[R]:
    """``work`` done for each of ``items`` by at most ``workers`` coroutines at once; the
    results in the order of ``items``."""
    pending = iter(enumerate(items))  # shared: each item is taken by exactly one worker

    async def worker() -> list[tuple[int, R]]:
        return [(index, await work(item)) for index, item in pending]

    done = await asyncio.gather(*(worker() for _ in range(workers)))
    return [outcome for _, outcome in sorted(pair for pairs in done for pair in pairs)]


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
    # Changes scheduled up to the date take effect first: renewals renew what is in effect.
    await apply_due_changes(db, as_of)
    await _term_ends(db, result, as_of=as_of, now=now)
    total = await _count_accounts_to_bill(db, as_of) if progress is not None else 0
    done = 0

    async def bill(due: AccountDue) -> list[Invoice | CreditNote] | FailedAccount:
        nonlocal done
        try:
            return await bill_account(db, due.account_id, as_of=as_of, now=now, due=due)
        except Exception as error:  # one account's failure must not stop the others
            log.exception("billing account %s (%s) failed", due.account_id, due.name)
            return FailedAccount(due.account_id, due.name, _reported(error))
        finally:
            done += 1
            if progress is not None:
                progress(done, max(total, done))

    workers = _workers(db)
    async for batch in accounts_to_bill(db, as_of):
        for outcome in await _each(batch, bill, workers=workers):
            result.accounts += 1
            if isinstance(outcome, FailedAccount):
                result.failed_accounts.append(outcome)
                continue
            for document in outcome:
                if isinstance(document, Invoice):
                    result.invoices_created += 1
                    result.invoice_numbers.append(document.number)
                else:
                    result.credit_note_numbers.append(document.number)
    log.info(
        "billing run as of %s: %d invoices, %d failed accounts",
        as_of,
        result.invoices_created,
        len(result.failed_accounts),
    )
    return result

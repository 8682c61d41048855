"""CSV exports of invoices, payments, subscriptions and an account's timeline
(docs/customer-360.md, "Exports").

Each export is an async iterator of rows read in keyset batches of :data:`BATCH` rows, each
batch in a short session of its own: memory stays flat however long the list, and no
transaction stays open while the client reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import InvoiceStatus, SubscriptionStatus
from recur.core.money import round_money
from recur.db.engine import Database
from recur.db.models import Account, Invoice, Payment, Price, Subscription, SubscriptionItem
from recur.services.accounts import require_account_reader, visible_accounts
from recur.services.common import ALL_DATES, Actor, DateRange, PageRequest
from recur.services.insights.timeline import account_timeline
from recur.services.subscriptions import monthly_recurring_of

BATCH = 500

Row = Sequence[object]


@dataclass(frozen=True)
class Export:
    """A CSV file: its name, its header and its rows (read as the client reads)."""

    filename: str
    header: Row
    rows: AsyncIterator[Row]


def _visible(column: Any, actor: Actor) -> Any:
    return column.in_(select(Account.id).where(visible_accounts(actor)))


async def _batches(
    db: Database, statement: Select[int, Any, str], key: Any, convert: Callable[[Any], Row]
) -> AsyncIterator[Row]:
    """The statement's rows by ``key`` (a unique integer column), :data:`BATCH` at a time."""
    last = 0
    while True:
        async with db.session() as session:
            batch = statement.where(key > last).order_by(key).limit(BATCH)
            rows = (await session.execute(batch)).all()
        for row in rows:
            yield convert(row)
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def invoices_export(
    db: Database,
    actor: Actor,
    *,
    account_id: int | None,
    status: InvoiceStatus | None,
    issued: DateRange = ALL_DATES,
) -> Export:
    require_account_reader(actor)
    statement = (
        select(Invoice.id, Invoice, Account.name)
        .join(Account, Account.id == Invoice.account_id)
        .where(_visible(Invoice.account_id, actor))
    )
    if account_id is not None:
        statement = statement.where(Invoice.account_id == account_id)
    if status is not None:
        statement = statement.where(Invoice.status == status)
    statement = statement.where(*issued.days(Invoice.issue_date))

    def convert(row: Any) -> Row:
        _pk, invoice, account = row
        money = [
            round_money(amount, invoice.currency)
            for amount in (
                invoice.subtotal,
                invoice.tax,
                invoice.total,
                invoice.amount_paid,
                invoice.amount_credited,
                invoice.balance_due,
            )
        ]
        return [
            invoice.number,
            account,
            invoice.status.value,
            invoice.issue_date,
            invoice.due_date,
            invoice.currency,
            *money,
        ]

    return Export(
        "invoices.csv",
        [
            "number",
            "account",
            "status",
            "issue_date",
            "due_date",
            "currency",
            "subtotal",
            "tax",
            "total",
            "amount_paid",
            "amount_credited",
            "balance_due",
        ],
        _batches(db, statement, Invoice.id, convert),
    )


def payments_export(db: Database, actor: Actor, *, account_id: int | None) -> Export:
    require_account_reader(actor)
    statement = (
        select(Payment.id, Payment, Account.name)
        .join(Account, Account.id == Payment.account_id)
        .where(_visible(Payment.account_id, actor))
    )
    if account_id is not None:
        statement = statement.where(Payment.account_id == account_id)

    def convert(row: Any) -> Row:
        _pk, payment, account = row
        return [
            payment.number,
            account,
            payment.received_on,
            payment.currency,
            round_money(payment.amount, payment.currency),
            round_money(payment.unapplied, payment.currency),
            payment.reference,
        ]

    return Export(
        "payments.csv",
        ["number", "account", "received_on", "currency", "amount", "unapplied", "reference"],
        _batches(db, statement, Payment.id, convert),
    )


def subscriptions_export(
    db: Database,
    actor: Actor,
    *,
    account_id: int | None,
    status: SubscriptionStatus | None,
    starting: DateRange = ALL_DATES,
) -> Export:
    require_account_reader(actor)
    statement = (
        select(Subscription.id, Subscription, Account.name)
        .join(Account, Account.id == Subscription.account_id)
        .where(_visible(Subscription.account_id, actor))
    )
    if account_id is not None:
        statement = statement.where(Subscription.account_id == account_id)
    if status is not None:
        statement = statement.where(Subscription.status == status)
    statement = statement.where(*starting.days(Subscription.start_date))
    header = [
        "number",
        "account",
        "status",
        "start_date",
        "term_months",
        "current_term_end",
        "auto_renew",
        "currency",
        "mrr",
    ]
    return Export("subscriptions.csv", header, _subscription_rows(db, statement))


async def _subscription_rows(db: Database, statement: Select[int, Any, str]) -> AsyncIterator[Row]:
    """Subscriptions with their MRR: the running items of each batch in one more query."""
    last = 0
    while True:
        async with db.session() as session:
            rows = (
                await session.execute(
                    statement.where(Subscription.id > last).order_by(Subscription.id).limit(BATCH)
                )
            ).all()
            items = (
                await session.execute(
                    select(
                        SubscriptionItem.subscription_id,
                        Price.billing_period,
                        SubscriptionItem.net_amount,
                    )
                    .join(Price, Price.id == SubscriptionItem.price_id)
                    .where(
                        SubscriptionItem.subscription_id.in_([row[0] for row in rows]),
                        SubscriptionItem.ended_on.is_(None),
                    )
                )
            ).all()
        nets: dict[int, list[tuple[BillingPeriod, Decimal]]] = defaultdict(list)
        for subscription_id, period, net in items:
            nets[subscription_id].append((period, net))
        for _pk, subscription, account in rows:
            running = subscription.status is SubscriptionStatus.ACTIVE
            mrr = monthly_recurring_of(
                nets[subscription.id] if running else [], subscription.currency
            )
            yield [
                subscription.number,
                account,
                subscription.status.value,
                subscription.start_date,
                subscription.term_months,
                subscription.current_term_end,
                "yes" if subscription.auto_renew else "no",
                subscription.currency,
                mrr,
            ]
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def timeline_export(db: Database, actor: Actor, account: Account, today: date) -> Export:
    """The account's whole timeline, newest first (the caller has checked the account is
    the actor's to see)."""

    async def rows() -> AsyncIterator[Row]:
        after: str | None = None
        while True:
            page = await account_timeline(
                db, actor, account.id, account.currency, page=PageRequest(100, after)
            )
            for entry in page.items:
                yield [
                    entry.occurred_at.isoformat(),
                    entry.kind.value,
                    entry.summary,
                    entry.actor or "",
                    "" if entry.amount is None else round_money(entry.amount, entry.currency),
                    entry.currency if entry.amount is not None else "",
                ]
            if not page.has_next_page:
                return
            after = page.cursors[-1]

    slug = "".join(c if c.isalnum() else "-" for c in account.name.lower()).strip("-")
    return Export(
        f"timeline-{slug or account.id}-{today.isoformat()}.csv",
        ["occurred_at", "kind", "summary", "actor", "amount", "currency"],
        rows(),
    )

"""The demo data has a past, made through the services: orders, subscriptions, invoices."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from recur.core.lifecycle import InvoiceStatus, QuoteStatus, SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import Account, Charge, Invoice, Order, Quote, Subscription
from tests.databases import DEMO_TODAY


async def test_every_demo_account_has_an_order_a_subscription_and_an_invoice(db: Database) -> None:
    async with db.session() as session:
        names = {a.id: a.name for a in await session.scalars(select(Account))}
        orders = list(await session.scalars(select(Order)))
        subscriptions = list(await session.scalars(select(Subscription)))
        invoices = list(await session.scalars(select(Invoice).order_by(Invoice.number)))
        statuses = Counter(q.status for q in await session.scalars(select(Quote)))
    # Globex has its two-year deal and two three-month terms (storage, a text-message pilot).
    assert sorted(names[o.account_id] for o in orders) == [
        "Acme Corp",
        "Globex GmbH",
        "Globex GmbH",
        "Globex GmbH",
        "Initech",
    ]
    assert all(s.status is SubscriptionStatus.ACTIVE for s in subscriptions)
    assert len(subscriptions) == 5
    assert {names[i.account_id] for i in invoices} == {"Acme Corp", "Globex GmbH", "Initech"}
    assert [i.number for i in invoices] == [f"INV-{n:06d}" for n in range(1, len(invoices) + 1)]
    # Billed day by day as it happened, and mostly paid: one invoice partly, one overdue.
    assert [i.issue_date for i in invoices] == sorted(i.issue_date for i in invoices)
    unpaid = [i for i in invoices if i.status is InvoiceStatus.OPEN]
    assert any(0 < i.amount_paid < i.total for i in unpaid)
    assert any(i.amount_paid == 0 and i.due_date < DEMO_TODAY for i in unpaid)
    assert sum(i.status is InvoiceStatus.PAID for i in invoices) > len(invoices) / 2
    assert statuses == {
        QuoteStatus.ACCEPTED: 5,
        QuoteStatus.SENT: 1,
        QuoteStatus.PENDING_APPROVAL: 1,
    }


async def test_acmes_self_service_order_is_anchored_on_a_months_last_day(db: Database) -> None:
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        subscription = await session.scalar(
            select(Subscription).where(Subscription.account_id == acme)
        )
        assert subscription is not None
        starts = sorted(
            set(
                await session.scalars(
                    select(Charge.period_start)
                    .where(Charge.period_end.is_not(None))
                    .join(Order)
                    .where(Order.account_id == acme)
                )
            )
        )
    start = subscription.start_date
    assert (start + timedelta(days=1)).day == 1  # the last day of its month
    assert starts == [start + relativedelta(months=k) for k in range(12)]

"""A change effective on a later day is scheduled: what is in effect changes on that day.

Acme's demo subscription: 25 Standard Seats at $25 a month, periods from the 30th/31st
(Nov 30 – Dec 31 has 31 days); today is Nov 24.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.core.lifecycle import SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import (
    Charge,
    InvoiceLine,
    ScheduledChange,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
)
from recur.services import billing, subscriptions
from recur.services.common import Invalid
from recur.services.subscriptions import ItemChangeRequest as Change
from tests.services.test_amendments import (
    NOW,
    TERM_END,
    TODAY,
    _acme,
    _actor,
    _change,
    _price,
)

DAY = date(2026, 12, 15)


async def _seats(db: Database) -> SubscriptionItem:
    _, items = await _acme(db)
    async with db.session() as session:
        return await session.get_one(SubscriptionItem, items["SEAT-STD"])


async def _schedule_35_seats(db: Database):  # type: ignore[no-untyped-def]
    _, items = await _acme(db)
    return await _change(
        db, "rita@recur.example", [Change(item_id=items["SEAT-STD"], quantity=35)], effective=DAY
    )


async def test_a_later_change_waits_for_its_day_and_bills_from_it(db: Database) -> None:
    subscription_id, items = await _acme(db)
    scheduled = await _schedule_35_seats(db)

    # Nothing now: the seats, the monthly total and the history's "after" wait for the day.
    assert (scheduled.invoice, scheduled.credit_note, scheduled.amount_due_now) == (None, None, 0)
    assert scheduled.monthly_after - scheduled.monthly_before == Decimal("250.00")
    assert scheduled.event.summary.endswith("Scheduled: it takes effect on 2026-12-15.")
    assert (await _seats(db)).quantity == 25
    waiting = await subscriptions.scheduled_by_subscription(db, [subscription_id])
    assert [(c.effective_date, c.description) for c in waiting[subscription_id]] == [
        (DAY, "Standard Seats 25 → 35")
    ]

    # Another change of the seats first is refused, and says why; other items may change.
    with pytest.raises(Invalid) as refused:
        await _change(db, "alice@acme.example", [Change(item_id=items["SEAT-STD"], quantity=30)])
    assert refused.value.problems[0].code == "CHANGE_SCHEDULED"
    assert "2026-12-15 (Standard Seats 25 → 35)" in refused.value.problems[0].message
    added = await _change(
        db, "alice@acme.example", [Change(price_id=await _price(db, "SSO"), quantity=1)]
    )
    assert added.invoice is not None

    # The run on the day applies it and bills 10 seats for 16 of the 31 days: 129.03.
    await billing.run_billing(db, as_of=DAY, now=NOW)
    assert (await _seats(db)).quantity == 35
    first = min(scheduled.charges, key=lambda c: c.period_start)
    async with db.session() as session:
        billed = await session.scalar(
            select(InvoiceLine.amount).where(InvoiceLine.charge_id == first.id)
        )
        applied = await session.scalar(select(ScheduledChange.status))
    assert (first.period_start, first.prorated_days, first.period_days) == (DAY, 16, 31)
    assert billed == Decimal("129.03")
    assert applied == "APPLIED"
    # Now the seats may change again.
    await _change(
        db, "alice@acme.example", [Change(item_id=items["SEAT-STD"], quantity=40)], today=DAY
    )


async def test_a_scheduled_change_called_off_is_never_billed(db: Database) -> None:
    subscription_id, _ = await _acme(db)
    scheduled = await _schedule_35_seats(db)
    (waiting,) = (await subscriptions.scheduled_by_subscription(db, [subscription_id]))[
        subscription_id
    ]

    await subscriptions.cancel_scheduled_change(
        db,
        await _actor(db, "alice@acme.example"),
        subscription_id=subscription_id,
        scheduled_change_id=waiting.id,
        today=TODAY,
        now=NOW,
    )
    await billing.run_billing(db, as_of=date(2027, 1, 31), now=NOW)

    assert (await _seats(db)).quantity == 25
    async with db.session() as session:
        billed = await session.scalar(
            select(InvoiceLine.id).where(
                InvoiceLine.charge_id.in_([c.id for c in scheduled.charges])
            )
        )
        open_charges = list(
            await session.scalars(
                select(Charge.id).where(
                    Charge.order_id == scheduled.order.id, Charge.netted_on.is_(None)
                )
            )
        )
        history = await session.scalar(
            select(SubscriptionEvent.summary).where(SubscriptionEvent.action == "CHANGE_CALLED_OFF")
        )
    assert billed is None and open_charges == []
    assert history == "The change of 2026-12-15 is called off: Standard Seats 25 → 35."
    assert (await subscriptions.scheduled_by_subscription(db, [subscription_id])) == {}

    with pytest.raises(Invalid) as again:
        await subscriptions.cancel_scheduled_change(
            db,
            await _actor(db, "alice@acme.example"),
            subscription_id=subscription_id,
            scheduled_change_id=waiting.id,
            today=TODAY,
            now=NOW,
        )
    assert again.value.problems[0].code == "UNKNOWN_SCHEDULED_CHANGE"


async def test_cancelling_now_credits_what_was_billed_and_calls_off_what_waits(
    db: Database,
) -> None:
    subscription_id, _ = await _acme(db)
    scheduled = await _schedule_35_seats(db)

    subscription, note = await subscriptions.cancel_subscription(
        db,
        await _actor(db, "maria@recur.example"),
        subscription_id=subscription_id,
        immediately=True,
        effective_date=None,
        today=TODAY,
        now=NOW,
    )

    # The 6 unused days of what was invoiced: 1,115.00 a month × 6/30 = 223.00 + 8.25 % tax,
    # exactly as without the scheduled change; nothing of that change is ever billed.
    assert subscription.status is SubscriptionStatus.CANCELED
    assert note is not None and (note.subtotal, note.total) == (
        Decimal("223.00"),
        Decimal("241.40"),
    )
    await billing.run_billing(db, as_of=date(2027, 1, 31), now=NOW)
    async with db.session() as session:
        billed = await session.scalar(
            select(InvoiceLine.id).where(
                InvoiceLine.charge_id.in_([c.id for c in scheduled.charges])
            )
        )
    assert billed is None


async def test_a_scheduled_removal_of_every_item_ends_the_subscription_on_its_day(
    db: Database,
) -> None:
    subscription_id, items = await _acme(db)
    await _change(
        db,
        "maria@recur.example",
        [Change(item_id=item_id, quantity=0) for item_id in items.values()],
        effective=DAY,
    )
    async with db.session() as session:
        before = await session.get_one(Subscription, subscription_id)
    assert before.status is SubscriptionStatus.ACTIVE

    result = await billing.run_billing(db, as_of=DAY, now=NOW)

    assert result.failed_accounts == []
    async with db.session() as session:
        ended = await session.get_one(Subscription, subscription_id)
    assert (ended.status, ended.canceled_on) == (SubscriptionStatus.CANCELED, DAY)


# ---- commitments -----------------------------------------------------------------------------


async def test_a_customers_decrease_waits_for_the_renewal_and_credits_nothing(
    db: Database,
) -> None:
    subscription_id, items = await _acme(db)
    fewer = [Change(item_id=items["SEAT-STD"], quantity=5)]

    preview = await _change(db, "alice@acme.example", fewer, preview=True)
    assert preview.effective_date == TERM_END  # shown before the customer confirms
    assert preview.amount_due_now == 0 and preview.contract_value_change == 0

    done = await _change(db, "alice@acme.example", fewer)
    assert (done.invoice, done.credit_note, done.charges) == (None, None, [])
    assert (await _seats(db)).quantity == 25  # the committed 25 until the term ends
    waiting = (await subscriptions.scheduled_by_subscription(db, [subscription_id]))[
        subscription_id
    ]
    assert [(c.effective_date, c.description) for c in waiting] == [
        (TERM_END, "Standard Seats 25 → 5")
    ]

    # At the renewal the new term starts with 5 seats: 5 × $25.
    await billing.run_billing(db, as_of=TERM_END, now=NOW)
    assert (await _seats(db)).quantity == 5
    async with db.session() as session:
        renewed = await session.scalar(
            select(Charge.amount).where(
                Charge.subscription_item_id == items["SEAT-STD"],
                Charge.period_start == TERM_END,
            )
        )
    assert renewed == Decimal("125.00")


async def test_a_customer_increases_at_once_but_not_together_with_a_decrease(
    db: Database,
) -> None:
    _, items = await _acme(db)
    sso = await _price(db, "SSO")
    with pytest.raises(Invalid) as mixed:
        await _change(
            db,
            "alice@acme.example",
            [Change(item_id=items["SEAT-STD"], quantity=20), Change(price_id=sso, quantity=1)],
        )
    assert mixed.value.problems[0].code == "MIXED_CHANGE"

    more = await _change(db, "alice@acme.example", [Change(item_id=items["SEAT-STD"], quantity=30)])
    assert more.effective_date == TODAY and more.invoice is not None
    # Staff reduce at once.
    reduced = await _change(
        db, "rita@recur.example", [Change(item_id=items["SEAT-STD"], quantity=26)]
    )
    assert reduced.credit_note is not None

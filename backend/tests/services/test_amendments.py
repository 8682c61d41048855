"""Subscription changes: amendments with exact proration, billed at once, previewed exactly.

Acme's demo subscription (SUB-000002) started on 2026-05-31, monthly, 12 months: platform
$490 and 25 standard seats at $25. On 2026-11-24 its period is [Oct 31, Nov 30): 30 days,
6 of them left. Acme's tax rate is 8.25 %.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    NumberSequence,
    Order,
    Price,
    Product,
    Quote,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
    User,
)
from recur.services import billing, subscriptions
from recur.services.common import Actor, Forbidden, Invalid
from recur.services.subscriptions import ItemChangeRequest as Change

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()
TERM_END = date(2027, 5, 31)


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=Role(user.role), account_id=user.account_id)


async def _acme(db: Database) -> tuple[int, dict[str, int]]:
    """Acme's subscription id and its item ids by SKU."""
    async with db.session() as session:
        subscription = await session.scalar(
            select(Subscription).where(Subscription.number == "SUB-000002")
        )
        assert subscription is not None
        rows = await session.execute(
            select(Product.sku, SubscriptionItem.id)
            .join(SubscriptionItem, SubscriptionItem.product_id == Product.id)
            .where(
                SubscriptionItem.subscription_id == subscription.id,
                SubscriptionItem.ended_on.is_(None),
            )
        )
        return subscription.id, {sku: item_id for sku, item_id in rows}


async def _price(db: Database, sku: str, period: str = "MONTH") -> int:
    async with db.session() as session:
        price_id = await session.scalar(
            select(Price.id)
            .join(Product)
            .where(Product.sku == sku, Price.currency == "USD", Price.billing_period == period)
        )
    assert price_id is not None
    return price_id


async def _change(db, who: str, changes, effective=None, preview=False, today=TODAY):
    subscription_id, _ = await _acme(db)
    return await subscriptions.change_subscription(
        db,
        await _actor(db, who),
        subscription_id=subscription_id,
        effective_date=effective,
        changes=changes,
        today=today,
        now=NOW,
        preview=preview,
    )


async def _counts(db: Database) -> dict[str, int]:
    async with db.session() as session:
        counts = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Quote, Order, Charge, Invoice, CreditNote, SubscriptionEvent)
        }
        rows = await session.execute(select(NumberSequence.name, NumberSequence.last_value))
        counters = {name: value for name, value in rows}
    return {**counts, **{f"seq:{k}": v for k, v in counters.items()}}


async def test_adding_seats_charges_the_days_left_now_and_the_preview_is_the_invoice(db) -> None:
    _, items = await _acme(db)
    seats = [Change(item_id=items["SEAT-STD"], quantity=30)]
    before = await _counts(db)

    preview = await _change(db, "alice@acme.example", seats, preview=True)
    assert await _counts(db) == before  # the preview wrote nothing, took no number

    done = await _change(db, "alice@acme.example", seats)
    # 5 seats × $25 = $125 a month; 6 of 30 days left: $25.00, plus 8.25 % tax.
    assert done.invoice is not None and done.credit_note is None
    assert done.invoice.subtotal == Decimal("25.00")
    assert done.invoice.total == Decimal("27.06")
    assert preview.amount_due_now == done.amount_due_now == done.invoice.total
    # The same lines, but the preview names no number: those its rolled-back run took were
    # never issued.
    numbers = f": amendment quote {done.quote.number}, order {done.order.number}."
    unnumbered = "; its quote and order are numbered when it is confirmed."
    assert [(line.amount, line.explanation) for line in preview.lines] == [
        (line.amount, line.explanation.replace(numbers, unnumbered)) for line in done.lines
    ]
    assert not any("ORD-" in line.explanation or "Q-" in line.explanation for line in preview.lines)
    assert "quantity 25 → 30" in done.lines[0].explanation
    assert "× 6/30 days" in done.lines[0].explanation
    assert (done.monthly_before, done.monthly_after) == (Decimal("1115.00"), Decimal("1240.00"))
    assert done.quote.kind is QuoteKind.AMENDMENT and done.quote.status is QuoteStatus.ACCEPTED
    assert done.event.summary == "Standard Seats 25 → 30."
    assert (done.event.before, done.event.after) == (
        "Standard Seats (monthly) × 25",
        "Standard Seats (monthly) × 30",
    )
    assert done.event.amount_now == done.invoice.total
    # Then whole months of +$125 to the end of the term, in the amendment's schedule.
    later = [c for c in done.charges if c.period_start > TODAY]
    assert [c.amount for c in later] == [Decimal("125.00")] * 6
    assert later[-1].period_end == TERM_END


async def test_fewer_seats_credit_the_days_left_as_a_credit_note_applied_oldest_first(db) -> None:
    _, items = await _acme(db)
    # Sales reduce mid-term (a customer's decrease waits for the renewal).
    done = await _change(db, "rita@recur.example", [Change(item_id=items["SEAT-STD"], quantity=5)])
    # 20 seats fewer: $500 a month, 6/30 of it = $100.00 credited, plus tax.
    assert done.invoice is None and done.credit_note is not None
    assert done.credit_note.subtotal == Decimal("100.00")
    assert done.credit_note.total == Decimal("108.25")
    assert done.amount_due_now == Decimal("-108.25")
    # Acme's partly paid invoice takes the credit at once.
    assert done.credit_note.unapplied < done.credit_note.total


async def test_a_credit_gives_back_tax_at_the_rate_of_the_invoice_it_credits(db) -> None:
    subscription_id, items = await _acme(db)
    async with db.transaction() as session:  # Acme's rate rises after its November invoice
        await session.execute(
            update(Account)
            .where(Account.id == (await session.get(Subscription, subscription_id)).account_id)
            .values(tax_rate_percent=Decimal("20"))
        )
    down = await _change(db, "rita@recur.example", [Change(item_id=items["SEAT-STD"], quantity=5)])
    assert down.credit_note is not None
    assert down.credit_note.tax_rate_percent == Decimal("8.25")  # November's invoice's rate
    assert (down.credit_note.subtotal, down.credit_note.total) == (
        Decimal("100.00"),
        Decimal("108.25"),
    )
    # A rise and a fall at once: the rise is invoiced at today's rate, the fall credited at
    # the rate it was invoiced at, on a note of its own; what is due now counts both.
    both = [
        Change(item_id=items["SEAT-STD"], quantity=10),
        Change(item_id=items["PLAT-CORE"], quantity=0),
    ]
    preview = await _change(db, "rita@recur.example", both, preview=True)
    done = await _change(db, "rita@recur.example", both)
    assert done.invoice is not None and done.credit_note is not None
    assert done.invoice.tax_rate_percent == Decimal("20")
    assert done.invoice.subtotal == Decimal("25.00")  # 5 seats × $25 × 6/30
    assert done.credit_note.tax_rate_percent == Decimal("8.25")
    assert done.amount_due_now == done.invoice.total - done.credit_note.total
    assert preview.amount_due_now == done.amount_due_now


async def test_a_change_worth_nothing_and_two_changes_on_one_day(db) -> None:
    _, items = await _acme(db)
    same = await _change(db, "alice@acme.example", [Change(item_id=items["SEAT-STD"], quantity=25)])
    assert same.invoice is None and same.credit_note is None and same.charges == []
    assert same.amount_due_now == 0

    up = await _change(db, "alice@acme.example", [Change(item_id=items["SEAT-STD"], quantity=31)])
    down = await _change(db, "rita@recur.example", [Change(item_id=items["SEAT-STD"], quantity=28)])
    assert up.invoice is not None and up.invoice.subtotal == Decimal("30.00")  # 6 × 25 × 6/30
    assert down.credit_note is not None and down.credit_note.subtotal == Decimal("15.00")
    # December bills 28 seats: 25 from the order, +6, -3 from the two changes.
    run = await billing.run_billing(db, as_of=date(2026, 11, 30), now=NOW)
    async with db.session() as session:
        seat_lines = list(
            await session.scalars(
                select(InvoiceLine.amount)
                .join(Invoice)
                .where(
                    Invoice.number.in_(run.invoice_numbers),
                    InvoiceLine.subscription_item_id == items["SEAT-STD"],
                )
            )
        )
    assert sum(seat_lines) == Decimal("700.00")  # 28 × 25


async def test_effective_dates_customers_from_today_staff_back_to_the_period_start(db) -> None:
    _, items = await _acme(db)
    seats = [Change(item_id=items["SEAT-STD"], quantity=26)]
    with pytest.raises(Invalid) as backdated:
        await _change(db, "alice@acme.example", seats, effective=TODAY - timedelta(days=1))
    assert backdated.value.problems[0].code == "BACKDATED"
    with pytest.raises(Invalid) as outside:
        await _change(db, "alice@acme.example", seats, effective=TERM_END)
    assert outside.value.problems[0].code == "OUTSIDE_TERM"
    with pytest.raises(Invalid) as too_early:
        await _change(db, "rita@recur.example", seats, effective=date(2026, 10, 30))
    assert too_early.value.problems[0].code == "BACKDATED"
    # The rep may backdate to the period's first day: the whole month's delta.
    done = await _change(db, "rita@recur.example", seats, effective=date(2026, 10, 31))
    assert done.invoice is not None and done.invoice.subtotal == Decimal("25.00")
    # A change for a later day is scheduled: nothing is billed now and the item keeps its
    # quantity until that day, when the run bills the one day left of the period.
    last = await _change(
        db,
        "alice@acme.example",
        [Change(item_id=items["SEAT-STD"], quantity=56)],
        effective=date(2026, 11, 29),
    )
    assert (last.invoice, last.credit_note, last.amount_due_now) == (None, None, 0)
    first = min(last.charges, key=lambda c: c.period_start)
    assert (first.period_start, first.amount) == (date(2026, 11, 29), Decimal("25.00"))  # 750/30
    assert await _seats(db, items["SEAT-STD"]) == 26
    await billing.run_billing(db, as_of=date(2026, 11, 29), now=NOW)
    assert await _seats(db, items["SEAT-STD"]) == 56
    async with db.session() as session:
        billed = await session.scalar(
            select(InvoiceLine.amount).where(InvoiceLine.charge_id == first.id)
        )
    assert billed == Decimal("25.00")


async def _seats(db: Database, item_id: int) -> int:
    async with db.session() as session:
        return (await session.get_one(SubscriptionItem, item_id)).quantity


async def test_add_ons_co_terminate_and_swaps_move_to_an_upgrade(db) -> None:
    _, items = await _acme(db)
    sso = await _price(db, "SSO")
    added = await _change(db, "alice@acme.example", [Change(price_id=sso, quantity=1)])
    assert added.invoice is not None and added.invoice.subtotal == Decimal("30.00")  # 150 × 6/30
    assert max(c.period_end for c in added.charges) == TERM_END

    pro = await _price(db, "SEAT-PRO")
    swapped = await _change(
        db, "alice@acme.example", [Change(item_id=items["SEAT-STD"], price_id=pro)]
    )
    # 25 seats from $25 to $45: -625 + 1125 a month, 6/30 of it: -125 + 225 = $100.
    assert swapped.invoice is not None and swapped.invoice.subtotal == Decimal("100.00")
    _, after = await _acme(db)
    assert "SEAT-STD" not in after and "SEAT-PRO" in after

    enterprise = await _price(db, "PLAT-ENT")  # not an upgrade of seats
    with pytest.raises(Invalid) as refused:
        await _change(
            db, "alice@acme.example", [Change(item_id=after["SEAT-PRO"], price_id=enterprise)]
        )
    assert refused.value.problems[0].code == "NOT_AN_UPGRADE"


async def test_bad_changes_are_refused_with_every_problem_and_nothing_written(db) -> None:
    _, items = await _acme(db)
    before = await _counts(db)
    with pytest.raises(Invalid) as bad:
        await _change(
            db,
            "alice@acme.example",
            [
                Change(item_id=items["SEAT-STD"], quantity=-1),
                Change(item_id=999_999, quantity=3),
                Change(price_id=await _price(db, "PLAT-CORE"), quantity=1),
            ],
        )
    assert [p.code for p in bad.value.problems] == [
        "INVALID_QUANTITY",
        "UNKNOWN_ITEM",
        "ALREADY_SUBSCRIBED",
    ]
    assert bad.value.problems[0].field == ("changes", "0", "quantity")
    with pytest.raises(Invalid):
        await _change(db, "carol@initech.example", [Change(item_id=items["SEAT-STD"], quantity=3)])
    assert await _counts(db) == before


async def test_a_rep_takes_off_no_more_than_the_threshold_without_a_manager(db) -> None:
    _, items = await _acme(db)
    removal = [Change(item_id=items["SEAT-STD"], quantity=0)]
    # The seats are most of what is left of Acme's term: more than 20 % of its contract value.
    for preview in (True, False):
        with pytest.raises(Invalid) as refused:
            await _change(db, "rita@recur.example", removal, preview=preview)
        assert refused.value.problems[0].code == "APPROVAL_REQUIRED"
        assert "amendment quote" in refused.value.problems[0].message
    assert (await _acme(db))[1] == items  # nothing changed
    # A small reduction is the rep's to make; a manager may make the large one.
    small = await _change(
        db, "rita@recur.example", [Change(item_id=items["SEAT-STD"], quantity=24)]
    )
    assert small.credit_note is not None
    large = await _change(db, "maria@recur.example", removal)
    assert large.credit_note is not None


async def test_removing_an_item_stops_its_billing(db) -> None:
    _, items = await _acme(db)
    done = await _change(db, "maria@recur.example", [Change(item_id=items["SEAT-STD"], quantity=0)])
    assert done.credit_note is not None and done.credit_note.subtotal == Decimal("125.00")
    assert done.monthly_after == Decimal("490.00")
    run = await billing.run_billing(db, as_of=date(2027, 1, 5), now=NOW)
    async with db.session() as session:
        seat_lines = await session.scalar(
            select(func.count())
            .select_from(InvoiceLine)
            .join(Invoice)
            .where(
                Invoice.number.in_(run.invoice_numbers),
                InvoiceLine.subscription_item_id == items["SEAT-STD"],
            )
        )
        netted = await session.scalar(
            select(func.count()).select_from(Charge).where(Charge.netted_on.is_not(None))
        )
    assert seat_lines == 0
    assert netted == 4  # Nov 30 and Dec 31: the order's charge and the removal's credit


async def test_cancelling_now_credits_unused_time_and_at_term_end_turns_auto_renew_off(db) -> None:
    subscription_id, _ = await _acme(db)
    alice = await _actor(db, "alice@acme.example")
    with pytest.raises(Forbidden):
        await subscriptions.cancel_subscription(
            db,
            alice,
            subscription_id=subscription_id,
            immediately=True,
            effective_date=None,
            today=TODAY,
            now=NOW,
        )
    at_end, note = await subscriptions.cancel_subscription(
        db,
        alice,
        subscription_id=subscription_id,
        immediately=False,
        effective_date=None,
        today=TODAY,
        now=NOW,
    )
    assert at_end.auto_renew is False and at_end.status is SubscriptionStatus.ACTIVE
    assert note is None

    # Ending the contract now takes far more than 20 % off it: not a rep's call alone.
    cancel_now = {
        "subscription_id": subscription_id,
        "immediately": True,
        "effective_date": None,
        "today": TODAY,
        "now": NOW,
    }
    with pytest.raises(Invalid) as refused:
        await subscriptions.cancel_subscription(
            db, await _actor(db, "rita@recur.example"), **cancel_now
        )
    assert refused.value.problems[0].code == "APPROVAL_REQUIRED"
    maria = await _actor(db, "maria@recur.example")
    now, note = await subscriptions.cancel_subscription(db, maria, **cancel_now)
    assert now.status is SubscriptionStatus.CANCELED and now.canceled_on == TODAY
    assert note is not None and note.subtotal == Decimal("223.00")  # 1115 × 6/30
    run = await billing.run_billing(db, as_of=date(2027, 6, 30), now=NOW)
    async with db.session() as session:
        billed = await session.scalar(
            select(func.count())
            .select_from(InvoiceLine)
            .join(Invoice)
            .where(Invoice.number.in_(run.invoice_numbers), Invoice.account_id == now.account_id)
        )
        events = list(
            await session.scalars(
                select(SubscriptionEvent.action)
                .where(SubscriptionEvent.subscription_id == subscription_id)
                .order_by(SubscriptionEvent.id)
            )
        )
    assert billed == 0 and run.failed_accounts == []
    assert events == ["AUTO_RENEW_OFF", "CANCEL"]


# ---- the property: invoiced minus credited = the schedules of all orders --------------


def _months_between(anchor: date, day: date) -> int:
    return (day.year - anchor.year) * 12 + day.month - anchor.month


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("seats"), st.integers(0, 60), st.integers(0, 40)),
        st.tuples(st.just("bill"), st.integers(0, 45), st.just(0)),
    ),
    min_size=1,
    max_size=7,
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
async def test_invoiced_minus_credited_is_what_the_seats_were_worth(db, steps) -> None:
    """Random seat changes on random days and billing runs between them: what Acme's seats
    were invoiced minus what was credited equals their worth re-derived here, day by day
    in integer cents, at $25 a seat a month."""
    subscription_id, items = await _acme(db)
    seat_item = items.get("SEAT-STD")
    if seat_item is None:  # an earlier example of the shared database changed it away
        return
    rep = await _actor(db, "maria@recur.example")  # a manager: any reduction mid-term
    async with db.session() as session:
        quantity = await session.scalar(
            select(SubscriptionItem.quantity).where(SubscriptionItem.id == seat_item)
        )
        already = await session.scalar(select(func.max(Invoice.issue_date))) or TODAY
    day = max(TODAY, already)
    anchor = date(2026, 5, 31)
    if day >= TERM_END - timedelta(days=1):
        return
    worth_changes: list[tuple[date, int, int]] = []
    orders: list[int] = []
    for kind, a, b in steps:
        if kind == "bill":
            day = min(day + timedelta(days=a), TERM_END - timedelta(days=1))
            await billing.run_billing(db, as_of=day, now=NOW)
            continue
        day = min(day + timedelta(days=b), TERM_END - timedelta(days=1))
        outcome = await subscriptions.change_subscription(
            db,
            rep,
            subscription_id=subscription_id,
            effective_date=day,
            changes=[Change(item_id=seat_item, quantity=a)],
            today=day,
            now=NOW,
        )
        orders.append(outcome.order.id)
        worth_changes.append((day, quantity, a))
        quantity = a
        if a == 0:
            break
    await billing.run_billing(db, as_of=day, now=NOW)

    # Each change adds (new - old) × 2500 cents for the rest of its period, prorated by
    # days and rounded half away from zero, then a whole month's delta for every later
    # period of the term that has begun by ``day``.
    expected = 0
    for effective, old, new in worth_changes:
        delta = (new - old) * 2500
        k = _months_between(anchor, effective)
        while anchor + relativedelta(months=k) > effective:
            k -= 1
        while anchor + relativedelta(months=k + 1) <= effective:
            k += 1
        start, end = anchor + relativedelta(months=k), anchor + relativedelta(months=k + 1)
        left, days = (end - effective).days, (end - start).days
        exact = abs(delta) * left
        cents = exact // days + (1 if 2 * (exact % days) >= days else 0)
        expected += cents if delta >= 0 else -cents
        k += 1
        while anchor + relativedelta(months=k) <= day:
            expected += delta
            k += 1

    async with db.session() as session:
        charges = list(
            await session.scalars(
                select(Charge).where(Charge.order_id.in_(orders), Charge.period_start <= day)
            )
        )
        ids = [charge.id for charge in charges]
        invoiced: dict[int, Decimal] = defaultdict(Decimal)
        for charge_id, amount in await session.execute(
            select(InvoiceLine.charge_id, InvoiceLine.amount).where(InvoiceLine.charge_id.in_(ids))
        ):
            invoiced[charge_id] += amount
        for charge_id, amount in await session.execute(
            select(CreditNoteLine.charge_id, CreditNoteLine.amount).where(
                CreditNoteLine.charge_id.in_(ids)
            )
        ):
            invoiced[charge_id] -= amount
    # The schedules are worth what the changes were worth ...
    assert int(sum(charge.amount for charge in charges) * 100) == expected
    # ... and every charge due was billed exactly once, by an invoice or a credit note, or
    # closed against the charge it cancels out.
    for charge in charges:
        billed = invoiced.get(charge.id, Decimal(0))
        assert billed == (0 if charge.netted_on else charge.amount), charge

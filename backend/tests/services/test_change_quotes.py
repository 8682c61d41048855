"""Amendment and renewal quotes a rep prepares, through approval, sending and acceptance.

Acme's demo subscription (SUB-000002, Rita's account) started on 2026-05-31, monthly, 12
months: Platform Core $490 and 25 Standard Seats at $25. On 2026-11-24 its period is
[Oct 31, Nov 30): 30 days, 6 of them left. Acme's tax rate is 8.25 %.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Charge,
    Invoice,
    InvoiceLine,
    Order,
    Price,
    Product,
    Quote,
    QuoteLine,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
    User,
)
from recur.services import billing, quotes, subscriptions, workflow
from recur.services.common import Actor, Forbidden, Invalid
from recur.services.subscriptions import ItemChangeRequest

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()
TERM_END = date(2027, 5, 31)
THRESHOLD = Decimal(20)
D = Decimal


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=Role(user.role), account_id=user.account_id)


async def _acme(db: Database) -> Subscription:
    async with db.session() as session:
        subscription = await session.scalar(
            select(Subscription).where(Subscription.number == "SUB-000002")
        )
    assert subscription is not None
    return subscription


async def _price(db: Database, sku: str) -> int:
    async with db.session() as session:
        price_id = await session.scalar(
            select(Price.id)
            .join(Product)
            .where(Product.sku == sku, Price.currency == "USD", Price.billing_period == "MONTH")
        )
    assert price_id is not None
    return price_id


async def _lines(db: Database, quote_id: int) -> dict[str, QuoteLine]:
    async with db.session() as session:
        rows = await session.execute(
            select(Product.sku, QuoteLine)
            .join(Product, Product.id == QuoteLine.product_id)
            .where(QuoteLine.quote_id == quote_id)
        )
        return {sku: line for sku, line in rows}


async def _items(db: Database, subscription_id: int) -> dict[str, SubscriptionItem]:
    async with db.session() as session:
        rows = await session.execute(
            select(Product.sku, SubscriptionItem)
            .join(Product, Product.id == SubscriptionItem.product_id)
            .where(
                SubscriptionItem.subscription_id == subscription_id,
                SubscriptionItem.ended_on.is_(None),
            )
        )
        return {sku: item for sku, item in rows}


async def _edit(db: Database, rep: Actor, quote: Quote, sku: str, **change) -> Quote:
    line = (await _lines(db, quote.id))[sku]
    return await quotes.update_quote_line(
        db,
        rep,
        line_id=line.id,
        quantity=change.get("quantity"),
        discount=change.get("discount"),
        expected_version=quote.version,
        now=NOW,
    )


async def _send_and_accept(db: Database, quote: Quote) -> Order:
    rep = await _actor(db, "rita@recur.example")
    await workflow.send_quote(db, rep, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW)
    return await workflow.accept_quote(
        db,
        await _actor(db, "alice@acme.example"),
        quote_id=quote.id,
        threshold=THRESHOLD,
        today=TODAY,
        now=NOW,
    )


# ---- amendment quotes -----------------------------------------------------------------------


async def test_a_reps_amendment_quote_with_discounts_is_billed_as_its_preview_said(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    subscription = await _acme(db)
    quote = await subscriptions.create_amendment_quote(
        db, rep, subscription_id=subscription.id, today=TODAY, now=NOW
    )
    assert (quote.kind, quote.status, quote.start_date) == (
        QuoteKind.AMENDMENT,
        QuoteStatus.DRAFT,
        TODAY,
    )
    assert {sku: line.quantity for sku, line in (await _lines(db, quote.id)).items()} == {
        "PLAT-CORE": 1,
        "SEAT-STD": 25,
    }

    # 35 seats at 10 % off, and Revenue Analytics ($199) at 15 % off.
    quote = await _edit(db, rep, quote, "SEAT-STD", quantity=35, discount=D(10))
    quote = await quotes.add_quote_line(
        db,
        rep,
        quote_id=quote.id,
        price_id=await _price(db, "ANALYTICS"),
        quantity=1,
        discount=D(15),
        expected_version=quote.version,
        now=NOW,
    )
    preview = await subscriptions.preview_amendment_quote(
        db, rep, quote_id=quote.id, today=TODAY, now=NOW
    )
    order = await _send_and_accept(db, quote)

    assert order.kind is QuoteKind.AMENDMENT
    async with db.session() as session:
        invoice = await session.scalar(
            select(Invoice).join(InvoiceLine).join(Charge).where(Charge.order_id == order.id)
        )
        accepted = await session.get_one(Quote, quote.id)
        event = await session.scalar(
            select(SubscriptionEvent).where(SubscriptionEvent.order_id == order.id)
        )
    assert invoice is not None and event is not None
    # Seats: 625.00 → 35 × 25 × 0.9 = 787.50, +162.50 a period; Analytics 169.15 a period.
    # 6 of 30 days left: 32.50 + 33.83 = 66.33, tax 8.25 % = 5.47.
    assert (invoice.subtotal, invoice.tax, invoice.total) == (D("66.33"), D("5.47"), D("71.80"))
    assert preview.amount_due_now == invoice.total
    # The preview cites the quote, which exists, but no order number: it has none yet.
    assert all(
        line.explanation.endswith(
            f"amendment quote {quote.number}; its order is numbered on acceptance."
        )
        for line in preview.lines
    )
    # What the amendment adds to the contract is its schedule, to the cent: the prorated
    # 66.33 now and 162.50 + 169.15 for every later period of the term.
    async with db.session() as session:
        scheduled = list(
            await session.scalars(select(Charge.amount).where(Charge.order_id == order.id))
        )
        term_value = await session.scalar(
            select(func.sum(Charge.amount))
            .join(Order, Order.id == Charge.order_id)
            .where(
                Order.subscription_id == subscription.id,
                Charge.period_start < subscription.current_term_end,
            )
        )
    assert preview.contract_value_change == sum(scheduled)
    assert sorted(set(scheduled)) == [D("32.50"), D("33.83"), D("162.50"), D("169.15")]
    assert preview.contract_value_before + preview.contract_value_change == term_value
    assert accepted.status is QuoteStatus.ACCEPTED
    items = await _items(db, subscription.id)
    assert (items["SEAT-STD"].quantity, items["SEAT-STD"].discount_percent) == (35, D(10))
    assert items["SEAT-STD"].net_amount == D("787.50")
    assert items["ANALYTICS"].net_amount == D("169.15")
    assert event.monthly_after == D("490") + D("787.50") + D("169.15")


async def test_the_preview_of_an_amendment_quote_writes_nothing(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    quote = await subscriptions.create_amendment_quote(
        db, rep, subscription_id=(await _acme(db)).id, today=TODAY, now=NOW
    )
    quote = await _edit(db, rep, quote, "SEAT-STD", quantity=30)
    async with db.session() as session:
        before = await session.scalar(select(func.count()).select_from(Charge))
    preview = await subscriptions.preview_amendment_quote(
        db, rep, quote_id=quote.id, today=TODAY, now=NOW
    )
    async with db.session() as session:
        after = await session.scalar(select(func.count()).select_from(Charge))
    # 5 seats × 25 = 125.00 a period × 6/30 = 25.00, plus 2.06 tax.
    assert preview.amount_due_now == D("27.06")
    assert before == after


async def test_removing_an_items_line_keeps_it_at_zero_and_credits_the_unused_days(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    subscription = await _acme(db)
    quote = await subscriptions.create_amendment_quote(
        db, rep, subscription_id=subscription.id, today=TODAY, now=NOW
    )
    seats = (await _lines(db, quote.id))["SEAT-STD"]
    quote = await quotes.remove_quote_line(
        db, rep, line_id=seats.id, expected_version=quote.version, now=NOW
    )
    assert (await _lines(db, quote.id))["SEAT-STD"].quantity == 0
    # It takes the seats off the contract for the rest of the term, far more than the
    # threshold: a manager approves it before it goes out.
    with pytest.raises(Invalid) as refused:
        await workflow.send_quote(
            db, rep, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    assert refused.value.problems[0].code == "APPROVAL_REQUIRED"
    submitted = await workflow.submit_for_approval(
        db, rep, quote_id=quote.id, threshold=THRESHOLD, now=NOW, today=TODAY
    )
    assert submitted.status is QuoteStatus.PENDING_APPROVAL
    maria = await _actor(db, "maria@recur.example")
    await workflow.approve_quote(db, maria, quote_id=quote.id, now=NOW)

    order = await _send_and_accept(db, quote)

    async with db.session() as session:
        event = await session.scalar(
            select(SubscriptionEvent).where(SubscriptionEvent.order_id == order.id)
        )
    assert event is not None
    # 625.00 × 6/30 = 125.00 credited, plus 8.25 % tax: 135.31.
    assert event.amount_now == D("-135.31") and event.credit_note_id is not None
    assert set(await _items(db, subscription.id)) == {"PLAT-CORE"}


async def test_an_amendment_quote_that_changes_nothing_cannot_be_sent(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    quote = await subscriptions.create_amendment_quote(
        db, rep, subscription_id=(await _acme(db)).id, today=TODAY, now=NOW
    )
    with pytest.raises(Invalid) as refused:
        await workflow.send_quote(
            db, rep, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    assert refused.value.problems[0].code == "NO_CHANGES"


async def test_a_deep_discount_on_an_amendment_waits_for_a_managers_approval(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    quote = await subscriptions.create_amendment_quote(
        db, rep, subscription_id=(await _acme(db)).id, today=TODAY, now=NOW
    )
    quote = await _edit(db, rep, quote, "SEAT-STD", quantity=40, discount=D(30))
    with pytest.raises(Invalid) as refused:
        await workflow.send_quote(
            db, rep, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    assert refused.value.problems[0].code == "APPROVAL_REQUIRED"
    await workflow.submit_for_approval(db, rep, quote_id=quote.id, threshold=THRESHOLD, now=NOW)
    await workflow.approve_quote(
        db, await _actor(db, "maria@recur.example"), quote_id=quote.id, now=NOW
    )
    order = await _send_and_accept(db, quote)
    items = await _items(db, order.subscription_id or 0)
    assert items["SEAT-STD"].net_amount == D("700.00")  # 40 × 25 × 0.7


async def test_the_start_date_of_an_amendment_is_its_effective_date_within_the_term(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    quote = await subscriptions.create_amendment_quote(
        db, rep, subscription_id=(await _acme(db)).id, today=TODAY, now=NOW
    )

    async def terms(**change) -> str:
        with pytest.raises(Invalid) as refused:
            await workflow.update_terms(
                db,
                rep,
                quote_id=quote.id,
                start_date=change.get("start"),
                term_months=change.get("term"),
                uplift_percent=change.get("uplift"),
                expected_version=None,
                today=TODAY,
                now=NOW,
            )
        return refused.value.problems[0].code

    assert await terms(start=TERM_END) == "OUTSIDE_TERM"
    assert await terms(start=date(2026, 10, 30)) == "BACKDATED"  # before Oct 31
    assert await terms(term=24) == "FIXED_TERM"
    assert await terms(uplift=D(5)) == "NOT_RENEWAL"
    moved = await workflow.update_terms(
        db,
        rep,
        quote_id=quote.id,
        start_date=date(2026, 10, 31),
        term_months=None,
        expected_version=None,
        today=TODAY,
        now=NOW,
    )
    assert moved.start_date == date(2026, 10, 31)


async def test_customers_do_not_prepare_amendment_or_renewal_quotes(db) -> None:
    alice = await _actor(db, "alice@acme.example")
    subscription = await _acme(db)
    with pytest.raises(Forbidden):
        await subscriptions.create_amendment_quote(
            db, alice, subscription_id=subscription.id, today=TODAY, now=NOW
        )
    with pytest.raises(Forbidden):
        await subscriptions.create_renewal_quote(
            db,
            alice,
            subscription_id=subscription.id,
            term_months=None,
            uplift_percent=None,
            now=NOW,
        )


async def test_a_rep_cannot_quote_another_reps_subscription(db) -> None:
    sam = await _actor(db, "sam@recur.example")
    with pytest.raises(Invalid) as refused:
        await subscriptions.create_amendment_quote(
            db, sam, subscription_id=(await _acme(db)).id, today=TODAY, now=NOW
        )
    assert refused.value.problems[0].code == "UNKNOWN_SUBSCRIPTION"


# ---- renewal quotes -------------------------------------------------------------------------


async def _renewal(db: Database, **terms) -> Quote:
    return await subscriptions.create_renewal_quote(
        db,
        await _actor(db, "rita@recur.example"),
        subscription_id=(await _acme(db)).id,
        term_months=terms.get("term"),
        uplift_percent=terms.get("uplift"),
        now=NOW,
    )


async def test_an_accepted_renewal_quote_replaces_the_automatic_renewal(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    subscription = await _acme(db)
    quote = await _renewal(db, term=24, uplift=D(5))
    assert (quote.kind, quote.start_date, quote.term_months, quote.uplift_percent) == (
        QuoteKind.RENEWAL,
        TERM_END,
        24,
        D(5),
    )
    quote = await _edit(db, rep, quote, "SEAT-STD", quantity=40, discount=D(10))
    order = await _send_and_accept(db, quote)

    # Agreed, but the running term is untouched until it ends.
    assert (order.kind, order.start_date, order.term_months) == (QuoteKind.RENEWAL, TERM_END, 24)
    assert (await _items(db, subscription.id))["SEAT-STD"].quantity == 25
    async with db.session() as session:
        agreed = await session.scalar(
            select(SubscriptionEvent).where(SubscriptionEvent.order_id == order.id)
        )
        assert agreed is not None and agreed.action == "RENEWAL_AGREED"
        charges = list(await session.scalars(select(Charge).where(Charge.order_id == order.id)))
    assert len(charges) == 2 * 24
    assert min(c.period_start for c in charges) == TERM_END

    await billing.run_billing(db, as_of=TERM_END, now=NOW)

    items = await _items(db, subscription.id)
    # Seats: 40 × 25 × 1.05 = 1,050.00, 10 % off: 945.00; Platform 490 × 1.05 = 514.50.
    assert {sku: item.net_amount for sku, item in items.items()} == {
        "PLAT-CORE": D("514.50"),
        "SEAT-STD": D("945.00"),
    }
    async with db.session() as session:
        renewed = await session.get_one(Subscription, subscription.id)
        renewals = await session.scalar(
            select(func.count())
            .select_from(Quote)
            .where(Quote.subscription_id == subscription.id, Quote.kind == QuoteKind.RENEWAL)
        )
        billed = sorted(
            await session.scalars(
                select(InvoiceLine.amount)
                .join(Charge, Charge.id == InvoiceLine.charge_id)
                .where(Charge.order_id == order.id)
            )
        )
    assert (renewed.term_months, renewed.current_term_end) == (24, date(2029, 5, 31))
    assert renewals == 1  # no automatic renewal next to the agreed one
    assert billed == [D("514.50"), D("945.00")]  # the first period of the agreed term

    # A change in the agreed term is prorated on its prices and runs to its end.
    june = date(2027, 6, 10)
    done = await subscriptions.change_subscription(
        db,
        rep,
        subscription_id=subscription.id,
        effective_date=june,
        changes=[ItemChangeRequest(item_id=items["SEAT-STD"].id, quantity=45)],
        today=june,
        now=datetime(2027, 6, 10, 10, tzinfo=UTC),
    )
    # 45 × 26.25 × 0.9 = 1,063.13: +118.13 a period, 20 of [May 31, Jun 30)'s 30 days left.
    first = min(done.charges, key=lambda charge: charge.period_start)
    assert (first.period_start, first.amount) == (june, D("78.75"))
    assert max(c.period_end for c in done.charges if c.period_end) == date(2029, 5, 31)


async def test_a_renewal_quote_cannot_be_accepted_once_the_term_renewed_without_it(db) -> None:
    rep = await _actor(db, "rita@recur.example")
    quote = await _renewal(db)
    await workflow.send_quote(db, rep, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW)
    await billing.run_billing(db, as_of=TERM_END, now=NOW)  # renews automatically

    with pytest.raises(Invalid) as refused:
        await workflow.accept_quote(
            db,
            await _actor(db, "alice@acme.example"),
            quote_id=quote.id,
            threshold=THRESHOLD,
            today=TODAY,
            now=NOW,
        )
    assert refused.value.problems[0].code == "RENEWAL_OUTDATED"
    async with db.session() as session:
        assert (await session.get_one(Quote, quote.id)).status is QuoteStatus.SENT


async def test_one_renewal_is_agreed_per_term(db) -> None:
    first = await _renewal(db)
    second = await _renewal(db, term=24)
    await _send_and_accept(db, first)

    with pytest.raises(Invalid) as refused:
        await _send_and_accept(db, second)
    assert refused.value.problems[0].code == "RENEWAL_AGREED"
    with pytest.raises(Invalid) as again:
        await _renewal(db)
    assert again.value.problems[0].code == "RENEWAL_AGREED"


async def test_renewal_terms_are_checked(db) -> None:
    for terms, code in (
        ({"term": 0}, "INVALID_TERM"),
        ({"uplift": D("-1")}, "INVALID_UPLIFT"),
        ({"uplift": D("5.125")}, "INVALID_UPLIFT"),
    ):
        with pytest.raises(Invalid) as refused:
            await _renewal(db, **terms)
        assert refused.value.problems[0].code == code
    rep = await _actor(db, "rita@recur.example")
    quote = await _renewal(db)
    with pytest.raises(Invalid) as moved:
        await workflow.update_terms(
            db,
            rep,
            quote_id=quote.id,
            start_date=date(2027, 6, 1),
            term_months=None,
            expected_version=None,
            today=TODAY,
            now=NOW,
        )
    assert moved.value.problems[0].code == "FIXED_START"


async def test_changes_during_the_term_stay_in_it_when_a_renewal_is_agreed(db) -> None:
    subscription = await _acme(db)
    await _send_and_accept(db, await _renewal(db, term=24))
    seats = (await _items(db, subscription.id))["SEAT-STD"]

    done = await subscriptions.change_subscription(
        db,
        await _actor(db, "alice@acme.example"),
        subscription_id=subscription.id,
        effective_date=None,
        changes=[ItemChangeRequest(item_id=seats.id, quantity=30)],
        today=TODAY,
        now=NOW,
    )

    # Prorated in the running term and charged to its end, not into the agreed one.
    assert done.amount_due_now == D("27.06")
    assert max(c.period_end for c in done.charges if c.period_end) == TERM_END


async def test_cancelling_now_calls_off_an_agreed_renewal(db) -> None:
    subscription = await _acme(db)
    order = await _send_and_accept(db, await _renewal(db))

    await subscriptions.cancel_subscription(
        db,
        await _actor(db, "maria@recur.example"),
        subscription_id=subscription.id,
        immediately=True,
        effective_date=None,
        today=TODAY,
        now=NOW,
    )
    await billing.run_billing(db, as_of=date(2027, 7, 1), now=NOW)

    async with db.session() as session:
        billed = await session.scalar(
            select(func.count())
            .select_from(InvoiceLine)
            .join(Charge, Charge.id == InvoiceLine.charge_id)
            .where(Charge.order_id == order.id)
        )
        renewal_orders = await session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.subscription_id == subscription.id, Order.kind == QuoteKind.RENEWAL)
        )
        cancelled = await session.get_one(Subscription, subscription.id)
    assert billed == 0
    assert renewal_orders == 1  # the agreed one, called off; no automatic renewal either
    assert cancelled.status is SubscriptionStatus.CANCELED

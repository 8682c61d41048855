"""The quote-to-order journeys, straight at the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from recur.core.lifecycle import QuoteStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Charge, Invoice, InvoiceLine, Order, Price, Product, QuoteEvent, User
from recur.services import quotes, workflow
from recur.services.common import Actor, Invalid

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
THRESHOLD = Decimal(20)


async def actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def price_id(db: Database, sku: str, currency: str, period: str) -> int:
    async with db.session() as session:
        found = await session.scalar(
            select(Price.id)
            .join(Product)
            .where(Product.sku == sku, Price.currency == currency, Price.billing_period == period)
        )
    assert found is not None
    return found


async def account_id(db: Database, email: str) -> int:
    return (await actor(db, email)).account_id or 0


async def test_a_customer_checks_out_a_cart_and_gets_order_subscription_and_invoice(db) -> None:
    alice = await actor(db, "alice@acme.example")
    seats = await price_id(db, "SEAT-STD", "USD", "MONTH")
    onboarding = await price_id(db, "ONBOARD", "USD", "ONE_TIME")
    await quotes.add_to_cart(db, alice, price_id=seats, quantity=10, today=TODAY, now=NOW)
    cart = await quotes.add_to_cart(
        db, alice, price_id=onboarding, quantity=1, today=TODAY, now=NOW
    )
    assert [line.quantity for line in cart.lines] == [10, 1]

    async with db.session() as session:
        invoices_before = await session.scalar(select(func.count()).select_from(Invoice)) or 0
    order = await workflow.checkout(
        db,
        alice,
        quote_id=cart.id,
        start_date=date(2026, 12, 31),
        term_months=12,
        threshold=THRESHOLD,
        today=TODAY,
        now=NOW,
    )
    again = await workflow.checkout(
        db,
        alice,
        quote_id=cart.id,
        start_date=None,
        term_months=None,
        threshold=THRESHOLD,
        today=TODAY,
        now=NOW,
    )
    assert again.id == order.id

    async with db.session() as session:
        orders_of_the_cart = (
            select(func.count()).select_from(Order).where(Order.quote_id == cart.id)
        )
        assert await session.scalar(orders_of_the_cart) == 1
        charges = list(await session.scalars(select(Charge).where(Charge.order_id == order.id)))
        invoice = await session.scalar(select(Invoice).where(Invoice.order_id == order.id))
        assert invoice is not None
        lines = list(
            await session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        )
    # 12 monthly periods of 10 seats at 25.00, anchored on the 31st, plus onboarding once.
    monthly = sorted(c.period_start for c in charges if c.period_end)
    assert (
        len(monthly) == 12 and monthly[1] == date(2027, 1, 31) and monthly[2] == date(2027, 2, 28)
    )
    assert monthly[3] == date(2027, 3, 31)
    assert sum(c.amount for c in charges) == Decimal("250") * 12 + Decimal("2500")
    assert sorted(line.amount for line in lines) == [Decimal("250.00"), Decimal("2500.00")]
    # Numbered right after the demo history's invoices, with no gap.
    assert invoice.number == f"INV-{invoices_before + 1:06d}"
    assert invoice.subtotal == Decimal("2750.00")
    assert invoice.tax == Decimal("226.88")  # 8.25 % of 2750.00 = 226.875, rounded once
    assert invoice.due_date == TODAY + timedelta(days=30)
    assert "Q-" in lines[0].explanation and order.number in lines[0].explanation


async def test_a_rep_discounts_30_percent_the_manager_approves_the_customer_accepts(db) -> None:
    rita, maria = await actor(db, "rita@recur.example"), await actor(db, "maria@recur.example")
    alice = await actor(db, "alice@acme.example")
    acme = await account_id(db, "alice@acme.example")
    pro = await price_id(db, "SEAT-PRO", "USD", "YEAR")

    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=24, today=TODAY, now=NOW
    )
    quote = await quotes.add_quote_line(
        db,
        rita,
        quote_id=quote.id,
        price_id=pro,
        quantity=20,
        discount=Decimal("30"),
        expected_version=quote.version,
        now=NOW,
    )
    with pytest.raises(Invalid) as refused:
        await workflow.send_quote(
            db, rita, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    assert refused.value.problems[0].code == "APPROVAL_REQUIRED"
    with pytest.raises(Invalid) as not_pending:
        await workflow.approve_quote(db, maria, quote_id=quote.id, now=NOW)
    assert not_pending.value.problems[0].code == "INVALID_STATUS"

    await workflow.submit_for_approval(db, rita, quote_id=quote.id, threshold=THRESHOLD, now=NOW)
    with pytest.raises(Invalid) as rep_approves:
        await workflow.approve_quote(db, rita, quote_id=quote.id, now=NOW)
    assert rep_approves.value.problems[0].code == "NOT_ALLOWED"
    await workflow.approve_quote(db, maria, quote_id=quote.id, now=NOW)
    sent = await workflow.send_quote(
        db, rita, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    assert sent.status is QuoteStatus.SENT and sent.expires_on == TODAY + timedelta(days=30)

    order = await workflow.accept_quote(
        db, alice, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    async with db.session() as session:
        invoice = await session.scalar(select(Invoice).where(Invoice.order_id == order.id))
        events = list(
            await session.scalars(
                select(QuoteEvent.action)
                .where(QuoteEvent.quote_id == quote.id)
                .order_by(QuoteEvent.id)
            )
        )
    assert invoice is not None
    # 20 × 450.00 = 9,000.00 list, less 30 % = 6,300.00 for the first year.
    assert invoice.subtotal == Decimal("6300.00")
    assert events == ["CREATE", "SUBMIT", "APPROVE", "SEND", "ACCEPT"]


async def test_a_stale_edit_is_refused_and_an_edit_after_approval_needs_approval_again(db) -> None:
    rita, maria = await actor(db, "rita@recur.example"), await actor(db, "maria@recur.example")
    acme = await account_id(db, "alice@acme.example")
    seats = await price_id(db, "SEAT-STD", "USD", "MONTH")
    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=12, today=TODAY, now=NOW
    )
    quote = await quotes.add_quote_line(
        db,
        rita,
        quote_id=quote.id,
        price_id=seats,
        quantity=5,
        discount=Decimal("25"),
        expected_version=None,
        now=NOW,
    )
    line_id = quote.lines[0].id
    seen = quote.version
    await quotes.update_quote_line(
        db, maria, line_id=line_id, quantity=6, discount=None, expected_version=seen, now=NOW
    )
    with pytest.raises(Invalid) as stale:
        await quotes.update_quote_line(
            db, rita, line_id=line_id, quantity=7, discount=None, expected_version=seen, now=NOW
        )
    assert stale.value.problems[0].code == "STALE_VERSION"

    await workflow.submit_for_approval(db, rita, quote_id=quote.id, threshold=THRESHOLD, now=NOW)
    approved = await workflow.approve_quote(db, maria, quote_id=quote.id, now=NOW)
    edited = await quotes.update_quote_line(
        db,
        rita,
        line_id=line_id,
        quantity=8,
        discount=None,
        expected_version=approved.version,
        now=NOW,
    )
    assert edited.status is QuoteStatus.DRAFT


async def test_bad_lines_are_refused_with_the_field_and_nothing_is_written(db) -> None:
    rita = await actor(db, "rita@recur.example")
    acme = await account_id(db, "alice@acme.example")
    euro = await price_id(db, "SEAT-STD", "EUR", "MONTH")
    yearly = await price_id(db, "SEAT-STD", "USD", "YEAR")
    monthly = await price_id(db, "SEAT-STD", "USD", "MONTH")
    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=18, today=TODAY, now=NOW
    )

    async def refused(**kwargs: object) -> tuple[str, ...]:
        arguments = {"price_id": monthly, "quantity": 1, "discount": Decimal(0), **kwargs}
        with pytest.raises(Invalid) as error:
            await quotes.add_quote_line(
                db, rita, quote_id=quote.id, expected_version=None, now=NOW, **arguments
            )  # type: ignore[arg-type]
        return tuple(p.field[-1] for p in error.value.problems if p.field)

    assert await refused(price_id=euro) == ("priceId",)
    assert await refused(price_id=yearly) == ("priceId",)  # 18 months is not whole years
    assert await refused(quantity=0) == ("quantity",)
    assert await refused(quantity=1_000_001) == ("quantity",)
    assert await refused(discount=Decimal("100.01")) == ("discountPercent",)
    assert await refused(discount=Decimal("12.345")) == ("discountPercent",)
    assert (await quotes.get_quote(db, rita, quote.id)).lines == []  # type: ignore[union-attr]


async def test_an_expired_quote_cannot_be_accepted(db) -> None:
    rita, alice = await actor(db, "rita@recur.example"), await actor(db, "alice@acme.example")
    acme = await account_id(db, "alice@acme.example")
    seats = await price_id(db, "SEAT-STD", "USD", "MONTH")
    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=12, today=TODAY, now=NOW
    )
    await quotes.add_quote_line(
        db,
        rita,
        quote_id=quote.id,
        price_id=seats,
        quantity=3,
        discount=Decimal(0),
        expected_version=None,
        now=NOW,
    )
    await workflow.send_quote(
        db, rita, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    later = TODAY + timedelta(days=31)
    with pytest.raises(Invalid) as expired:
        await workflow.accept_quote(
            db, alice, quote_id=quote.id, threshold=THRESHOLD, today=later, now=NOW
        )
    assert expired.value.problems[0].code == "EXPIRED"
    assert (await quotes.get_quote(db, alice, quote.id)).status is QuoteStatus.EXPIRED  # type: ignore[union-attr]


async def test_a_customer_cannot_discount_or_touch_another_accounts_quote(db) -> None:
    rita, carol = await actor(db, "rita@recur.example"), await actor(db, "carol@initech.example")
    acme = await account_id(db, "alice@acme.example")
    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=12, today=TODAY, now=NOW
    )
    assert await quotes.get_quote(db, carol, quote.id) is None
    sam = await actor(db, "sam@recur.example")
    with pytest.raises(Invalid):
        await quotes.create_quote(
            db, sam, account_id=acme, start_date=None, term_months=12, today=TODAY, now=NOW
        )
    assert carol.role is Role.CUSTOMER

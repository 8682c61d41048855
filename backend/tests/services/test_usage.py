"""Metered prices: usage recorded, billed in arrears by the price's model, and the upcoming
invoice equal to the invoice the billing run then makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.pricing import PricingModel, Tier
from recur.core.roles import Role
from recur.core.usage import Aggregation, UsageType
from recur.db.engine import Database
from recur.db.models import Account, Charge, Invoice, InvoiceLine, Order, SubscriptionItem, User
from recur.services import billing, catalog, quotes, subscriptions, usage, workflow
from recur.services.common import Actor, Forbidden, Invalid

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SKUS = count(1)
TODAY = NOW.date()
START = date(2026, 12, 1)
PERIOD_END = date(2027, 1, 1)
#: Graduated per 1,000 units: the first 10 packages at 2.00, the next 90 at 1.50, then 1.00.
TIERS = (
    Tier(10, Decimal("2.00")),
    Tier(100, Decimal("1.50")),
    Tier(None, Decimal("1.00"), Decimal("5.00")),
)


async def user_actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def metered_price(
    db: Database,
    aggregation: Aggregation = Aggregation.SUM,
    package_size: int = 1000,
    currency: str = "USD",
) -> int:
    adam = await user_actor(db, "adam@recur.example")
    product = await catalog.create_product(
        db,
        adam,
        sku=f"METER-{next(SKUS)}",
        kind=ProductKind.SUBSCRIPTION,
        fields=catalog.ProductFields(name="Events processed", category="Platform"),
        now=NOW,
    )
    price = await catalog.add_price(
        db,
        adam,
        product.id,
        catalog.NewPrice(
            currency,
            BillingPeriod.MONTH,
            PricingModel.TIERED,
            None,
            TIERS,
            UsageType.METERED,
            aggregation,
            package_size,
        ),
        now=NOW,
    )
    return price.id


async def subscribe(
    db: Database, price_id: int, customer: str = "alice@acme.example"
) -> tuple[int, int]:
    """A customer (Alice of Acme Corp) buys the metered price from START; its (subscription,
    item) ids."""
    alice = await user_actor(db, customer)
    cart = await quotes.add_to_cart(db, alice, price_id=price_id, quantity=5, today=TODAY, now=NOW)
    order = await workflow.checkout(
        db,
        alice,
        quote_id=cart.id,
        start_date=START,
        term_months=12,
        threshold=Decimal(20),
        today=TODAY,
        now=NOW,
    )
    async with db.session() as session:
        item = await session.scalar(
            select(SubscriptionItem).where(
                SubscriptionItem.subscription_id == order.subscription_id,
                SubscriptionItem.price_id == price_id,
            )
        )
    assert item is not None and order.subscription_id is not None
    return order.subscription_id, item.id


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def invoice_lines_of(db: Database, item_id: int) -> list[InvoiceLine]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(InvoiceLine)
                .join(Charge, Charge.id == InvoiceLine.charge_id)
                .where(Charge.subscription_item_id == item_id)
                .order_by(InvoiceLine.id)
            )
        )


async def test_a_metered_item_is_billed_in_arrears_by_its_tiers_in_packages(db) -> None:
    price = await metered_price(db)
    subscription, item = await subscribe(db, price)
    # Nothing for it on the first invoice: the period has not been used yet.
    assert await invoice_lines_of(db, item) == []
    fiona = await user_actor(db, "fiona@recur.example")
    outcome = await usage.record_usage(
        db,
        fiona,
        [
            usage.NewUsage(item, 7_500, at(START), "a"),
            usage.NewUsage(item, 12_000, at(START + timedelta(days=3)), "b"),
            usage.NewUsage(item, 500, at(PERIOD_END - timedelta(days=1), 23), "c"),
            usage.NewUsage(item, 999, at(START), "a"),  # the same key again: nothing more
        ],
        now=at(PERIOD_END),
    )
    assert (outcome.recorded, outcome.duplicates, outcome.problems) == (3, 1, [])
    # Before the period ends, the run bills nothing of it.
    await billing.run_billing(db, as_of=PERIOD_END - timedelta(days=1), now=NOW)
    assert await invoice_lines_of(db, item) == []
    await billing.run_billing(db, as_of=PERIOD_END, now=NOW)
    [line] = await invoice_lines_of(db, item)
    # 20,000 units = 20 packages: 10 × 2.00 + 10 × 1.50.
    assert (line.quantity, line.amount) == (20, Decimal("35.00"))
    periods = await usage.usage_to_date(db, fiona, subscription, now=at(PERIOD_END))
    assert [(p.usage, p.quantity, p.amount, p.invoiced) for p in periods[:1]] == [
        (
            20_000,
            20,
            Decimal("35.00"),
            True,
        )
    ]


async def test_a_period_without_usage_bills_nothing(db) -> None:
    price = await metered_price(db)
    _, item = await subscribe(db, price)
    await billing.run_billing(db, as_of=PERIOD_END, now=NOW)
    [line] = await invoice_lines_of(db, item)
    assert (line.quantity, line.amount) == (0, Decimal("0.00"))


async def test_max_and_last_aggregate_the_period(db) -> None:
    results = {}
    for aggregation in (Aggregation.MAX, Aggregation.LAST):
        price = await metered_price(db, aggregation, package_size=1)
        _, item = await subscribe(db, price)
        fiona = await user_actor(db, "fiona@recur.example")
        await usage.record_usage(
            db,
            fiona,
            [
                usage.NewUsage(item, 40, at(START, 1), "1"),
                usage.NewUsage(item, 90, at(START, 2), "2"),
                usage.NewUsage(item, 12, at(START, 3), "3"),
                usage.NewUsage(item, 70, at(PERIOD_END, 1), "next period"),
            ],
            now=at(PERIOD_END, 2),
        )
        await billing.run_billing(db, as_of=PERIOD_END, now=NOW)
        results[aggregation] = [line.quantity for line in await invoice_lines_of(db, item)]
    assert results == {Aggregation.MAX: [90], Aggregation.LAST: [12]}


async def test_bad_records_are_refused_by_field_and_the_good_ones_kept(db) -> None:
    price = await metered_price(db)
    _, item = await subscribe(db, price)
    async with db.session() as session:
        licensed = await session.scalar(
            select(SubscriptionItem.id).where(SubscriptionItem.id != item).limit(1)
        )
    assert licensed is not None
    fiona = await user_actor(db, "fiona@recur.example")
    outcome = await usage.record_usage(
        db,
        fiona,
        [
            usage.NewUsage(item, -1, at(START), "negative"),
            usage.NewUsage(item, 1, at(START - timedelta(days=1)), "before"),
            usage.NewUsage(item, 1, at(START + timedelta(days=40)), "future"),
            usage.NewUsage(licensed, 1, at(START), "licensed"),
            usage.NewUsage(999_999, 1, at(START), "unknown"),
            usage.NewUsage(item, 1, at(START), ""),
            usage.NewUsage(item, 1, datetime(2026, 12, 2, 12), "naive"),
            usage.NewUsage(item, 3, at(START), "fine"),
        ],
        now=at(START + timedelta(days=2)),
    )
    assert outcome.problems is not None
    assert [(p.index, p.field, p.code) for p in outcome.problems] == [
        (0, "quantity", "INVALID_QUANTITY"),
        (1, "occurredAt", "OUTSIDE_SERVICE"),
        (2, "occurredAt", "IN_FUTURE"),
        (3, "subscriptionItemId", "NOT_METERED"),
        (4, "subscriptionItemId", "UNKNOWN_ITEM"),
        (5, "idempotencyKey", "INVALID_KEY"),
        (6, "occurredAt", "NO_TIME_ZONE"),
    ]
    assert outcome.recorded == 1


async def test_who_may_record_usage(db) -> None:
    price = await metered_price(db)
    _, item = await subscribe(db, price)
    record = [usage.NewUsage(item, 1, at(START), "k")]
    for email in ("alice@acme.example", "rita@recur.example", "maria@recur.example"):
        actor = await user_actor(db, email)
        try:
            await usage.record_usage(db, actor, record, now=at(START, 13))
        except Forbidden:
            continue
        raise AssertionError(f"{email} recorded usage")
    async with db.session() as session:
        acme = await session.scalar(select(Account).where(Account.name == "Acme Corp"))
    assert acme is not None
    # A partner client records only for its linked accounts (Acme is not Northwind's).
    partner = Actor(partner_id=acme.partner_id or 10_000, client_id="c", scopes=frozenset())
    try:
        await usage.record_usage(db, partner, record, now=at(START, 13))
        raise AssertionError("a client without usage:write recorded usage")
    except Forbidden:
        pass
    other = Actor(partner_id=10_000, client_id="c", scopes=frozenset({"usage:write"}))
    outcome = await usage.record_usage(db, other, record, now=at(START, 13))
    assert outcome.problems is not None
    assert [p.code for p in outcome.problems] == ["UNKNOWN_ITEM"]
    admin = await user_actor(db, "adam@recur.example")
    assert (await usage.record_usage(db, admin, record, now=at(START, 13))).recorded == 1
    assert Role.FINANCE  # finance records too (the tests above)


async def test_a_licensed_price_takes_no_aggregation_and_packages_are_bounded(db) -> None:
    adam = await user_actor(db, "adam@recur.example")
    async with db.session() as session:
        product = await session.scalar(
            select(SubscriptionItem.product_id).order_by(SubscriptionItem.id).limit(1)
        )
    assert product is not None
    for new, field in (
        (
            catalog.NewPrice(
                "USD",
                BillingPeriod.MONTH,
                PricingModel.PER_UNIT,
                Decimal(1),
                (),
                UsageType.LICENSED,
                Aggregation.MAX,
            ),
            "aggregation",
        ),
        (
            catalog.NewPrice(
                "USD",
                BillingPeriod.MONTH,
                PricingModel.PER_UNIT,
                Decimal(1),
                (),
                UsageType.METERED,
                None,
                0,
            ),
            "packageSize",
        ),
    ):
        try:
            await catalog.add_price(db, adam, product, new, now=NOW)
            raise AssertionError("accepted")
        except Invalid as invalid:
            assert [p.field for p in invalid.problems] == [(field,)]


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.tuples(st.integers(0, 60_000), st.integers(0, 30), st.integers(0, 23)),
        max_size=12,
    ),
    seen=st.integers(0, 30),
)
async def test_the_upcoming_invoice_is_the_invoice_the_run_makes(
    db, records: list[tuple[int, int, int]], seen: int
) -> None:
    # Each example gets a product and subscription of its own in the shared database.
    price = await metered_price(db, package_size=1000 + seen)
    subscription, item = await subscribe(db, price)
    fiona = await user_actor(db, "fiona@recur.example")
    await usage.record_usage(
        db,
        fiona,
        [
            usage.NewUsage(item, quantity, at(START + timedelta(days=day), hour), f"k{n}")
            for n, (quantity, day, hour) in enumerate(records)
        ],
        now=at(PERIOD_END),
    )
    today = START + timedelta(days=seen)
    upcoming = await usage.upcoming_invoice(
        db, fiona, subscription, today=today, now=at(PERIOD_END)
    )
    assert upcoming is not None and upcoming.issue_date == PERIOD_END
    result = await billing.run_billing(db, as_of=upcoming.issue_date, now=NOW)
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        invoice = await session.scalar(
            select(Invoice).where(
                Invoice.account_id == acme, Invoice.number.in_(result.invoice_numbers)
            )
        )
        assert invoice is not None
        mine = list(
            await session.scalars(
                select(InvoiceLine)
                .join(Charge, Charge.id == InvoiceLine.charge_id)
                .join(Order, Order.id == Charge.order_id)
                .where(InvoiceLine.invoice_id == invoice.id, Order.subscription_id == subscription)
                .order_by(InvoiceLine.position)
            )
        )
    assert sorted(line.amount for line in upcoming.lines) == sorted(line.amount for line in mine)
    assert sorted(line.quantity for line in upcoming.lines) == sorted(
        line.quantity for line in mine
    )
    if len(mine) == len(await invoice_lines_all(db, invoice.id)):
        assert (upcoming.subtotal, upcoming.tax, upcoming.total) == (
            invoice.subtotal,
            invoice.tax,
            invoice.total,
        )


async def invoice_lines_all(db: Database, invoice_id: int) -> list[InvoiceLine]:
    async with db.session() as session:
        return list(
            await session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id))
        )


async def test_changing_a_metered_items_estimate_bills_nothing_now_and_usage_at_the_end(
    db,
) -> None:
    price = await metered_price(db)
    subscription, item = await subscribe(db, price)
    fiona = await user_actor(db, "fiona@recur.example")
    await usage.record_usage(
        db, fiona, [usage.NewUsage(item, 2_000, at(START), "x")], now=at(START, 13)
    )
    outcome = await subscriptions.change_subscription(
        db,
        fiona,
        subscription_id=subscription,
        effective_date=START + timedelta(days=10),
        changes=[subscriptions.ItemChangeRequest(item_id=item, quantity=50)],
        today=START + timedelta(days=10),
        now=at(START + timedelta(days=10)),
    )
    assert outcome.invoice is None and outcome.credit_note is None
    await billing.run_billing(db, as_of=PERIOD_END, now=NOW)
    lines = await invoice_lines_of(db, item)
    # The usage once (2 packages at 2.00); the change's own charges bill nothing.
    assert sum(line.amount for line in lines) == Decimal("4.00")

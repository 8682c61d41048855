"""Reconciliation: an order's charge schedule sums exactly to its quote's total contract value,
and its first invoice bills exactly the schedule's first period, on SQLite and PostgreSQL.

Hypothesis draws carts and rep quotes (every demo pricing model and billing period, quantities,
discounts, terms, start dates with extra weight on the 28th to the 31st), takes them through
checkout or approval and acceptance with the services, and compares what was stored with
amounts and dates re-derived here from the raw price rows, in integer cents and micro-units.
The expectations deliberately use none of ``recur.core.pricing``, ``recur.core.quotes`` or
``recur.core.schedule``: they would agree with the code by construction, not by proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Invoice,
    InvoiceLine,
    Order,
    Price,
    Product,
    Quote,
    QuoteLine,
    Subscription,
    SubscriptionItem,
    User,
)
from recur.demo import CATALOG
from recur.services import quotes, workflow
from recur.services.common import Actor, Invalid

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
LAST_START = TODAY + timedelta(days=400)
THRESHOLD = Decimal(20)
MAX_QUANTITY = 1_000_000
MANAGER = "maria@recur.example"

MICROS_PER_UNIT = 10**6  # amounts are re-derived in millionths of the currency unit
MICROS_PER_CENT = 10**4  # USD and EUR have two decimal places
BASIS = 10_000  # percentages as integers of hundredths of a percent (12.25 % -> 1225)
MONTHS = {BillingPeriod.MONTH: 1, BillingPeriod.YEAR: 12}


@dataclass(frozen=True)
class Party:
    currency: str
    customer: str
    rep: str


ACCOUNTS = {
    "acme": Party("USD", "alice@acme.example", "rita@recur.example"),
    "globex": Party("EUR", "bob@globex.example", "rita@recur.example"),
    "initech": Party("USD", "carol@initech.example", "sam@recur.example"),
}

#: Every (sku, billing period) of the demo catalog; each is priced in USD and in EUR.
OFFERS = tuple((product.sku, price.period) for product in CATALOG for price in product.prices)


@dataclass(frozen=True)
class Pick:
    """One line as drawn: what, how many, and the discount (always 0 in a cart)."""

    sku: str
    period: BillingPeriod
    quantity: int
    discount: Decimal = Decimal(0)


@dataclass(frozen=True)
class Scenario:
    account: str
    path: str  # "cart": customer checkout; "quote": rep quote, approval if needed, accept
    picks: tuple[Pick, ...]
    term: int
    start: date


# ---- strategies ---------------------------------------------------------------------------

quantities = st.one_of(
    st.integers(min_value=1, max_value=12),
    st.sampled_from([10, 11, 49, 50, 51, 100, 101, MAX_QUANTITY]),  # tier edges and the limit
    st.integers(min_value=1, max_value=1_000),
    st.integers(min_value=1, max_value=MAX_QUANTITY),
)
discounts = st.one_of(
    st.just(Decimal(0)),
    st.sampled_from(["20", "20.01", "19.99", "100", "33.33", "12.5", "0.01", "99.99"]).map(Decimal),
    st.integers(min_value=0, max_value=100).map(Decimal),
    st.integers(min_value=0, max_value=1_000).map(lambda tenths: Decimal(tenths).scaleb(-1)),
    st.integers(min_value=0, max_value=10_000).map(lambda cents: Decimal(cents).scaleb(-2)),
)
MONTH_ENDS = tuple(
    day
    for day in (TODAY + timedelta(days=n) for n in range((LAST_START - TODAY).days + 1))
    if day.day >= 28
)
starts = st.one_of(  # two thirds of the starts fall on the 28th to the 31st
    st.dates(min_value=TODAY, max_value=LAST_START),
    st.sampled_from(MONTH_ENDS),
    st.sampled_from(MONTH_ENDS),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    account = draw(st.sampled_from(sorted(ACCOUNTS)))
    path = draw(st.sampled_from(["cart", "quote"]))
    offers = draw(st.lists(st.sampled_from(OFFERS), min_size=1, max_size=5))
    picks = tuple(
        Pick(sku, period, draw(quantities), draw(discounts) if path == "quote" else Decimal(0))
        for sku, period in offers
    )
    if any(pick.period is BillingPeriod.YEAR for pick in picks):
        term = 12 * draw(st.integers(min_value=1, max_value=5))
    else:
        term = draw(st.one_of(st.integers(min_value=1, max_value=60), st.sampled_from([1, 12])))
    return Scenario(account, path, picks, term, draw(starts))


MONTHLY_FROM_JAN_31 = Scenario(
    "acme",
    "cart",
    (
        Pick("SEAT-STD", BillingPeriod.MONTH, 3),
        Pick("STORAGE", BillingPeriod.MONTH, 50),
        Pick("ONBOARD", BillingPeriod.ONE_TIME, 1),
    ),
    term=3,
    start=date(2027, 1, 31),
)
YEARLY_FROM_FEB_29 = Scenario(
    "globex",
    "quote",
    (
        Pick("SUPPORT-PREM", BillingPeriod.YEAR, 1, Decimal("25")),
        Pick("SEAT-PRO", BillingPeriod.YEAR, 37, Decimal("12.35")),
        Pick("API-REQ", BillingPeriod.MONTH, 51, Decimal("0")),
    ),
    term=60,
    start=date(2028, 2, 29),
)
ONE_TIME_ONLY = Scenario(
    "initech",
    "cart",
    (
        Pick("ONBOARD", BillingPeriod.ONE_TIME, 1),
        Pick("TRAINING", BillingPeriod.ONE_TIME, 7),
        Pick("MIGRATION", BillingPeriod.ONE_TIME, 150),
    ),
    term=1,
    start=date(2027, 5, 31),
)

#: Half-cent ties: 2 SMS list at 0.025 (-> 0.03), 4 SMS at 0.05 less 50 % = 0.025 (-> 0.03).
HALF_CENT_TIES = Scenario(
    "acme",
    "quote",
    (
        Pick("SMS", BillingPeriod.MONTH, 2),
        Pick("SMS", BillingPeriod.MONTH, 4, Decimal("50")),
        Pick("SMS", BillingPeriod.MONTH, 3, Decimal("50")),
    ),
    term=7,
    start=date(2027, 2, 28),
)


# ---- the independent arithmetic -----------------------------------------------------------


def micros(amount: Decimal) -> int:
    """``amount`` in millionths, exactly (it must have at most six decimal places)."""
    numerator, denominator = amount.as_integer_ratio()
    assert MICROS_PER_UNIT % denominator == 0, f"{amount} has more than six decimal places"
    return numerator * (MICROS_PER_UNIT // denominator)


def basis(percent: Decimal) -> int:
    """``percent`` in hundredths of a percent, exactly."""
    numerator, denominator = percent.as_integer_ratio()
    assert (numerator * 100) % denominator == 0, f"{percent} has more than two decimal places"
    return numerator * 100 // denominator


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up, for non-negative integers."""
    assert numerator >= 0 and denominator > 0
    return (2 * numerator + denominator) // (2 * denominator)


def cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def list_micros(price: Price, quantity: int) -> int:
    """What ``quantity`` units cost for one period, unrounded, in millionths."""
    model = str(price.model)
    if model == "FLAT":
        assert price.unit_amount is not None
        return micros(price.unit_amount)
    if model == "PER_UNIT":
        assert price.unit_amount is not None
        return quantity * micros(price.unit_amount)
    tiers = sorted(price.tiers, key=lambda tier: tier.position)
    assert tiers and tiers[-1].up_to is None
    if model == "VOLUME":
        tier = next(t for t in tiers if t.up_to is None or quantity <= t.up_to)
        return quantity * micros(tier.unit_amount) + micros(tier.flat_amount)
    assert model == "TIERED", model
    total, below = 0, 0
    for tier in tiers:
        if quantity <= below:
            break
        top = quantity if tier.up_to is None else min(quantity, tier.up_to)
        total += (top - below) * micros(tier.unit_amount) + micros(tier.flat_amount)
        below = top
    return total


@dataclass(frozen=True)
class Expected:
    """One quote line as the test derives it: amounts in cents."""

    price: Price
    quantity: int
    discount: Decimal
    list_cents: int
    net_cents: int
    periods: int

    @property
    def recurring(self) -> bool:
        return self.price.billing_period is not BillingPeriod.ONE_TIME


def expect(price: Price, quantity: int, discount: Decimal, term: int) -> Expected:
    list_cents = half_up(list_micros(price, quantity), MICROS_PER_CENT)
    net_cents = half_up(list_cents * (BASIS - basis(discount)), BASIS)
    period = price.billing_period
    if period is BillingPeriod.ONE_TIME:
        periods = 1
    else:
        assert term % MONTHS[period] == 0
        periods = term // MONTHS[period]
    return Expected(price, quantity, discount, list_cents, net_cents, periods)


def contract_value_cents(lines: list[Expected]) -> int:
    return sum(line.net_cents * line.periods for line in lines)


# ---- driving the services -----------------------------------------------------------------


async def actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def price_rows(db: Database, currency: str) -> dict[tuple[str, BillingPeriod], Price]:
    """The raw price rows (with tiers) of one currency, by sku and billing period."""
    async with db.session() as session:
        rows = await session.execute(
            select(Product.sku, Price)
            .join(Price, Price.product_id == Product.id)
            .where(Price.currency == currency, Price.archived_at.is_(None))
            .options(selectinload(Price.tiers))
        )
        return {(sku, price.billing_period): price for sku, price in rows}


Lines = dict[tuple[int, Decimal], int]  # (price id, discount) -> quantity, as merged


def merge(lines: Lines, price: Price, pick: Pick) -> bool:
    """Add ``pick`` the way a quote does (same price and discount: one line, quantities
    added); ``False``, and nothing changed, if the merged quantity is over the limit."""
    key = (price.id, pick.discount)
    quantity = lines.get(key, 0) + pick.quantity
    if quantity > MAX_QUANTITY:
        return False
    lines[key] = quantity
    return True


def note(what: str) -> None:
    """Count ``what`` in Hypothesis' statistics (``--hypothesis-show-statistics``)."""
    if currently_in_test_context():
        event(what)


def refused_for_quantity(error: Invalid) -> bool:
    return any(problem.code == "INVALID_QUANTITY" for problem in error.problems)


async def check_out_cart(
    db: Database, party: Party, prices: dict[tuple[str, BillingPeriod], Price], s: Scenario
) -> tuple[Order, Lines]:
    customer = await actor(db, party.customer)
    leftover = await quotes.get_cart(db, customer)  # from an example that failed part-way
    for line in leftover.lines if leftover else []:
        await quotes.remove_cart_line(db, customer, line_id=line.id, now=NOW)
    lines: Lines = {}
    cart_id = None
    for pick in s.picks:
        price = prices[(pick.sku, pick.period)]
        if not merge(lines, price, pick):
            with pytest.raises(Invalid) as refused:
                await quotes.add_to_cart(
                    db, customer, price_id=price.id, quantity=pick.quantity, today=TODAY, now=NOW
                )
            assert refused_for_quantity(refused.value), refused.value.problems
            note("a merged line over the quantity limit is refused")
            continue
        cart = await quotes.add_to_cart(
            db, customer, price_id=price.id, quantity=pick.quantity, today=TODAY, now=NOW
        )
        assert cart_id in (None, cart.id)
        cart_id = cart.id
    order = await workflow.checkout(
        db,
        customer,
        quote_id=cart_id,
        start_date=s.start,
        term_months=s.term,
        threshold=THRESHOLD,
        today=TODAY,
        now=NOW,
    )
    return order, lines


async def add_line(db: Database, rep: Actor, quote: Quote, price: Price, pick: Pick) -> Quote:
    return await quotes.add_quote_line(
        db,
        rep,
        quote_id=quote.id,
        price_id=price.id,
        quantity=pick.quantity,
        discount=pick.discount,
        expected_version=quote.version,
        now=NOW,
    )


async def accept_rep_quote(
    db: Database, party: Party, prices: dict[tuple[str, BillingPeriod], Price], s: Scenario
) -> tuple[Order, Lines]:
    rep, customer = await actor(db, party.rep), await actor(db, party.customer)
    quote = await quotes.create_quote(
        db,
        rep,
        account_id=customer.account_id or 0,
        start_date=s.start,
        term_months=s.term,
        today=TODAY,
        now=NOW,
    )
    lines: Lines = {}
    for pick in s.picks:
        price = prices[(pick.sku, pick.period)]
        if not merge(lines, price, pick):
            with pytest.raises(Invalid) as refused:
                await add_line(db, rep, quote, price, pick)
            assert refused_for_quantity(refused.value), refused.value.problems
            note("a merged line over the quantity limit is refused")
            continue
        quote = await add_line(db, rep, quote, price, pick)
    if any(discount > THRESHOLD for _, discount in lines):
        note("the quote needs a manager's approval")
        await workflow.submit_for_approval(db, rep, quote_id=quote.id, threshold=THRESHOLD, now=NOW)
        manager = await actor(db, MANAGER)
        await workflow.approve_quote(db, manager, quote_id=quote.id, now=NOW)
    await workflow.send_quote(db, rep, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW)
    order = await workflow.accept_quote(
        db, customer, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    return order, lines


# ---- the property -------------------------------------------------------------------------


async def reconcile(db: Database, s: Scenario) -> None:
    party = ACCOUNTS[s.account]
    prices = await price_rows(db, party.currency)
    by_id = {price.id: price for price in prices.values()}
    if s.path == "cart":
        order, lines = await check_out_cart(db, party, prices, s)
    else:
        order, lines = await accept_rep_quote(db, party, prices, s)

    expected = {
        key: expect(by_id[key[0]], quantity, key[1], s.term) for key, quantity in lines.items()
    }
    tcv = contract_value_cents(list(expected.values()))
    note(f"path: {s.path}")
    note("start on the 28th to 31st" if s.start.day >= 28 else "start on another day")
    if len(lines) < len(s.picks):
        note("lines merged (same price and discount)")

    async with db.session() as session:
        account = await session.get_one(Account, order.account_id)
        quote_lines = list(
            await session.scalars(select(QuoteLine).where(QuoteLine.quote_id == order.quote_id))
        )
        charges = list(
            await session.scalars(
                select(Charge).where(Charge.order_id == order.id).order_by(Charge.id)
            )
        )
        invoices = list(await session.scalars(select(Invoice).where(Invoice.order_id == order.id)))
        invoice_lines = list(
            await session.scalars(
                select(InvoiceLine).where(InvoiceLine.invoice_id.in_([i.id for i in invoices]))
            )
        )
        subscription = (
            await session.get(Subscription, order.subscription_id)
            if order.subscription_id
            else None
        )
        items = list(
            await session.scalars(
                select(SubscriptionItem).where(
                    SubscriptionItem.subscription_id == order.subscription_id
                )
            )
        )

    assert (order.currency, order.start_date, order.term_months) == (
        party.currency,
        s.start,
        s.term,
    )

    # The quote's lines are what was added (same price and discount merged into one line).
    line_of = {(line.price_id, line.discount_percent): line for line in quote_lines}
    assert len(line_of) == len(quote_lines)
    assert {key: line.quantity for key, line in line_of.items()} == lines

    # The schedule sums exactly to the total contract value.
    assert sum((c.amount for c in charges), Decimal(0)) == cents(tcv)

    # Every line: one charge per period, anchored on the start date, at the line's net.
    for key, line in expected.items():
        quote_line = line_of[key]
        own = sorted(
            (c for c in charges if c.quote_line_id == quote_line.id),
            key=lambda c: c.period_index,
        )
        assert len(own) == line.periods, (key, [c.period_start for c in own])
        months = MONTHS.get(line.price.billing_period)
        for index, charge in enumerate(own):
            assert charge.period_index == index
            assert charge.price_id == line.price.id
            assert charge.product_id == line.price.product_id
            assert charge.billing_period == line.price.billing_period
            assert charge.quantity == line.quantity
            assert charge.discount_percent == line.discount
            assert charge.list_amount == cents(line.list_cents), (key, charge.list_amount)
            assert charge.amount == cents(line.net_cents), (key, charge.amount)
            if months is None:
                assert (charge.period_start, charge.period_end) == (s.start, None)
            else:
                assert charge.period_start == s.start + relativedelta(months=index * months)
                assert charge.period_end == s.start + relativedelta(months=(index + 1) * months)
    assert len(charges) == sum(line.periods for line in expected.values())

    # The first invoice bills exactly the schedule's first period: every line once.
    assert len(invoices) == 1
    invoice = invoices[0]
    first = [c for c in charges if c.period_start == s.start]
    assert len(first) == len(expected)
    assert all(billed.charge_id is not None for billed in invoice_lines)
    assert sorted((billed.charge_id or 0, billed.amount) for billed in invoice_lines) == sorted(
        (c.id, c.amount) for c in first
    )
    charge_by_id = {c.id: c for c in first}
    for billed in invoice_lines:
        charge = charge_by_id[billed.charge_id or 0]
        assert (billed.period_start, billed.period_end, billed.quantity) == (
            charge.period_start,
            charge.period_end,
            charge.quantity,
        )
        assert billed.subscription_item_id == charge.subscription_item_id
    subtotal = sum(line.net_cents for line in expected.values())
    # Tax on the subtotal, rounded once: subtotal × rate / 100, the rate in millionths.
    tax = half_up(subtotal * micros(account.tax_rate_percent), 100 * MICROS_PER_UNIT)
    assert invoice.currency == party.currency
    assert invoice.issue_date == TODAY
    assert invoice.tax_rate_percent == account.tax_rate_percent
    assert invoice.subtotal == cents(subtotal)
    assert invoice.tax == cents(tax), (invoice.subtotal, account.tax_rate_percent, invoice.tax)
    assert invoice.total == cents(subtotal + tax)

    # A subscription holds the recurring lines (none when everything is one-time).
    recurring = {key: line for key, line in expected.items() if line.recurring}
    if not recurring:
        assert order.subscription_id is None and subscription is None
        assert all(c.subscription_item_id is None for c in charges)
    else:
        assert subscription is not None
        assert (subscription.account_id, subscription.currency) == (
            order.account_id,
            party.currency,
        )
        assert (subscription.start_date, subscription.term_months) == (s.start, s.term)
        assert subscription.current_term_end == s.start + relativedelta(months=s.term)
        assert sorted(
            (i.price_id, i.discount_percent, i.quantity, i.net_amount) for i in items
        ) == sorted(
            (line.price.id, line.discount, line.quantity, cents(line.net_cents))
            for line in recurring.values()
        )
        item_of = {(i.price_id, i.discount_percent): i.id for i in items}
        for c in charges:
            key = (c.price_id, c.discount_percent)
            assert c.subscription_item_id == (item_of[key] if key in recurring else None)

    # And the quote, priced by the service, shows the same total contract value.
    manager = await actor(db, MANAGER)
    quote = await quotes.get_quote(db, manager, order.quote_id)
    assert quote is not None and quote.status is QuoteStatus.ACCEPTED
    async with db.session() as session:
        quote_prices = await quotes.prices_for(session, [quote])
    priced = quotes.price_quote(quote, quote_prices, THRESHOLD)
    assert priced.totals.total_contract_value == cents(tcv)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(scenario=MONTHLY_FROM_JAN_31)
@example(scenario=YEARLY_FROM_FEB_29)
@example(scenario=ONE_TIME_ONLY)
@example(scenario=HALF_CENT_TIES)
@given(scenario=scenarios())
async def test_the_schedule_sums_to_the_quote_and_the_first_invoice_bills_its_first_period(
    db: Database, scenario: Scenario
) -> None:
    await reconcile(db, scenario)


# ---- month ends, spelled out --------------------------------------------------------------


async def test_month_end_starts_stay_anchored_and_one_time_carts_start_no_subscription(
    db: Database,
) -> None:
    prices = await price_rows(db, "USD")
    order, _ = await check_out_cart(db, ACCOUNTS["acme"], prices, MONTHLY_FROM_JAN_31)
    euro = await price_rows(db, "EUR")
    yearly, _ = await accept_rep_quote(db, ACCOUNTS["globex"], euro, YEARLY_FROM_FEB_29)
    once, _ = await check_out_cart(db, ACCOUNTS["initech"], prices, ONE_TIME_ONLY)
    async with db.session() as session:

        async def spans(order_id: int, sku: str) -> list[tuple[date, date | None]]:
            rows = await session.execute(
                select(Charge.period_start, Charge.period_end)
                .join(Product, Product.id == Charge.product_id)
                .where(Charge.order_id == order_id, Product.sku == sku)
                .order_by(Charge.period_index)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

        seats = await spans(order.id, "SEAT-STD")
        support = await spans(yearly.id, "SUPPORT-PREM")
        requests = await spans(yearly.id, "API-REQ")
        once_lines = list(
            await session.scalars(
                select(InvoiceLine)
                .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                .where(Invoice.order_id == once.id)
            )
        )
    assert seats == [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 2, 28), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 4, 30)),
    ]
    assert [start for start, _ in support] == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    assert support[-1][1] == date(2033, 2, 28)
    assert len(requests) == 60 and requests[1][0] == date(2028, 3, 29)
    assert requests[12][0] == date(2029, 2, 28) and requests[13][0] == date(2029, 3, 29)
    # Onboarding 2,500 + 7 attendees × 350 + migration 500 + 10 × 40 + 90 × 25 + 50 × 10.
    assert once.subscription_id is None
    assert sorted(line.amount for line in once_lines) == [
        Decimal("2450.00"),
        Decimal("2500.00"),
        Decimal("3650.00"),
    ]
    assert all(line.period_end is None for line in once_lines)

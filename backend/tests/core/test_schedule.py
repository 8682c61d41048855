"""Unit and property tests for recur.core.schedule: an order's charge schedule.

The properties re-derive every amount independently, in integer micro- and minor units, so
the schedule is checked against the quote's numbers without trusting the code under test.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from recur.core.catalog import BillingPeriod
from recur.core.money import minor_unit
from recur.core.pricing import PriceSpec, PricingModel, Tier
from recur.core.quotes import LineTerms, QuoteRuleError, periods_in_term, quote_totals
from recur.core.schedule import (
    ScheduledCharge,
    charge_schedule,
    charges_due,
    first_invoice_charges,
)

D = Decimal
MONTH, YEAR, ONE_TIME = BillingPeriod.MONTH, BillingPeriod.YEAR, BillingPeriod.ONE_TIME


def flat(amount: str, currency: str = "USD") -> PriceSpec:
    return PriceSpec(PricingModel.FLAT, currency, unit_amount=D(amount))


# --- worked example --------------------------------------------------------------------


def test_schedule_worked_example_from_jan_31() -> None:
    seats = LineTerms(
        PriceSpec(PricingModel.PER_UNIT, "USD", unit_amount=D("12.50")), MONTH, 7, D(15)
    )
    support = LineTerms(flat("1000.00"), YEAR, 1, D(0))
    setup = LineTerms(flat("500.00"), ONE_TIME, 1, D(0))
    start = date(2028, 1, 31)
    schedule = charge_schedule(
        [("seats", seats), ("support", support), ("setup", setup)], start, 24
    )

    def monthly(index: int, begin: date, end: date) -> ScheduledCharge:
        return ScheduledCharge("seats", index, begin, end, 7, D("74.38"), MONTH)

    assert schedule[:6] == (
        monthly(0, date(2028, 1, 31), date(2028, 2, 29)),
        ScheduledCharge("support", 0, start, date(2029, 1, 31), 1, D("1000.00"), YEAR),
        ScheduledCharge("setup", 0, start, None, 1, D("500.00"), ONE_TIME),
        monthly(1, date(2028, 2, 29), date(2028, 3, 31)),
        monthly(2, date(2028, 3, 31), date(2028, 4, 30)),
        monthly(3, date(2028, 4, 30), date(2028, 5, 31)),
    )
    assert len(schedule) == 24 + 2 + 1
    assert schedule[-1] == monthly(23, date(2029, 12, 31), date(2030, 1, 31))
    assert (
        ScheduledCharge("support", 1, date(2029, 1, 31), date(2030, 1, 31), 1, D("1000.00"), YEAR)
        in schedule
    )
    total = sum((charge.amount for charge in schedule), D(0))
    assert total == quote_totals([seats, support, setup], 24, "USD").total_contract_value
    assert total == D("4285.12")  # 500 + 74.38 x 24 + 1000 x 2

    first = first_invoice_charges(schedule, start)
    assert [c.line_key for c in first] == ["seats", "support", "setup"]
    assert sum(c.amount for c in first) == D("1574.38")

    due = charges_due(schedule, date(2028, 3, 30))
    assert [(c.line_key, c.period_index) for c in due] == [
        ("seats", 0),
        ("support", 0),
        ("setup", 0),
        ("seats", 1),
    ]
    assert charges_due(schedule, date(2028, 1, 30)) == ()
    assert charges_due(schedule, date(2030, 1, 31)) == schedule


def test_same_day_charges_keep_line_order() -> None:
    a = LineTerms(flat("1"), MONTH, 1, D(0))
    b = LineTerms(flat("2"), MONTH, 1, D(0))
    schedule = charge_schedule([("b", b), ("a", a)], date(2025, 5, 5), 3)
    assert [(c.line_key, c.period_index) for c in schedule] == [
        ("b", 0),
        ("a", 0),
        ("b", 1),
        ("a", 1),
        ("b", 2),
        ("a", 2),
    ]


def test_empty_schedule() -> None:
    assert charge_schedule([], date(2025, 1, 1), 12) == ()


def test_schedule_refuses_bad_input() -> None:
    line = LineTerms(flat("1"), YEAR, 1, D(0))
    with pytest.raises(QuoteRuleError, match="whole years"):
        charge_schedule([("a", line)], date(2025, 1, 1), 18)
    with pytest.raises(ValueError, match="unique"):
        charge_schedule([("a", line), ("a", line)], date(2025, 1, 1), 12)
    with pytest.raises(QuoteRuleError) as caught:
        charge_schedule([("a", LineTerms(flat("1"), MONTH, 0, D(0)))], date(2025, 1, 1), 12)
    assert caught.value.field == "quantity"


# --- independent re-derivation ---------------------------------------------------------


def micros(value: Decimal) -> int:
    """Exact integer micro-units of a decimal with at most 6 places."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int) and exponent >= -6 and not sign
    scale: int = 10 ** (6 + exponent)
    return int("".join(map(str, digits))) * scale


def half_up(numerator: int, denominator: int) -> int:
    """round(numerator / denominator) half-up, for non-negative ints."""
    return (2 * numerator + denominator) // (2 * denominator)


def list_micros(spec: PriceSpec, quantity: int) -> int:
    """The unrounded amount for one period, by the definitions of docs/domain.md, in micro-units."""
    if spec.model is PricingModel.FLAT:
        assert spec.unit_amount is not None
        return micros(spec.unit_amount)
    if spec.model is PricingModel.PER_UNIT:
        assert spec.unit_amount is not None
        return quantity * micros(spec.unit_amount)
    floor = 0  # units below this tier
    total = 0
    for tier in spec.tiers:
        ceiling = quantity if tier.up_to is None else tier.up_to
        if spec.model is PricingModel.VOLUME:
            if quantity <= ceiling:
                return quantity * micros(tier.unit_amount) + micros(tier.flat_amount)
        elif quantity > floor:
            units = min(quantity, ceiling) - floor
            total += units * micros(tier.unit_amount) + micros(tier.flat_amount)
        floor = ceiling
    return total


def expected_net_minor(line: LineTerms) -> int:
    """round(round(list) x (1 - discount/100)) in the currency's minor units."""
    places = minor_unit(line.price.currency)
    list_minor = half_up(list_micros(line.price, line.quantity), 10 ** (6 - places))
    basis_points = micros(line.discount_percent) // 10**4
    return half_up(list_minor * (10_000 - basis_points), 10_000)


# --- strategies ------------------------------------------------------------------------

currencies = st.sampled_from(["USD", "EUR", "JPY"])


def amounts(max_micros: int = 10**9) -> st.SearchStrategy[Decimal]:
    """Non-negative decimals with 0-6 places, built from integers."""
    return st.builds(
        lambda n, places: D(n // 10 ** (6 - places)).scaleb(-places),
        st.integers(min_value=0, max_value=max_micros),
        st.integers(min_value=0, max_value=6),
    )


@st.composite
def price_specs(draw: st.DrawFn, currency: str) -> PriceSpec:
    model = draw(st.sampled_from(list(PricingModel)))
    if model in (PricingModel.FLAT, PricingModel.PER_UNIT):
        return PriceSpec(model, currency, unit_amount=draw(amounts()))
    count = draw(st.integers(min_value=1, max_value=4))
    bounds = sorted(draw(st.sets(st.integers(1, 500), min_size=count - 1, max_size=count - 1)))
    tiers = tuple(
        Tier(up_to, draw(amounts()), draw(st.one_of(st.just(D(0)), amounts())))
        for up_to in [*bounds, None]
    )
    return PriceSpec(model, currency, tiers=tiers)


@st.composite
def start_dates(draw: st.DrawFn) -> date:
    """Start dates in 2024-2030, often on the 29th to 31st."""
    if draw(st.booleans()):
        return draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
    year, month = draw(st.integers(2024, 2030)), draw(st.integers(1, 12))
    return date(year, month, min(draw(st.integers(29, 31)), monthrange(year, month)[1]))


@st.composite
def orders(draw: st.DrawFn) -> tuple[list[tuple[str, LineTerms]], date, int, str]:
    """Random line sets, a start date and a term valid for them, all in one currency."""
    currency = draw(currencies)
    count = draw(st.integers(min_value=0, max_value=5))
    lines = [
        (
            f"line-{index}",
            LineTerms(
                price=draw(price_specs(currency)),
                billing_period=draw(st.sampled_from(list(BillingPeriod))),
                quantity=draw(st.one_of(st.integers(1, 2000), st.integers(1, 1_000_000))),
                discount_percent=D(draw(st.integers(0, 10_000))).scaleb(-2),
            ),
        )
        for index in range(count)
    ]
    if any(terms.billing_period is YEAR for _, terms in lines):
        term = 12 * draw(st.integers(min_value=1, max_value=10))
    else:
        term = draw(st.integers(min_value=1, max_value=120))
    return lines, draw(start_dates()), term, currency


def to_decimal(minor: int, currency: str) -> Decimal:
    return D(minor).scaleb(-minor_unit(currency))


# --- properties ------------------------------------------------------------------------


@settings(max_examples=200)
@given(orders())
def test_schedule_sums_to_the_quote_total_contract_value(
    order: tuple[list[tuple[str, LineTerms]], date, int, str],
) -> None:
    lines, start, term, currency = order
    schedule = charge_schedule(lines, start, term)

    expected_minor = 0
    for _, terms in lines:
        months = {MONTH: 1, YEAR: 12}.get(terms.billing_period)
        expected_minor += expected_net_minor(terms) * (1 if months is None else term // months)
    expected = to_decimal(expected_minor, currency)

    total = sum((charge.amount for charge in schedule), D(0))
    assert total == expected
    assert quote_totals([terms for _, terms in lines], term, currency).total_contract_value == (
        expected
    )


@given(orders())
def test_first_invoice_is_every_line_at_the_start(
    order: tuple[list[tuple[str, LineTerms]], date, int, str],
) -> None:
    lines, start, term, currency = order
    schedule = charge_schedule(lines, start, term)
    first = first_invoice_charges(schedule, start)
    assert first == tuple(c for c in schedule if c.period_start == start)
    assert first == charges_due(schedule, start)
    # One charge per line (its first period, or the one-time charge), in line order.
    assert [c.line_key for c in first] == [key for key, _ in lines]
    assert all(c.period_index == 0 for c in first)
    # = one-time nets + Σ first-period nets
    expected = sum(expected_net_minor(terms) for _, terms in lines)
    assert sum((c.amount for c in first), D(0)) == to_decimal(expected, currency)


@given(orders())
def test_recurring_lines_tile_the_term(
    order: tuple[list[tuple[str, LineTerms]], date, int, str],
) -> None:
    lines, start, term, _ = order
    schedule = charge_schedule(lines, start, term)
    end = start + relativedelta(months=term)
    by_line = {key: [c for c in schedule if c.line_key == key] for key, _ in lines}
    assert Counter(c.line_key for c in schedule) == Counter(
        {key: len(charges) for key, charges in by_line.items()}
    )
    for key, terms in lines:
        charges = by_line[key]
        net = to_decimal(expected_net_minor(terms), terms.price.currency)
        assert all(c.amount == net and c.quantity == terms.quantity for c in charges)
        assert all(c.billing_period is terms.billing_period for c in charges)
        if terms.billing_period is ONE_TIME:
            assert [(c.period_index, c.period_start, c.period_end) for c in charges] == [
                (0, start, None)
            ]
            continue
        months = 1 if terms.billing_period is MONTH else 12
        assert len(charges) == term // months == periods_in_term(terms.billing_period, term)
        assert [c.period_index for c in charges] == list(range(len(charges)))
        assert charges[0].period_start == start
        assert charges[-1].period_end == end
        for before, after in pairwise(charges):
            assert before.period_end == after.period_start
        for index, charge in enumerate(charges):
            # Anchored on the start date, not chained.
            assert charge.period_start == start + relativedelta(months=index * months)


@given(orders(), st.integers(min_value=-5, max_value=4000))
def test_charges_due_and_ordering(
    order: tuple[list[tuple[str, LineTerms]], date, int, str], offset: int
) -> None:
    lines, start, term, _ = order
    schedule = charge_schedule(lines, start, term)
    position = {key: index for index, (key, _) in enumerate(lines)}
    keys = [(c.period_start, position[c.line_key]) for c in schedule]
    assert keys == sorted(keys)
    as_of = date.fromordinal(start.toordinal() + offset)
    due = charges_due(schedule, as_of)
    assert due == tuple(c for c in schedule if c.period_start <= as_of)
    assert due == schedule[: len(due)]  # a prefix: what is due never skips a charge

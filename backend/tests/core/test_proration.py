"""Amendment charges: proration by calendar days of the period containing the effective
date, then whole-period deltas to the end of the term.

The expectations are re-derived here in integer cents with dateutil, without
``recur.core.periods`` or ``recur.core.proration``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given
from hypothesis import strategies as st

from recur.core.catalog import BillingPeriod
from recur.core.pricing import PriceSpec, PricingModel
from recur.core.proration import ItemChange, Term, amendment_charges, prorate
from recur.core.quotes import LineTerms

SEAT = PriceSpec(model=PricingModel.PER_UNIT, currency="USD", unit_amount=Decimal("30.00"))


def seats(quantity: int, period: BillingPeriod = BillingPeriod.MONTH) -> LineTerms:
    return LineTerms(price=SEAT, billing_period=period, quantity=quantity)


def change(key: str, before: LineTerms | None, after: LineTerms | None) -> ItemChange:
    return ItemChange.of_terms(key, before, after, 12)


def test_adding_seats_mid_period_charges_the_days_left_then_whole_months() -> None:
    term = Term(date(2026, 1, 31), 12)  # periods Jan 31, Feb 28, Mar 31, …
    charges = amendment_charges(
        [change("seats", seats(10), seats(15))], term, date(2026, 3, 15), "USD"
    )
    first, *rest = charges
    # Period [Feb 28, Mar 31): 31 days, 16 left from Mar 15; 5 seats × 30 = 150.00.
    assert (first.period_start, first.period_end, first.days) == (
        date(2026, 3, 15),
        date(2026, 3, 31),
        (16, 31),
    )
    assert first.amount == Decimal("77.42")  # 150 × 16 / 31 = 77.419…
    assert [c.period_start for c in rest][:2] == [date(2026, 3, 31), date(2026, 4, 30)]
    assert all(c.amount == Decimal("150.00") and c.days is None for c in rest)
    assert rest[-1].period_end == date(2027, 1, 31)
    assert len(rest) == 10


def test_removing_seats_credits_exactly_the_opposite_of_adding_them() -> None:
    term = Term(date(2024, 2, 29), 12)
    up = amendment_charges([change("s", seats(3), seats(7))], term, date(2024, 6, 10), "USD")
    down = amendment_charges([change("s", seats(7), seats(3))], term, date(2024, 6, 10), "USD")
    assert [c.amount for c in down] == [-c.amount for c in up]


def test_a_change_on_a_period_start_or_worth_nothing() -> None:
    term = Term(date(2026, 1, 1), 12)
    whole = amendment_charges([change("s", seats(1), seats(2))], term, date(2026, 5, 1), "USD")
    assert whole[0].days is None and whole[0].amount == Decimal("30.00")
    assert len(whole) == 8  # May to December
    same = amendment_charges([change("s", seats(4), seats(4))], term, date(2026, 5, 9), "USD")
    assert same == ()


def test_the_last_day_of_a_period_charges_one_day() -> None:
    term = Term(date(2026, 1, 30), 12)  # [Jan 30, Feb 28) has 29 days
    [first, *_] = amendment_charges([change("s", None, seats(29))], term, date(2026, 2, 27), "USD")
    assert first.days == (1, 29)
    assert first.amount == Decimal("30.00")  # 870 × 1 / 29


def test_a_yearly_add_on_is_prorated_over_the_year_and_co_terminated() -> None:
    term = Term(date(2027, 3, 1), 12)
    [charge] = amendment_charges(
        [change("sso", None, seats(1, BillingPeriod.YEAR))], term, date(2028, 2, 29), "USD"
    )
    assert charge.days == (1, 366)  # 2028 is a leap year
    assert charge.period_end == date(2028, 3, 1)
    assert charge.amount == Decimal("0.08")  # 30 × 1 / 366


def test_a_one_time_add_on_is_charged_once_on_the_effective_date() -> None:
    term = Term(date(2026, 1, 1), 12)
    [charge] = amendment_charges(
        [change("setup", None, seats(2, BillingPeriod.ONE_TIME))], term, date(2026, 7, 4), "USD"
    )
    assert (charge.period_start, charge.period_end, charge.amount) == (
        date(2026, 7, 4),
        None,
        Decimal("60.00"),
    )


def test_an_effective_date_outside_the_term_is_refused() -> None:
    term = Term(date(2026, 1, 1), 12)
    with pytest.raises(ValueError, match="outside the term"):
        amendment_charges([change("s", seats(1), seats(2))], term, date(2027, 1, 1), "USD")


@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    days=st.integers(min_value=1, max_value=366),
    data=st.data(),
)
def test_prorate_rounds_half_away_from_zero_exactly(cents: int, days: int, data) -> None:
    left = data.draw(st.integers(min_value=0, max_value=days))
    got = prorate(Decimal(cents).scaleb(-2), left, days, "USD")
    exact = abs(cents) * left
    expected = (exact // days) + (1 if 2 * (exact % days) >= days else 0)
    assert got == Decimal(expected if cents >= 0 else -expected).scaleb(-2)


ANCHORS = st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31))


@given(
    anchor=ANCHORS,
    term_years=st.integers(min_value=1, max_value=3),
    before=st.integers(min_value=0, max_value=500),
    after=st.integers(min_value=0, max_value=500),
    offset=st.integers(min_value=0, max_value=3 * 366),
)
@example(anchor=date(2024, 1, 31), term_years=1, before=10, after=12, offset=29)
@example(anchor=date(2024, 2, 29), term_years=1, before=1, after=0, offset=365)
def test_monthly_changes_match_an_independent_derivation(
    anchor: date, term_years: int, before: int, after: int, offset: int
) -> None:
    months = 12 * term_years
    end = anchor + relativedelta(months=months)
    effective = min(anchor + timedelta(days=offset), end - timedelta(days=1))
    if before == after == 0:
        return
    item = change("s", seats(before) if before else None, seats(after) if after else None)
    charges = amendment_charges([item], Term(anchor, months), effective, "USD")

    delta = (after - before) * 3000  # cents per month
    expected: list[tuple[date, int]] = []
    for k in range(months):
        start = anchor + relativedelta(months=k)
        stop = anchor + relativedelta(months=k + 1)
        if stop <= effective:
            continue
        if start <= effective:
            days, left = (stop - start).days, (stop - effective).days
            exact = abs(delta) * left
            cents = exact // days + (1 if 2 * (exact % days) >= days else 0)
            expected.append((effective, cents if delta >= 0 else -cents))
        else:
            expected.append((start, delta))
    expected = [(day, cents) for day, cents in expected if cents]
    assert [(c.period_start, int(c.amount * 100)) for c in charges] == expected

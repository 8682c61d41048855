"""Unit and property tests for recur.core.periods."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recur.core.periods import (
    Period,
    add_months,
    billing_periods,
    period_containing,
    period_start,
    proration_factor,
    term_end,
)

# --- month-end anchors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        # Non-leap year: Feb has 28 days.
        (date(2025, 1, 29), [date(2025, 2, 28), date(2025, 3, 29), date(2025, 4, 29)]),
        (date(2025, 1, 30), [date(2025, 2, 28), date(2025, 3, 30), date(2025, 4, 30)]),
        (date(2025, 1, 31), [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]),
        # Leap year: Feb has 29 days.
        (date(2028, 1, 29), [date(2028, 2, 29), date(2028, 3, 29), date(2028, 4, 29)]),
        (date(2028, 1, 30), [date(2028, 2, 29), date(2028, 3, 30), date(2028, 4, 30)]),
        (date(2028, 1, 31), [date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]),
    ],
)
def test_monthly_starts_from_month_end_anchors(anchor: date, expected: list[date]) -> None:
    starts = [period_start(anchor, 1, index) for index in range(1, 4)]
    assert starts == expected
    assert period_start(anchor, 1, 0) == anchor


def test_jan_31_never_drifts_to_the_28th() -> None:
    anchor = date(2025, 1, 31)
    starts = [period_start(anchor, 1, index) for index in range(13)]
    assert starts == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 30),
        date(2025, 7, 31),
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 31),
        date(2025, 11, 30),
        date(2025, 12, 31),
        date(2026, 1, 31),
    ]
    # Chaining one period onto the last would drift; anchoring does not.
    chained = add_months(add_months(anchor, 1), 1)
    assert chained == date(2025, 3, 28)
    assert period_start(anchor, 1, 2) == date(2025, 3, 31)


def test_monthly_periods_across_february() -> None:
    periods = billing_periods(date(2028, 1, 31), 1, 3)
    assert periods == (
        Period(date(2028, 1, 31), date(2028, 2, 29)),
        Period(date(2028, 2, 29), date(2028, 3, 31)),
        Period(date(2028, 3, 31), date(2028, 4, 30)),
    )
    assert [p.days for p in periods] == [29, 31, 30]
    periods = billing_periods(date(2025, 1, 30), 1, 2)
    assert [p.days for p in periods] == [29, 30]  # Jan 30 -> Feb 28 -> Mar 30


def test_yearly_from_feb_29() -> None:
    anchor = date(2028, 2, 29)
    starts = [period_start(anchor, 12, index) for index in range(5)]
    assert starts == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    periods = billing_periods(anchor, 12, 48)
    assert [p.days for p in periods] == [365, 365, 365, 366]
    assert term_end(anchor, 48) == date(2032, 2, 29)
    assert term_end(anchor, 12) == date(2029, 2, 28)


def test_yearly_periods_span_leap_days() -> None:
    periods = billing_periods(date(2027, 3, 1), 12, 24)
    assert [p.days for p in periods] == [366, 365]  # Feb 29 2028 falls in the first


def test_term_end() -> None:
    assert term_end(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert term_end(date(2025, 3, 15), 12) == date(2026, 3, 15)
    assert term_end(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_add_months_backwards_and_zero() -> None:
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), 0) == date(2025, 3, 31)


# --- period containing a day, proration -------------------------------------------------


def test_period_containing_month_end_anchor() -> None:
    anchor = date(2025, 1, 31)
    assert period_containing(anchor, 1, date(2025, 1, 31)) == Period(
        date(2025, 1, 31), date(2025, 2, 28)
    )
    assert period_containing(anchor, 1, date(2025, 2, 27)) == Period(
        date(2025, 1, 31), date(2025, 2, 28)
    )
    assert period_containing(anchor, 1, date(2025, 2, 28)) == Period(
        date(2025, 2, 28), date(2025, 3, 31)
    )
    assert period_containing(anchor, 1, date(2025, 3, 30)) == Period(
        date(2025, 2, 28), date(2025, 3, 31)
    )
    assert period_containing(anchor, 1, date(2025, 3, 31)) == Period(
        date(2025, 3, 31), date(2025, 4, 30)
    )
    assert period_containing(anchor, 12, date(2026, 1, 30)) == Period(
        date(2025, 1, 31), date(2026, 1, 31)
    )


def test_proration_factor() -> None:
    period = Period(date(2025, 3, 1), date(2025, 4, 1))  # 31 days
    assert proration_factor(period, date(2025, 3, 1)) == (31, 31)
    assert proration_factor(period, date(2025, 3, 17)) == (15, 31)
    assert proration_factor(period, date(2025, 3, 31)) == (1, 31)
    leap_feb = Period(date(2028, 2, 1), date(2028, 3, 1))
    assert proration_factor(leap_feb, date(2028, 2, 15)) == (15, 29)


@pytest.mark.parametrize("effective", [date(2025, 2, 28), date(2025, 4, 1), date(2025, 5, 1)])
def test_proration_outside_period(effective: date) -> None:
    with pytest.raises(ValueError, match="outside the period"):
        proration_factor(Period(date(2025, 3, 1), date(2025, 4, 1)), effective)


# --- bad input -------------------------------------------------------------------------


def test_period_must_end_after_start() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        Period(date(2025, 1, 1), date(2025, 1, 1))
    with pytest.raises(ValueError, match="end after it starts"):
        Period(date(2025, 1, 2), date(2025, 1, 1))


@pytest.mark.parametrize(
    ("period_months", "term_months", "message"),
    [
        (12, 18, "not a whole number of 12-month periods"),
        (1, 0, "term_months must be at least 1"),
        (12, -12, "term_months must be at least 1"),
        (0, 12, "period_months must be at least 1"),
        (1, True, "term_months must be an int"),
        (1, 1.0, "term_months must be an int"),
    ],
)
def test_billing_periods_refuses(period_months: int, term_months: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        billing_periods(date(2025, 1, 1), period_months, term_months)


def test_other_bad_input() -> None:
    with pytest.raises(ValueError, match="index must not be negative"):
        period_start(date(2025, 1, 1), 1, -1)
    with pytest.raises(ValueError, match="before the anchor"):
        period_containing(date(2025, 1, 10), 1, date(2025, 1, 9))
    with pytest.raises(ValueError, match="term_months must be at least 1"):
        term_end(date(2025, 1, 1), 0)
    with pytest.raises(ValueError, match="months must be an int"):
        add_months(date(2025, 1, 1), 1.5)  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------


@st.composite
def month_ends(draw: st.DrawFn) -> date:
    """Days 28-31 of months in 2024-2030 (clamped to the month's length)."""
    year = draw(st.integers(2024, 2030))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(28, 31))
    return date(year, month, min(day, monthrange(year, month)[1]))


anchors = st.one_of(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), month_ends()
)
period_lengths = st.sampled_from([1, 3, 12])


@st.composite
def terms(draw: st.DrawFn, period_months: int) -> int:
    return period_months * draw(st.integers(min_value=1, max_value=120 // period_months))


@given(anchors, period_lengths, st.data())
def test_periods_tile_the_term(anchor: date, period_months: int, data: st.DataObject) -> None:
    term = data.draw(terms(period_months))
    periods = billing_periods(anchor, period_months, term)
    assert len(periods) == term // period_months
    assert periods[0].start == anchor
    assert periods[-1].end == term_end(anchor, term)
    for before, after in pairwise(periods):
        assert before.end == after.start  # no gap, no overlap
    assert sum(p.days for p in periods) == (term_end(anchor, term) - anchor).days
    for index, period in enumerate(periods):
        assert period.start == period_start(anchor, period_months, index)
        # Anchored, not chained: the day of month is the anchor's, clamped to the month.
        last_day = monthrange(period.start.year, period.start.month)[1]
        assert period.start.day == min(anchor.day, last_day)


@given(anchors, period_lengths, st.integers(min_value=0, max_value=4000))
def test_period_containing_contains_the_day(anchor: date, period_months: int, days: int) -> None:
    day = anchor + timedelta(days=days)
    period = period_containing(anchor, period_months, day)
    assert day in period
    index = next(i for i in range(400) if period_start(anchor, period_months, i) == period.start)
    assert period.end == period_start(anchor, period_months, index + 1)
    remaining, total = proration_factor(period, day)
    assert 1 <= remaining <= total == period.days

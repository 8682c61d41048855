"""MRR from charge schedules: which charges are in effect on a day, and the months listed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from recur.core.catalog import BillingPeriod
from recur.core.recurring import (
    RecurringCharge,
    last_months,
    month_end,
    monthly_recurring_on,
)


def monthly(start: date, end: date, amount: str, **kwargs: object) -> RecurringCharge:
    return RecurringCharge(BillingPeriod.MONTH, start, end, Decimal(amount), **kwargs)  # type: ignore[arg-type]


def test_a_charge_counts_from_its_first_day_to_the_day_before_its_end() -> None:
    charge = monthly(date(2026, 3, 1), date(2026, 4, 1), "100")
    assert monthly_recurring_on(date(2026, 2, 28), [charge]) == 0
    assert monthly_recurring_on(date(2026, 3, 1), [charge]) == 100
    assert monthly_recurring_on(date(2026, 3, 31), [charge]) == 100
    assert monthly_recurring_on(date(2026, 4, 1), [charge]) == 0


def test_a_yearly_charge_counts_a_twelfth_and_one_time_charges_nothing() -> None:
    yearly = RecurringCharge(BillingPeriod.YEAR, date(2026, 1, 1), date(2027, 1, 1), Decimal(1200))
    once = RecurringCharge(BillingPeriod.ONE_TIME, date(2026, 1, 1), None, Decimal(999))
    assert monthly_recurring_on(date(2026, 6, 15), [yearly, once]) == 100


def test_an_amendment_delta_adds_from_its_effective_day() -> None:
    base = monthly(date(2026, 3, 1), date(2026, 4, 1), "100")
    upgrade = monthly(date(2026, 3, 15), date(2026, 4, 1), "50")  # the period's delta
    assert monthly_recurring_on(date(2026, 3, 14), [base, upgrade]) == 100
    assert monthly_recurring_on(date(2026, 3, 15), [base, upgrade]) == 150


def test_nothing_counts_from_the_day_a_subscription_was_cancelled() -> None:
    charge = monthly(date(2026, 3, 1), date(2026, 4, 1), "100", canceled_on=date(2026, 3, 10))
    assert monthly_recurring_on(date(2026, 3, 9), [charge]) == 100
    assert monthly_recurring_on(date(2026, 3, 10), [charge]) == 0


def test_the_last_months_end_with_the_current_one() -> None:
    months = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert last_months(date(2026, 2, 14), 3) == months
    assert last_months(date(2026, 2, 14), 0) == []
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)


@given(
    charges=st.lists(
        st.tuples(
            st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
            st.integers(min_value=1, max_value=400),
            st.integers(min_value=-(10**6), max_value=10**6),
            st.booleans(),
        ),
        max_size=20,
    ),
    day=st.dates(min_value=date(2023, 12, 1), max_value=date(2028, 1, 31)),
)
def test_mrr_is_what_the_charges_covering_the_day_add_up_to(
    charges: list[tuple[date, int, int, bool]], day: date
) -> None:
    """Brute force: walk each charge's days one by one and add it when the day is among
    them."""
    made = [
        RecurringCharge(
            BillingPeriod.YEAR if yearly else BillingPeriod.MONTH,
            start,
            start + timedelta(days=length),
            Decimal(amount),
        )
        for start, length, amount, yearly in charges
    ]
    expected = Decimal(0)
    for charge in made:
        end = charge.end or charge.start
        days = {charge.start + timedelta(days=n) for n in range((end - charge.start).days)}
        if day in days:
            yearly = charge.billing_period is BillingPeriod.YEAR
            expected += charge.per_period / (12 if yearly else 1)
    assert monthly_recurring_on(day, made) == expected

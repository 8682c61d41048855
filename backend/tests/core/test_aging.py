"""Aging buckets: exact boundaries, and buckets that add up to the total."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from recur.core.aging import age, bucket_of

AS_OF = date(2026, 11, 24)


def test_bucket_boundaries() -> None:
    def bucket(days_overdue: int) -> str:
        return bucket_of(AS_OF - timedelta(days=days_overdue), AS_OF)

    assert bucket(-5) == bucket(0) == "current"
    assert bucket(1) == bucket(30) == "days_1_to_30"
    assert bucket(31) == bucket(60) == "days_31_to_60"
    assert bucket(61) == bucket(90) == "days_61_to_90"
    assert bucket(91) == bucket(4000) == "over_90"


@given(
    st.lists(
        st.tuples(st.integers(-400, 4000), st.integers(1, 10**9).map(lambda c: Decimal(c) / 100))
    )
)
def test_buckets_add_up_to_the_total(balances: list[tuple[int, Decimal]]) -> None:
    aging = age(((AS_OF - timedelta(days=d), amount) for d, amount in balances), AS_OF)
    assert aging.total == sum((amount for _, amount in balances), Decimal(0))
    assert aging.overdue == sum((a for d, a in balances if d > 0), Decimal(0))

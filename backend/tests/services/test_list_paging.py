"""Cursors that carry dates, instants and amounts, and the inclusive date range lists are
filtered by: pure checks, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recur.services.common import DateRange, Invalid, decode_cursor, encode_cursor

AMOUNTS = st.decimals(
    min_value=Decimal("-999999999999.999999"),
    max_value=Decimal("999999999999.999999"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)
INSTANTS = st.datetimes(timezones=st.just(UTC))


@given(day=st.dates(), amount=AMOUNTS, instant=INSTANTS, pk=st.integers(1, 2**62))
def test_a_cursor_gives_back_exactly_what_it_was_made_of(
    day: date, amount: Decimal, instant: datetime, pk: int
) -> None:
    cursor = encode_cursor(["TOTAL_DESC", day, amount, instant, pk])
    assert decode_cursor(cursor, [str, date, Decimal, datetime, int]) == [
        "TOTAL_DESC",
        day,
        amount,
        instant,
        pk,
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("2026-13-01", date),
        ("2026-11-24T10:00:00+00:00", date),
        ("2026-11-24T10:00:00", datetime),
        ("0001-01-01T00:00:00+05:00", datetime),
        ("1e12", Decimal),
        ("0.0000001", Decimal),
        ("sNaN", Decimal),
        (3, Decimal),
        (True, int),
        ("12", int),
        ("a\x00b", str),
    ],
)
def test_a_value_of_the_wrong_kind_is_not_a_cursor(value: object, kind: type) -> None:
    with pytest.raises(Invalid) as refused:
        decode_cursor(encode_cursor([value]), [kind])
    assert refused.value.problems[0].field == ("after",)


def test_a_date_range_is_inclusive_and_may_not_run_backwards() -> None:
    DateRange(date(2026, 11, 24), date(2026, 11, 24)).check()
    DateRange(None, date.max).check()
    assert DateRange().days(None) == []
    with pytest.raises(Invalid) as refused:
        DateRange(date(2026, 11, 25), date(2026, 11, 24)).check()
    assert refused.value.problems[0].field == ("from",)
    assert refused.value.problems[0].message == "from must be on or before to."

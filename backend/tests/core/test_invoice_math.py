"""Unit and property tests for recur.core.invoices: totals, tax, due dates, numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recur.core.invoices import InvoiceTotals, due_date, format_number, invoice_totals
from recur.core.money import minor_unit

D = Decimal


def totals_as_text(totals: InvoiceTotals) -> tuple[str, str, str]:
    return str(totals.subtotal), str(totals.tax), str(totals.total)


# --- worked examples -------------------------------------------------------------------


def test_8_25_percent_rounds_half_up() -> None:
    # 1234.56 x 8.25 % = 101.8512 -> 101.85
    totals = invoice_totals([D("1000.00"), D("234.56")], D("8.25"), "USD")
    assert totals_as_text(totals) == ("1234.56", "101.85", "1336.41")


def test_19_percent() -> None:
    # 99.99 + 0.01 + 49.50 = 149.50; x 19 % = 28.405 -> 28.41 (half-up)
    totals = invoice_totals([D("99.99"), D("0.01"), D("49.50")], D(19), "EUR")
    assert totals_as_text(totals) == ("149.50", "28.41", "177.91")


def test_zero_rate() -> None:
    totals = invoice_totals([D("10.00"), D("5.25")], D(0), "USD")
    assert totals_as_text(totals) == ("15.25", "0.00", "15.25")


def test_tax_on_subtotal_rounded_once_not_per_line() -> None:
    # Three lines of 0.10 at 5 %: per line 0.005 -> 0.01 each (0.03); on the subtotal
    # 0.30 x 5 % = 0.015 -> 0.02.
    totals = invoice_totals([D("0.10")] * 3, D(5), "USD")
    assert totals_as_text(totals) == ("0.30", "0.02", "0.32")


def test_jpy() -> None:
    # 12345 x 10 % = 1234.5 -> 1235 yen
    assert totals_as_text(invoice_totals([D(12000), D(345)], D(10), "JPY")) == (
        "12345",
        "1235",
        "13580",
    )
    # 1999 x 8 % = 159.92 -> 160
    assert totals_as_text(invoice_totals([D(1999)], D(8), "JPY")) == ("1999", "160", "2159")


@pytest.mark.parametrize(("currency", "zero"), [("USD", "0.00"), ("JPY", "0")])
def test_no_lines(currency: str, zero: str) -> None:
    assert totals_as_text(invoice_totals([], D(20), currency)) == (zero, zero, zero)


def test_credit_lines() -> None:
    # A negative line (a credit) is summed like any other; tax on the subtotal.
    totals = invoice_totals([D("100.00"), D("-40.00")], D(10), "USD")
    assert totals_as_text(totals) == ("60.00", "6.00", "66.00")
    # -0.05 x 10 % = -0.005 -> -0.01 (half-up: away from zero)
    assert invoice_totals([D("-0.05")], D(10), "USD").tax == D("-0.01")


def test_lines_in_other_exponents_are_normalised() -> None:
    totals = invoice_totals([D("10"), D("2.5")], D("7.5"), "USD")
    assert totals_as_text(totals) == ("12.50", "0.94", "13.44")  # 0.9375 -> 0.94


@pytest.mark.parametrize(
    ("lines", "rate", "currency", "message"),
    [
        ([D("0.001")], D(10), "USD", "not rounded"),
        ([D("1.5")], D(10), "JPY", "not rounded"),
        ([1.5], D(10), "USD", "not rounded"),
        ([D(1)], D(-1), "USD", "between 0 and 100"),
        ([D(1)], D("100.01"), "USD", "between 0 and 100"),
        ([D(1)], D("NaN"), "USD", "finite Decimal"),
        ([D(1)], 0.2, "USD", "finite Decimal"),
    ],
)
def test_invoice_totals_refuses(
    lines: list[Decimal], rate: Decimal, currency: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        invoice_totals(lines, rate, currency)


def test_unknown_currency() -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        invoice_totals([], D(0), "XYZ")


# --- due dates and numbers -------------------------------------------------------------


def test_due_date() -> None:
    assert due_date(date(2026, 11, 24), 30) == date(2026, 12, 24)
    assert due_date(date(2028, 2, 1), 30) == date(2028, 3, 2)  # leap February
    assert due_date(date(2027, 2, 1), 30) == date(2027, 3, 3)
    assert due_date(date(2026, 12, 15), 45) == date(2027, 1, 29)
    assert due_date(date(2026, 5, 5), 0) == date(2026, 5, 5)  # due on receipt


@pytest.mark.parametrize("days", [-1, True, 1.0])
def test_due_date_refuses(days: int) -> None:
    with pytest.raises(ValueError, match="payment terms"):
        due_date(date(2026, 1, 1), days)


def test_format_number() -> None:
    assert format_number("INV", 1) == "INV-000001"
    assert format_number("CN", 42) == "CN-000042"
    assert format_number("INV", 999_999) == "INV-999999"
    assert format_number("INV", 1_000_000) == "INV-1000000"  # grows, never truncates
    assert format_number("INV", 123_456_789) == "INV-123456789"


@pytest.mark.parametrize(("prefix", "n"), [("", 1), ("INV", 0), ("INV", -1), ("INV", True)])
def test_format_number_refuses(prefix: str, n: int) -> None:
    with pytest.raises(ValueError, match=r"prefix|at least 1"):
        format_number(prefix, n)


# --- properties ------------------------------------------------------------------------

currencies = st.sampled_from(["USD", "EUR", "GBP", "JPY"])
# Tax rates with up to 3 decimal places (e.g. 8.875 %), from 0 to 100.
rates = st.integers(min_value=0, max_value=100_000).map(lambda n: D(n).scaleb(-3))


@given(
    currencies,
    st.lists(st.integers(min_value=-(10**8), max_value=10**10), max_size=20),
    rates,
)
def test_tax_is_the_rounded_rate_of_the_subtotal(
    currency: str, minor_lines: list[int], rate: Decimal
) -> None:
    places = minor_unit(currency)
    lines = [D(n).scaleb(-places) for n in minor_lines]
    totals = invoice_totals(lines, rate, currency)

    subtotal_minor = sum(minor_lines)
    # Independently: tax in minor units = round(subtotal x rate / 100) half-up (away from
    # zero), with the rate as an integer of thousandths of a percent.
    rate_thousandths = int(rate.scaleb(3))
    numerator, denominator = abs(subtotal_minor) * rate_thousandths, 100_000
    tax_minor = (2 * numerator + denominator) // (2 * denominator)
    if subtotal_minor < 0:
        tax_minor = -tax_minor

    assert totals.subtotal == D(subtotal_minor).scaleb(-places)
    assert totals.tax == D(tax_minor).scaleb(-places)
    assert totals.total == totals.subtotal + totals.tax
    for value in (totals.subtotal, totals.tax, totals.total):
        assert value.as_tuple().exponent == -places

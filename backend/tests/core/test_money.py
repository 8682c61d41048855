"""Unit and property tests for recur.core.money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recur.core.money import (
    MINOR_UNITS,
    UNIT_AMOUNT_PLACES,
    CurrencyError,
    Money,
    check_unit_amount,
    minor_unit,
    round_money,
    sum_money,
)


def test_minor_units() -> None:
    assert UNIT_AMOUNT_PLACES == 6
    for code in ("USD", "EUR", "GBP", "CHF", "CAD", "AUD"):
        assert minor_unit(code) == 2
    assert minor_unit("JPY") == 0
    assert set(MINOR_UNITS) >= {"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY"}


def test_minor_units_come_from_the_iso_4217_list() -> None:
    assert len(MINOR_UNITS) > 150
    assert (minor_unit("BHD"), minor_unit("KWD"), minor_unit("CLP")) == (3, 3, 0)
    assert round_money(Decimal("1.2345"), "BHD") == Decimal("1.235")
    for code in ("XAU", "XDR", "XTS"):  # metals, funds and testing codes have no minor unit
        with pytest.raises(CurrencyError):
            minor_unit(code)


@pytest.mark.parametrize("code", ["XXX", "usd", ""])
def test_unknown_currency(code: str) -> None:
    with pytest.raises(CurrencyError, match="unknown currency"):
        minor_unit(code)
    with pytest.raises(CurrencyError):
        round_money(Decimal(1), code)
    with pytest.raises(CurrencyError):
        Money.zero(code)


def test_currency_error_is_value_error() -> None:
    assert issubclass(CurrencyError, ValueError)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("120", "USD", "120.00"),
        ("0.005", "USD", "0.01"),
        ("0.0049999", "USD", "0.00"),
        ("0.025", "EUR", "0.03"),
        ("1.005", "GBP", "1.01"),
        ("-0.005", "USD", "-0.01"),
        ("-0.004", "USD", "0.00"),
        ("119.5", "JPY", "120"),
        ("119.4999", "JPY", "119"),
        ("120", "JPY", "120"),
        ("1E+3", "USD", "1000.00"),
        (
            "12345678901234567890123456789012345.125",
            "USD",
            "12345678901234567890123456789012345.13",
        ),
        ("1E+40", "CHF", "10000000000000000000000000000000000000000.00"),
    ],
)
def test_round_money(amount: str, currency: str, expected: str) -> None:
    result = round_money(Decimal(amount), currency)
    assert result == Decimal(expected)
    assert str(result) == expected  # exact digits and exponent
    assert result.as_tuple().exponent == -minor_unit(currency)


def test_round_money_zero_is_not_negative() -> None:
    assert not round_money(Decimal("-0.001"), "USD").is_signed()
    assert not round_money(Decimal("-0"), "JPY").is_signed()


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_round_money_rejects_non_finite(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        round_money(amount, "USD")


def test_round_money_rejects_float() -> None:
    with pytest.raises(ValueError, match="Decimal"):
        round_money(1.5, "USD")  # type: ignore[arg-type]


@given(
    micros=st.integers(min_value=-(10**30), max_value=10**30),
    currency=st.sampled_from(sorted(MINOR_UNITS)),
)
def test_round_money_matches_integer_half_up(micros: int, currency: str) -> None:
    places = minor_unit(currency)
    scale = 10 ** (6 - places)
    magnitude = (abs(micros) + scale // 2) // scale  # half-up: away from zero on ties
    sign = "-" if micros < 0 and magnitude else ""
    expected = Decimal(f"{sign}{magnitude}E-{places}")
    result = round_money(Decimal(f"{micros}E-6"), currency)
    assert result == expected
    assert result.as_tuple().exponent == -places


@pytest.mark.parametrize(
    "value", ["0", "0.0125", "12.5", "0.000001", "1000000", "0.1000000000", "5E+3", "-0"]
)
def test_check_unit_amount_accepts(value: str) -> None:
    amount = Decimal(value)
    assert check_unit_amount(amount) is amount


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("-0.01"), "negative"),
        (Decimal("0.0000001"), "6 decimal places"),
        (Decimal("1.1234567"), "6 decimal places"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (0.5, "Decimal"),
        (1, "Decimal"),
    ],
)
def test_check_unit_amount_rejects(value: Decimal, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_unit_amount(value)


def test_money_arithmetic() -> None:
    a = Money(Decimal("10.50"), "USD")
    b = Money(Decimal("0.25"), "USD")
    assert a + b == Money(Decimal("10.75"), "USD")
    assert a - b == Money(Decimal("10.25"), "USD")
    assert -a == Money(Decimal("-10.50"), "USD")
    assert Money.zero("USD") == Money(Decimal("0.00"), "USD")
    assert str(Money.zero("USD").amount) == "0.00"
    assert str(Money.zero("JPY").amount) == "0"


def test_money_arithmetic_is_exact_for_huge_values() -> None:
    big = Money(Decimal("123456789012345678901234567890.01"), "USD")
    assert (big + Money(Decimal("0.01"), "USD")).amount == Decimal(
        "123456789012345678901234567890.02"
    )
    assert (-big).amount == Decimal("-123456789012345678901234567890.01")


def test_money_mixed_currencies() -> None:
    usd = Money(Decimal(1), "USD")
    eur = Money(Decimal(1), "EUR")
    with pytest.raises(CurrencyError, match="USD and EUR"):
        _ = usd + eur
    with pytest.raises(CurrencyError):
        _ = usd - eur


def test_money_rejects_bad_values() -> None:
    with pytest.raises(CurrencyError):
        Money(Decimal(1), "XXX")
    with pytest.raises(ValueError, match="Decimal"):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Money(Decimal("NaN"), "USD")


def test_money_is_frozen() -> None:
    money = Money(Decimal(1), "USD")
    with pytest.raises(AttributeError):
        money.amount = Decimal(2)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.5", "USD", "USD 1,234.50"),
        ("0", "EUR", "EUR 0.00"),
        ("-1234567.891", "GBP", "GBP -1,234,567.89"),
        ("1234567", "JPY", "JPY 1,234,567"),
        ("0.004", "USD", "USD 0.00"),
        ("1E+3", "USD", "USD 1,000.00"),
    ],
)
def test_money_format(amount: str, currency: str, expected: str) -> None:
    assert Money(Decimal(amount), currency).format() == expected


def test_sum_money() -> None:
    amounts = [Money(Decimal("0.10"), "EUR"), Money(Decimal("0.20"), "EUR")]
    assert sum_money(amounts, "EUR") == Money(Decimal("0.30"), "EUR")
    assert sum_money([], "JPY") == Money.zero("JPY")
    with pytest.raises(CurrencyError):
        sum_money([Money(Decimal(1), "USD")], "EUR")


@given(st.lists(st.integers(min_value=-(10**20), max_value=10**20), max_size=20))
def test_sum_money_is_exact(cents: list[int]) -> None:
    amounts = [Money(Decimal(f"{c}E-2"), "USD") for c in cents]
    assert sum_money(amounts, "USD").amount == Decimal(f"{sum(cents)}E-2")

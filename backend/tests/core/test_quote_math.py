"""Unit and property tests for recur.core.quotes: quote line rules, amounts and totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recur.core.catalog import BillingPeriod
from recur.core.pricing import PriceSpec, PricingModel, Tier
from recur.core.quotes import (
    DEFAULT_APPROVAL_THRESHOLD,
    MAX_QUANTITY,
    MAX_TERM_MONTHS,
    LineAmounts,
    LineTerms,
    QuoteRuleError,
    QuoteTotals,
    check_discount,
    check_price_currency,
    check_quantity,
    check_start_date,
    check_term,
    line_amounts,
    needs_approval,
    periods_in_term,
    quote_totals,
)

D = Decimal
MONTH, YEAR, ONE_TIME = BillingPeriod.MONTH, BillingPeriod.YEAR, BillingPeriod.ONE_TIME


def per_unit(amount: str, currency: str = "USD") -> PriceSpec:
    return PriceSpec(PricingModel.PER_UNIT, currency, unit_amount=D(amount))


def flat(amount: str, currency: str = "USD") -> PriceSpec:
    return PriceSpec(PricingModel.FLAT, currency, unit_amount=D(amount))


def line(
    price: PriceSpec, period: BillingPeriod, quantity: int = 1, discount: str = "0"
) -> LineTerms:
    return LineTerms(price, period, quantity, D(discount))


# --- line amounts ----------------------------------------------------------------------


def test_line_amounts_worked_example() -> None:
    # 7 seats at 12.50 = 87.50; 15 % off = 74.375 -> 74.38 (half-up); 12 months.
    amounts = line_amounts(line(per_unit("12.50"), MONTH, 7, "15"), 12)
    assert amounts == LineAmounts(D("87.50"), D("74.38"), D("892.56"))
    assert str(amounts.total_amount) == "892.56"


@pytest.mark.parametrize(
    ("list_price", "discount", "net"),
    [
        ("10.00", "33.33", "6.67"),  # 6.667
        ("10.00", "0", "10.00"),
        ("10.00", "100", "0.00"),
        ("0.10", "25", "0.08"),  # 0.075 -> 0.08: half-up, not half-even
        ("0.30", "25", "0.23"),  # 0.225 -> 0.23
        ("99.99", "12.5", "87.49"),  # 87.49125
        ("1", "0.01", "1.00"),  # 0.9999 -> 1.00
    ],
)
def test_net_rounds_once_half_up(list_price: str, discount: str, net: str) -> None:
    amounts = line_amounts(line(flat(list_price), MONTH, 1, discount), 1)
    assert str(amounts.net_amount) == net


def test_net_rounds_the_discounted_list_not_the_unit_price() -> None:
    # 3 x 0.0125 = 0.0375 -> list 0.04; 50 % off: 0.02 (round(list x 0.5)), rounded once
    # after pricing, never per unit.
    amounts = line_amounts(line(per_unit("0.0125"), MONTH, 3, "50"), 1)
    assert amounts.list_amount == D("0.04")
    assert amounts.net_amount == D("0.02")


def test_yearly_and_one_time_line_totals() -> None:
    yearly = line_amounts(line(flat("1200.00"), YEAR, 1, "10"), 36)
    assert yearly == LineAmounts(D("1200.00"), D("1080.00"), D("3240.00"))
    setup = line_amounts(line(flat("500"), ONE_TIME, 1), 36)
    assert setup == LineAmounts(D("500.00"), D("500.00"), D("500.00"))


def test_tiered_line() -> None:
    tiers = (
        Tier(up_to=10, unit_amount=D("10.00")),
        Tier(up_to=None, unit_amount=D("8.00"), flat_amount=D("20.00")),
    )
    graduated = PriceSpec(PricingModel.TIERED, "USD", tiers=tiers)
    # 10 x 10 + 5 x 8 + 20 = 160.00; 20 % off = 128.00
    assert line_amounts(line(graduated, MONTH, 15, "20"), 2) == LineAmounts(
        D("160.00"), D("128.00"), D("256.00")
    )


def test_jpy_line() -> None:
    # 3 x 1234 = 3702; 10 % off = 3331.8 -> 3332 yen.
    amounts = line_amounts(line(per_unit("1234", "JPY"), MONTH, 3, "10"), 12)
    assert (str(amounts.list_amount), str(amounts.net_amount)) == ("3702", "3332")
    assert str(amounts.total_amount) == "39984"


# --- quote totals ----------------------------------------------------------------------


def test_quote_totals_worked_example() -> None:
    lines = [
        line(flat("500.00"), ONE_TIME),  # setup
        line(per_unit("12.50"), MONTH, 7, "15"),  # 74.38 / month
        line(flat("1000.00"), YEAR),  # 1000.00 / year
    ]
    totals = quote_totals(lines, 24, "USD")
    # MRR = 74.38 + 1000/12 = 74.38 + 83.333... = 157.713... -> 157.71
    # TCV = 500 + 74.38 x 24 + 1000 x 2 = 500 + 1785.12 + 2000 = 4285.12
    assert totals == QuoteTotals(D("500.00"), D("157.71"), D("4285.12"), D("0.00"))
    assert [str(v) for v in (totals.one_time, totals.monthly_recurring)] == ["500.00", "157.71"]
    assert str(totals.total_contract_value) == "4285.12"


def test_mrr_rounds_once_after_summing() -> None:
    # Two yearly lines of 0.06: 0.12 / 12 = 0.01. Rounding each line's 0.005 would give 0.02.
    lines = [line(flat("0.06"), YEAR), line(flat("0.06"), YEAR)]
    assert quote_totals(lines, 12, "USD").monthly_recurring == D("0.01")
    # One of 0.06: exactly 0.005 -> 0.01 half-up.
    assert quote_totals(lines[:1], 12, "USD").monthly_recurring == D("0.01")
    # 0.05 / 12 = 0.00416... -> 0.00
    assert str(quote_totals([line(flat("0.05"), YEAR)], 12, "USD").monthly_recurring) == "0.00"


def test_mrr_monthly_plus_yearly() -> None:
    lines = [line(flat("10.00", "EUR"), MONTH), line(flat("1200.00", "EUR"), YEAR)]
    totals = quote_totals(lines, 12, "EUR")
    assert totals == QuoteTotals(D("0.00"), D("110.00"), D("1320.00"), D("0.00"))


def test_jpy_totals() -> None:
    lines = [line(flat("10000", "JPY"), YEAR), line(flat("5000", "JPY"), ONE_TIME)]
    totals = quote_totals(lines, 12, "JPY")
    # 10000 / 12 = 833.33 -> 833 yen
    assert [str(v) for v in (totals.one_time, totals.monthly_recurring)] == ["5000", "833"]
    assert str(totals.total_contract_value) == "15000"


@pytest.mark.parametrize(("currency", "zero"), [("USD", "0.00"), ("JPY", "0")])
def test_empty_quote(currency: str, zero: str) -> None:
    totals = quote_totals([], 12, currency)
    assert [str(v) for v in (totals.one_time, totals.monthly_recurring)] == [zero, zero]
    assert str(totals.total_contract_value) == zero


def test_totals_refuse_a_price_in_another_currency() -> None:
    with pytest.raises(QuoteRuleError, match="in EUR but the quote is in USD") as caught:
        quote_totals([line(flat("1", "EUR"), MONTH)], 12, "USD")
    assert (caught.value.field, caught.value.code) == ("priceId", "CURRENCY_MISMATCH")


def test_totals_refuse_a_partial_year_with_a_yearly_line() -> None:
    with pytest.raises(QuoteRuleError, match="whole years") as caught:
        quote_totals([line(flat("1"), MONTH), line(flat("1"), YEAR)], 18, "USD")
    assert caught.value.field == "termMonths"


def test_one_time_only_quote_still_has_a_valid_term() -> None:
    totals = quote_totals([line(flat("99.90"), ONE_TIME, 3)], 1, "USD")
    assert totals == QuoteTotals(D("99.90"), D("0.00"), D("99.90"), D("0.00"))


# --- rules -----------------------------------------------------------------------------


def test_periods_in_term() -> None:
    assert periods_in_term(MONTH, 7) == 7
    assert periods_in_term(YEAR, 36) == 3
    assert periods_in_term(ONE_TIME, 36) == 1
    with pytest.raises(QuoteRuleError, match="whole years"):
        periods_in_term(YEAR, 6)


@pytest.mark.parametrize("quantity", [1, 2, MAX_QUANTITY])
def test_good_quantity(quantity: int) -> None:
    assert check_quantity(quantity) == quantity


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "between 1 and 1,000,000"),
        (-1, "between 1 and 1,000,000"),
        (MAX_QUANTITY + 1, "between 1 and 1,000,000"),
        (True, "whole number"),
        (2.0, "whole number"),
        (D(2), "whole number"),
    ],
)
def test_bad_quantity(quantity: int, message: str) -> None:
    with pytest.raises(QuoteRuleError, match=message) as caught:
        check_quantity(quantity)
    assert (caught.value.field, caught.value.code) == ("quantity", "INVALID_QUANTITY")
    with pytest.raises(QuoteRuleError):
        line_amounts(line(flat("1"), MONTH, quantity), 12)


@pytest.mark.parametrize("discount", ["0", "100", "20", "12.5", "12.25", "12.500", "0.01"])
def test_good_discount(discount: str) -> None:
    assert check_discount(D(discount)) == D(discount)


@pytest.mark.parametrize(
    ("discount", "message"),
    [
        (D("-0.01"), "between 0 and 100"),
        (D("100.01"), "between 0 and 100"),
        (D("12.345"), "at most 2 decimal places"),
        (D("0.001"), "at most 2 decimal places"),
        (D("NaN"), "decimal number"),
        (D("Infinity"), "decimal number"),
        (12.5, "decimal number"),
        (10, "decimal number"),
        ("10", "decimal number"),
    ],
)
def test_bad_discount(discount: Decimal, message: str) -> None:
    with pytest.raises(QuoteRuleError, match=message) as caught:
        check_discount(discount)
    assert (caught.value.field, caught.value.code) == ("discountPercent", "INVALID_DISCOUNT")


def test_good_terms() -> None:
    assert check_term(1, [MONTH, ONE_TIME]) == 1
    assert check_term(MAX_TERM_MONTHS, [MONTH, YEAR]) == MAX_TERM_MONTHS
    assert check_term(7, []) == 7
    assert check_term(24, iter([YEAR])) == 24


@pytest.mark.parametrize(
    ("term", "periods", "code", "message"),
    [
        (0, [MONTH], "INVALID_TERM", "between 1 and 120"),
        (121, [MONTH], "INVALID_TERM", "between 1 and 120"),
        (132, [YEAR], "INVALID_TERM", "between 1 and 120"),
        (True, [MONTH], "INVALID_TERM", "whole number of months"),
        (12.0, [MONTH], "INVALID_TERM", "whole number of months"),
        (18, [MONTH, YEAR], "TERM_NOT_WHOLE_YEARS", "yearly price needs a term in whole years"),
        (6, [YEAR], "TERM_NOT_WHOLE_YEARS", "got 6 months"),
    ],
)
def test_bad_term(term: int, periods: list[BillingPeriod], code: str, message: str) -> None:
    with pytest.raises(QuoteRuleError, match=message) as caught:
        check_term(term, periods)
    assert (caught.value.field, caught.value.code) == ("termMonths", code)


def test_start_date_and_price_currency() -> None:
    today = date(2026, 11, 24)
    assert check_start_date(today, today) == today
    assert check_start_date(date(2027, 1, 1), today) == date(2027, 1, 1)
    with pytest.raises(QuoteRuleError, match="today") as caught:
        check_start_date(date(2026, 11, 23), today)
    assert (caught.value.field, caught.value.code) == ("startDate", "START_DATE_IN_PAST")
    spec = flat("1", "GBP")
    assert check_price_currency(spec, "GBP") is spec
    with pytest.raises(QuoteRuleError) as other:
        check_price_currency(spec, "USD")
    assert other.value.field == "priceId"


def test_quote_rule_error_is_value_error_with_message() -> None:
    error = QuoteRuleError("quantity", "INVALID_QUANTITY", "quantity must be a whole number.")
    assert isinstance(error, ValueError)
    assert str(error) == error.message == "quantity must be a whole number."


def test_needs_approval() -> None:
    threshold = DEFAULT_APPROVAL_THRESHOLD
    assert threshold == D(20)
    assert not needs_approval([], threshold)
    assert not needs_approval([D(0), D(20), D("20.00")], threshold)
    assert needs_approval([D(0), D("20.01")], threshold)
    assert needs_approval(iter([D(100)]), threshold)
    assert not needs_approval([D(50)], D(50))


# --- properties ------------------------------------------------------------------------

discounts = st.integers(min_value=0, max_value=10_000).map(lambda bp: D(bp).scaleb(-2))
cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c).scaleb(-2))


@given(cents, st.integers(1, 1000), discounts, st.integers(1, 120))
def test_net_between_zero_and_list(
    unit: Decimal, quantity: int, discount: Decimal, term: int
) -> None:
    amounts = line_amounts(LineTerms(per_unit(str(unit)), MONTH, quantity, discount), term)
    assert D(0) <= amounts.net_amount <= amounts.list_amount
    assert amounts.total_amount == amounts.net_amount * term
    assert amounts.net_amount.as_tuple().exponent == -2
    # |net - exact discounted list| <= half a cent
    exact = amounts.list_amount * (100 - discount) / 100
    assert abs(amounts.net_amount - exact) <= D("0.005")


@given(st.lists(st.tuples(cents, st.sampled_from(list(BillingPeriod))), max_size=6), st.data())
def test_tcv_is_sum_of_line_totals(
    prices: list[tuple[Decimal, BillingPeriod]], data: st.DataObject
) -> None:
    yearly = any(period is YEAR for _, period in prices)
    term = data.draw(st.integers(1, 10).map(lambda y: 12 * y) if yearly else st.integers(1, 120))
    lines = [line(flat(str(amount)), period) for amount, period in prices]
    totals = quote_totals(lines, term, "USD")
    assert totals.total_contract_value == sum(
        (line_amounts(item, term).total_amount for item in lines), D(0)
    )
    assert totals.one_time == sum(
        (item.price.unit_amount or D(0) for item in lines if item.billing_period is ONE_TIME),
        D(0),
    )


def test_an_uplift_raises_the_list_price_before_the_discount_rounding_once() -> None:
    spec = PriceSpec(model=PricingModel.PER_UNIT, currency="USD", unit_amount=Decimal("0.0125"))
    # 3 × 0.0125 = 0.0375; raised 7 % = 0.040125 → list 0.04 (one rounding, not 0.04 × 1.07)
    line = LineTerms(spec, BillingPeriod.MONTH, 3, Decimal(0), uplift_percent=Decimal(7))
    assert line_amounts(line, 12).list_amount == Decimal("0.04")
    seats = PriceSpec(model=PricingModel.PER_UNIT, currency="USD", unit_amount=Decimal("25"))
    renewed = LineTerms(seats, BillingPeriod.MONTH, 10, Decimal(10), uplift_percent=Decimal(5))
    amounts = line_amounts(renewed, 12)
    assert (amounts.list_amount, amounts.net_amount) == (Decimal("262.50"), Decimal("236.25"))

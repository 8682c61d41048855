"""Quote math: the rules a quote line must follow, its amounts and the quote's totals.

Per billing period a line costs ``list = price(quantity)`` (rounded once by the pricing core)
and ``net = round(list × (1 - discount/100))`` (rounded once, half-up). Totals are sums of
those rounded amounts, never re-derived (see docs/domain.md, "Quotes" and "Money"):

- one-time total: Σ net of the one-time lines;
- MRR: ``round(Σ net of monthly lines + Σ net of yearly lines ÷ 12)``, a metric;
- total contract value: one-time total + Σ net × periods in the term of the recurring lines.

A metered line's quantity is the buyer's estimate of their usage, billed in arrears on what
is measured (docs/usage.md, "Quotes"): it is committed to nothing, so it counts in neither
the MRR nor the contract value, only in the estimated usage over the term.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from recur.core.catalog import BillingPeriod
from recur.core.money import MAX_AMOUNT, Money, exact_context, minor_unit, round_money
from recur.core.periods import term_end
from recur.core.pricing import PriceSpec, price_amount, unrounded_amount

MAX_QUANTITY = 1_000_000
"""Largest quantity of one quote line."""

MAX_TERM_MONTHS = 120
"""Longest term of a quote, in months (ten years)."""

DISCOUNT_PLACES = 2
"""Decimal places a discount percent may have (e.g. 12.25 %)."""

DEFAULT_APPROVAL_THRESHOLD = Decimal(20)
"""Discount percent above which a quote needs a manager's approval, unless configured."""


class QuoteRuleError(ValueError):
    """A quote or quote line that breaks a rule: which field, a code, and a clear message.

    ``field`` is the input's API name (``"quantity"``, ``"discountPercent"``,
    ``"termMonths"``, ``"startDate"``, ``"priceId"``); ``code`` is machine-readable.
    """

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LineTerms:
    """What a quote line buys: a price, how often it bills, how many, and the discount."""

    price: PriceSpec
    billing_period: BillingPeriod
    quantity: int
    discount_percent: Decimal = Decimal(0)
    #: A renewal's price rise in percent: the list price is raised by it before discounting.
    uplift_percent: Decimal = Decimal(0)
    #: An automatic renewal's line: the net amount per period it renews from. The uplift
    #: raises this amount instead of the price of the quantity.
    base_amount: Decimal | None = None
    #: A metered price's line: its quantity is an estimate of usage, billed in arrears.
    metered: bool = False


@dataclass(frozen=True)
class LineAmounts:
    """A line's amounts: ``list`` and ``net`` per billing period, ``total`` over the term."""

    list_amount: Decimal
    net_amount: Decimal
    total_amount: Decimal


@dataclass(frozen=True)
class QuoteTotals:
    """A quote's totals, each with the currency's exponent."""

    one_time: Decimal
    monthly_recurring: Decimal
    total_contract_value: Decimal
    #: The metered lines' estimates over the term: kept out of the MRR and contract value.
    estimated_usage: Decimal


def check_quantity(quantity: int) -> int:
    """Return ``quantity`` if it is an int from 1 to :data:`MAX_QUANTITY`.

    Raises :class:`QuoteRuleError` (field ``quantity``) otherwise.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise QuoteRuleError("quantity", "INVALID_QUANTITY", "quantity must be a whole number.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise QuoteRuleError(
            "quantity",
            "INVALID_QUANTITY",
            f"quantity must be between 1 and {MAX_QUANTITY:,}, got {quantity:,}.",
        )
    return quantity


def check_discount(discount_percent: Decimal) -> Decimal:
    """Return ``discount_percent`` if it is a ``Decimal`` from 0 to 100 with ≤ 2 places.

    Trailing zeros do not count (``Decimal("12.500")`` is fine). Raises
    :class:`QuoteRuleError` (field ``discountPercent``) otherwise.
    """
    return _check_percent(discount_percent, "discountPercent", "INVALID_DISCOUNT")


def check_uplift(uplift_percent: Decimal) -> Decimal:
    """Return ``uplift_percent`` (a renewal's price rise) if it is a ``Decimal`` from 0 to
    100 with ≤ 2 places; raises :class:`QuoteRuleError` (field ``upliftPercent``) otherwise.
    """
    return _check_percent(uplift_percent, "upliftPercent", "INVALID_UPLIFT")


#: Decimal places of a percent an item carries as its uplift over the list price.
CARRIED_UPLIFT_PLACES = 6


def compound_uplift(carried: Decimal, rise: Decimal) -> Decimal:
    """The uplift over the list price after one more renewal at ``rise`` percent, on top of
    the ``carried`` one: ``(1 + carried) × (1 + rise) - 1``, in percent, rounded half-up to
    :data:`CARRIED_UPLIFT_PLACES` places (5 % twice is 10.25 %, three times 15.7625 %)."""
    with exact_context():
        combined = (100 + carried) * (100 + rise) / 100 - 100
    return combined.quantize(Decimal(1).scaleb(-CARRIED_UPLIFT_PLACES), rounding=ROUND_HALF_UP)


def _check_percent(value: Decimal, field: str, code: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise QuoteRuleError(field, code, f"{field} must be a decimal number, got {value!r}.")
    if not 0 <= value <= 100:
        raise QuoteRuleError(field, code, f"{field} must be between 0 and 100, got {value}.")
    with exact_context():
        places_ok = value == value.quantize(Decimal(1).scaleb(-2))
    if not places_ok:
        raise QuoteRuleError(
            field, code, f"{field} may have at most {DISCOUNT_PLACES} decimal places, got {value}."
        )
    return value


def check_term(term_months: int, billing_periods: Iterable[BillingPeriod]) -> int:
    """Return ``term_months`` if it is valid for lines billed on ``billing_periods``.

    A term is 1 to :data:`MAX_TERM_MONTHS` months, and whole years when any line bills
    yearly. Raises :class:`QuoteRuleError` (field ``termMonths``) otherwise.
    """
    if isinstance(term_months, bool) or not isinstance(term_months, int):
        raise QuoteRuleError(
            "termMonths", "INVALID_TERM", "termMonths must be a whole number of months."
        )
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise QuoteRuleError(
            "termMonths",
            "INVALID_TERM",
            f"termMonths must be between 1 and {MAX_TERM_MONTHS}, got {term_months}.",
        )
    if term_months % 12 and BillingPeriod.YEAR in set(billing_periods):
        raise QuoteRuleError(
            "termMonths",
            "TERM_NOT_WHOLE_YEARS",
            f"A yearly price needs a term in whole years (a multiple of 12 months), "
            f"got {term_months} months.",
        )
    return term_months


def check_start_date(start_date: date, today: date) -> date:
    """Return ``start_date`` unless it is before ``today``.

    Raises :class:`QuoteRuleError` (field ``startDate``) for a start in the past.
    """
    if start_date < today:
        raise QuoteRuleError(
            "startDate",
            "START_DATE_IN_PAST",
            f"startDate must be today ({today}) or later, got {start_date}.",
        )
    return start_date


def check_term_end(start_date: date, term_months: int) -> date:
    """Return the term's (exclusive) end, which must be a date the calendar and the
    database hold: on or before 9999-12-31.

    Raises :class:`QuoteRuleError` (field ``startDate``) for a term that would end later.
    """
    try:
        return term_end(start_date, term_months)
    except (ValueError, OverflowError):
        raise QuoteRuleError(
            "startDate",
            "TERM_TOO_LATE",
            f"A term of {term_months} months from {start_date} would end after "
            f"{date.max}; choose an earlier start.",
        ) from None


def check_price_currency(price: PriceSpec, currency: str) -> PriceSpec:
    """Return ``price`` if it is in the quote's ``currency``.

    Raises :class:`QuoteRuleError` (field ``priceId``) for a price in another currency.
    """
    if price.currency != currency:
        raise QuoteRuleError(
            "priceId",
            "CURRENCY_MISMATCH",
            f"The price is in {price.currency} but the quote is in {currency}.",
        )
    return price


def periods_in_term(billing_period: BillingPeriod, term_months: int) -> int:
    """How many times a line billed on ``billing_period`` bills over the term.

    ``MONTH`` → ``term_months``; ``YEAR`` → ``term_months / 12``; ``ONE_TIME`` → 1. Raises
    :class:`QuoteRuleError` for a term that :func:`check_term` refuses.
    """
    check_term(term_months, (billing_period,))
    months = BillingPeriod(billing_period).months
    return 1 if months is None else term_months // months


def line_amounts(line: LineTerms, term_months: int) -> LineAmounts:
    """The amounts of one quote line over a term of ``term_months`` months.

    ``list`` = the price of the quantity for one period (rounded once; raised by the
    uplift first, for renewals) — or, for an automatic renewal's line, its
    ``base_amount`` (the previous term's net) raised by the uplift, rounded once;
    ``net`` = ``list × (1 - discount/100)`` rounded once, half-up; ``total`` = ``net`` ×
    periods in the term. Raises :class:`QuoteRuleError` for a bad quantity, discount or
    term.
    """
    check_quantity(line.quantity)
    check_discount(line.discount_percent)
    periods = periods_in_term(line.billing_period, term_months)
    currency = line.price.currency
    if line.base_amount is not None:
        with exact_context():
            raised = line.base_amount * (100 + line.uplift_percent)
        list_amount = round_money(raised.scaleb(-2), currency)
    elif line.uplift_percent:
        with exact_context():
            raised = unrounded_amount(line.price, line.quantity) * (100 + line.uplift_percent)
        list_amount = round_money(raised.scaleb(-2), currency)
    else:
        list_amount = price_amount(line.price, line.quantity)
    with exact_context():
        kept = (list_amount * (100 - line.discount_percent)).scaleb(-2)
    net = round_money(kept, currency)
    with exact_context():
        total = net * periods
    if max(list_amount, total) > MAX_AMOUNT:
        raise QuoteRuleError(
            "quantity",
            "AMOUNT_TOO_LARGE",
            f"This line would come to {max(list_amount, total):,} {currency}, more than the "
            f"{MAX_AMOUNT:,} a line may bill.",
        )
    return LineAmounts(list_amount=list_amount, net_amount=net, total_amount=total)


def _round_divided(amount: Decimal, divisor: int, currency: str) -> Decimal:
    """``round(amount / divisor)`` half-up to the minor unit, exactly (integer arithmetic).

    ``amount`` must already be a whole number of minor units.
    """
    places = minor_unit(currency)
    with exact_context():
        scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of {currency} minor units")
    units = int(scaled)
    quotient, remainder = divmod(abs(units), divisor)
    if 2 * remainder >= divisor:
        quotient += 1
    return round_money(Decimal(quotient if units >= 0 else -quotient).scaleb(-places), currency)


def quote_totals(lines: Iterable[LineTerms], term_months: int, currency: str) -> QuoteTotals:
    """The totals of a quote in ``currency`` over a term of ``term_months`` months.

    Raises :class:`QuoteRuleError` for a line priced in another currency, a bad line or a
    bad term (see :func:`check_term`). An empty quote totals zero.
    """
    lines = tuple(lines)
    check_term(term_months, (line.billing_period for line in lines))
    zero = Money.zero(currency).amount
    one_time = monthly = yearly = recurring_total = estimated = zero
    for line in lines:
        check_price_currency(line.price, currency)
        amounts = line_amounts(line, term_months)
        with exact_context():
            if line.metered:
                estimated += amounts.total_amount
            elif line.billing_period == BillingPeriod.ONE_TIME:
                one_time += amounts.net_amount
            else:
                recurring_total += amounts.total_amount
                if line.billing_period == BillingPeriod.YEAR:
                    yearly += amounts.net_amount
                else:
                    monthly += amounts.net_amount
    with exact_context():
        mrr = _round_divided(monthly * 12 + yearly, 12, currency)
        tcv = one_time + recurring_total
    return QuoteTotals(
        one_time=one_time,
        monthly_recurring=mrr,
        total_contract_value=tcv,
        estimated_usage=estimated,
    )


def needs_approval(discounts: Iterable[Decimal], threshold: Decimal) -> bool:
    """Whether any discount percent is strictly above ``threshold``."""
    return any(discount > threshold for discount in discounts)


def reduction_needs_approval(
    contract_change: Decimal, contract_before: Decimal, threshold: Decimal
) -> bool:
    """Whether a mid-term change takes more off the term's contract value than
    ``threshold`` percent of it (a manager approves such a reduction, docs/subscriptions.md)."""
    if contract_change >= 0 or contract_before <= 0:
        return False
    with exact_context():
        return -contract_change * 100 > contract_before * threshold

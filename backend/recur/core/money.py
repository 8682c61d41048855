"""Exact money arithmetic: ``Decimal`` only, rounded once, half-up, to the minor unit.

Never use ``float`` for money. Amounts are computed at full precision and rounded once,
with :func:`round_money`, to the currency's minor unit (see docs/domain.md, "Money").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from types import MappingProxyType

from iso4217 import Currency

MINOR_UNITS: Mapping[str, int] = MappingProxyType(
    {currency.code: currency.exponent for currency in Currency if currency.exponent is not None}
)
"""Decimal places of every currency's minor unit, from the ISO 4217 list kept by the
``iso4217`` package. Codes without a minor unit (funds, precious metals, ``XXX``) are not
money Recur bills in."""

UNIT_AMOUNT_PLACES = 6
"""Maximum number of decimal places of a unit price (e.g. usage prices like 0.0125)."""

MAX_AMOUNT = Decimal(10) ** 12
"""The largest amount Recur bills on one line over a whole term: a trillion units of the
currency (amount columns hold nine trillion at six places)."""


class CurrencyError(ValueError):
    """An unknown currency code, or money of different currencies combined."""


def minor_unit(currency: str) -> int:
    """Return the number of decimal places of ``currency``'s minor unit.

    Raises :class:`CurrencyError` for an unknown currency code.
    """
    try:
        return MINOR_UNITS[currency]
    except (KeyError, TypeError):
        raise CurrencyError(f"unknown currency: {currency!r}") from None


def exact_context() -> AbstractContextManager[Context]:
    """Return a local decimal context in which ``+``, ``-`` and ``*`` are exact.

    The precision is the maximum the ``decimal`` module allows, so sums and products of
    finite decimals are never rounded (memory grows only with the actual result size).
    Do not divide in it. Use as ``with exact_context(): ...``.
    """
    return localcontext(
        Context(
            prec=MAX_PREC,
            Emax=MAX_EMAX,
            Emin=MIN_EMIN,
            rounding=ROUND_HALF_UP,
            traps=[InvalidOperation, DivisionByZero, Overflow],
        )
    )


def _require_finite_decimal(value: object, what: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise ValueError(f"{what} must be a Decimal, got {type(value).__name__}: {value!r}")
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    return value


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` once, half-up, to ``currency``'s minor unit.

    Exact for any finite amount, however large. The result always has exactly the
    minor-unit exponent, e.g. ``Decimal("120.00")`` for USD and ``Decimal("120")`` for JPY;
    a zero result is never negative. Raises :class:`CurrencyError` for an unknown currency
    and ``ValueError`` for a non-finite or non-``Decimal`` amount.
    """
    places = minor_unit(currency)
    _require_finite_decimal(amount, "amount")
    exponent = Decimal((0, (1,), -places))
    with exact_context():
        rounded = amount.quantize(exponent, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _decimal_places(value: Decimal) -> int:
    """Number of significant decimal places of ``value`` (trailing zeros ignored)."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"unit amount must be finite, got {value}")
    trailing_zeros = 0
    for digit in reversed(digits):
        if digit:
            break
        trailing_zeros += 1
    if trailing_zeros == len(digits):  # zero
        return 0
    return max(0, -(exponent + trailing_zeros))


def check_unit_amount(value: Decimal) -> Decimal:
    """Check that ``value`` is a valid unit (or flat) price and return it unchanged.

    A unit amount is a finite, non-negative ``Decimal`` with at most
    :data:`UNIT_AMOUNT_PLACES` significant decimal places (trailing zeros do not count).
    Raises ``ValueError`` with a message naming the problem otherwise.
    """
    _require_finite_decimal(value, "unit amount")
    if value < 0:
        raise ValueError(f"unit amount must not be negative, got {value}")
    places = _decimal_places(value)
    if places > UNIT_AMOUNT_PLACES:
        raise ValueError(
            f"unit amount must have at most {UNIT_AMOUNT_PLACES} decimal places, "
            f"got {value} ({places} places)"
        )
    return value


@dataclass(frozen=True)
class Money:
    """An amount of money in one currency.

    ``amount`` is kept as given (not rounded); use :func:`round_money` to round a computed
    amount once. Construction checks that the amount is a finite ``Decimal`` and the
    currency is known.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        _require_finite_decimal(self.amount, "Money.amount")

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in ``currency``, with the currency's exponent (e.g. ``USD 0.00``)."""
        return cls(Decimal((0, (0,), -minor_unit(currency))), currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyError(f"cannot combine {self.currency} and {other.currency} amounts")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        with exact_context():
            return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        with exact_context():
            return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def format(self) -> str:
        """Human-readable form rounded to the minor unit, e.g. ``"USD 1,234.50"``."""
        return f"{self.currency} {round_money(self.amount, self.currency):,f}"


def sum_money(amounts: Iterable[Money], currency: str) -> Money:
    """Sum ``amounts`` exactly; an empty iterable gives ``Money.zero(currency)``.

    Raises :class:`CurrencyError` if any amount is not in ``currency``.
    """
    total = Money.zero(currency)
    for money in amounts:
        total = total + money
    return total

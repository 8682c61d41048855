"""Money, the way the API shows it: an exact decimal string with its currency."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from recur.core.money import minor_unit, round_money


@strawberry.type
class Money:
    """An amount in a currency. ``amount`` is an exact decimal string, e.g. "120.00"."""

    amount: Decimal
    currency: str


def money(amount: Decimal, currency: str) -> Money:
    """A stored amount (kept to the micro-unit) as the API shows it: to the cent."""
    return Money(amount=round_money(amount, currency), currency=currency)


def unit_amount(value: Decimal, currency: str) -> Decimal:
    """A unit price with the currency's decimals, or more when it has them (0.0125)."""
    places = max(minor_unit(currency), -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return value.quantize(Decimal(1).scaleb(-places))


def percent(value: Decimal) -> Decimal:
    """A percentage with two decimals, or more when it has them (8.25, 8.125)."""
    places = max(2, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return value.quantize(Decimal(1).scaleb(-places))

"""Price models and line amounts: pure functions, no I/O.

A :class:`PriceSpec` describes how one price turns a quantity into an amount for one
billing period (see docs/domain.md, "Catalog and pricing"):

- ``FLAT``: ``unit_amount`` per period when quantity >= 1; 0 for quantity 0;
- ``PER_UNIT``: ``unit_amount`` x quantity;
- ``TIERED`` (graduated): each unit priced by the tier it falls in, summed, plus the flat
  amount of every tier with at least one unit;
- ``VOLUME``: every unit priced by the tier the total quantity falls in, plus that tier's
  flat amount; quantity 0 costs 0.

Validation (:func:`validate_price`) is separate: call it once when a price is created. The
amount functions assume a validated spec, but still refuse (with :class:`InvalidPrice`)
rather than return garbage for a structurally impossible one. Amounts are computed exactly
and rounded once, half-up, to the currency's minor unit by :func:`price_amount`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from recur.core.money import (
    CurrencyError,
    check_unit_amount,
    exact_context,
    minor_unit,
    round_money,
)


class PricingModel(StrEnum):
    """How a price turns a quantity into an amount."""

    FLAT = "FLAT"
    PER_UNIT = "PER_UNIT"
    TIERED = "TIERED"
    VOLUME = "VOLUME"


_SIMPLE_MODELS = frozenset({PricingModel.FLAT, PricingModel.PER_UNIT})
_TIERED_MODELS = frozenset({PricingModel.TIERED, PricingModel.VOLUME})


@dataclass(frozen=True)
class Tier:
    """One row of a tier table.

    ``up_to`` is the inclusive upper bound of units in this tier (``None``: the open-ended
    last tier); units above the previous tier's ``up_to`` fall in this one.
    """

    up_to: int | None
    unit_amount: Decimal
    flat_amount: Decimal = Decimal(0)


@dataclass(frozen=True)
class PriceSpec:
    """The pricing part of a catalog price: model, currency and amounts."""

    model: PricingModel
    currency: str
    unit_amount: Decimal | None = None
    tiers: tuple[Tier, ...] = ()


class InvalidPrice(ValueError):
    """A :class:`PriceSpec` that breaks the pricing rules."""


@dataclass(frozen=True)
class TierCharge:
    """The part of an amount that comes from one tier (for explanations and the UI).

    ``tier_index`` is the 0-based index into ``PriceSpec.tiers``; ``amount`` is
    ``quantity x unit_amount + flat_amount``, unrounded.
    """

    tier_index: int
    quantity: int
    unit_amount: Decimal
    flat_amount: Decimal
    amount: Decimal


def _check_amount(value: Decimal, what: str) -> None:
    try:
        check_unit_amount(value)  # also rejects a non-Decimal
    except ValueError as exc:
        raise InvalidPrice(f"{what}: {exc}") from None


def _validate_tiers(tiers: tuple[Tier, ...]) -> None:
    if not isinstance(tiers, tuple) or not tiers:
        raise InvalidPrice("tiered and volume prices need at least one tier")
    previous = 0
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        where = f"tier {index + 1}"
        if not isinstance(tier, Tier):
            raise InvalidPrice(f"{where}: must be a Tier, got {tier!r}")
        _check_amount(tier.unit_amount, f"{where} unit_amount")
        _check_amount(tier.flat_amount, f"{where} flat_amount")
        if tier.up_to is None:
            if index != last:
                raise InvalidPrice(f"{where}: only the last tier may have no up_to")
            continue
        if index == last:
            raise InvalidPrice(
                f"{where}: the last tier must be open-ended (up_to None), got {tier.up_to}"
            )
        if isinstance(tier.up_to, bool) or not isinstance(tier.up_to, int):
            raise InvalidPrice(f"{where}: up_to must be an int, got {tier.up_to!r}")
        if tier.up_to <= previous:
            raise InvalidPrice(
                f"{where}: up_to must be a positive int greater than the previous tier's "
                f"up_to ({previous}), got {tier.up_to}"
            )
        previous = tier.up_to


def validate_price(spec: PriceSpec) -> None:
    """Raise :class:`InvalidPrice`, naming the problem, unless ``spec`` is a valid price.

    Rules: the currency is known; ``FLAT`` and ``PER_UNIT`` need ``unit_amount`` and no
    tiers; ``TIERED`` and ``VOLUME`` need at least one tier and no ``unit_amount``; tiers'
    ``up_to`` are strictly increasing positive ints and only the last tier, which must be,
    is open-ended (``None``); every amount is a non-negative ``Decimal`` with at most 6
    decimal places.
    """
    try:
        model = PricingModel(spec.model)
    except ValueError:
        raise InvalidPrice(f"unknown pricing model: {spec.model!r}") from None
    try:
        minor_unit(spec.currency)
    except CurrencyError as exc:
        raise InvalidPrice(str(exc)) from None
    if model in _SIMPLE_MODELS:
        if spec.unit_amount is None:
            raise InvalidPrice(f"{model} price needs a unit_amount")
        if spec.tiers:
            raise InvalidPrice(f"{model} price must not have tiers")
        _check_amount(spec.unit_amount, "unit_amount")
    else:
        if spec.unit_amount is not None:
            raise InvalidPrice(f"{model} price must not have a unit_amount (use tiers)")
        _validate_tiers(spec.tiers)


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValueError(f"quantity must be an int, got {quantity!r}")
    if quantity < 0:
        raise ValueError(f"quantity must not be negative, got {quantity}")


def _require_tiers(spec: PriceSpec) -> tuple[Tier, ...]:
    if not spec.tiers or spec.tiers[-1].up_to is not None:
        raise InvalidPrice(
            f"{spec.model} price needs tiers ending with an open-ended tier; validate it"
        )
    return spec.tiers


def _graduated(tiers: tuple[Tier, ...], quantity: int) -> tuple[TierCharge, ...]:
    charges: list[TierCharge] = []
    lower = 0  # units already priced by earlier tiers
    for index, tier in enumerate(tiers):
        if quantity <= lower:
            break
        upper = quantity if tier.up_to is None else min(quantity, tier.up_to)
        units = upper - lower
        amount = units * tier.unit_amount + tier.flat_amount
        charges.append(TierCharge(index, units, tier.unit_amount, tier.flat_amount, amount))
        lower = upper
    return tuple(charges)


def _volume(tiers: tuple[Tier, ...], quantity: int) -> tuple[TierCharge, ...]:
    if quantity == 0:
        return ()
    for index, tier in enumerate(tiers):
        if tier.up_to is None or quantity <= tier.up_to:
            amount = quantity * tier.unit_amount + tier.flat_amount
            return (TierCharge(index, quantity, tier.unit_amount, tier.flat_amount, amount),)
    raise InvalidPrice("volume price has no tier for this quantity; validate it")


def tier_breakdown(spec: PriceSpec, quantity: int) -> tuple[TierCharge, ...]:
    """How a ``TIERED`` or ``VOLUME`` amount is made: one charge per tier used.

    Graduated prices give one charge per tier with at least one unit, in order; volume
    prices give the single tier the whole quantity falls in (none for quantity 0). The sum
    of the charges' ``amount`` equals :func:`unrounded_amount`. ``FLAT`` and ``PER_UNIT``
    give an empty tuple. Assumes ``spec`` passed :func:`validate_price`; raises
    ``ValueError`` for a negative or non-int quantity.
    """
    _check_quantity(quantity)
    if spec.model not in _TIERED_MODELS:
        return ()
    tiers = _require_tiers(spec)
    with exact_context():
        if spec.model == PricingModel.TIERED:
            return _graduated(tiers, quantity)
        return _volume(tiers, quantity)


def unrounded_amount(spec: PriceSpec, quantity: int) -> Decimal:
    """The amount for ``quantity`` units over one period, at full (exact) precision.

    Assumes ``spec`` passed :func:`validate_price` (it is not re-validated here); raises
    ``ValueError`` for a negative or non-int quantity and :class:`InvalidPrice` for a spec
    too malformed to price.
    """
    _check_quantity(quantity)
    if spec.model in _SIMPLE_MODELS:
        if spec.unit_amount is None:
            raise InvalidPrice(f"{spec.model} price needs a unit_amount; validate it")
        if quantity == 0:
            return Decimal(0)
        if spec.model == PricingModel.FLAT:
            return spec.unit_amount
        with exact_context():
            return quantity * spec.unit_amount
    charges = tier_breakdown(spec, quantity)
    with exact_context():
        return sum((charge.amount for charge in charges), Decimal(0))


def price_amount(spec: PriceSpec, quantity: int) -> Decimal:
    """The line amount for ``quantity`` units over one period, rounded once.

    Equal to ``round_money(unrounded_amount(spec, quantity), spec.currency)``: half-up, to
    the currency's minor unit, with the currency's exponent (e.g. ``Decimal("120.00")``).
    """
    return round_money(unrounded_amount(spec, quantity), spec.currency)

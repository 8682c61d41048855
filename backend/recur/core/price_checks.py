"""Checking a price before it goes on sale: every problem named by its field, and the volume
cliffs where buying more costs less in total. Pure functions, no I/O.

:func:`recur.core.pricing.validate_price` stops at the first problem, for code that prices;
:func:`price_problems` lists them all with the input field at fault, for the people who
write prices (docs/administration.md, "Catalog").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from recur.core.money import MAX_AMOUNT, CurrencyError, check_unit_amount, minor_unit
from recur.core.pricing import PriceSpec, PricingModel, Tier, price_amount

#: The most bands one price may have: more is a price list, not a price.
MAX_TIERS = 20

Field = tuple[str, ...]


@dataclass(frozen=True)
class PriceProblem:
    """One thing wrong with a price: the input field (e.g. ``("tiers", "2", "upTo")``, tiers
    counted from 0 like GraphQL paths) and what is wrong with it."""

    field: Field
    message: str


@dataclass(frozen=True)
class VolumeCliff:
    """A tier boundary where one more unit lowers the total: ``quantity`` units cost
    ``amount``, less than the ``fewer`` units just below cost (``fewer_amount``)."""

    quantity: int
    amount: Decimal
    fewer: int
    fewer_amount: Decimal


def amount_problem(value: Decimal | None, field: Field) -> PriceProblem | None:
    """Why ``value`` is not a valid unit or flat amount, or ``None``: it must be given, be
    non-negative, have at most 6 decimal places and stay within a trillion."""
    if value is None:
        return PriceProblem(field, "Give an amount.")
    try:
        check_unit_amount(value)
    except ValueError:
        return PriceProblem(
            field, "Amounts are zero or more, with at most 6 decimal places (e.g. 0.0125)."
        )
    if value > MAX_AMOUNT:
        return PriceProblem(field, f"Amounts are at most {MAX_AMOUNT:,}.")
    return None


def _tier_problems(tiers: tuple[Tier, ...]) -> list[PriceProblem]:
    if not tiers:
        return [PriceProblem(("tiers",), "Tiered and volume prices need at least one tier.")]
    if len(tiers) > MAX_TIERS:
        return [PriceProblem(("tiers",), f"A price has at most {MAX_TIERS} tiers.")]
    problems: list[PriceProblem] = []
    previous = 0
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        at = ("tiers", str(index))
        for name, value in (("unitAmount", tier.unit_amount), ("flatAmount", tier.flat_amount)):
            problem = amount_problem(value, (*at, name))
            if problem:
                problems.append(problem)
        if index == last:
            if tier.up_to is not None:
                problems.append(
                    PriceProblem((*at, "upTo"), "The last tier is open: leave its end empty.")
                )
        elif tier.up_to is None:
            problems.append(PriceProblem((*at, "upTo"), "Only the last tier may be open."))
        elif tier.up_to <= previous:
            problems.append(
                PriceProblem(
                    (*at, "upTo"),
                    f"Tiers ascend: this one must end above {previous}.",
                )
            )
        else:
            previous = tier.up_to
    return problems


def price_problems(spec: PriceSpec) -> list[PriceProblem]:
    """Every problem of ``spec``, each naming its field; empty for a valid price.

    The rules are :func:`recur.core.pricing.validate_price`'s: a known ISO 4217 currency;
    ``FLAT`` and ``PER_UNIT`` take a ``unitAmount`` and no tiers; ``TIERED`` and ``VOLUME``
    take 1 to :data:`MAX_TIERS` tiers, ``upTo`` ascending, the last open, and no
    ``unitAmount``; amounts are ≥ 0 with at most 6 decimal places.
    """
    problems: list[PriceProblem] = []
    try:
        minor_unit(spec.currency)
    except CurrencyError:
        problems.append(PriceProblem(("currency",), "Use an ISO 4217 currency code, e.g. USD."))
    if spec.model in (PricingModel.FLAT, PricingModel.PER_UNIT):
        if spec.tiers:
            problems.append(PriceProblem(("tiers",), f"A {spec.model} price has no tiers."))
        problem = amount_problem(spec.unit_amount, ("unitAmount",))
        if problem:
            problems.append(problem)
        return problems
    if spec.unit_amount is not None:
        problems.append(
            PriceProblem(("unitAmount",), f"A {spec.model} price keeps its amounts in tiers.")
        )
    return problems + _tier_problems(spec.tiers)


def volume_cliffs(spec: PriceSpec) -> list[VolumeCliff]:
    """The boundaries of a valid price where the first unit of the next tier makes the total
    smaller (a ``VOLUME`` price whose cheaper rate is not offset by a flat fee).

    Within one tier the total only grows, and graduated, flat and per-unit prices never
    shrink, so comparing each boundary with the unit after it finds every cliff.
    """
    cliffs: list[VolumeCliff] = []
    for tier in spec.tiers:
        if tier.up_to is None:
            continue
        fewer_amount = price_amount(spec, tier.up_to)
        amount = price_amount(spec, tier.up_to + 1)
        if amount < fewer_amount:
            cliffs.append(VolumeCliff(tier.up_to + 1, amount, tier.up_to, fewer_amount))
    return cliffs

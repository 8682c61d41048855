"""Unit and property tests for recur.core.pricing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recur.core.money import MINOR_UNITS, minor_unit, round_money
from recur.core.pricing import (
    InvalidPrice,
    PriceSpec,
    PricingModel,
    Tier,
    TierCharge,
    price_amount,
    tier_breakdown,
    unrounded_amount,
    validate_price,
)

D = Decimal

# Graduated / volume example: 1-10 at 10.00, 11-50 at 8.00 (+20.00 flat), 51+ at 5.00.
EXAMPLE_TIERS = (
    Tier(up_to=10, unit_amount=D("10.00")),
    Tier(up_to=50, unit_amount=D("8.00"), flat_amount=D("20.00")),
    Tier(up_to=None, unit_amount=D("5.00")),
)
GRADUATED = PriceSpec(PricingModel.TIERED, "USD", tiers=EXAMPLE_TIERS)
VOLUME = PriceSpec(PricingModel.VOLUME, "USD", tiers=EXAMPLE_TIERS)


def test_pricing_model_values() -> None:
    assert [m.value for m in PricingModel] == ["FLAT", "PER_UNIT", "TIERED", "VOLUME"]
    assert PricingModel("TIERED") is PricingModel.TIERED


# --- worked examples -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (0, "0.00"),
        (1, "10.00"),  # 1 x 10
        (10, "100.00"),  # 10 x 10
        (11, "128.00"),  # 100 + 1 x 8 + 20 flat
        (50, "440.00"),  # 100 + 40 x 8 + 20 flat
        (51, "445.00"),  # 440 + 1 x 5
        (120, "790.00"),  # 440 + 70 x 5
    ],
)
def test_graduated_example(quantity: int, expected: str) -> None:
    validate_price(GRADUATED)
    result = price_amount(GRADUATED, quantity)
    assert result == D(expected)
    assert str(result) == expected


def test_graduated_breakdown_example() -> None:
    assert tier_breakdown(GRADUATED, 120) == (
        TierCharge(0, 10, D("10.00"), D(0), D("100.00")),
        TierCharge(1, 40, D("8.00"), D("20.00"), D("340.00")),
        TierCharge(2, 70, D("5.00"), D(0), D("350.00")),
    )
    assert tier_breakdown(GRADUATED, 11) == (
        TierCharge(0, 10, D("10.00"), D(0), D("100.00")),
        TierCharge(1, 1, D("8.00"), D("20.00"), D("28.00")),
    )
    assert tier_breakdown(GRADUATED, 0) == ()


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (0, "0.00"),  # no flat fee for nothing
        (1, "10.00"),  # 1 x 10
        (10, "100.00"),  # 10 x 10: boundary stays in tier 1
        (11, "108.00"),  # 11 x 8 + 20 flat
        (50, "420.00"),  # 50 x 8 + 20 flat: boundary stays in tier 2
        (51, "255.00"),  # 51 x 5
        (120, "600.00"),  # 120 x 5
    ],
)
def test_volume_example(quantity: int, expected: str) -> None:
    validate_price(VOLUME)
    result = price_amount(VOLUME, quantity)
    assert result == D(expected)
    assert str(result) == expected


def test_volume_breakdown_example() -> None:
    assert tier_breakdown(VOLUME, 11) == (TierCharge(1, 11, D("8.00"), D("20.00"), D("108.00")),)
    assert tier_breakdown(VOLUME, 0) == ()


def test_flat() -> None:
    spec = PriceSpec(PricingModel.FLAT, "EUR", unit_amount=D("49.99"))
    validate_price(spec)
    assert price_amount(spec, 0) == D("0.00")
    assert price_amount(spec, 1) == D("49.99")
    assert price_amount(spec, 5) == D("49.99")
    assert tier_breakdown(spec, 5) == ()


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (0, "0.00"),
        (1, "0.01"),  # 0.0125 -> 0.01
        (2, "0.03"),  # 0.025 -> 0.03 (half-up)
        (3, "0.04"),  # 0.0375 -> 0.04
        (4, "0.05"),  # 0.05
        (1000, "12.50"),
    ],
)
def test_per_unit_rounds_half_up(quantity: int, expected: str) -> None:
    spec = PriceSpec(PricingModel.PER_UNIT, "USD", unit_amount=D("0.0125"))
    validate_price(spec)
    assert unrounded_amount(spec, quantity) == D("0.0125") * quantity
    result = price_amount(spec, quantity)
    assert str(result) == expected
    assert tier_breakdown(spec, quantity) == ()


def test_jpy_rounding() -> None:
    spec = PriceSpec(PricingModel.PER_UNIT, "JPY", unit_amount=D("0.5"))
    assert str(price_amount(spec, 1)) == "1"  # 0.5 -> 1
    assert str(price_amount(spec, 3)) == "2"  # 1.5 -> 2
    assert str(price_amount(spec, 4)) == "2"
    flat = PriceSpec(PricingModel.FLAT, "JPY", unit_amount=D("1200"))
    assert str(price_amount(flat, 2)) == "1200"


def test_rounds_once_not_per_tier() -> None:
    spec = PriceSpec(
        PricingModel.TIERED,
        "USD",
        tiers=(Tier(1, D("0.005")), Tier(None, D("0.005"))),
    )
    assert unrounded_amount(spec, 2) == D("0.010")
    assert price_amount(spec, 2) == D("0.01")  # per-tier rounding would give 0.02


def test_huge_quantity_is_exact() -> None:
    spec = PriceSpec(PricingModel.PER_UNIT, "USD", unit_amount=D("0.000001"))
    assert unrounded_amount(spec, 10**12) == D("1000000")
    big = PriceSpec(PricingModel.PER_UNIT, "USD", unit_amount=D("999999999999.999999"))
    # (10**12 - 1) x (10**12 - 10**-6) = 10**24 - 10**12 - 10**6 + 10**-6
    assert unrounded_amount(big, 10**12 - 1) == D("999999999998999999000000.000001")
    assert str(price_amount(big, 10**12 - 1)) == "999999999998999999000000.00"


@pytest.mark.parametrize("quantity", [-1, True, False, 1.0, D(1)])
def test_bad_quantity(quantity: int) -> None:
    for spec in (GRADUATED, VOLUME, PriceSpec(PricingModel.FLAT, "USD", unit_amount=D(1))):
        with pytest.raises(ValueError, match="quantity"):
            price_amount(spec, quantity)
        with pytest.raises(ValueError, match="quantity"):
            tier_breakdown(spec, quantity)


# --- validation ------------------------------------------------------------------------


def test_invalid_price_is_value_error() -> None:
    assert issubclass(InvalidPrice, ValueError)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (PriceSpec(PricingModel.FLAT, "USD"), "needs a unit_amount"),
        (PriceSpec(PricingModel.PER_UNIT, "USD"), "needs a unit_amount"),
        (
            PriceSpec(PricingModel.FLAT, "USD", unit_amount=D(1), tiers=EXAMPLE_TIERS),
            "must not have tiers",
        ),
        (PriceSpec(PricingModel.TIERED, "USD"), "at least one tier"),
        (PriceSpec(PricingModel.VOLUME, "USD"), "at least one tier"),
        (
            PriceSpec(PricingModel.VOLUME, "USD", unit_amount=D(1), tiers=EXAMPLE_TIERS),
            "must not have a unit_amount",
        ),
        (PriceSpec(PricingModel.PER_UNIT, "XYZ", unit_amount=D(1)), "unknown currency"),
        (PriceSpec("BOGUS", "USD", unit_amount=D(1)), "unknown pricing model"),  # type: ignore[arg-type]
        (PriceSpec(PricingModel.PER_UNIT, "USD", unit_amount=D("-1")), "negative"),
        (PriceSpec(PricingModel.PER_UNIT, "USD", unit_amount=D("0.0000001")), "decimal places"),
        (PriceSpec(PricingModel.FLAT, "USD", unit_amount=D("NaN")), "finite"),
        (PriceSpec(PricingModel.FLAT, "USD", unit_amount=1.5), "Decimal"),  # type: ignore[arg-type]
        (
            PriceSpec(PricingModel.TIERED, "USD", tiers=(Tier(10, D(1)),)),
            "last tier must be open-ended",
        ),
        (
            PriceSpec(PricingModel.TIERED, "USD", tiers=(Tier(None, D(1)), Tier(None, D(1)))),
            "only the last tier",
        ),
        (
            PriceSpec(
                PricingModel.TIERED, "USD", tiers=(Tier(10, D(1)), Tier(10, D(1)), Tier(None, D(1)))
            ),
            "greater than the previous",
        ),
        (
            PriceSpec(
                PricingModel.TIERED, "USD", tiers=(Tier(10, D(1)), Tier(5, D(1)), Tier(None, D(1)))
            ),
            "greater than the previous",
        ),
        (
            PriceSpec(PricingModel.VOLUME, "USD", tiers=(Tier(0, D(1)), Tier(None, D(1)))),
            "positive",
        ),
        (
            PriceSpec(PricingModel.VOLUME, "USD", tiers=(Tier(-3, D(1)), Tier(None, D(1)))),
            "positive",
        ),
        (
            PriceSpec(PricingModel.VOLUME, "USD", tiers=(Tier(True, D(1)), Tier(None, D(1)))),
            "must be an int",
        ),
        (
            PriceSpec(PricingModel.VOLUME, "USD", tiers=(Tier(2.5, D(1)), Tier(None, D(1)))),  # type: ignore[arg-type]
            "must be an int",
        ),
        (
            PriceSpec(PricingModel.TIERED, "USD", tiers=(Tier(None, D("-0.5")),)),
            "tier 1 unit_amount.*negative",
        ),
        (
            PriceSpec(PricingModel.TIERED, "USD", tiers=(Tier(None, D(1), D("0.1234567")),)),
            "tier 1 flat_amount.*decimal places",
        ),
    ],
)
def test_invalid_specs(spec: PriceSpec, message: str) -> None:
    with pytest.raises(InvalidPrice, match=message):
        validate_price(spec)


def test_unvalidated_malformed_spec_is_refused_not_priced() -> None:
    no_amount = PriceSpec(PricingModel.PER_UNIT, "USD")
    closed = PriceSpec(PricingModel.VOLUME, "USD", tiers=(Tier(10, D(1)),))
    empty = PriceSpec(PricingModel.TIERED, "USD")
    for spec in (no_amount, closed, empty):
        with pytest.raises(InvalidPrice):
            price_amount(spec, 5)


# --- properties ------------------------------------------------------------------------

MICRO_PER_UNIT = 10**6


def amounts(max_micros: int = 10**9) -> st.SearchStrategy[Decimal]:
    """Non-negative decimals with 0-6 places, built from integers (never floats)."""
    return st.builds(
        lambda n, places: D(f"{n // 10 ** (6 - places)}E-{places}"),
        st.integers(min_value=0, max_value=max_micros),
        st.integers(min_value=0, max_value=6),
    )


def to_micros(value: Decimal) -> int:
    """Exact integer micro-units of a non-negative decimal with at most 6 places."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    assert exponent >= -6
    scale: int = 10 ** (6 + exponent)
    return int("".join(map(str, digits))) * scale


@st.composite
def tier_tables(
    draw: st.DrawFn,
    *,
    max_tiers: int = 5,
    max_bound: int = 1000,
    non_increasing: bool = False,
    flat_fees: bool = True,
    max_micros: int = 10**9,
) -> tuple[Tier, ...]:
    """Valid tier tables: strictly increasing positive bounds, the last open-ended."""
    count = draw(st.integers(min_value=1, max_value=max_tiers))
    bounds = sorted(
        draw(
            st.sets(
                st.integers(min_value=1, max_value=max_bound),
                min_size=count - 1,
                max_size=count - 1,
            )
        )
    )
    units = draw(st.lists(amounts(max_micros), min_size=count, max_size=count))
    if non_increasing:
        units.sort(reverse=True)
    flat = amounts(max_micros) if flat_fees else st.just(D(0))
    flats = draw(st.lists(flat, min_size=count, max_size=count))
    up_tos: list[int | None] = [*bounds, None]
    return tuple(Tier(u, a, f) for u, a, f in zip(up_tos, units, flats, strict=True))


currencies = st.sampled_from(sorted(MINOR_UNITS))
quantities = st.integers(min_value=0, max_value=2000)


@st.composite
def specs(draw: st.DrawFn) -> PriceSpec:
    """Valid price specs of every model."""
    model = draw(st.sampled_from(list(PricingModel)))
    currency = draw(currencies)
    if model in (PricingModel.FLAT, PricingModel.PER_UNIT):
        return PriceSpec(model, currency, unit_amount=draw(amounts()))
    return PriceSpec(model, currency, tiers=draw(tier_tables()))


def expected_micros(spec: PriceSpec, quantity: int) -> int:
    """Independent integer re-derivation of the unrounded amount, in micro-units."""
    if spec.model is PricingModel.FLAT:
        assert spec.unit_amount is not None
        return to_micros(spec.unit_amount) if quantity else 0
    if spec.model is PricingModel.PER_UNIT:
        assert spec.unit_amount is not None
        return quantity * to_micros(spec.unit_amount)
    if quantity == 0:
        return 0
    ranges = []  # (first unit, last unit or None, tier)
    first = 1
    for tier in spec.tiers:
        ranges.append((first, tier.up_to, tier))
        if tier.up_to is not None:
            first = tier.up_to + 1
    if spec.model is PricingModel.VOLUME:
        for low, high, tier in ranges:
            if low <= quantity and (high is None or quantity <= high):
                return quantity * to_micros(tier.unit_amount) + to_micros(tier.flat_amount)
        raise AssertionError("no tier")
    total = 0
    for low, high, tier in ranges:
        top = quantity if high is None else min(high, quantity)
        if top >= low:
            total += (top - low + 1) * to_micros(tier.unit_amount) + to_micros(tier.flat_amount)
    return total


def half_up_from_micros(micros: int, currency: str) -> Decimal:
    places = minor_unit(currency)
    scale = 10 ** (6 - places)
    return D(f"{(micros + scale // 2) // scale}E-{places}")


@given(specs())
def test_generated_specs_are_valid(spec: PriceSpec) -> None:
    validate_price(spec)


@given(tier_tables(non_increasing=True), quantities)
def test_graduated_bounded_by_first_price_plus_reached_flats(
    tiers: tuple[Tier, ...], quantity: int
) -> None:
    spec = PriceSpec(PricingModel.TIERED, "USD", tiers=tiers)
    reached_flats = sum(charge.flat_amount for charge in tier_breakdown(spec, quantity))
    # Independently: a tier is reached when the quantity exceeds the previous bound.
    previous = 0
    expected_flats = D(0)
    for tier in tiers:
        if quantity > previous:
            expected_flats += tier.flat_amount
        previous = previous if tier.up_to is None else tier.up_to
    assert reached_flats == expected_flats
    bound = quantity * tiers[0].unit_amount + expected_flats
    assert unrounded_amount(spec, quantity) <= bound


@given(amounts(), currencies, quantities)
def test_graduated_single_open_tier_is_per_unit(
    unit_amount: Decimal, currency: str, quantity: int
) -> None:
    graduated = PriceSpec(PricingModel.TIERED, currency, tiers=(Tier(None, unit_amount),))
    per_unit = PriceSpec(PricingModel.PER_UNIT, currency, unit_amount=unit_amount)
    assert unrounded_amount(graduated, quantity) == unrounded_amount(per_unit, quantity)
    assert price_amount(graduated, quantity) == price_amount(per_unit, quantity)


@given(tier_tables())
def test_volume_boundaries(tiers: tuple[Tier, ...]) -> None:
    spec = PriceSpec(PricingModel.VOLUME, "EUR", tiers=tiers)
    for index, tier in enumerate(tiers[:-1]):
        assert tier.up_to is not None
        (at,) = tier_breakdown(spec, tier.up_to)
        assert at.tier_index == index
        assert unrounded_amount(spec, tier.up_to) == (
            tier.up_to * tier.unit_amount + tier.flat_amount
        )
        (after,) = tier_breakdown(spec, tier.up_to + 1)
        assert after.tier_index == index + 1
        following = tiers[index + 1]
        assert unrounded_amount(spec, tier.up_to + 1) == (
            (tier.up_to + 1) * following.unit_amount + following.flat_amount
        )


@given(tier_tables(non_increasing=True, flat_fees=False), quantities)
def test_volume_bounded_by_first_price(tiers: tuple[Tier, ...], quantity: int) -> None:
    spec = PriceSpec(PricingModel.VOLUME, "GBP", tiers=tiers)
    assert unrounded_amount(spec, quantity) <= quantity * tiers[0].unit_amount


@given(specs())
def test_zero_quantity_is_zero(spec: PriceSpec) -> None:
    assert unrounded_amount(spec, 0) == 0
    assert price_amount(spec, 0) == 0
    assert tier_breakdown(spec, 0) == ()


@st.composite
def huge_specs(draw: st.DrawFn) -> PriceSpec:
    model = draw(st.sampled_from(list(PricingModel)))
    currency = draw(currencies)
    if model in (PricingModel.FLAT, PricingModel.PER_UNIT):
        return PriceSpec(model, currency, unit_amount=draw(amounts(10**15)))
    tiers = draw(tier_tables(max_bound=10**12, max_micros=10**15))
    return PriceSpec(model, currency, tiers=tiers)


@settings(deadline=None)
@given(huge_specs(), st.integers(min_value=0, max_value=10**12))
def test_huge_quantities_are_exact(spec: PriceSpec, quantity: int) -> None:
    micros = expected_micros(spec, quantity)
    assert unrounded_amount(spec, quantity) == D(f"{micros}E-6")
    assert price_amount(spec, quantity) == half_up_from_micros(micros, spec.currency)


@given(specs(), quantities)
def test_matches_integer_rederivation(spec: PriceSpec, quantity: int) -> None:
    micros = expected_micros(spec, quantity)
    assert unrounded_amount(spec, quantity) == D(f"{micros}E-6")
    assert price_amount(spec, quantity) == half_up_from_micros(micros, spec.currency)


@given(specs(), quantities)
def test_rounding_happens_once(spec: PriceSpec, quantity: int) -> None:
    result = price_amount(spec, quantity)
    assert result == round_money(unrounded_amount(spec, quantity), spec.currency)
    assert result.as_tuple().exponent == -minor_unit(spec.currency)


@given(
    st.sampled_from([PricingModel.TIERED, PricingModel.VOLUME]),
    tier_tables(),
    quantities,
)
def test_breakdown_sums_to_unrounded(
    model: PricingModel, tiers: tuple[Tier, ...], quantity: int
) -> None:
    spec = PriceSpec(model, "CHF", tiers=tiers)
    charges = tier_breakdown(spec, quantity)
    assert sum((c.amount for c in charges), D(0)) == unrounded_amount(spec, quantity)
    assert sum(c.quantity for c in charges) == quantity
    for charge in charges:
        tier = tiers[charge.tier_index]
        assert charge.quantity > 0
        assert (charge.unit_amount, charge.flat_amount) == (tier.unit_amount, tier.flat_amount)
        assert charge.amount == charge.quantity * tier.unit_amount + tier.flat_amount


@given(tier_tables(), quantities, quantities)
def test_graduated_is_non_decreasing(tiers: tuple[Tier, ...], q1: int, q2: int) -> None:
    spec = PriceSpec(PricingModel.TIERED, "CAD", tiers=tiers)
    low, high = sorted((q1, q2))
    assert unrounded_amount(spec, low) <= unrounded_amount(spec, high)
    assert price_amount(spec, low) <= price_amount(spec, high)

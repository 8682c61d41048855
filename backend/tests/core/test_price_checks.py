"""Checking prices as they are written: problems by field, and volume cliffs."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from recur.core.price_checks import MAX_TIERS, VolumeCliff, price_problems, volume_cliffs
from recur.core.pricing import PriceSpec, PricingModel, Tier, price_amount, validate_price
from recur.demo import CATALOG

VOLUME, TIERED = PricingModel.VOLUME, PricingModel.TIERED


def tiers(*rows: tuple[int | None, str, str]) -> tuple[Tier, ...]:
    return tuple(Tier(up_to, D(unit), D(flat)) for up_to, unit, flat in rows)


def fields(spec: PriceSpec) -> list[tuple[str, ...]]:
    return [problem.field for problem in price_problems(spec)]


def test_a_valid_price_has_no_problems() -> None:
    spec = PriceSpec(TIERED, "USD", None, tiers((10, "20", "0"), (None, "15.5", "100")))
    assert price_problems(spec) == []
    validate_price(spec)  # the pricing core agrees


def test_each_bad_tier_field_is_named_by_its_position() -> None:
    spec = PriceSpec(
        VOLUME,
        "USD",
        None,
        tiers((10, "-1", "0"), (10, "5", "0.0000001"), (None, "4", "0"), (None, "3", "0")),
    )
    assert fields(spec) == [
        ("tiers", "0", "unitAmount"),
        ("tiers", "1", "flatAmount"),
        ("tiers", "1", "upTo"),
        ("tiers", "2", "upTo"),
    ]


def test_the_last_tier_is_open_and_tiers_ascend() -> None:
    spec = PriceSpec(TIERED, "EUR", None, tiers((50, "9", "0"), (20, "8", "0"), (90, "7", "0")))
    problems = price_problems(spec)
    assert [p.field for p in problems] == [("tiers", "1", "upTo"), ("tiers", "2", "upTo")]
    assert "ascend" in problems[0].message and "open" in problems[1].message


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (PriceSpec(PricingModel.FLAT, "XAU", D(1)), ("currency",)),
        (PriceSpec(PricingModel.FLAT, "usd", D(1)), ("currency",)),
        (PriceSpec(PricingModel.PER_UNIT, "USD", None), ("unitAmount",)),
        (PriceSpec(PricingModel.FLAT, "USD", D("1e13")), ("unitAmount",)),
        (PriceSpec(PricingModel.FLAT, "USD", D(1), tiers((None, "1", "0"))), ("tiers",)),
        (PriceSpec(TIERED, "USD", D(1), tiers((None, "1", "0"))), ("unitAmount",)),
        (PriceSpec(TIERED, "USD", None, ()), ("tiers",)),
        (PriceSpec(VOLUME, "USD", None, tiers(*[(None, "1", "0")] * (MAX_TIERS + 1))), ("tiers",)),
    ],
)
def test_every_refusal_names_its_field(spec: PriceSpec, field: tuple[str, ...]) -> None:
    assert fields(spec) == [field]


def test_any_iso_4217_currency_is_accepted_with_its_minor_unit() -> None:
    spec = PriceSpec(PricingModel.PER_UNIT, "BHD", D("1.2345"))
    assert price_problems(spec) == []
    assert price_amount(spec, 1) == D("1.235")  # the dinar has three decimal places


def test_a_volume_price_without_bridging_fees_has_a_cliff_at_each_cheaper_band() -> None:
    spec = PriceSpec(VOLUME, "USD", None, tiers((10, "12", "0"), (50, "9", "0"), (None, "6", "0")))
    assert volume_cliffs(spec) == [
        VolumeCliff(11, D("99.00"), 10, D("120.00")),
        VolumeCliff(51, D("306.00"), 50, D("450.00")),
    ]


def test_flat_fees_that_bridge_the_bands_leave_no_cliff() -> None:
    spec = PriceSpec(
        VOLUME, "USD", None, tiers((10, "12", "0"), (50, "9", "30"), (None, "6", "180"))
    )
    assert volume_cliffs(spec) == []
    assert price_amount(spec, 50) < price_amount(spec, 51)


def test_a_graduated_price_never_has_a_cliff() -> None:
    spec = PriceSpec(TIERED, "USD", None, tiers((10, "12", "0"), (50, "1", "0"), (None, "0", "0")))
    assert volume_cliffs(spec) == []


def test_no_demo_price_has_a_volume_cliff() -> None:
    for product in CATALOG:
        for price in product.prices:
            for currency, amounts in (("USD", price.usd), ("EUR", price.eur)):
                if isinstance(amounts, str):
                    continue
                spec = PriceSpec(price.model, currency, None, tiers(*amounts))
                assert price_problems(spec) == [], product.sku
                assert volume_cliffs(spec) == [], (product.sku, currency)

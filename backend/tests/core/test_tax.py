"""Tax by jurisdiction (``core.tax``): which tax an invoice charges, and tax lines rounded
once per rate, checked on random invoices."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from recur.core.invoices import invoice_totals
from recur.core.money import round_money
from recur.core.tax import (
    EU_MEMBER_STATES,
    REVERSE_CHARGE_NOTE,
    Buyer,
    Rate,
    tax_lines,
    treatment,
    valid_eu_vat_id,
)

D = Decimal
RATES = {
    ("US", ""): Rate("Sales tax", D("5")),
    ("US", "CA"): Rate("CA sales tax", D("7.25")),
    ("DE", ""): Rate("VAT", D("19")),
    ("FR", ""): Rate("VAT", D("20")),
}
GERMAN_VAT_ID = "DE136695976"


def test_the_rate_follows_the_billing_region_then_the_country_then_the_account() -> None:
    assert treatment("US", Buyer("US", " ca "), RATES).name == "CA sales tax"
    assert treatment("US", Buyer("US", "NY"), RATES).rate_percent == D("5")
    assert treatment("US", Buyer("GB", fallback_percent=D("8.25")), RATES).rate_percent == D("8.25")


def test_an_eu_business_buyer_in_another_member_state_is_reverse_charged() -> None:
    charged = treatment("FR", Buyer("DE", tax_id=GERMAN_VAT_ID), RATES)

    assert charged.reverse_charge and charged.rate_percent == 0
    assert charged.note == REVERSE_CHARGE_NOTE


def test_no_reverse_charge_at_home_without_a_valid_vat_id_or_outside_the_eu() -> None:
    assert treatment("DE", Buyer("DE", tax_id=GERMAN_VAT_ID), RATES).rate_percent == D("19")
    assert not treatment("FR", Buyer("DE", tax_id="DE136695977"), RATES).reverse_charge
    assert not treatment("FR", Buyer("DE", tax_id="FR40303265045"), RATES).reverse_charge
    assert not treatment("US", Buyer("DE", tax_id=GERMAN_VAT_ID), RATES).reverse_charge
    assert treatment("FR", Buyer("DE"), RATES).rate_percent == D("19")


def test_a_tax_exempt_buyer_pays_none_and_the_certificate_is_noted() -> None:
    exempt = treatment("US", Buyer("US", "CA", exempt=True, exemption_certificate="X-1"), RATES)

    assert (exempt.rate_percent, exempt.note) == (0, "Tax exempt: certificate X-1.")


def test_greek_vat_ids_start_with_el() -> None:
    assert valid_eu_vat_id("EL094259216", "GR")
    assert not valid_eu_vat_id("EL094259216", "CY")
    assert "GR" in EU_MEMBER_STATES


amounts = st.decimals(min_value=D("-10000"), max_value=D("100000"), places=2)
rates = st.sampled_from(
    [Rate("VAT", D("20")), Rate("VAT", D("5.5")), Rate("GST", D("7.25")), Rate("RC", D(0))]
)


@given(st.lists(st.tuples(rates, amounts), min_size=1, max_size=30))
def test_each_rate_is_rounded_once_on_its_own_subtotal(bases: list[tuple[Rate, Decimal]]) -> None:
    lines = tax_lines(bases, "EUR")

    assert len(lines) == len({rate for rate, _ in bases})
    for line in lines:
        same = [a for r, a in bases if (r.name, r.rate_percent) == (line.name, line.rate_percent)]
        subtotal = sum(same, D(0))
        assert line.base == subtotal
        assert line.amount == round_money(subtotal * line.rate_percent / 100, "EUR")
        # Rounded once: never further than half a cent from the exact tax.
        assert abs(line.amount - subtotal * line.rate_percent / 100) <= D("0.005")
        # The same as the invoice arithmetic gives a one-rate invoice of these lines.
        assert invoice_totals(same, line.rate_percent, "EUR").tax == line.amount


@given(st.lists(amounts, min_size=1, max_size=30), st.sampled_from(sorted(EU_MEMBER_STATES)))
def test_a_reverse_charged_invoice_totals_its_subtotal(lines: list[Decimal], seller: str) -> None:
    buyer_state = "DE" if seller != "DE" else "FR"
    tax_id = GERMAN_VAT_ID if buyer_state == "DE" else "FR40303265045"
    charged = treatment(seller, Buyer(buyer_state, tax_id=tax_id), RATES)

    totals = invoice_totals(lines, charged.rate_percent, "EUR")

    assert charged.reverse_charge
    assert totals.tax == 0 and totals.total == totals.subtotal

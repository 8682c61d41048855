"""Which tax an invoice charges, and its tax lines. Pure functions, no I/O.

The rules (docs/billing.md, "Tax"), in order:

1. A tax-exempt account pays none; its certificate's reference prints on the invoice.
2. An EU business buyer, billed in another member state than the seller is established in,
   with a valid VAT id of that state, is invoiced with reverse charge: 0 %, and the legal
   note printed.
3. Otherwise the rate of the buyer's billing region (a US state, a Canadian province) if
   admins keep one, else of its country, else the account's own rate.

Tax is computed on each rate's subtotal and rounded once per rate, half-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from stdnum.eu import vat

from recur.core.money import exact_context, round_money

#: The EU member states (ISO 3166-1 alpha-2).
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
#: The prefix of a VAT id where it differs from the country code (Greece uses "EL").
VAT_PREFIX = {"GR": "EL"}
REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT is to be accounted for by the recipient "
    "(Article 196, Council Directive 2006/112/EC)."
)
REVERSE_CHARGE_NAME = "VAT reverse charge"
EXEMPT_NAME = "Tax exempt"
DEFAULT_NAME = "Tax"


@dataclass(frozen=True)
class Rate:
    """A tax as invoices name it: ``VAT`` at 20 %."""

    name: str
    rate_percent: Decimal


@dataclass(frozen=True)
class Buyer:
    """What the tax depends on about the account billed."""

    country: str
    region: str = ""
    tax_id: str = ""
    exempt: bool = False
    exemption_certificate: str = ""
    #: The account's own rate, used where no jurisdiction has one.
    fallback_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class Treatment:
    """The tax an invoice charges: its name, rate, whether it is reverse charged, and the
    note printed with it."""

    name: str
    rate_percent: Decimal
    reverse_charge: bool = False
    note: str = ""


@dataclass(frozen=True)
class TaxLine:
    name: str
    rate_percent: Decimal
    #: The subtotal the rate applies to, and the tax on it (rounded once).
    base: Decimal
    amount: Decimal


def region_key(region: str) -> str:
    """Regions compare without case or surrounding spaces ("ca", " CA " and "CA" match)."""
    return region.strip().upper()


def valid_eu_vat_id(tax_id: str, country: str) -> bool:
    """Whether ``tax_id`` is a well-formed VAT id (checksum included) of member state
    ``country``."""
    if country not in EU_MEMBER_STATES:
        return False
    compact = vat.compact(tax_id) if tax_id else ""
    if not compact.startswith(VAT_PREFIX.get(country, country)):
        return False
    return bool(vat.is_valid(compact))


def treatment(
    seller_country: str, buyer: Buyer, rates: Mapping[tuple[str, str], Rate]
) -> Treatment:
    """The tax an invoice to ``buyer`` charges; ``rates`` by (country, region key), region
    "" for the whole country."""
    if buyer.exempt:
        certificate = buyer.exemption_certificate.strip()
        note = f"Tax exempt: certificate {certificate}." if certificate else "Tax exempt."
        return Treatment(EXEMPT_NAME, Decimal(0), note=note)
    if (
        seller_country in EU_MEMBER_STATES
        and buyer.country in EU_MEMBER_STATES
        and buyer.country != seller_country
        and valid_eu_vat_id(buyer.tax_id, buyer.country)
    ):
        return Treatment(REVERSE_CHARGE_NAME, Decimal(0), True, REVERSE_CHARGE_NOTE)
    found = rates.get((buyer.country, region_key(buyer.region))) if buyer.region else None
    found = found or rates.get((buyer.country, ""))
    if found is not None:
        return Treatment(found.name, found.rate_percent)
    return Treatment(DEFAULT_NAME, buyer.fallback_percent)


def tax_lines(bases: Iterable[tuple[Rate, Decimal]], currency: str) -> list[TaxLine]:
    """One tax line per (name, rate) among ``bases`` (a rate and an amount it applies to):
    the amounts added up exactly, then the tax on that subtotal rounded once, half-up. In
    the order the rates first appear."""
    subtotals: dict[Rate, Decimal] = {}
    with exact_context():
        for rate, amount in bases:
            subtotals[rate] = subtotals.get(rate, Decimal(0)) + amount
    return [
        TaxLine(
            rate.name,
            rate.rate_percent,
            round_money(base, currency),
            _rounded_tax(base, rate.rate_percent, currency),
        )
        for rate, base in subtotals.items()
    ]


def _rounded_tax(base: Decimal, rate_percent: Decimal, currency: str) -> Decimal:
    with exact_context():
        return round_money((base * rate_percent).scaleb(-2), currency)

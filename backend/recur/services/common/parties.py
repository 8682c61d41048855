"""How documents address an account: the billing details an invoice freezes when issued,
and the buyer as printed (docs/billing.md, "Invoices as documents")."""

from __future__ import annotations

from typing import Any

import pycountry

from recur.db.models import Account
from recur.documents import Party


def bill_to(account: Account) -> dict[str, Any]:
    """The account's billing details as a document keeps them."""
    return {
        "name": account.name,
        "taxId": account.tax_id,
        "email": account.billing_email,
        "address": {
            "line1": account.billing_line1,
            "line2": account.billing_line2,
            "city": account.billing_city,
            "postalCode": account.billing_postal_code,
            "region": account.billing_region,
            "country": account.billing_country,
        },
    }


def buyer_party(snapshot: dict[str, Any]) -> Party:
    """The buyer as a document addresses it: name, address, billing email, tax id."""
    address = snapshot.get("address") or {}
    city = " ".join(
        part for part in (address.get("postalCode", ""), address.get("city", "")) if part
    )
    region = ", ".join(part for part in (city, address.get("region", "")) if part)
    details = [
        address.get("line1", ""),
        address.get("line2", ""),
        region,
        _country_name(address.get("country", "")),
        snapshot.get("email", ""),
        f"Tax ID {snapshot['taxId']}" if snapshot.get("taxId") else "",
    ]
    return Party(str(snapshot.get("name", "")), tuple(str(d) for d in details if d))


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "name", code) if country else code

"""How far ahead a billing run may be asked for (docs/billing.md, "Bounds").

A run for a date far ahead renews every term up to it and invoices every period on the
way: one request could write decades of renewals and invoices that nobody can take back
but by voiding them one by one. Finance bills ahead for the coming months, never years.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from recur.services.common import Invalid

#: The latest date a billing run may be asked for: today plus this.
BILLING_HORIZON = relativedelta(years=1)


def check_billing_date(as_of: date, *, today: date) -> None:
    """Refuse a billing run for a date past the horizon (today + one year)."""
    latest = today + BILLING_HORIZON
    if as_of > latest:
        raise Invalid.one(
            "asOf",
            f"A billing run may look ahead one year at most: asOf must be on or before "
            f"{latest.isoformat()}.",
            "AS_OF_TOO_LATE",
        )

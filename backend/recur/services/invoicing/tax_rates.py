"""The tax rates admins keep by country and region (docs/billing.md, "Tax"): staff read
them, admins set and remove them, each change in the audit log. An invoice takes the rate
of its account's billing region, else its country (``core.tax``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import pycountry
from sqlalchemy import select

from recur.core.roles import STAFF_ROLES, Role
from recur.core.tax import region_key
from recur.db.engine import Database
from recur.db.models import TaxRate
from recur.services.common import Actor, Forbidden, Invalid, NotAuthenticated, Problem, audit

RATE_PLACES = 4


def _require(actor: Actor, *, write: bool) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if write and actor.role is not Role.ADMIN:
        raise Forbidden("Only admins change tax rates.")
    if actor.role not in STAFF_ROLES:
        raise Forbidden("Only staff read tax rates.")


async def list_tax_rates(db: Database, actor: Actor) -> list[TaxRate]:
    """Every rate, by country then region (the whole country first)."""
    _require(actor, write=False)
    async with db.session() as session:
        rows = await session.scalars(select(TaxRate).order_by(TaxRate.country, TaxRate.region))
        return list(rows)


def _checked(country: str, region: str, name: str, rate: Decimal) -> tuple[str, str, str]:
    problems: list[Problem] = []
    code = country.strip().upper()
    if pycountry.countries.get(alpha_2=code) is None or len(code) != 2:
        problems.append(
            Problem(("country",), "Enter a country as its two-letter ISO code.", "INVALID")
        )
    place = region_key(region)
    if len(place) > 100:
        problems.append(Problem(("region",), "A region is at most 100 characters.", "TOO_LONG"))
    label = " ".join(name.split())
    if not label or len(label) > 100:
        problems.append(Problem(("name",), "Name the tax (1 to 100 characters).", "INVALID"))
    try:
        in_range = rate.is_finite() and 0 <= rate <= 100
        exact = in_range and rate == rate.quantize(Decimal(1).scaleb(-RATE_PLACES))
    except InvalidOperation:
        in_range = exact = False
    if not exact:
        problems.append(
            Problem(
                ("ratePercent",),
                f"Enter a rate from 0 to 100 %, with at most {RATE_PLACES} decimals.",
                "OUT_OF_RANGE",
            )
        )
    if problems:
        raise Invalid(problems)
    return code, place, label


async def set_tax_rate(
    db: Database,
    actor: Actor,
    *,
    country: str,
    region: str,
    name: str,
    rate_percent: Decimal,
    now: datetime,
) -> TaxRate:
    """The rate of ``country`` (``region`` "": the whole country), created or changed.
    Invoices issued from now on charge it; issued ones keep theirs."""
    _require(actor, write=True)
    code, place, label = _checked(country, region, name, rate_percent)
    async with db.transaction() as session:
        row = (
            await session.scalars(
                select(TaxRate)
                .where(TaxRate.country == code, TaxRate.region == place)
                .with_for_update()
            )
        ).first()
        before = None
        if row is None:
            row = TaxRate(country=code, region=place, name=label, rate_percent=rate_percent)
            row.created_at = now
            session.add(row)
        else:
            before = {"name": row.name, "ratePercent": str(row.rate_percent)}
            row.name, row.rate_percent = label, rate_percent
        await session.flush()
        where = f"{code}-{place}" if place else code
        await audit(
            session,
            actor,
            "tax_rate.set",
            ("TaxRate", row.id),
            f"{label} {rate_percent.normalize():f} % in {where}",
            now=now,
            before=before,
            after={"name": label, "ratePercent": str(rate_percent)},
        )
        return row


async def delete_tax_rate(db: Database, actor: Actor, *, tax_rate_id: int, now: datetime) -> None:
    """Remove a rate: its buyers fall back to their country's rate, else their account's."""
    _require(actor, write=True)
    async with db.transaction() as session:
        row = await session.get(TaxRate, tax_rate_id, with_for_update=True)
        if row is None:
            raise Invalid.one("taxRateId", "There is no such tax rate.", "UNKNOWN_TAX_RATE")
        await audit(
            session,
            actor,
            "tax_rate.delete",
            ("TaxRate", row.id),
            f"{row.name} in {row.country}{'-' + row.region if row.region else ''} removed",
            now=now,
            before={"name": row.name, "ratePercent": str(row.rate_percent)},
        )
        await session.delete(row)

"""Who a document is from and to, and the tax it charges, as of the moment it is issued.

Documents keep both parties as they were when issued (docs/billing.md, "Invoices as
documents"): the seller as a row of ``sellers`` (a new row each time its details change),
the buyer as a snapshot of the account's billing details. The tax follows the account's
billing address (``core.tax``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core import tax
from recur.db.engine import Database
from recur.db.models import Account, Seller, TaxRate
from recur.documents import Party


@dataclass(frozen=True)
class SellerDetails:
    """The seller as configured (``RECUR_SELLER_*``, docs/operations.md)."""

    name: str
    address: tuple[str, ...]
    email: str
    tax_id: str
    country: str


def _same(row: Seller, details: SellerDetails) -> bool:
    return (row.name, tuple(row.address), row.email, row.tax_id, row.country) == (
        details.name,
        details.address,
        details.email,
        details.tax_id,
        details.country,
    )


async def record_seller(db: Database, details: SellerDetails, *, now: datetime) -> Seller:
    """Make ``details`` the seller of documents issued from now on: a new row if they differ
    from the current seller's, which stays on the documents it issued."""
    async with db.transaction() as session:
        current = await current_seller(session)
        if current is not None and _same(current, details):
            return current
        row = Seller(
            name=details.name,
            address=list(details.address),
            email=details.email,
            tax_id=details.tax_id,
            country=details.country,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        return row


async def current_seller(session: AsyncSession) -> Seller | None:
    """The seller documents are issued by now (``None`` before one is recorded)."""
    return (await session.scalars(select(Seller).order_by(Seller.id.desc()).limit(1))).first()


async def sellers_by_id(session: AsyncSession, ids: list[int]) -> dict[int, Seller]:
    if not ids:
        return {}
    rows = await session.scalars(select(Seller).where(Seller.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def tax_treatment(
    session: AsyncSession, account: Account, seller: Seller | None
) -> tax.Treatment:
    """The tax ``account`` is invoiced with today, by its billing address."""
    rates: dict[tuple[str, str], tax.Rate] = {}
    if account.billing_country:
        rows = await session.scalars(
            select(TaxRate).where(TaxRate.country == account.billing_country)
        )
        rates = {
            (row.country, tax.region_key(row.region)): tax.Rate(row.name, row.rate_percent)
            for row in rows
        }
    buyer = tax.Buyer(
        country=account.billing_country,
        region=account.billing_region,
        tax_id=account.tax_id,
        exempt=account.tax_exempt,
        exemption_certificate=account.tax_exemption_certificate,
        fallback_percent=account.tax_rate_percent,
    )
    return tax.treatment(seller.country if seller else "", buyer, rates)


def seller_party(name: str, address: Sequence[str], email: str, tax_id: str) -> Party:
    """The seller as documents print it: its address, email and tax id under its name."""
    details = [*address, email, f"Tax ID {tax_id}" if tax_id else ""]
    return Party(name, tuple(d for d in details if d))

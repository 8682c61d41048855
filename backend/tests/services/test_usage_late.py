"""Usage recorded after its period was invoiced is billed on the next invoice as an
adjustment, shown first on the upcoming invoice; whatever is voided and billed again, a
period is billed its rating once in all (docs/usage.md, "Late records")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from recur.db.engine import Database
from recur.db.models import Charge, Invoice, InvoiceLine, UsageRecord
from recur.services import billing, usage
from tests.services.test_usage import (
    NOW,
    PERIOD_END,
    START,
    at,
    invoice_lines_of,
    metered_price,
    subscribe,
    user_actor,
)

LATE_DAY = PERIOD_END + timedelta(days=2)


async def late_records(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).where(UsageRecord.late)) or 0)


async def billed_for_period(db: Database, item: int) -> Decimal:
    """What invoices not void bill for the item's first period, in all."""
    async with db.session() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(InvoiceLine.amount), 0))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .join(Charge, Charge.id == InvoiceLine.charge_id)
            .where(
                Charge.subscription_item_id == item,
                Charge.period_start == START,
                Invoice.status != "VOID",
            )
        )
    return Decimal(total)


async def invoiced_period(db: Database) -> tuple[int, int]:
    """A metered item whose December (12,500 units: 13 packages, 24.50) has been invoiced;
    the (subscription, item) ids."""
    subscription, item = await subscribe(db, await metered_price(db))
    fiona = await user_actor(db, "fiona@recur.example")
    records = [usage.NewUsage(item, 12_500, at(START + timedelta(days=4)), "dec")]
    await usage.record_usage(db, fiona, records, now=at(PERIOD_END - timedelta(days=1)))
    await billing.run_billing(db, as_of=PERIOD_END, now=NOW)
    [line] = await invoice_lines_of(db, item)
    assert (line.quantity, line.amount) == (13, Decimal("24.50"))
    return subscription, item


async def test_late_usage_is_billed_on_the_next_invoice_as_an_adjustment(db: Database) -> None:
    subscription, item = await invoiced_period(db)
    fiona = await user_actor(db, "fiona@recur.example")

    # 3,000 more units for December, sent on January 3rd: kept, not refused.
    outcome = await usage.record_usage(
        db,
        fiona,
        [usage.NewUsage(item, 3_000, at(START + timedelta(days=20)), "dec-late")],
        now=at(LATE_DAY),
    )
    assert (outcome.recorded, outcome.problems) == (1, [])
    assert await late_records(db) == 1

    # The upcoming invoice shows the difference: 15,500 units are 16 packages, 29.00 in all
    # (10 × 2.00 + 6 × 1.50), so 3 packages and 4.50 more.
    upcoming = await usage.upcoming_invoice(
        db, fiona, subscription, today=LATE_DAY, now=at(LATE_DAY)
    )
    assert upcoming is not None
    [late_line] = [line for line in upcoming.lines if line.late]
    assert "recorded late" in late_line.description
    assert (late_line.quantity, late_line.amount) == (3, Decimal("4.50"))

    result = await billing.run_billing(db, as_of=LATE_DAY, now=at(LATE_DAY))
    assert result.invoices_created == 1
    _, adjustment = await invoice_lines_of(db, item)
    assert (adjustment.quantity, adjustment.amount) == (3, late_line.amount)
    assert adjustment.description.endswith("usage recorded late")
    assert "after the period was invoiced" in adjustment.explanation
    assert "Recorded after Dec 1 – Dec 31 was invoiced" in adjustment.wording
    assert await late_records(db) == 0
    assert await billed_for_period(db, item) == Decimal("29.00")

    # Nothing is billed twice: the next run finds nothing, the upcoming invoice no late line.
    again = await billing.run_billing(db, as_of=LATE_DAY, now=at(LATE_DAY))
    assert again.invoices_created == 0
    periods = await usage.usage_to_date(db, fiona, subscription, now=at(LATE_DAY))
    assert (periods[0].usage, periods[0].quantity, periods[0].amount) == (
        15_500,
        16,
        Decimal("29.00"),
    )


async def test_a_late_record_within_a_billed_package_bills_nothing(db: Database) -> None:
    _, item = await invoiced_period(db)
    fiona = await user_actor(db, "fiona@recur.example")
    # 12,500 + 400 units are still 13 packages.
    await usage.record_usage(
        db, fiona, [usage.NewUsage(item, 400, at(START), "small")], now=at(LATE_DAY)
    )

    result = await billing.run_billing(db, as_of=LATE_DAY, now=at(LATE_DAY))

    assert result.invoices_created == 0
    assert len(await invoice_lines_of(db, item)) == 1
    assert await late_records(db) == 0


async def test_voided_invoices_bill_the_period_again_exactly_once(db: Database) -> None:
    _, item = await invoiced_period(db)
    fiona = await user_actor(db, "fiona@recur.example")
    await usage.record_usage(
        db, fiona, [usage.NewUsage(item, 3_000, at(START), "late")], now=at(LATE_DAY)
    )
    await billing.run_billing(db, as_of=LATE_DAY, now=at(LATE_DAY))
    first, _ = await invoice_lines_of(db, item)
    assert await billed_for_period(db, item) == Decimal("29.00")

    # Void the period's first invoice: billed again, it bills what the adjustment has not.
    await billing.void_invoice(
        db, fiona, invoice_id=first.invoice_id, reason="Wrong PO", today=LATE_DAY, now=NOW
    )
    await billing.run_billing(db, as_of=LATE_DAY, now=at(LATE_DAY))
    assert await billed_for_period(db, item) == Decimal("29.00")

    # Void both what is left: billed afresh, once in all.
    for line in (await invoice_lines_of(db, item))[1:]:
        await billing.void_invoice(
            db, fiona, invoice_id=line.invoice_id, reason="Redo", today=LATE_DAY, now=NOW
        )
    await billing.run_billing(db, as_of=LATE_DAY, now=at(LATE_DAY))
    assert await billed_for_period(db, item) == Decimal("29.00")

"""Finance's adjustments are in the account's timeline: a refund (of a payment, or of
credit) and a write-off, each with who did it and why (docs/customer-360.md)."""

from __future__ import annotations

from decimal import Decimal

from recur.db.engine import Database
from recur.services import billing, insights, payments
from recur.services.common import PageRequest
from recur.services.insights import ActivityKind
from tests.services.test_adjustments import NOW, PROVIDER, TODAY, _actor, _card_paid, _open


async def test_refunds_and_write_offs_are_in_the_timeline(db: Database) -> None:
    invoice, payment = await _card_paid(db)
    fiona = await _actor(db, "fiona@recur.example")
    await payments.refund_payment(
        db,
        fiona,
        PROVIDER,
        payment_id=payment.id,
        amount=Decimal("10.00"),
        reason="Duplicate seats",
        method=None,
        reference="",
        today=TODAY,
        now=NOW,
    )
    other = next(i for i in await _open(db, "Initech") if i.id != invoice.id)
    await billing.write_off_invoice(
        db, fiona, invoice_id=other.id, reason="Customer closed", now=NOW
    )

    page = await insights.account_timeline(
        db,
        fiona,
        invoice.account_id,
        invoice.currency,
        page=PageRequest(first=50),
        kinds=[ActivityKind.REFUND, ActivityKind.WRITE_OFF],
    )
    entries = {entry.kind: entry for entry in page.items}
    refund, write_off = entries[ActivityKind.REFUND], entries[ActivityKind.WRITE_OFF]
    assert refund.summary.startswith("Payment refunded (RF-")
    assert refund.summary.endswith(": Duplicate seats")
    assert refund.amount == Decimal("10.00") and refund.actor == "Fiona Chen"
    assert (refund.subject_type, refund.subject_id) == ("Payment", payment.id)
    assert write_off.summary == f"Invoice {other.number} written off: Customer closed"
    assert write_off.amount == other.balance_due
    assert (write_off.subject_type, write_off.subject_id) == ("Invoice", other.id)

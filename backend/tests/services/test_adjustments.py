"""Finance's adjustments: refunds re-open what they paid, write-offs, credit notes short of a
void, each audited (docs/collections.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, Event, Invoice, InvoiceLine, Payment, User
from recur.services import billing, payments
from recur.services.common import Actor, Forbidden, Invalid

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()
PROVIDER = payments.SandboxProvider()


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=Role(user.role), account_id=user.account_id)


async def _open(db: Database, account: str) -> list[Invoice]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(Invoice)
                .join(Account)
                .where(Account.name == account, Invoice.status == InvoiceStatus.OPEN)
                .order_by(Invoice.due_date, Invoice.id)
            )
        )


async def _get(db: Database, model, pk: int):  # type: ignore[no-untyped-def]
    async with db.session() as session:
        return await session.get_one(model, pk)


async def _card_paid(db: Database) -> tuple[Invoice, Payment]:
    """Carol pays Initech's oldest open invoice by card."""
    carol = await _actor(db, "carol@initech.example")
    invoice = (await _open(db, "Initech"))[0]
    payment = await payments.pay_invoice(
        db,
        carol,
        PROVIDER,
        invoice_id=invoice.id,
        token="sandbox_visa",
        attempt="p1",
        today=TODAY,
        now=NOW,
    )
    return await _get(db, Invoice, invoice.id), payment


async def test_refunding_half_a_card_payment_reopens_the_invoice_for_that_amount(db) -> None:
    invoice, payment = await _card_paid(db)
    assert invoice.status is InvoiceStatus.PAID
    fiona = await _actor(db, "fiona@recur.example")
    half = payment.amount / 2
    refunded = await payments.refund_payment(
        db,
        fiona,
        PROVIDER,
        payment_id=payment.id,
        amount=half,
        reason="Duplicate seats",
        method=None,
        reference="",
        today=TODAY,
        now=NOW,
    )
    invoice = await _get(db, Invoice, invoice.id)
    assert refunded.refunded == half
    assert invoice.status is InvoiceStatus.OPEN and invoice.balance_due == half
    async with db.session() as session:
        [event] = await session.scalars(select(Event).where(Event.type == "payment.refunded"))
        [entry] = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "payment.refund")
        )
    assert event.data["refund"]["method"] == "PROVIDER"
    assert event.data["reopenedInvoices"][0]["number"] == invoice.number
    assert "Duplicate seats" in entry.summary
    # No more than what is left is refunded.
    with pytest.raises(Invalid) as refused:
        await payments.refund_payment(
            db,
            fiona,
            PROVIDER,
            payment_id=payment.id,
            amount=payment.amount,
            reason="Again",
            method=None,
            reference="",
            today=TODAY,
            now=NOW,
        )
    assert refused.value.problems[0].code == "REFUND_TOO_LARGE"


async def test_a_recorded_payment_is_refunded_from_its_credit_first_and_only_as_a_record(
    db,
) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    async with db.session() as session:
        globex = await session.scalar(select(Account).where(Account.name.like("Globex%")))
    assert globex is not None
    payment = await payments.record_payment(
        db,
        fiona,
        account_id=globex.id,
        amount=Decimal("1000000.00"),
        currency=None,
        received_on=TODAY,
        reference="wire",
        now=NOW,
    )
    credit = payment.unapplied
    with pytest.raises(Invalid) as refused:
        await payments.refund_payment(
            db,
            fiona,
            PROVIDER,
            payment_id=payment.id,
            amount=Decimal("1.00"),
            reason="x",
            method="PROVIDER",
            reference="",
            today=TODAY,
            now=NOW,
        )
    assert refused.value.problems[0].code == "NOT_A_CARD_PAYMENT"
    if credit > 0:
        refunded = await payments.refund_payment(
            db,
            fiona,
            PROVIDER,
            payment_id=payment.id,
            amount=credit,
            reason="Overpaid",
            method=None,
            reference="cheque 12",
            today=TODAY,
            now=NOW,
        )
        assert refunded.unapplied == 0 and refunded.refunded == credit


async def test_only_finance_refunds_writes_off_and_credits(db) -> None:
    invoice, payment = await _card_paid(db)
    carol, rita = await _actor(db, "carol@initech.example"), await _actor(db, "rita@recur.example")
    for who in (carol, rita):
        with pytest.raises(Forbidden):
            await payments.refund_payment(
                db,
                who,
                PROVIDER,
                payment_id=payment.id,
                amount=Decimal(1),
                reason="x",
                method=None,
                reference="",
                today=TODAY,
                now=NOW,
            )
        with pytest.raises(Forbidden):
            await billing.write_off_invoice(db, who, invoice_id=invoice.id, reason="x", now=NOW)
        with pytest.raises(Forbidden):
            await billing.issue_credit_note(
                db,
                who,
                invoice_id=invoice.id,
                amount=Decimal(1),
                line_ids=[],
                reason="x",
                today=TODAY,
                now=NOW,
            )


async def test_a_written_off_invoice_is_uncollectible_and_owes_nothing(db) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    invoice = (await _open(db, "Initech"))[0]
    balance = invoice.balance_due
    written = await billing.write_off_invoice(
        db, fiona, invoice_id=invoice.id, reason="Customer insolvent", now=NOW
    )
    assert written.status is InvoiceStatus.UNCOLLECTIBLE
    assert written.written_off == balance and written.balance_due == 0
    assert written.write_off_reason == "Customer insolvent"
    with pytest.raises(Invalid) as again:
        await billing.write_off_invoice(db, fiona, invoice_id=invoice.id, reason="x", now=NOW)
    assert again.value.problems[0].code == "NOT_OPEN"
    with pytest.raises(Invalid) as void:
        await billing.void_invoice(
            db, fiona, invoice_id=invoice.id, reason="x", today=TODAY, now=NOW
        )
    assert void.value.problems[0].code == "NOT_VOIDABLE"
    with pytest.raises(Invalid) as reason:
        await billing.write_off_invoice(
            db, fiona, invoice_id=(await _open(db, "Initech"))[0].id, reason="  ", now=NOW
        )
    assert reason.value.problems[0].code == "REASON_REQUIRED"


async def test_a_goodwill_credit_note_lowers_the_balance_without_voiding(db) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    invoice = (await _open(db, "Initech"))[0]
    note = await billing.issue_credit_note(
        db,
        fiona,
        invoice_id=invoice.id,
        amount=Decimal("10.00"),
        line_ids=[],
        reason="Goodwill: outage in March",
        today=TODAY,
        now=NOW,
    )
    after = await _get(db, Invoice, invoice.id)
    assert note.total == Decimal("10.00") and note.subtotal + note.tax == note.total
    assert after.status is InvoiceStatus.OPEN
    assert after.balance_due == invoice.balance_due - Decimal("10.00")
    assert note.unapplied == 0 and note.invoice_id == invoice.id
    # At most what the invoice billed is credited.
    with pytest.raises(Invalid) as refused:
        await billing.issue_credit_note(
            db,
            fiona,
            invoice_id=invoice.id,
            amount=invoice.total,
            line_ids=[],
            reason="Too much",
            today=TODAY,
            now=NOW,
        )
    assert refused.value.problems[0].code == "CREDIT_TOO_LARGE"


async def test_crediting_chosen_lines_credits_them_with_their_tax(db) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    invoice = (await _open(db, "Initech"))[0]
    async with db.session() as session:
        line = (
            await session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        ).first()
    assert line is not None
    note = await billing.issue_credit_note(
        db,
        fiona,
        invoice_id=invoice.id,
        amount=None,
        line_ids=[line.id],
        reason="Partial credit: seats unused",
        today=TODAY,
        now=NOW,
    )
    assert note.subtotal == line.amount
    assert note.total == note.subtotal + note.tax
    with pytest.raises(Invalid) as both:
        await billing.issue_credit_note(
            db,
            fiona,
            invoice_id=invoice.id,
            amount=Decimal(1),
            line_ids=[line.id],
            reason="x",
            today=TODAY,
            now=NOW,
        )
    assert both.value.problems[0].code == "AMOUNT_OR_LINES"

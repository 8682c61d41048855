"""Voids and credit notes: an invoice is never deleted, its credit note cancels it to the cent,
what was paid on it becomes account credit, and its charges are billed once more.

The property test at the end mixes billing runs and voids at random and checks, from the raw
rows, that for every charge due the invoices minus the credit notes equal the schedule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    CreditNote,
    CreditNoteApplication,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    NumberSequence,
    Payment,
    PaymentApplication,
    User,
)
from recur.services import billing, payments
from recur.services.common import Actor, Forbidden, Invalid

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=Role(user.role), account_id=user.account_id)


async def _invoices(db: Database, account: str, status: InvoiceStatus) -> list[Invoice]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(Invoice)
                .join(Account)
                .where(Account.name == account, Invoice.status == status)
                .order_by(Invoice.due_date, Invoice.id)
            )
        )


async def _void(db: Database, invoice: Invoice, reason: str = "Billed to the wrong entity"):
    fiona = await _actor(db, "fiona@recur.example")
    return await billing.void_invoice(
        db, fiona, invoice_id=invoice.id, reason=reason, today=TODAY, now=NOW
    )


async def _credit(db: Database, account_id: int) -> Decimal:
    return (await payments.credit_balances(db, [account_id])).get(account_id, Decimal(0))


async def test_voiding_an_unpaid_invoice_cancels_it_with_a_mirroring_credit_note(db) -> None:
    overdue, _newer = await _invoices(db, "Initech", InvoiceStatus.OPEN)
    credit_before = await _credit(db, overdue.account_id)

    invoice, note = await _void(db, overdue)

    assert invoice.status is InvoiceStatus.VOID
    assert invoice.void_reason == "Billed to the wrong entity"
    assert invoice.balance_due == 0
    assert (invoice.amount_paid, invoice.amount_credited) == (0, overdue.total)
    assert note.number == "CN-000001"
    assert note.invoice_id == invoice.id
    assert (note.subtotal, note.tax, note.total) == (invoice.subtotal, invoice.tax, invoice.total)
    assert note.unapplied == 0  # all of it settled the voided invoice
    assert await _credit(db, overdue.account_id) == credit_before
    async with db.session() as session:
        invoice_lines = list(
            await session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id == invoice.id)
                .order_by(InvoiceLine.position)
            )
        )
        note_lines = list(
            await session.scalars(
                select(CreditNoteLine)
                .where(CreditNoteLine.credit_note_id == note.id)
                .order_by(CreditNoteLine.position)
            )
        )
    assert [(n.invoice_line_id, n.amount, n.period_start) for n in note_lines] == [
        (line.id, line.amount, line.period_start) for line in invoice_lines
    ]
    assert all(invoice.number in n.explanation for n in note_lines)


async def test_the_voided_charges_are_billed_once_more_by_the_next_run(db) -> None:
    overdue, _newer = await _invoices(db, "Initech", InvoiceStatus.OPEN)
    invoice, _note = await _void(db, overdue)

    run = await billing.run_billing(db, as_of=TODAY, now=NOW)
    again = await billing.run_billing(db, as_of=TODAY, now=NOW)

    assert run.invoices_created == 1 and again.invoices_created == 0
    async with db.session() as session:
        reissue = await session.scalar(
            select(Invoice).where(Invoice.number == run.invoice_numbers[0])
        )
        assert reissue is not None
        voided = sorted(
            await session.scalars(
                select(InvoiceLine.charge_id).where(InvoiceLine.invoice_id == invoice.id)
            )
        )
        rebilled = list(
            await session.execute(
                select(InvoiceLine.charge_id, InvoiceLine.rebill).where(
                    InvoiceLine.invoice_id == reissue.id
                )
            )
        )
    assert sorted(charge for charge, _ in rebilled) == voided
    assert {rebill for _, rebill in rebilled} == {1}
    assert reissue.total == invoice.total


async def test_what_was_paid_on_a_voided_invoice_becomes_credit_for_open_invoices(db) -> None:
    [partly_paid] = await _invoices(db, "Acme Corp", InvoiceStatus.OPEN)
    paid = partly_paid.amount_paid
    assert 0 < paid < partly_paid.total

    invoice, note = await _void(db, partly_paid)

    # The note settles the unpaid rest; the paid part is credit (Acme has nothing else open).
    assert invoice.amount_credited == partly_paid.total - paid
    assert note.unapplied == paid
    assert await _credit(db, invoice.account_id) == paid
    # The next run re-invoices the charges, and the credit pays that invoice at once.
    run = await billing.run_billing(db, as_of=TODAY, now=NOW)
    assert run.failed_accounts == []
    async with db.session() as session:
        reissue = await session.scalar(
            select(Invoice).where(
                Invoice.account_id == invoice.account_id,
                Invoice.number.in_(run.invoice_numbers),
            )
        )
        assert reissue is not None
        applied = await session.scalar(
            select(CreditNoteApplication.amount).where(
                CreditNoteApplication.invoice_id == reissue.id,
                CreditNoteApplication.credit_note_id == note.id,
            )
        )
    assert applied == paid
    assert reissue.amount_credited == paid
    assert reissue.balance_due == reissue.total - paid


async def test_credit_from_a_void_settles_other_open_invoices_oldest_due_first(db) -> None:
    overdue, newer = await _invoices(db, "Initech", InvoiceStatus.OPEN)
    finance = await _actor(db, "fiona@recur.example")
    # Pay the newer invoice by hand (the oldest first rule would take the overdue one, so
    # pay both, then void the newer, paid one: its payment comes back as credit).
    await payments.record_payment(
        db,
        finance,
        account_id=overdue.account_id,
        amount=overdue.balance_due + newer.balance_due,
        currency=None,
        received_on=TODAY,
        reference="wire",
        now=NOW,
    )
    [paid_newer] = [
        i for i in await _invoices(db, "Initech", InvoiceStatus.PAID) if i.id == newer.id
    ]
    _invoice, note = await _void(db, paid_newer)
    assert note.unapplied == newer.total
    assert await _credit(db, overdue.account_id) == newer.total


async def test_a_void_is_refused_for_a_void_invoice_a_blank_reason_and_non_finance(db) -> None:
    overdue, _newer = await _invoices(db, "Initech", InvoiceStatus.OPEN)
    await _void(db, overdue)
    with pytest.raises(Invalid) as again:
        await _void(db, overdue)
    assert again.value.problems[0].code == "ALREADY_VOID"
    [acme] = await _invoices(db, "Acme Corp", InvoiceStatus.OPEN)
    with pytest.raises(Invalid) as blank:
        await _void(db, acme, reason="   ")
    assert blank.value.problems[0].code == "REASON_REQUIRED"
    for email in ("alice@acme.example", "rita@recur.example", "maria@recur.example"):
        actor = await _actor(db, email)
        with pytest.raises(Forbidden):
            await billing.void_invoice(
                db, actor, invoice_id=acme.id, reason="no", today=TODAY, now=NOW
            )
    async with db.session() as session:
        notes = await session.scalar(select(func.count()).select_from(CreditNote))
        counter = await session.scalar(
            select(NumberSequence.last_value).where(NumberSequence.name == "CREDIT_NOTE")
        )
        status = await session.scalar(select(Invoice.status).where(Invoice.id == acme.id))
    assert notes == counter == 1  # refusals took no number and wrote nothing
    assert status is InvoiceStatus.OPEN


# ---- the property: invoices minus credit notes = the schedules ------------------------------


async def _check_books(db: Database, billed_through: date) -> None:
    """Re-derive, from the raw rows, that every charge due is billed exactly once net of
    voids, and that every amount of money is accounted for."""
    async with db.session() as session:
        charges = {
            charge.id: charge
            for charge in await session.scalars(
                select(Charge).where(Charge.period_start <= billed_through)
            )
        }
        invoices = {invoice.id: invoice for invoice in await session.scalars(select(Invoice))}
        lines = list(await session.scalars(select(InvoiceLine)))
        note_lines = list(await session.scalars(select(CreditNoteLine)))
        notes = list(await session.scalars(select(CreditNote)))
        note_applications = list(await session.scalars(select(CreditNoteApplication)))
        pays = list(await session.scalars(select(Payment)))
        pay_applications = list(await session.scalars(select(PaymentApplication)))

    line_charge = {line.id: line.charge_id for line in lines}
    net: dict[int, Decimal] = defaultdict(Decimal)
    live: dict[int, int] = defaultdict(int)
    for line in lines:
        assert line.charge_id is not None
        net[line.charge_id] += line.amount
        if invoices[line.invoice_id].status is not InvoiceStatus.VOID:
            live[line.charge_id] += 1
    for note_line in note_lines:
        assert note_line.invoice_line_id is not None
        net[line_charge[note_line.invoice_line_id]] -= note_line.amount
    assert set(net) == set(charges), "a charge due was missed, or one not due was billed"
    assert {charge: net[charge] for charge in charges} == {
        charge.id: charge.amount for charge in charges.values()
    }
    assert all(live[charge] == 1 for charge in charges)

    # Every voided invoice has exactly one credit note with its totals.
    voided = [i for i in invoices.values() if i.status is InvoiceStatus.VOID]
    by_invoice = {note.invoice_id: note for note in notes}
    assert len(notes) == len(voided)
    for invoice in voided:
        note = by_invoice[invoice.id]
        assert (note.subtotal, note.tax, note.total) == (
            invoice.subtotal,
            invoice.tax,
            invoice.total,
        )
        assert invoice.amount_paid + invoice.amount_credited == invoice.total

    # Money is conserved: applied + unapplied = issued, and invoices agree with applications.
    applied: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for note_application in note_applications:
        applied["note", note_application.credit_note_id] += note_application.amount
    for pay_application in pay_applications:
        applied["payment", pay_application.payment_id] += pay_application.amount
    for note in notes:
        assert applied["note", note.id] + note.unapplied == note.total
    for payment in pays:
        assert applied["payment", payment.id] + payment.unapplied == payment.amount
    paid: dict[int, Decimal] = defaultdict(Decimal)
    credited: dict[int, Decimal] = defaultdict(Decimal)
    for application in pay_applications:
        paid[application.invoice_id] += application.amount
    for application in note_applications:
        credited[application.invoice_id] += application.amount
    for invoice in invoices.values():
        assert (invoice.amount_paid, invoice.amount_credited) == (
            paid[invoice.id],
            credited[invoice.id],
        )
        assert invoice.amount_paid + invoice.amount_credited <= invoice.total
        if invoice.status is InvoiceStatus.OPEN:
            assert invoice.balance_due > 0
    numbers = sorted(note.number for note in notes)
    assert numbers == [f"CN-{n:06d}" for n in range(1, len(numbers) + 1)]


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("bill"), st.integers(min_value=0, max_value=120)),
        st.tuples(st.just("void"), st.integers(min_value=0, max_value=1_000)),
        st.tuples(st.just("pay"), st.integers(min_value=1, max_value=500_000)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
async def test_invoices_minus_credit_notes_equal_the_schedules_whatever_happens(
    db, steps: list[tuple[str, int]]
) -> None:
    finance = await _actor(db, "fiona@recur.example")
    async with db.session() as session:
        # Examples share the test's database: start after whatever an earlier one billed.
        day = max(TODAY, await session.scalar(select(func.max(Invoice.issue_date))) or TODAY)
        account_ids = sorted(await session.scalars(select(Account.id)))
    for step, value in steps:
        if step == "bill":
            day += timedelta(days=value)
            result = await billing.run_billing(db, as_of=day, now=NOW)
            assert result.failed_accounts == []
        elif step == "void":
            async with db.session() as session:
                candidates = list(
                    await session.scalars(
                        select(Invoice.id)
                        .where(Invoice.status != InvoiceStatus.VOID)
                        .order_by(Invoice.id)
                    )
                )
            if candidates:
                await billing.void_invoice(
                    db,
                    finance,
                    invoice_id=candidates[value % len(candidates)],
                    reason="property test",
                    today=day,
                    now=NOW,
                )
        else:
            await payments.record_payment(
                db,
                finance,
                account_id=account_ids[value % len(account_ids)],
                amount=Decimal(value) / 100,
                currency=None,
                received_on=day,
                reference="property test",
                now=NOW + (day - TODAY),  # recorded on the day it is received
            )
    # A void's charges are due again at once: the run after it bills them.
    assert (await billing.run_billing(db, as_of=day, now=NOW)).failed_accounts == []
    await _check_books(db, day)

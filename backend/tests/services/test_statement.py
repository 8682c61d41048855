"""The account statement: its running balance always ends at the account's open balance
less its credit, whatever mix of billing, payments, card payments, refunds, credit notes,
write-offs and voids came before (docs/collections.md, "Statement")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import CreditNote, Invoice, Payment, Refund, User
from recur.services import billing, payments
from recur.services.common import Actor, Invalid

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()
PROVIDER = payments.SandboxProvider()
EVER = date(2000, 1, 1)


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=Role(user.role), account_id=user.account_id)


async def _owed(db: Database, account_id: int) -> Decimal:
    """Open balances less credit, from the rows."""
    async with db.session() as session:
        open_invoices = await session.scalars(
            select(Invoice).where(
                Invoice.account_id == account_id, Invoice.status == InvoiceStatus.OPEN
            )
        )
        owed = sum((invoice.balance_due for invoice in open_invoices), Decimal(0))
    credit = (await payments.credit_balances(db, [account_id])).get(account_id, Decimal(0))
    return owed - credit


async def _open(db: Database, account_id: int) -> list[Invoice]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(Invoice)
                .where(Invoice.account_id == account_id, Invoice.status == InvoiceStatus.OPEN)
                .order_by(Invoice.id)
            )
        )


async def test_a_statement_lists_each_document_with_a_running_balance(db) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    carol = await _actor(db, "carol@initech.example")
    assert carol.account_id is not None
    statement = await billing.account_statement(
        db, fiona, account_id=carol.account_id, start=EVER, end=TODAY
    )
    assert statement is not None and statement.opening == 0
    assert {row.entry.kind for row in statement.rows} >= {"INVOICE", "PAYMENT"}
    balance = Decimal(0)
    for row in statement.rows:
        balance += row.entry.amount
        assert row.balance == balance
    assert statement.closing == await _owed(db, carol.account_id)
    # A later period starts from the balance brought forward.
    middle = statement.rows[len(statement.rows) // 2].entry.on
    later = await billing.account_statement(
        db, fiona, account_id=carol.account_id, start=middle, end=TODAY
    )
    assert later is not None
    assert later.opening == sum(
        (row.entry.amount for row in statement.rows if row.entry.on < middle), Decimal(0)
    )
    assert later.closing == statement.closing


async def test_nobody_reads_another_accounts_statement(db) -> None:
    alice, carol = await _actor(db, "alice@acme.example"), await _actor(db, "carol@initech.example")
    assert carol.account_id is not None
    assert (
        await billing.account_statement(
            db, alice, account_id=carol.account_id, start=EVER, end=TODAY
        )
        is None
    )
    try:
        await billing.account_statement(
            db, carol, account_id=carol.account_id, start=TODAY, end=EVER
        )
    except Invalid as invalid:
        assert invalid.problems[0].code == "INVALID_PERIOD"
    else:
        raise AssertionError("a period ending before it starts was accepted")


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("bill"), st.integers(min_value=0, max_value=60)),
        st.tuples(st.just("record"), st.integers(min_value=1, max_value=300_000)),
        st.tuples(st.just("card"), st.integers(min_value=0, max_value=10)),
        st.tuples(st.just("refund"), st.integers(min_value=1, max_value=100)),
        st.tuples(st.just("credit"), st.integers(min_value=1, max_value=50_000)),
        st.tuples(st.just("write_off"), st.integers(min_value=0, max_value=10)),
        st.tuples(st.just("void"), st.integers(min_value=0, max_value=10)),
        st.tuples(st.just("refund_credit"), st.integers(min_value=1, max_value=100)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
async def test_the_running_balance_always_ends_at_the_open_balance_less_credit(
    db, steps: list[tuple[str, int]]
) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    carol = await _actor(db, "carol@initech.example")
    account_id = carol.account_id
    assert account_id is not None
    async with db.session() as session:
        # Examples share the test's database: start after whatever an earlier one did (a
        # run that billed nothing still moved the day its payments were received on).
        latest = [
            await session.scalar(select(func.max(column)))
            for column in (
                Invoice.issue_date,
                Payment.received_on,
                Refund.refunded_on,
                CreditNote.issue_date,
            )
        ]
        day = max([TODAY, *(d for d in latest if d is not None)])
    for step, value in steps:
        now = datetime.combine(day, time(12), tzinfo=UTC)
        open_invoices = await _open(db, account_id)
        try:
            if step == "bill":
                day += timedelta(days=value)
                await billing.run_billing(db, as_of=day, now=now)
            elif step == "record":
                await payments.record_payment(
                    db,
                    fiona,
                    account_id=account_id,
                    amount=Decimal(value) / 100,
                    currency=None,
                    received_on=day,
                    reference="",
                    now=now,
                )
            elif step == "card" and open_invoices:
                invoice = open_invoices[value % len(open_invoices)]
                await payments.pay_invoice(
                    db,
                    carol,
                    PROVIDER,
                    invoice_id=invoice.id,
                    token="sandbox_visa",
                    attempt=f"p{day}{value}",
                    today=day,
                    now=now,
                )
            elif step in ("refund", "refund_credit"):
                async with db.session() as session:
                    paid = list(
                        await session.scalars(
                            select(Payment)
                            .where(Payment.account_id == account_id)
                            .order_by(Payment.id.desc())
                        )
                    )
                if step == "refund" and paid:
                    payment = paid[value % len(paid)]
                    await payments.refund_payment(
                        db,
                        fiona,
                        PROVIDER,
                        payment_id=payment.id,
                        amount=(payment.amount * value / 100).quantize(Decimal("0.01")),
                        reason="property",
                        method=None,
                        reference="",
                        today=day,
                        now=now,
                    )
                elif step == "refund_credit":
                    credit = (await payments.credit_balances(db, [account_id])).get(
                        account_id, Decimal(0)
                    )
                    await payments.refund_credit(
                        db,
                        fiona,
                        account_id=account_id,
                        amount=(credit * value / 100).quantize(Decimal("0.01")),
                        reason="property",
                        reference="",
                        today=day,
                        now=now,
                    )
            elif step == "credit" and open_invoices:
                invoice = open_invoices[value % len(open_invoices)]
                await billing.issue_credit_note(
                    db,
                    fiona,
                    invoice_id=invoice.id,
                    amount=Decimal(value) / 100,
                    line_ids=[],
                    reason="property",
                    today=day,
                    now=now,
                )
            elif step == "write_off" and open_invoices:
                await billing.write_off_invoice(
                    db,
                    fiona,
                    invoice_id=open_invoices[value % len(open_invoices)].id,
                    reason="property",
                    now=now,
                )
            elif step == "void" and open_invoices:
                await billing.void_invoice(
                    db,
                    fiona,
                    invoice_id=open_invoices[value % len(open_invoices)].id,
                    reason="property",
                    today=day,
                    now=now,
                )
        except Invalid:
            pass  # a refused step (too large, nothing to refund) changes nothing
        statement = await billing.account_statement(
            db, fiona, account_id=account_id, start=EVER, end=day
        )
        assert statement is not None
        assert statement.closing == await _owed(db, account_id), (step, value)

"""The billing run: invoices what is due, once, however the runs are spaced."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from recur.db.engine import Database
from recur.db.models import Account, Charge, Invoice, InvoiceLine, Order
from recur.services import billing
from recur.services.billing import run as billing_run

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
#: The demo history is billed up to 2026-11-24; by this day the monthly plans are due again.
TODAY = date(2026, 12, 31)


async def _uninvoiced_due(db: Database, as_of: date) -> int:
    async with db.session() as session:
        billed = select(InvoiceLine.charge_id).where(InvoiceLine.charge_id.is_not(None))
        count = await session.scalar(
            select(func.count())
            .select_from(Charge)
            .where(Charge.period_start <= as_of, Charge.id.not_in(billed))
        )
    return int(count or 0)


async def test_a_run_invoices_everything_due_once_per_account_and_a_rerun_nothing(db) -> None:
    assert await _uninvoiced_due(db, TODAY) > 0
    first = await billing.run_billing(db, as_of=TODAY, now=NOW)
    again = await billing.run_billing(db, as_of=TODAY, now=NOW)
    assert first.invoices_created == len(first.invoice_numbers) >= 1
    assert first.failed_accounts == []
    assert again.invoices_created == 0
    assert await _uninvoiced_due(db, TODAY) == 0
    async with db.session() as session:
        accounts = list(
            await session.scalars(
                select(Invoice.account_id).where(Invoice.number.in_(first.invoice_numbers))
            )
        )
    assert len(accounts) == len(set(accounts))  # one invoice per account per run


async def test_missed_periods_are_caught_up_in_one_invoice(db) -> None:
    later = TODAY + timedelta(days=95)
    result = await billing.run_billing(db, as_of=later, now=NOW)
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        invoice = await session.scalar(
            select(Invoice).where(Invoice.account_id == acme, Invoice.issue_date == later)
        )
        assert invoice is not None
        lines = list(
            await session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        )
    starts = sorted({line.period_start for line in lines})
    assert len(starts) >= 3  # several months at once
    assert all(start <= later for start in starts if start)
    assert result.invoices_created >= 2


async def test_invoice_numbers_stay_gap_free_across_runs(db) -> None:
    await billing.run_billing(db, as_of=TODAY, now=NOW)
    await billing.run_billing(db, as_of=TODAY + timedelta(days=40), now=NOW)
    async with db.session() as session:
        numbers = sorted(await session.scalars(select(Invoice.number)))
    assert numbers == [f"INV-{n:06d}" for n in range(1, len(numbers) + 1)]


async def test_a_failing_account_is_reported_and_the_others_are_billed(
    db, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with db.session() as session:
        initech = await session.scalar(select(Account.id).where(Account.name == "Initech"))
    real = billing_run.bill_charges

    async def flaky(session, account, charges, **kwargs):  # type: ignore[no-untyped-def]
        if account.id == initech:
            raise RuntimeError("tax service unavailable")
        return await real(session, account, charges, **kwargs)

    monkeypatch.setattr(billing_run, "bill_charges", flaky)
    result = await billing.run_billing(db, as_of=TODAY, now=NOW)
    # What went wrong is logged; the run's result, which finance reads, shows no internals.
    assert [(f.name, f.error) for f in result.failed_accounts] == [
        ("Initech", "Unexpected error; the details are in the server log.")
    ]
    assert "tax service unavailable" in caplog.text
    assert result.invoices_created >= 1

    monkeypatch.setattr(billing_run, "bill_charges", real)
    retry = await billing.run_billing(db, as_of=TODAY, now=NOW)
    assert retry.invoices_created == 1 and retry.failed_accounts == []
    assert await _uninvoiced_due(db, TODAY) == 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(gaps=st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=5))
async def test_however_runs_are_spaced_each_due_charge_is_billed_exactly_once(
    db, gaps: list[int]
) -> None:
    day = TODAY
    for gap in gaps:
        day = day + timedelta(days=gap)
        await billing.run_billing(db, as_of=day, now=NOW)
    async with db.session() as session:
        # Examples share the test's database, so earlier examples may have billed further:
        # the furthest any run has billed is the latest invoice's issue date.
        furthest = max(day, await session.scalar(select(func.max(Invoice.issue_date))) or day)
        due = await session.scalars(select(Charge.id).where(Charge.period_start <= furthest))
        due_ids = sorted(due)
        billed = sorted(
            await session.scalars(
                select(InvoiceLine.charge_id).where(InvoiceLine.charge_id.is_not(None))
            )
        )
        # Amounts too: what was invoiced equals the schedule up to the last run.
        scheduled = await session.scalar(
            select(func.coalesce(func.sum(Charge.amount), 0)).where(Charge.period_start <= furthest)
        )
        invoiced = await session.scalar(select(func.coalesce(func.sum(InvoiceLine.amount), 0)))
        orders = await session.scalar(select(func.count()).select_from(Order))
    assert billed == due_ids
    assert invoiced == scheduled
    assert orders >= 3  # renewals add orders of their own

"""Recorded billing runs: a row per run, one scheduled run a day, interrupted runs marked and
resumed (docs/operations.md, "Billing runs")."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import BillingRunRecord, Invoice, InvoiceLine
from recur.services import billing
from recur.services.billing import run as run_module
from recur.services.billing.runs import STALE_AFTER
from recur.services.common import Actor, Forbidden, NotAuthenticated, PageRequest

AS_OF = date(2026, 12, 24)  # a month after the demo's history: the monthly plans are due
NOW = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)


async def _runs(db: Database) -> list[BillingRunRecord]:
    async with db.session() as session:
        return list(await session.scalars(select(BillingRunRecord).order_by(BillingRunRecord.id)))


async def _invoices(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Invoice)) or 0)


async def test_a_run_is_recorded_with_its_trigger_counts_and_outcome(db: Database) -> None:
    before = await _invoices(db)
    run_id, result = await billing.recorded_run(
        db, as_of=AS_OF, now=NOW, trigger=billing.CLI, wall_clock=lambda: NOW
    )

    [run] = await _runs(db)
    assert run.id == run_id
    assert (run.as_of, run.trigger, run.user_id, run.status) == (AS_OF, "cli", None, "succeeded")
    assert run.started_at == NOW and run.finished_at == NOW
    assert run.invoices == result.invoices_created == await _invoices(db) - before > 0
    assert run.accounts >= run.invoices
    assert run.failures == 0 and run.error is None


async def test_a_run_with_a_failed_account_is_recorded_failed_with_the_count(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = run_module.bill_account
    calls = 0

    async def second_fails(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "bill_account", second_fails)
    await billing.recorded_run(db, as_of=AS_OF, now=NOW, trigger=billing.CLI)

    [run] = await _runs(db)
    assert (run.status, run.failures) == ("failed", 1)
    assert run.accounts == calls


async def test_a_run_that_raises_is_recorded_failed_and_the_error_kept_out_of_the_row(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM internals")

    monkeypatch.setattr("recur.services.billing.runs.run_billing", broken)
    with pytest.raises(RuntimeError):
        await billing.recorded_run(db, as_of=AS_OF, now=NOW, trigger=billing.USER, user_id=None)
    [run] = await _runs(db)
    assert run.status == "failed" and run.finished_at is not None
    assert run.error is not None and "SELECT" not in run.error


async def test_the_days_scheduled_run_is_claimed_once(db: Database) -> None:
    first = await billing.claim_scheduled_run(db, as_of=AS_OF, now=NOW)
    assert first is not None
    assert await billing.claim_scheduled_run(db, as_of=AS_OF, now=NOW) is None  # running

    await billing.recorded_run(
        db, as_of=AS_OF, now=NOW, trigger=billing.SCHEDULER, run_id=first, wall_clock=lambda: NOW
    )
    assert await billing.claim_scheduled_run(db, as_of=AS_OF, now=NOW) is None  # succeeded
    # The next day is a new run; another trigger is never refused.
    assert await billing.claim_scheduled_run(db, as_of=AS_OF + timedelta(days=1), now=NOW)
    await billing.recorded_run(db, as_of=AS_OF, now=NOW, trigger=billing.CLI)
    assert [r.trigger for r in await _runs(db)] == ["scheduler", "scheduler", "cli"]


async def test_instances_racing_for_the_days_run_bill_it_once(db: Database) -> None:
    claims = await asyncio.gather(
        *(billing.claim_scheduled_run(db, as_of=AS_OF, now=NOW) for _ in range(4))
    )
    assert len([c for c in claims if c is not None]) == 1


async def test_an_interrupted_run_is_marked_logged_and_the_next_run_resumes_its_work(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A process claims the day's run, bills two accounts, and dies: its row stays running.
    dead = await billing.claim_scheduled_run(db, as_of=AS_OF, now=NOW)
    assert dead is not None
    real = run_module.bill_account
    billed = 0

    async def dies_after_two(*args: object, **kwargs: object) -> object:
        nonlocal billed
        if billed == 2:
            raise RuntimeError("killed")
        billed += 1
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "bill_account", dies_after_two)
    partial = await billing.run_billing(db, as_of=AS_OF, now=NOW)
    monkeypatch.setattr(run_module, "bill_account", real)
    assert partial.invoices_created == 2 and partial.failed_accounts

    # Before its heartbeat is stale, the day's run is still the dead process's.
    assert await billing.claim_scheduled_run(db, as_of=AS_OF, now=NOW + STALE_AFTER / 2) is None

    later = NOW + STALE_AFTER + timedelta(minutes=1)
    with caplog.at_level(logging.WARNING, logger="recur.billing"):
        resumed = await billing.claim_scheduled_run(db, as_of=AS_OF, now=later)
    assert resumed is not None
    assert f"billing run {dead} as of 2026-12-24 (scheduler) was interrupted" in caplog.text
    _, result = await billing.recorded_run(
        db,
        as_of=AS_OF,
        now=NOW,
        trigger=billing.SCHEDULER,
        run_id=resumed,
        wall_clock=lambda: later,
    )

    runs = {r.id: r for r in await _runs(db)}
    assert runs[dead].status == "interrupted" and runs[dead].error
    assert runs[resumed].status == "succeeded"
    assert result.invoices_created == len(partial.failed_accounts)  # the rest, not again
    again = await billing.run_billing(db, as_of=AS_OF, now=NOW)
    assert again.invoices_created == 0
    async with db.session() as session:
        doubled = await session.scalar(
            select(func.count())
            .select_from(InvoiceLine)
            .where(InvoiceLine.charge_id.is_not(None))
            .group_by(InvoiceLine.charge_id, InvoiceLine.rebill)
            .having(func.count() > 1)
        )
    assert doubled is None


async def test_runs_are_listed_newest_first_for_finance_and_admins_only(db: Database) -> None:
    for trigger in (billing.CLI, billing.USER):
        await billing.recorded_run(db, as_of=AS_OF, now=NOW, trigger=trigger)
    page = await billing.billing_runs(db, Actor(user_id=1, role=Role.FINANCE), PageRequest(10))
    assert [r.trigger for r in page.items] == ["user", "cli"]
    with pytest.raises(Forbidden):
        await billing.billing_runs(db, Actor(user_id=1, role=Role.MANAGER), PageRequest(10))
    with pytest.raises(NotAuthenticated):
        await billing.billing_runs(db, Actor(), PageRequest(10))

"""Recorded billing runs: every run, whoever starts it (the scheduler, ``recur bill``, finance
in the app), leaves a row in ``billing_runs`` with its date, trigger, counts and outcome
(docs/operations.md, "Billing runs").

- **One scheduled run a day.** :func:`claim_scheduled_run` writes the scheduler's row only
  when no other scheduler run for that date is running or has succeeded. The check and the
  insert share one transaction, serialised by a PostgreSQL advisory lock (instances and
  workers alike) or, on SQLite, by the database's write lock (``BEGIN IMMEDIATE``: every
  process on the file). The first process to wake bills; the others find its row and skip.
- **Interrupted runs.** A running run refreshes its heartbeat every :data:`HEARTBEAT`; a
  ``running`` row whose heartbeat is older than :data:`STALE_AFTER` belongs to a process
  that died. The next run, of any trigger, marks it ``interrupted`` (and logs it), then bills:
  billing is idempotent per account and period, so it picks up what the dead run left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text, update

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import BillingRunRecord
from recur.observability import metrics
from recur.services.billing.collections import collect
from recur.services.billing.run import BillingRunResult, run_billing
from recur.services.common import Actor, Forbidden, NotAuthenticated, Page, PageRequest, paginate
from recur.services.payments import PaymentProvider

log = logging.getLogger("recur.billing")

RUNNING, SUCCEEDED, FAILED, INTERRUPTED = "running", "succeeded", "failed", "interrupted"
SCHEDULER, CLI, USER = "scheduler", "cli", "user"
#: How often a run says it is still alive, and how old that may get before it is not.
HEARTBEAT = timedelta(seconds=30)
STALE_AFTER = timedelta(minutes=10)
#: The PostgreSQL advisory lock that serialises claims of the daily run ("RECUR" "BR").
SCHEDULER_LOCK = 0x52454355_5242
INTERRUPTED_REASON = "The process running it stopped before it finished."
FAILED_REASON = "The run stopped on an unexpected error; the details are in the server log."

Now = Callable[[], datetime]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


async def mark_interrupted(db: Database, *, now: datetime) -> list[BillingRunRecord]:
    """Mark ``running`` rows with a stale heartbeat ``interrupted``; returns them."""
    async with db.transaction() as session:
        stale = list(
            await session.scalars(
                select(BillingRunRecord)
                .where(
                    BillingRunRecord.status == RUNNING,
                    BillingRunRecord.heartbeat_at < now - STALE_AFTER,
                )
                .with_for_update()
            )
        )
        for run in stale:
            run.status, run.finished_at, run.error = INTERRUPTED, now, INTERRUPTED_REASON
            log.warning(
                "billing run %d as of %s (%s) was interrupted: no heartbeat since %s; "
                "this run resumes its work",
                run.id,
                run.as_of,
                run.trigger,
                run.heartbeat_at.isoformat(),
            )
    for run in stale:
        metrics.record_billing_run(run.trigger, INTERRUPTED, 0.0, 0)
    return stale


def _new_row(as_of: date, trigger: str, user_id: int | None, now: datetime) -> BillingRunRecord:
    return BillingRunRecord(
        as_of=as_of,
        trigger=trigger,
        user_id=user_id,
        started_at=now,
        heartbeat_at=now,
        status=RUNNING,
        accounts=0,
        invoices=0,
        credit_notes=0,
        failures=0,
    )


async def _start(
    db: Database, *, as_of: date, trigger: str, user_id: int | None, now: datetime
) -> int:
    async with db.transaction() as session:
        run = _new_row(as_of, trigger, user_id, now)
        session.add(run)
        await session.flush()
        return run.id


async def claim_scheduled_run(db: Database, *, as_of: date, now: datetime) -> int | None:
    """The id of a new ``running`` scheduler row for ``as_of``, or ``None`` when another
    scheduler run of that date is running or has succeeded (another instance's)."""
    await mark_interrupted(db, now=now)
    async with db.transaction() as session:
        if not db.is_sqlite:
            await session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEDULER_LOCK}
            )
        taken = await session.scalar(
            select(BillingRunRecord.id).where(
                BillingRunRecord.as_of == as_of,
                BillingRunRecord.trigger == SCHEDULER,
                BillingRunRecord.status.in_((RUNNING, SUCCEEDED)),
            )
        )
        if taken is not None:
            return None
        run = _new_row(as_of, SCHEDULER, None, now)
        session.add(run)
        await session.flush()
        return run.id


async def recorded_run(
    db: Database,
    *,
    as_of: date,
    now: datetime,
    trigger: str,
    user_id: int | None = None,
    run_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    wall_clock: Now = _wall_clock,
    provider: PaymentProvider | None = None,
) -> tuple[int, BillingRunResult]:
    """Run billing as of ``as_of`` and record it (a new row, or the claimed ``run_id``);
    then, given the payment provider, collect what autopay and dunning charge that day
    (``collections.collect``). Raises what the run raised, after recording it ``failed``."""
    if run_id is None:
        await mark_interrupted(db, now=wall_clock())
        run_id = await _start(db, as_of=as_of, trigger=trigger, user_id=user_id, now=wall_clock())
    started = time.perf_counter()
    beating = asyncio.create_task(_heartbeat(db, run_id, wall_clock), name="billing heartbeat")
    try:
        result = await run_billing(db, as_of=as_of, now=now, progress=progress)
        if provider is not None:
            result.collections = await collect(db, provider, today=as_of, now=now)
    except BaseException:
        status = FAILED
        log.exception("billing run %d as of %s failed", run_id, as_of)
        await _finish(db, run_id, wall_clock(), status=FAILED, error=FAILED_REASON)
        metrics.record_billing_run(trigger, status, time.perf_counter() - started, 0)
        raise
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    status = FAILED if result.failed_accounts else SUCCEEDED
    await _finish(db, run_id, wall_clock(), status=status, result=result)
    metrics.record_billing_run(
        trigger, status, time.perf_counter() - started, result.invoices_created
    )
    return run_id, result


async def _heartbeat(db: Database, run_id: int, wall_clock: Now) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT.total_seconds())
        try:
            async with db.transaction() as session:
                await session.execute(
                    update(BillingRunRecord)
                    .where(BillingRunRecord.id == run_id)
                    .values(heartbeat_at=wall_clock())
                )
        except Exception:
            log.warning("billing run %d: the heartbeat could not be written", run_id)


async def _finish(
    db: Database,
    run_id: int,
    now: datetime,
    *,
    status: str,
    result: BillingRunResult | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, object] = {"status": status, "finished_at": now, "heartbeat_at": now}
    if result is not None:
        values |= {
            "accounts": result.accounts,
            "invoices": result.invoices_created,
            "credit_notes": len(result.credit_note_numbers),
            "failures": len(result.failed_accounts),
        }
    if error is not None:
        values["error"] = error
    async with db.transaction() as session:
        await session.execute(
            update(BillingRunRecord).where(BillingRunRecord.id == run_id).values(**values)
        )


async def billing_runs(db: Database, actor: Actor, page: PageRequest) -> Page[BillingRunRecord]:
    """The billing runs, newest first: finance and admins."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in (Role.FINANCE, Role.ADMIN):
        raise Forbidden("Only finance and admins see the billing runs.")
    return await paginate(
        db, select(BillingRunRecord), [BillingRunRecord.id], page, descending=True
    )

"""The daily billing run of ``recur serve``: when it runs, what it bills, and that the app
starts and stops it."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from recur.app import create_app
from recur.clock import FixedClock
from recur.db.models import Invoice
from recur.scheduler import DailyBilling, seconds_until
from recur.settings import Settings

AT = time(2, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 24, 1, 30, tzinfo=UTC), timedelta(minutes=30)),
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), timedelta(days=1)),
        (datetime(2026, 11, 24, 2, 0, 1, tzinfo=UTC), timedelta(hours=23, minutes=59, seconds=59)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), timedelta(hours=3)),  # into the new year
        # Another offset is the same instant: 03:30 in UTC+2 is 01:30 UTC.
        (datetime(2026, 11, 24, 3, 30, tzinfo=timezone(timedelta(hours=2))), timedelta(minutes=30)),
    ],
)
def test_the_next_run_is_later_today_or_else_tomorrow(now: datetime, expected: timedelta) -> None:
    assert seconds_until(now, AT) == expected.total_seconds()


async def _invoice_count(db) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Invoice)) or 0)


async def test_each_day_at_the_set_time_it_bills_what_is_due_that_day(db) -> None:
    # The demo history is billed up to 2026-11-24; a month later the monthly plans are due.
    clock = FixedClock(datetime(2026, 12, 24, 12, 0, tzinfo=UTC))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        if len(slept) == 2:
            raise asyncio.CancelledError
        slept.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    before = await _invoice_count(db)
    with pytest.raises(asyncio.CancelledError):
        await DailyBilling(db, clock, AT, sleep=sleep).run_forever()

    assert slept == [14 * 3600, 24 * 3600]  # 12:00 to 02:00, then a day
    assert clock.now() == datetime(2026, 12, 26, 2, 0, tzinfo=UTC)
    async with db.session() as session:
        issued = set(
            await session.scalars(
                select(Invoice.issue_date).where(
                    Invoice.created_at >= datetime(2026, 12, 25, 2, 0, tzinfo=UTC)
                )
            )
        )
    assert await _invoice_count(db) > before
    assert date(2026, 12, 25) in issued
    assert issued <= {date(2026, 12, 25), date(2026, 12, 26)}


async def test_a_failed_run_is_logged_and_the_schedule_goes_on(
    db, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("recur.services.billing.runs.run_billing", broken)
    clock = FixedClock(datetime(2026, 12, 24, 2, 0, tzinfo=UTC))
    with caplog.at_level(logging.ERROR, logger="recur.scheduler"):
        result = await DailyBilling(db, clock, AT).run_once()
    assert result is None
    assert "the daily billing run as of 2026-12-24 failed" in caplog.text


async def test_the_app_starts_the_schedule_when_set_and_stops_it_on_shutdown(
    settings: Settings, db, clock: FixedClock
) -> None:
    scheduled = create_app(
        settings.model_copy(update={"billing_time": AT}), database=db, clock=clock
    )
    async with scheduled.router.lifespan_context(scheduled):
        task = scheduled.state.billing_task
        await asyncio.sleep(0)
        assert task is not None and not task.done()
    assert task.cancelled()

    unscheduled = create_app(settings, database=db, clock=clock)
    async with unscheduled.router.lifespan_context(unscheduled):
        assert unscheduled.state.billing_task is None

"""The daily billing run inside ``recur serve``: at a set time of day (UTC) it bills
everything due by that day, as ``recur bill`` would, collects what autopay and dunning
charge that day, then queues the day's invoice reminders (docs/email.md, "Reminders").

A day the server was down is not lost: the next run bills whatever is due by its own date,
missed periods included. Every instance and worker may run the scheduler: exactly one of
them bills each day, the first to claim the day's run (``billing.claim_scheduled_run``: a
PostgreSQL advisory lock, SQLite's write lock); the others find its record and skip. Off
with ``RECUR_BILLING_TIME=off`` (then bill from cron with ``recur bill``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta

from recur.clock import Clock
from recur.db.engine import Database
from recur.services import accounts, billing, recommendations
from recur.services.billing import BillingRunResult
from recur.services.payments import PaymentProvider

log = logging.getLogger("recur.scheduler")


def seconds_until(now: datetime, at: time) -> float:
    """Seconds from ``now`` to the next ``at`` (UTC), later today or else tomorrow."""
    now = now.astimezone(UTC)
    next_run = datetime.combine(now.date(), at, tzinfo=UTC)
    if next_run <= now:
        next_run += timedelta(days=1)
    return (next_run - now).total_seconds()


class DailyBilling:
    """Runs the billing run every day at ``at`` until cancelled."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        at: time,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        provider: PaymentProvider | None = None,
    ) -> None:
        self.db = db
        #: Autopay and dunning charge through it after each run (docs/collections.md).
        self.provider = provider
        self.clock = clock
        self.at = at
        self.sleep = sleep

    async def run_forever(self) -> None:
        log.info("daily billing run scheduled at %s UTC", self.at.strftime("%H:%M"))
        while True:
            await self.sleep(seconds_until(self.clock.now(), self.at))
            if await self.run_once() is not None:
                await self.remind()
            await self.prune()
            await self.refresh_offers()

    async def remind(self) -> None:
        """Queue today's invoice reminders; a failure is logged and tomorrow catches up."""
        try:
            queued = await billing.send_invoice_reminders(
                self.db, today=self.clock.today(), now=self.clock.now()
            )
        except Exception:
            log.exception("queueing invoice reminders failed")
            return
        log.info("invoice reminders queued: %d", queued)

    async def prune(self) -> None:
        """Delete expired sessions and links; a failure is logged and tomorrow tries again."""
        try:
            await accounts.prune_expired(self.db, now=self.clock.now())
        except Exception:
            log.exception("pruning expired sessions failed")

    async def refresh_offers(self) -> None:
        """Learn the next-best-offer model from the day's book, in this process
        (docs/recommendations.md); a failure is logged and the first request learns it."""
        try:
            await recommendations.refresh_model(self.db, self.clock.today())
        except Exception:
            log.exception("learning the offer model failed")

    async def run_once(self) -> BillingRunResult | None:
        """Bill what is due today; a failure is logged and tomorrow's run tries again."""
        today = self.clock.today()
        try:
            run_id = await billing.claim_scheduled_run(self.db, as_of=today, now=self.clock.now())
            if run_id is None:
                log.info("the billing run as of %s is another process's: skipped", today)
                return None
            _, result = await billing.recorded_run(
                self.db,
                as_of=today,
                now=self.clock.now(),
                trigger=billing.SCHEDULER,
                run_id=run_id,
                wall_clock=self.clock.now,
                provider=self.provider,
            )
        except Exception:
            log.exception("the daily billing run as of %s failed", today)
            return None
        log.info(
            "daily billing run as of %s: %d invoices, %d renewed, %d expired, %d failed accounts",
            today,
            result.invoices_created,
            result.renewed,
            result.expired,
            len(result.failed_accounts),
        )
        return result

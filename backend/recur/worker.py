"""The delivery worker: sends webhook deliveries from the outbox, inside ``recur serve``
(unless ``RECUR_DELIVERY_WORKER=false``) or on its own as ``recur worker``. Several may run
at once against one PostgreSQL database: each delivery is claimed by one of them
(docs/integrations.md, "Delivery")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx

from recur.clock import Clock
from recur.db.engine import Database
from recur.services import integrations

log = logging.getLogger("recur.worker")

#: Seconds between looks at the outbox when nothing was due.
IDLE_SECONDS = 1.0


class DeliveryWorker:
    """Delivers what is due, batch after batch, and looks again after a pause when idle."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        allow_private: bool,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.clock = clock
        self.allow_private = allow_private
        self.client = client
        self.sleep = sleep

    async def run_once(self, client: httpx.AsyncClient) -> int:
        """One batch; a failure (the database away) is logged and the next look retries."""
        try:
            return await integrations.deliver_due(
                self.db, client, now=self.clock.now, allow_private=self.allow_private
            )
        except Exception:
            log.exception("webhook delivery failed; trying again shortly")
            return 0

    async def run_forever(self) -> None:
        log.info("webhook delivery worker started")
        client = self.client or httpx.AsyncClient(follow_redirects=False)
        try:
            while True:
                if not await self.run_once(client):
                    await self.sleep(IDLE_SECONDS)
        finally:
            if self.client is None:
                await client.aclose()

"""Delivering webhooks from the outbox, outside any request (docs/integrations.md,
"Delivery").

A worker claims due deliveries in a short transaction — ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several instances share the work without taking the same one; SQLite's
write lock serialises the claims — and holds each for :data:`LEASE`: a worker that dies
mid-send leaves it to be claimed again when the hold lapses (at least once, never lost).
It sends outside any transaction, then records the answer. A failure is retried with
exponential backoff and jitter for up to :data:`GIVE_UP_AFTER`; a delivery given up on
disables its endpoint, and the audit log says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from recur.db.engine import Database
from recur.db.models import Event, WebhookDelivery, WebhookEndpoint
from recur.services.common import ANONYMOUS, FAILED, PENDING, SUCCEEDED, audit
from recur.services.integrations.addresses import Refused, check_destination

log = logging.getLogger("recur.webhooks")

#: How long a claimed delivery is held by its worker before another may take it.
LEASE = timedelta(seconds=60)
#: The first retry's delay, doubled at each attempt up to :data:`MAX_DELAY`.
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
#: How long a delivery is retried before it is given up on (and its endpoint disabled).
GIVE_UP_AFTER = timedelta(days=3)
#: How long a receiver has to answer.
TIMEOUT_SECONDS = 10.0
#: Deliveries claimed at once by one worker.
BATCH = 20


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Recur-Signature`` header: ``t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
    "<t>.<raw body>")>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def retry_delay(attempts: int, rand: Callable[[], float] = random.random) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s doubled each time, at most six
    hours, times a random factor from 0.75 to 1.25 so that retries do not arrive in step."""
    base: timedelta = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return timedelta(seconds=base.total_seconds() * (0.75 + rand() / 2))


def body_of(event: Event) -> bytes:
    """The JSON a delivery posts: ``{id, type, occurredAt, data}``."""
    payload = {
        "id": event.uid,
        "type": event.type,
        "occurredAt": event.occurred_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    url: str
    secret: str
    body: bytes
    created_at: datetime


def _first_in_line() -> ColumnElement[bool]:
    """A delivery no earlier one of the same account's events to the same endpoint is still
    waiting for (sent, retried or held by a worker): each endpoint hears an account's events
    in the order they happened, one at a time (docs/integrations.md, "Order")."""
    earlier = aliased(WebhookDelivery)
    earlier_event = aliased(Event)
    waiting = (
        select(earlier.id)
        .join(earlier_event, earlier_event.id == earlier.event_id)
        .where(
            earlier.endpoint_id == WebhookDelivery.endpoint_id,
            earlier.id < WebhookDelivery.id,
            earlier.status == PENDING,
            earlier_event.account_id == Event.account_id,
        )
    )
    return or_(Event.account_id.is_(None), ~waiting.exists())


async def _claim(db: Database, now: datetime, limit: int) -> list[_Claimed]:
    async with db.transaction() as session:
        deliveries = list(
            await session.scalars(
                select(WebhookDelivery)
                .join(Event, Event.id == WebhookDelivery.event_id)
                .where(
                    WebhookDelivery.status == PENDING,
                    WebhookDelivery.next_attempt_at <= now,
                    _first_in_line(),
                )
                .order_by(WebhookDelivery.id)
                .limit(limit)
                .with_for_update(skip_locked=True, of=WebhookDelivery)
            )
        )
        claimed = []
        for delivery in deliveries:
            endpoint = await session.get_one(WebhookEndpoint, delivery.endpoint_id)
            event = await session.get_one(Event, delivery.event_id)
            if not endpoint.enabled or endpoint.deleted:
                delivery.status = FAILED
                delivery.error = "The endpoint is disabled."
                continue
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.next_attempt_at = now + LEASE
            claimed.append(
                _Claimed(
                    delivery.id, endpoint.url, endpoint.secret, body_of(event), delivery.created_at
                )
            )
    return claimed


async def _send(
    client: httpx.AsyncClient, claimed: _Claimed, now: datetime, allow_private: bool
) -> tuple[int | None, str]:
    """``(status code, error)`` of one attempt."""
    try:
        await check_destination(claimed.url, allow_private=allow_private)
    except Refused as refused:
        return None, str(refused)
    headers = {
        "content-type": "application/json",
        "user-agent": "Recur-Webhooks/1",
        "recur-signature": sign(claimed.secret, int(now.timestamp()), claimed.body),
    }
    try:
        response = await client.post(
            claimed.url, content=claimed.body, headers=headers, timeout=TIMEOUT_SECONDS
        )
    except httpx.TimeoutException:
        return None, f"No answer within {TIMEOUT_SECONDS:g} s."
    except httpx.ConnectError:
        return None, "Could not connect."
    except httpx.HTTPError as error:
        return None, (f"The request failed: {error}" if str(error) else "The request failed.")[:500]
    return response.status_code, "" if response.is_success else f"HTTP {response.status_code}"


async def _record(
    session: AsyncSession, claimed: _Claimed, code: int | None, error: str, now: datetime
) -> None:
    delivery = await session.get_one(WebhookDelivery, claimed.delivery_id, with_for_update=True)
    if delivery.status != PENDING:
        return
    delivery.response_code = code
    delivery.error = error[:500]
    if code is not None and 200 <= code < 300:
        delivery.status = SUCCEEDED
        return
    delay = retry_delay(delivery.attempts)
    if now + delay - claimed.created_at <= GIVE_UP_AFTER:
        delivery.next_attempt_at = now + delay
        return
    delivery.status = FAILED
    endpoint = await session.get_one(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
    if endpoint.enabled:
        endpoint.enabled = False
        endpoint.disabled_reason = (
            f"Disabled on {now.date().isoformat()}: deliveries failed for three days "
            f"(last: {error or 'no answer'})."
        )[:300]
        await audit(
            session,
            ANONYMOUS,
            "webhook_endpoint.disable",
            ("WebhookEndpoint", endpoint.id),
            f"Disabled webhook endpoint {endpoint.url}: deliveries failed for three days"[:500],
            now=now,
        )
        log.warning("webhook endpoint %s disabled after three days of failures", endpoint.id)


async def deliver_due(
    db: Database,
    client: httpx.AsyncClient,
    *,
    now: Callable[[], datetime],
    allow_private: bool,
    limit: int = BATCH,
) -> int:
    """Claim, send and record one batch of due deliveries; how many were attempted."""
    claimed = await _claim(db, now(), limit)
    if not claimed:
        return 0
    # Sent side by side: one slow receiver does not hold up the others in the batch.
    answers = await asyncio.gather(*(_send(client, item, now(), allow_private) for item in claimed))
    async with db.transaction() as session:
        for item, (code, error) in zip(claimed, answers, strict=True):
            await _record(session, item, code, error, now())
    return len(claimed)


async def outbox_lag(db: Database, now: datetime) -> float:
    """Seconds since the oldest webhook delivery still waiting was created (0 when none
    waits): for a gauge of how far the delivery worker is behind."""
    async with db.session() as session:
        oldest = await session.scalar(
            select(func.min(WebhookDelivery.created_at)).where(WebhookDelivery.status == PENDING)
        )
    if oldest is None:
        return 0.0
    return max((now - oldest).total_seconds(), 0.0)

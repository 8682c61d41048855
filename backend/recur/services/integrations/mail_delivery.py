"""Sending email from the outbox, outside any request (docs/email.md, "Delivery").

The same pattern as webhook deliveries: a worker claims due messages in a short
transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several instances share the work
and never take the same message; SQLite's write lock serialises the claims) and holds each
for :data:`LEASE`, so a worker that dies mid-send leaves it to be claimed again. It renders
and sends outside any transaction, then records the outcome: SENT; KEPT when no SMTP
server is configured (for the admins' Outbox); or tried again with backoff, for up to
``GIVE_UP_AFTER``, then FAILED. A message the server refuses for good fails at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.engine import Database
from recur.db.models import MailMessage
from recur.mail import (
    Attachment,
    Brand,
    Rendered,
    SendFailed,
    Transport,
    build_message,
    render_bodies,
)
from recur.services.common import (
    MAIL_FAILED,
    MAIL_KEPT,
    MAIL_PENDING,
    MAIL_SENT,
    SECRET_VALUES,
)
from recur.services.integrations.delivery import GIVE_UP_AFTER, retry_delay
from recur.settings import Settings

log = logging.getLogger("recur.mail")

#: How long a claimed message is held by its worker before another may take it.
LEASE = timedelta(seconds=120)
#: Messages claimed at once by one worker.
BATCH = 10
#: What a one-time link becomes in a message kept after it was sent.
REMOVED = "…"

#: The documents attached to a message, from its ``attachment`` reference
#: (``invoice:INV-000012``); raises ``LookupError`` when the document cannot be made.
Attachments = Callable[[str], Awaitable[tuple[Attachment, ...]]]


def brand_of(settings: Settings) -> Brand:
    """The sender as the messages show it, and where their links lead."""
    return Brand(
        name=settings.seller_name,
        app_url=settings.public_url,
        support_email=settings.seller_email,
        address=tuple(settings.seller_address),
    )


def sender_of(settings: Settings) -> str:
    """``RECUR_MAIL_FROM``, or else the seller's name and email."""
    return settings.mail_from or formataddr((settings.seller_name, settings.seller_email))


@dataclass(frozen=True)
class Mailer:
    """How the worker sends: from ``sender`` through ``transport``, or, with no transport
    (no SMTP server configured), keeping each message for the Outbox."""

    brand: Brand
    sender: str
    transport: Transport | None
    attachments: Attachments


@dataclass(frozen=True)
class _Claimed:
    message_id: int
    kind: str
    recipients: list[str]
    subject: str
    context: dict[str, Any]
    attachment: str
    created_at: datetime


@dataclass(frozen=True)
class _Outcome:
    status: str  # SENT, KEPT, FAILED, or PENDING (try again)
    error: str = ""
    rendered: Rendered | None = None


async def _claim(db: Database, now: datetime, limit: int) -> list[_Claimed]:
    async with db.transaction() as session:
        messages = list(
            await session.scalars(
                select(MailMessage)
                .where(MailMessage.status == MAIL_PENDING, MailMessage.next_attempt_at <= now)
                .order_by(MailMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for message in messages:
            message.attempts += 1
            message.last_attempt_at = now
            message.next_attempt_at = now + LEASE
        return [
            _Claimed(
                m.id,
                m.kind,
                list(m.recipients),
                m.subject,
                dict(m.context),
                m.attachment,
                m.created_at,
            )
            for m in messages
        ]


async def _send(mailer: Mailer, claimed: _Claimed) -> _Outcome:
    try:
        rendered = render_bodies(claimed.kind, claimed.context, mailer.brand)
    except Exception as error:  # a template that cannot render this message never will
        log.exception("mail %s could not be rendered", claimed.message_id)
        return _Outcome(MAIL_FAILED, f"The message could not be written: {error}"[:500])
    if mailer.transport is None:
        return _Outcome(MAIL_KEPT, rendered=rendered)
    try:
        attachments = await mailer.attachments(claimed.attachment) if claimed.attachment else ()
    except LookupError as error:
        return _Outcome(MAIL_PENDING, f"The attachment could not be made: {error}"[:500])
    message = build_message(
        sender=mailer.sender,
        recipients=claimed.recipients,
        subject=claimed.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=attachments,
    )
    try:
        await mailer.transport.send(message)
    except SendFailed as failed:
        return _Outcome(MAIL_FAILED if failed.permanent else MAIL_PENDING, str(failed)[:500])
    return _Outcome(MAIL_SENT, rendered=rendered)


def _without_secrets(mailer: Mailer, claimed: _Claimed) -> tuple[dict[str, Any], Rendered]:
    """The message's values and bodies with its one-time link taken out."""
    context = dict(claimed.context)
    for key in SECRET_VALUES.get(claimed.kind, ()):
        context[key] = str(context.get(key, "")).rsplit("/", 1)[0] + "/" + REMOVED
    return context, render_bodies(claimed.kind, context, mailer.brand)


async def _record(
    session: AsyncSession, mailer: Mailer, claimed: _Claimed, outcome: _Outcome, now: datetime
) -> None:
    message = await session.get_one(MailMessage, claimed.message_id, with_for_update=True)
    if message.status != MAIL_PENDING:
        return
    message.error = outcome.error
    if outcome.status == MAIL_PENDING:
        delay = retry_delay(message.attempts)
        if now + delay - claimed.created_at <= GIVE_UP_AFTER:
            message.next_attempt_at = now + delay
            return
        log.warning("mail %s given up after %s attempts", message.id, message.attempts)
        message.status = MAIL_FAILED
        return
    message.status = outcome.status
    if outcome.status == MAIL_SENT and claimed.kind in SECRET_VALUES:
        message.context, rendered = _without_secrets(mailer, claimed)
    else:
        rendered = outcome.rendered or Rendered("", "")
    message.text, message.html = rendered.text, rendered.html
    if outcome.status == MAIL_SENT:
        message.sent_at = now


async def deliver_mail_due(
    db: Database, mailer: Mailer, *, now: Callable[[], datetime], limit: int = BATCH
) -> int:
    """Claim, send (or keep) and record one batch of due messages; how many were taken."""
    claimed = await _claim(db, now(), limit)
    if not claimed:
        return 0
    outcomes = await asyncio.gather(*(_send(mailer, item) for item in claimed))
    async with db.transaction() as session:
        for item, outcome in zip(claimed, outcomes, strict=True):
            await _record(session, mailer, item, outcome, now())
    return len(claimed)

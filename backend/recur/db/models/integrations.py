"""Integrations: business events written in the transaction of the change they report (a
transactional outbox), the webhook endpoints that hear them and each delivery's log
(docs/integrations.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import UTCDateTime


class Event(Base):
    """One business event. ``id`` orders the feed; ``uid`` is the id receivers see."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_account_id_id", "account_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stable public id (``evt_`` and 24 hex digits), the same in the feed and webhooks.
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    #: ``<subject>.<what happened>``, e.g. ``invoice.issued``.
    type: Mapped[str] = mapped_column(String(60), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: What a receiver needs without asking back: ids, numbers, amounts as strings.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class WebhookEndpoint(Base):
    """An HTTPS address that receives the events of the types it names."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    #: The event types it receives (a JSON list of strings).
    event_types: Mapped[list[str]] = mapped_column(JSON)
    #: The HMAC key deliveries are signed with (shown once, when the endpoint is made).
    secret: Mapped[str] = mapped_column(String(100))
    #: The partner that owns it (it hears its accounts' events only); ``None``: staff's.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why it was switched off, when it was (e.g. three days of failed deliveries).
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookDelivery(Base):
    """One event sent to one endpoint: tried until a 2xx, for up to three days."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    #: PENDING (to be tried at ``next_attempt_at``), SUCCEEDED or FAILED (given up).
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When it is next due; while a worker holds it, when its hold lapses.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_code: Mapped[int | None] = mapped_column(Integer)
    #: What went wrong on the last attempt (a refused address, a timeout), or "".
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

"""Email: the outbox of messages written in the transaction of what they tell, and the
overdue reminders already sent (docs/email.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import UTCDateTime


class MailMessage(Base):
    """One email to one or more recipients, queued in the transaction of what it tells and
    sent (or, with no SMTP server configured, kept) by the delivery worker."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        Index("ix_mail_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The template it is written from (``invoice_issued``, ``user_invite``, …).
    kind: Mapped[str] = mapped_column(String(60))
    #: The addresses it goes to (a JSON list).
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(300))
    #: The values its template is rendered with (plain JSON: strings, numbers, links' paths).
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The document rendered and attached when it is sent (``invoice:INV-000012``), or "".
    attachment: Mapped[str] = mapped_column(String(100), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The business event it tells of, if one.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    #: PENDING (to be sent at ``next_attempt_at``), SENT, KEPT (no SMTP server: kept for
    #: the Outbox) or FAILED (given up).
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When it is next due; while a worker holds it, when its hold lapses.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What went wrong on the last attempt, or "".
    error: Mapped[str] = mapped_column(String(500), default="")
    #: The plain-text and HTML bodies as sent (or kept); "" until then.
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InvoiceReminder(Base):
    """An overdue reminder of one invoice at one offset from its due date, done once: sent,
    or passed over because a later one was due as well (docs/email.md, "Reminders")."""

    __tablename__ = "invoice_reminders"
    __table_args__ = (UniqueConstraint("invoice_id", "offset_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    #: Days from the due date (negative: before it).
    offset_days: Mapped[int] = mapped_column(Integer)
    done_on: Mapped[date] = mapped_column(Date)
    #: The message sent; ``None`` when it was passed over.
    mail_message_id: Mapped[int | None] = mapped_column(ForeignKey("mail_messages.id"))

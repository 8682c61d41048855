"""The record of every billing run: when, as of which date, who or what started it, how far
it got and how it ended (docs/operations.md, "Billing runs")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import UTCDateTime


class BillingRunRecord(Base):
    __tablename__ = "billing_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    #: ``scheduler``, ``cli`` or ``user`` (then ``user_id`` says who).
    trigger: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: Refreshed while the run works; a ``running`` row whose heartbeat is stale belongs to
    #: a process that died, and the next run marks it ``interrupted``.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: ``running``, ``succeeded``, ``failed`` (an account or the run itself failed) or
    #: ``interrupted``.
    status: Mapped[str] = mapped_column(String(16), index=True)
    accounts: Mapped[int] = mapped_column(default=0)
    invoices: Mapped[int] = mapped_column(default=0)
    credit_notes: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    #: Why the run itself failed or was interrupted (never a stack trace: that is logged).
    error: Mapped[str | None] = mapped_column(String(500))

"""The audit log: every administrative change, who made it, when, and what it was before and
after (docs/architecture.md, "The audit log")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The user who made the change; ``None`` for a partner client or the system.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Who, as shown: a user's name, a partner client's id, or "system".
    actor_label: Mapped[str] = mapped_column(String(200))
    #: What was done, e.g. ``product.create``, ``user.deactivate``.
    action: Mapped[str] = mapped_column(String(60))
    #: What it was done to: a type name and its primary key.
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(String(500))
    #: The changed fields before and after (JSON objects; ``None`` for a creation's before).
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

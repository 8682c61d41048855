"""Usage records: what a metered subscription item measured, and when (docs/usage.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import UTCDateTime


class UsageRecord(Base):
    """One measurement of a metered item. Keyed by the item and the sender's idempotency
    key: sending the same record again records nothing more."""

    __tablename__ = "usage_records"
    __table_args__ = (
        UniqueConstraint("subscription_item_id", "idempotency_key"),
        Index("ix_usage_records_item_time", "subscription_item_id", "occurred_at"),
        # The few records waiting to be billed as an adjustment.
        Index(
            "ix_usage_records_late",
            "subscription_item_id",
            sqlite_where=text("late"),
            postgresql_where=text("late"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_item_id: Mapped[int] = mapped_column(ForeignKey("subscription_items.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Who sent it: a user, or a partner's API client.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str | None] = mapped_column(String(100))
    #: Recorded for a period already invoiced, and not billed yet: the next billing run bills
    #: the period's difference as an adjustment, then clears it (docs/usage.md, "Late records").
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

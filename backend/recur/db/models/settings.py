"""The business settings admins change in the app (docs/administration.md, "Settings")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, String, text
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import ScaledDecimal, UTCDateTime

#: The one row of ``business_settings``.
SETTINGS_ID = 1
#: When invoice reminders go out, in days from the due date (docs/email.md, "Reminders").
DEFAULT_REMINDER_DAYS = (-3, 0, 3, 7, 14)


class BusinessSettings(Base):
    """One row (id 1), written the first time an admin saves the settings; until then the
    environment's values apply."""

    __tablename__ = "business_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Discounts (and amendments taking off more than this share of a contract) above this
    #: percentage need a manager's approval.
    approval_threshold_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    #: The renewal uplift every new subscription starts with, in percent.
    default_renewal_uplift_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    #: Days after a failed automatic charge on which it is tried again ("1,3,5,7"), and
    #: what happens after the last (docs/collections.md, "Dunning").
    dunning_retry_days: Mapped[str] = mapped_column(
        String(100), default="1,3,5,7", server_default="1,3,5,7"
    )
    dunning_outcome: Mapped[str] = mapped_column(
        String(30), default="LEAVE_OPEN", server_default="LEAVE_OPEN"
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Days from an open invoice's due date on which its customer is reminded (negative:
    #: before it), ascending.
    reminder_days: Mapped[list[int]] = mapped_column(
        JSON,
        default=lambda: list(DEFAULT_REMINDER_DAYS),
        server_default=text("'[-3, 0, 3, 7, 14]'"),
    )

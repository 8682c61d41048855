"""What became of next best offers: shown, prepared as a quote, accepted
(docs/recommendations.md, "Feedback")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from recur.db.base import Base
from recur.db.types import UTCDateTime


class RecommendationEvent(Base):
    """One thing that happened to an offer. ``offer_key`` names the offer exactly (kind,
    subscription, item, price, quantity), so the same offer shown twice is one offer."""

    __tablename__ = "recommendation_events"
    __table_args__ = (Index("ix_recommendation_events_kind_action", "kind", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    offer_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    #: The offer's title as it was shown ("Upgrade to Professional Seats").
    title: Mapped[str] = mapped_column(String(200))
    #: SHOWN, PREPARED (a quote holds it) or ACCEPTED (the customer took it).
    action: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    #: PREPARED: the amendment quote made from it; ACCEPTED: the change's amendment quote.
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())

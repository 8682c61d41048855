"""Quotes (a cart is a DRAFT quote), their lines and their history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.core.lifecycle import QuoteKind, QuoteStatus
from recur.db.base import Base, TimestampMixin, utcnow
from recur.db.types import ScaledDecimal, UTCDateTime

#: At most one open cart per account, whatever the concurrency (docs/quote-to-order.md).
ONE_CART_PER_ACCOUNT = text("is_cart AND status = 'DRAFT'")


class Quote(TimestampMixin, Base):
    __tablename__ = "quotes"
    __table_args__ = (
        Index(
            "uq_quotes_one_cart_per_account",
            "account_id",
            unique=True,
            sqlite_where=ONE_CART_PER_ACCOUNT,
            postgresql_where=ONE_CART_PER_ACCOUNT,
        ),
        # One quote per key and creator: a repeated create answers with the first quote.
        Index("uq_quotes_created_by_id_client_key", "created_by_id", "client_key", unique=True),
        # A partner's keys are its own, whichever of its clients sent them.
        Index(
            "uq_quotes_created_by_partner_id_client_key",
            "created_by_partner_id",
            "client_key",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[QuoteKind] = mapped_column(Enum(QuoteKind, native_enum=False, length=20))
    status: Mapped[QuoteStatus] = mapped_column(
        Enum(QuoteStatus, native_enum=False, length=20), index=True
    )
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer)
    #: Raised by every change; editors send the version they saw (optimistic concurrency).
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Whether this is the customer's cart (at most one DRAFT cart per account).
    is_cart: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The partner whose client created the quote (``quotes:write``, docs/partners.md).
    created_by_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    expires_on: Mapped[date | None] = mapped_column(Date)
    #: A renewal's price rise in percent, applied to every line's list price.
    uplift_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal(0))
    #: The subscription an AMENDMENT or RENEWAL quote changes.
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The key the creator's client sent with the create (docs/api.md, "Idempotent creates").
    client_key: Mapped[str | None] = mapped_column(String(64))
    #: The customer's purchase order number (their reference), printed on the order, its
    #: invoices and credit notes; "" when none was given.
    purchase_order_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: Who signed the quote when the customer accepted it, and the version they signed.
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_version: Mapped[int | None] = mapped_column(Integer)

    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote", order_by="QuoteLine.position", cascade="all, delete-orphan"
    )


class QuoteLine(Base):
    __tablename__ = "quote_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price_id: Mapped[int] = mapped_column(ForeignKey("prices.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal(0))
    #: The subscription item an AMENDMENT line changes (``None``: an item it adds). Its
    #: quantity is the item's new quantity; 0 removes the item.
    subscription_item_id: Mapped[int | None] = mapped_column(ForeignKey("subscription_items.id"))
    #: An automatic renewal's line: the item's net per period it renews from, raised by the
    #: quote's uplift instead of the list price (``None`` on every other line).
    base_amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))

    quote: Mapped[Quote] = relationship(back_populates="lines")


class QuoteEvent(Base):
    """One step of a quote's history: who did what, when, and why."""

    __tablename__ = "quote_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The partner whose client took the step (``actor_id`` is then null).
    actor_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[QuoteStatus | None] = mapped_column(
        Enum(QuoteStatus, native_enum=False, length=20)
    )
    to_status: Mapped[QuoteStatus] = mapped_column(Enum(QuoteStatus, native_enum=False, length=20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""Orders, their charge schedules, and the subscriptions they start."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteKind, SubscriptionStatus
from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal, UTCDateTime


class Order(TimestampMixin, Base):
    """An accepted quote. One quote makes at most one order (checkout is idempotent)."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[QuoteKind] = mapped_column(Enum(QuoteKind, native_enum=False, length=20))
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    #: The customer's purchase order number (their reference), printed on the order, its
    #: invoices and credit notes; "" when none was given.
    purchase_order_number: Mapped[str] = mapped_column(String(100), default="", server_default="")

    charges: Mapped[list[Charge]] = relationship(
        back_populates="order", order_by="Charge.id", cascade="all, delete-orphan"
    )


class Charge(Base):
    """One line of an order's charge schedule: what will be billed for one period, computed
    once when the order is made. Invoices copy charges; they never price again."""

    __tablename__ = "charges"
    __table_args__ = (
        # One scheduled charge per line and period; a period's late-usage adjustments
        # (``adjusts_charge_id``) come beside it (docs/usage.md, "Late records").
        Index(
            "uq_charges_line_period",
            "quote_line_id",
            "period_index",
            unique=True,
            sqlite_where=text("adjusts_charge_id IS NULL"),
            postgresql_where=text("adjusts_charge_id IS NULL"),
        ),
        # Covers what revenue metrics read of every charge, in line and period order
        # (docs/revenue-metrics.md).
        Index(
            "ix_charges_schedule",
            "quote_line_id",
            "period_index",
            "order_id",
            "billing_period",
            "period_start",
            "period_end",
            "amount",
            "period_delta",
            "netted_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    quote_line_id: Mapped[int] = mapped_column(ForeignKey("quote_lines.id"))
    subscription_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscription_items.id"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price_id: Mapped[int] = mapped_column(ForeignKey("prices.id"))
    billing_period: Mapped[BillingPeriod] = mapped_column(
        Enum(BillingPeriod, native_enum=False, length=20)
    )
    period_index: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    list_amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    # An amendment's charges are deltas: what the item had before, the whole period's
    # delta, and for the period the change falls in, the days charged of the period's days.
    quantity_before: Mapped[int | None] = mapped_column(Integer)
    period_delta: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))
    prorated_days: Mapped[int | None] = mapped_column(Integer)
    period_days: Mapped[int | None] = mapped_column(Integer)
    #: Set by the billing run when the charges of one item and period cancel each other out
    #: (an item removed before its period began): closed without a document.
    netted_on: Mapped[date | None] = mapped_column(Date)
    #: A metered period's charge this one adjusts: usage recorded after that period was
    #: invoiced, billed on a later invoice (docs/usage.md, "Late records").
    adjusts_charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"))

    order: Mapped[Order] = relationship(back_populates="charges")


class Subscription(TimestampMixin, Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[SubscriptionStatus] = mapped_column(
        Enum(SubscriptionStatus, native_enum=False, length=20)
    )
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer)
    current_term_end: Mapped[date] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    uplift_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal(0))
    #: The day it was cancelled immediately (rep or finance), if it was.
    canceled_on: Mapped[date | None] = mapped_column(Date)

    items: Mapped[list[SubscriptionItem]] = relationship(
        back_populates="subscription", order_by="SubscriptionItem.id"
    )


class SubscriptionItem(Base):
    __tablename__ = "subscription_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price_id: Mapped[int] = mapped_column(ForeignKey("prices.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    #: Net amount per billing period, as quoted.
    net_amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    #: How far above the list price the item's price is this term, in percent: the uplifts of
    #: its renewals compounded (0 for items added during the term); a quantity change is
    #: priced at the list price raised by it.
    uplift_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))
    #: The day an amendment removed the item (or swapped its price); ``None`` while it runs.
    ended_on: Mapped[date | None] = mapped_column(Date)

    subscription: Mapped[Subscription] = relationship(back_populates="items")


class SubscriptionEvent(Base):
    """One change of a subscription: who, when, from which day, before and after, and what
    it cost or credited. The subscription's history (and customer 360's)."""

    __tablename__ = "subscription_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    effective_date: Mapped[date] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text)
    #: Item by item, e.g. "Seats (monthly) × 10", before and after the change.
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    monthly_before: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))
    monthly_after: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))
    #: Invoiced (positive) or credited (negative) at once.
    amount_now: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"))


class ScheduledChange(Base):
    """One item change effective after the day it was made: the item stays as it is until
    then (``PENDING``), and changes on its day (``APPLIED``) unless called off first
    (``CANCELED``). Its order's charges, from that day on, are written when it is made."""

    __tablename__ = "scheduled_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    quote_line_id: Mapped[int] = mapped_column(ForeignKey("quote_lines.id"))
    effective_date: Mapped[date] = mapped_column(Date, index=True)
    #: The item it changes or removes; ``None`` for an item it adds.
    subscription_item_id: Mapped[int | None] = mapped_column(ForeignKey("subscription_items.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price_id: Mapped[int] = mapped_column(ForeignKey("prices.id"))
    quantity: Mapped[int] = mapped_column(Integer)  # after; 0 removes the item
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    net_amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))  # per period, after
    #: In words, e.g. "Standard Seats 10 → 20".
    description: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="PENDING", index=True)

"""Payments and how they were applied to invoices. What is not applied is account credit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal, UTCDateTime


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"
    #: A card payment is the answer to one click on one invoice: a retry of the attempt on
    #: that invoice finds it, the same attempt id on another invoice is another payment.
    __table_args__ = (UniqueConstraint("invoice_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200), default="")
    #: The part of the amount not applied to any invoice yet: the account's credit.
    unapplied: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    #: For a card payment (``payInvoice``): the invoice paid and the customer's attempt id.
    #: Payments finance records have neither.
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    attempt: Mapped[str | None] = mapped_column(String(64))
    #: What has been given back (docs/collections.md, "Refunds"): ``amount`` is always what
    #: its applications, its ``unapplied`` rest and its refunds add up to.
    refunded: Mapped[Decimal] = mapped_column(
        ScaledDecimal(6), default=Decimal(0), server_default="0"
    )
    #: The saved payment method charged (autopay, dunning), if any.
    payment_method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    #: The provider's id of the charge, for refunds through the provider; "" when recorded.
    provider_reference: Mapped[str] = mapped_column(String(100), default="", server_default="")

    applications: Mapped[list[PaymentApplication]] = relationship(
        back_populates="payment", order_by="PaymentApplication.id"
    )


class PaymentApplication(TimestampMixin, Base):
    __tablename__ = "payment_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))

    payment: Mapped[Payment] = relationship(back_populates="applications")


class PaymentMethod(TimestampMixin, Base):
    """A payment method an account saved with the provider: the provider's reusable
    reference and what a person needs to recognise it (brand, last four digits). No card
    data is kept. A removed method stays (attempts name it) with ``removed_at`` set."""

    __tablename__ = "payment_methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(40))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(Integer)
    exp_year: Mapped[int] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PaymentAttempt(Base):
    """One try to collect an invoice: a customer's click, autopay or a dunning retry.

    Automatic attempts are numbered per invoice (1 when autopay first charges it, then one
    per retry); the number is a unique key with the invoice, so an attempt is charged and
    recorded at most once however often the run that makes it is repeated."""

    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("invoice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    payment_method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    #: ``CUSTOMER`` (pay now), ``AUTOPAY`` (the first automatic charge) or ``RETRY``.
    source: Mapped[str] = mapped_column(String(20))
    #: The automatic attempt's number on the invoice; ``None`` for a customer's click.
    number: Mapped[int | None] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    message: Mapped[str] = mapped_column(String(300), default="")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    #: When the dunning schedule tries again after this failure; ``None`` when it does not.
    next_retry_on: Mapped[date | None] = mapped_column(Date)


class Refund(TimestampMixin, Base):
    """Money given back to an account: part or all of a payment (to its payment method
    through the provider, or a record of money sent back), or of its credit."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    #: ``PROVIDER`` (sent back to the payment method) or ``RECORD`` (sent back otherwise).
    method: Mapped[str] = mapped_column(String(20))
    refunded_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

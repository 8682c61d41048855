"""Payments and how they were applied to invoices. What is not applied is account credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal


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

"""Invoices and their lines. Posted invoices are never edited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.core.lifecycle import InvoiceStatus
from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal


class Invoice(TimestampMixin, Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[InvoiceStatus] = mapped_column(Enum(InvoiceStatus, native_enum=False, length=20))
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    tax_rate_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    subtotal: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    tax: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    total: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    amount_paid: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position"
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: The scheduled charge this line bills; unique, so no charge is ever billed twice.
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), unique=True)
    subscription_item_id: Mapped[int | None] = mapped_column(ForeignKey("subscription_items.id"))
    description: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    explanation: Mapped[str] = mapped_column(Text)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

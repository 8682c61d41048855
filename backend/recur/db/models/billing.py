"""Invoices, credit notes and their lines.

Posted documents are never edited: a void marks an invoice ``VOID`` and issues the credit
note that cancels it; what has been paid or credited is recorded next to the amounts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.core.lifecycle import InvoiceStatus
from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal, UTCDateTime


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
    #: What credit notes have settled (a void's own credit note settles the rest).
    amount_credited: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(String(500))

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position"
    )

    @property
    def balance_due(self) -> Decimal:
        """What is still owed: nothing unless the invoice is open."""
        if self.status is not InvoiceStatus.OPEN:
            return Decimal(0)
        return self.total - self.amount_paid - self.amount_credited


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    #: No charge is ever billed twice: once, and once more after each void of its invoice.
    __table_args__ = (UniqueConstraint("charge_id", "rebill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: The scheduled charge this line bills.
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"))
    #: How many voided lines billed the charge before this one (0 the first time).
    rebill: Mapped[int] = mapped_column(Integer, default=0)
    subscription_item_id: Mapped[int | None] = mapped_column(ForeignKey("subscription_items.id"))
    description: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    explanation: Mapped[str] = mapped_column(Text)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class CreditNote(TimestampMixin, Base):
    """Money owed back to an account: it settles open invoices, oldest due first, and what
    it has not settled yet (``unapplied``) is account credit for the next invoices."""

    __tablename__ = "credit_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The invoice this note credits (a void), if any.
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: The order whose scheduled credits this note carries (a downgrade), if any.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500))
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date] = mapped_column(Date)
    tax_rate_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    subtotal: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    tax: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    total: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    unapplied: Mapped[Decimal] = mapped_column(ScaledDecimal(6))

    lines: Mapped[list[CreditNoteLine]] = relationship(
        back_populates="credit_note", order_by="CreditNoteLine.position"
    )


class CreditNoteLine(Base):
    """One credited amount (positive): the reversal of an invoice line, or a scheduled
    credit (a negative charge) of an order."""

    __tablename__ = "credit_note_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(ForeignKey("credit_notes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    invoice_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"), unique=True)
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), unique=True)
    subscription_item_id: Mapped[int | None] = mapped_column(ForeignKey("subscription_items.id"))
    description: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    explanation: Mapped[str] = mapped_column(Text)

    credit_note: Mapped[CreditNote] = relationship(back_populates="lines")


class CreditNoteApplication(TimestampMixin, Base):
    __tablename__ = "credit_note_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(ForeignKey("credit_notes.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))

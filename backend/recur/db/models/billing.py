"""Invoices, credit notes and their lines.

Posted documents are never edited: a void marks an invoice ``VOID`` and issues the credit
note that cancels it; what has been paid or credited is recorded next to the amounts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
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
    #: The customer's purchase order number(s) for what the document bills, or "".
    purchase_order_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: Who issued the document, as the seller was when it was issued (``None``: issued before
    #: sellers were recorded; the current one prints).
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"))
    #: The buyer as the document was issued to them: ``{"name", "taxId", "email",
    #: "address": {"line1", "line2", "city", "postalCode", "region", "country"}}``.
    bill_to: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: What the tax line is called ("VAT", "Sales tax", "Reverse charge"), and the legal note
    #: printed with it (reverse charge, an exemption's certificate), docs/billing.md "Tax".
    tax_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    reverse_charge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tax_note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: A write-off (``UNCOLLECTIBLE``): when, why, and the balance given up
    #: (docs/collections.md, "Write-offs").
    written_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    write_off_reason: Mapped[str | None] = mapped_column(String(500))
    written_off: Mapped[Decimal] = mapped_column(
        ScaledDecimal(6), default=Decimal(0), server_default="0"
    )

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
    #: The line's explanation as its customer reads it ("25 → 30 seats from Dec 2, 28 of
    #: 30 days"); ``explanation`` keeps the full trace for staff. "" on older lines.
    wording: Mapped[str] = mapped_column(Text, default="", server_default="")

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
    #: The customer's purchase order number(s) for what the document bills, or "".
    purchase_order_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: Who issued the document, as the seller was when it was issued (``None``: issued before
    #: sellers were recorded; the current one prints).
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"))
    #: The buyer as the document was issued to them: ``{"name", "taxId", "email",
    #: "address": {"line1", "line2", "city", "postalCode", "region", "country"}}``.
    bill_to: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: What the tax line is called ("VAT", "Sales tax", "Reverse charge"), and the legal note
    #: printed with it (reverse charge, an exemption's certificate), docs/billing.md "Tax".
    tax_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    reverse_charge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tax_note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: What of its credit has been refunded to the account (docs/collections.md).
    refunded: Mapped[Decimal] = mapped_column(
        ScaledDecimal(6), default=Decimal(0), server_default="0"
    )

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
    #: The line's explanation as its customer reads it ("25 → 30 seats from Dec 2, 28 of
    #: 30 days"); ``explanation`` keeps the full trace for staff. "" on older lines.
    wording: Mapped[str] = mapped_column(Text, default="", server_default="")

    credit_note: Mapped[CreditNote] = relationship(back_populates="lines")


class CreditNoteApplication(TimestampMixin, Base):
    __tablename__ = "credit_note_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(ForeignKey("credit_notes.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))


class Seller(Base):
    """The issuer of invoices and credit notes, as it was from ``created_at`` on: a new row
    each time the seller's details change, so each document keeps the seller it was issued
    by (docs/billing.md, "Invoices as documents")."""

    __tablename__ = "sellers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The address's lines, as printed.
    address: Mapped[list[str]] = mapped_column(JSON)
    email: Mapped[str] = mapped_column(String(320))
    tax_id: Mapped[str] = mapped_column(String(40))
    #: ISO 3166-1 alpha-2: where the seller is established (reverse charge).
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TaxRate(Base):
    """The tax charged to buyers billed in a country or, where set, one of its regions (a US
    state, a Canadian province); ``region`` "" is the whole country (docs/billing.md, "Tax")."""

    __tablename__ = "tax_rates"
    __table_args__ = (UniqueConstraint("country", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    rate_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

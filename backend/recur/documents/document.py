"""What a billing document says, as plain data: no database, no layout.

A :class:`BillingDocument` is an invoice or a credit note as its reader sees it on paper.
``services/documents.py`` fills one in for an actor; :mod:`recur.documents.pdf` lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from urllib.parse import quote


class DocumentKind(StrEnum):
    """The document's title, as printed."""

    INVOICE = "Invoice"
    CREDIT_NOTE = "Credit note"
    QUOTE = "Quote"
    STATEMENT = "Statement"


@dataclass(frozen=True)
class Party:
    """Who sells or buys: a name and the lines printed under it (address, email, tax id)."""

    name: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentLine:
    """One billed (or credited) amount. ``period_end`` is the period's last day, inclusive."""

    description: str
    amount: Decimal
    quantity: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    #: Where the amount comes from, printed in small type under the description.
    explanation: str = ""
    #: The net price of one unit (the unit price column); ``None``: not priced per unit.
    unit_amount: Decimal | None = None


@dataclass(frozen=True)
class TaxLine:
    """One rate's tax, as printed under the subtotal."""

    name: str
    rate_percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Acceptance:
    """Who signed a quote, when, and which version."""

    signer_name: str
    signer_title: str
    accepted_at: datetime
    version: int


@dataclass(frozen=True)
class Settlement:
    """What settled the document: a payment or a credit note applied to an invoice, or an
    invoice a credit note was applied to. ``reference`` is the other document's number."""

    reference: str
    on: date
    amount: Decimal


@dataclass(frozen=True)
class BillingDocument:
    """An invoice or a credit note, with every amount in ``currency``, as of ``generated_at``.

    ``settled`` is what has been paid (an invoice) or applied (a credit note), ``credited``
    what credit notes settled of an invoice; ``outstanding`` is the balance due or the
    remaining credit.
    """

    kind: DocumentKind
    number: str
    status: str
    currency: str
    issue_date: date
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    subtotal: Decimal
    tax_rate_percent: Decimal
    tax: Decimal
    total: Decimal
    settled: Decimal
    outstanding: Decimal
    generated_at: datetime
    due_date: date | None = None
    #: Payment terms, e.g. "Net 30 days".
    terms: str | None = None
    settlements: tuple[Settlement, ...] = ()
    credited: Decimal = Decimal(0)
    #: What a credit note corrects, e.g. "Credits invoice INV-000012: duplicate seats".
    corrects: str | None = None
    #: A remark printed in evidence, e.g. why an invoice was voided.
    note: str | None = None
    #: The customer's purchase order number(s).
    purchase_order_number: str = ""
    #: The tax by rate; empty: one line at ``tax_rate_percent``.
    tax_lines: tuple[TaxLine, ...] = ()
    #: The legal note printed with the tax (reverse charge, an exemption).
    tax_note: str = ""
    #: A quote's: what it runs for, until when it may be accepted, and its acceptance.
    terms_of_quote: tuple[tuple[str, str], ...] = ()
    valid_until: date | None = None
    acceptance: Acceptance | None = None
    #: A quote's totals (label, amount), printed instead of subtotal, tax and total.
    totals_rows: tuple[tuple[str, Decimal], ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


def long_date(value: date) -> str:
    """``Nov 24, 2026``: the way documents print dates."""
    return f"{value:%b} {value.day}, {value.year}"


def invoice_pdf_path(number: str) -> str:
    """Where an invoice's PDF is served (relative to the site), e.g. for ``Invoice.pdfUrl``."""
    return f"/documents/invoices/{quote(number, safe='')}.pdf"


def quote_pdf_path(number: str) -> str:
    """Where a quote's PDF is served, e.g. for ``Quote.pdfUrl``."""
    return f"/documents/quotes/{quote(number, safe='')}.pdf"

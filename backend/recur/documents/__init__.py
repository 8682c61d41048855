"""Billing documents: invoices and credit notes as the PDFs customers keep.

:mod:`~recur.documents.document` says what a document holds, as plain data;
:mod:`~recur.documents.pdf` lays it out. Neither reads the database: ``services/documents.py``
gathers a document for whoever asks, and only if they may see it.
"""

from recur.documents.document import (
    Acceptance,
    BillingDocument,
    DocumentKind,
    DocumentLine,
    Party,
    Settlement,
    TaxLine,
    invoice_pdf_path,
    quote_pdf_path,
)
from recur.documents.pdf import render_pdf
from recur.documents.statement import StatementDocument, StatementLine, render_statement

__all__ = [
    "Acceptance",
    "BillingDocument",
    "DocumentKind",
    "DocumentLine",
    "Party",
    "Settlement",
    "StatementDocument",
    "StatementLine",
    "TaxLine",
    "invoice_pdf_path",
    "quote_pdf_path",
    "render_pdf",
    "render_statement",
]

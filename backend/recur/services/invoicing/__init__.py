"""Issuing invoices and credit notes from charges that fall due, every line explained,
account credit applied.

May call: common, catalog, payments.
"""

from recur.services.invoicing.issue import (
    LineContext,
    bill_charges,
    document_lines,
    issue_invoice,
    with_line_context,
)
from recur.services.invoicing.wording import describe_charge, explain

__all__ = [
    "LineContext",
    "bill_charges",
    "describe_charge",
    "document_lines",
    "explain",
    "issue_invoice",
    "with_line_context",
]

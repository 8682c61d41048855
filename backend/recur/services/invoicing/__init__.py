"""Issuing invoices and credit notes from charges that fall due, every line explained,
account credit applied.

May call: common, catalog, payments.
"""

from recur.services.invoicing.issue import (
    LineContext,
    bill_charges,
    describe_charge,
    explain,
    issue_invoice,
    with_line_context,
)

__all__ = [
    "LineContext",
    "bill_charges",
    "describe_charge",
    "explain",
    "issue_invoice",
    "with_line_context",
]

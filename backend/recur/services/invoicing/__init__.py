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
from recur.services.invoicing.parties import (
    SellerDetails,
    current_seller,
    record_seller,
    seller_party,
    sellers_by_id,
    tax_treatment,
)
from recur.services.invoicing.wording import describe_charge, explain

__all__ = [
    "LineContext",
    "SellerDetails",
    "bill_charges",
    "current_seller",
    "describe_charge",
    "document_lines",
    "explain",
    "issue_invoice",
    "record_seller",
    "seller_party",
    "sellers_by_id",
    "tax_treatment",
    "with_line_context",
]

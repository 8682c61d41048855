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
from recur.services.invoicing.tax_rates import delete_tax_rate, list_tax_rates, set_tax_rate
from recur.services.invoicing.wording import describe_charge, explain

__all__ = [
    "LineContext",
    "SellerDetails",
    "bill_charges",
    "current_seller",
    "delete_tax_rate",
    "describe_charge",
    "document_lines",
    "explain",
    "issue_invoice",
    "list_tax_rates",
    "record_seller",
    "seller_party",
    "sellers_by_id",
    "set_tax_rate",
    "tax_treatment",
    "with_line_context",
]

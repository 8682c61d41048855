"""The orders the invoices list may be read in (docs/api.md, "Sorting and filtering
lists"): each over the invoice's own columns and ending with its id, so a page is one query
and a cursor finds its place again."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import case, type_coerce

from recur.core.lifecycle import InvoiceStatus
from recur.db.models import Invoice
from recur.db.types import ScaledDecimal
from recur.services.common import Computed, Ordering


class InvoiceSort(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    DUE_DATE = "DUE_DATE"
    TOTAL_DESC = "TOTAL_DESC"
    BALANCE_DESC = "BALANCE_DESC"


#: ``Invoice.balance_due`` in SQL: what an open invoice still owes, nothing otherwise.
BALANCE_DUE = Computed(
    type_coerce(
        case(
            (
                Invoice.status == InvoiceStatus.OPEN,
                Invoice.total - Invoice.amount_paid - Invoice.amount_credited,
            ),
            else_=0,
        ),
        ScaledDecimal(6),
    ),
    lambda invoice: invoice.balance_due,
)

INVOICE_ORDERINGS: dict[InvoiceSort, Ordering] = {
    InvoiceSort.NEWEST: Ordering((Invoice.id,), descending=True),
    InvoiceSort.OLDEST: Ordering((Invoice.id,), name="OLDEST"),
    InvoiceSort.DUE_DATE: Ordering((Invoice.due_date, Invoice.id), name="DUE_DATE"),
    InvoiceSort.TOTAL_DESC: Ordering(
        (Invoice.total, Invoice.id), descending=True, name="TOTAL_DESC"
    ),
    InvoiceSort.BALANCE_DESC: Ordering(
        (BALANCE_DUE, Invoice.id), descending=True, name="BALANCE_DESC"
    ),
}

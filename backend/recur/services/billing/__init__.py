"""Finance's side: the billing run (renewals at term end, then every charge due
invoiced), invoices and receivables, voids and credit notes, the documents.

May call: common, accounts, payments, invoicing, subscriptions.
"""

from recur.services.billing.adjustments import (
    ADJUSTMENT_REASON_MAX,
    issue_credit_note,
    write_off_invoice,
)
from recur.services.billing.aging import (
    AccountAging,
    ReceivablesAging,
    receivables_aging,
)
from recur.services.billing.collections import (
    CollectionResult,
    collect,
)
from recur.services.billing.credit_notes import (
    REASON_MAX,
    list_credit_notes,
    void_invoice,
)
from recur.services.billing.documents import (
    credit_note_document,
    invoice_document,
)
from recur.services.billing.horizon import (
    BILLING_HORIZON,
    check_billing_date,
)
from recur.services.billing.invoice_sorting import (
    InvoiceSort,
)
from recur.services.billing.invoices import (
    invoices_by_number,
    list_invoices,
)
from recur.services.billing.reminders import (
    send_invoice_reminders,
)
from recur.services.billing.run import (
    BillingRunResult,
    run_billing,
)
from recur.services.billing.runs import (
    CLI,
    SCHEDULER,
    USER,
    billing_runs,
    claim_scheduled_run,
    mark_interrupted,
    recorded_run,
)
from recur.services.billing.statement import (
    Statement,
    account_statement,
    statement_csv_rows,
)

__all__ = [
    "ADJUSTMENT_REASON_MAX",
    "BILLING_HORIZON",
    "CLI",
    "REASON_MAX",
    "SCHEDULER",
    "USER",
    "AccountAging",
    "BillingRunResult",
    "CollectionResult",
    "InvoiceSort",
    "ReceivablesAging",
    "Statement",
    "account_statement",
    "billing_runs",
    "check_billing_date",
    "claim_scheduled_run",
    "collect",
    "credit_note_document",
    "invoice_document",
    "invoices_by_number",
    "issue_credit_note",
    "list_credit_notes",
    "list_invoices",
    "mark_interrupted",
    "receivables_aging",
    "recorded_run",
    "run_billing",
    "send_invoice_reminders",
    "statement_csv_rows",
    "void_invoice",
    "write_off_invoice",
]

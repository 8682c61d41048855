"""Money in: payments recorded by finance or taken through a payment provider, applied to
open invoices oldest due first, and account credit.

May call: common, accounts.
"""

from recur.services.payments.cards import pay_invoice
from recur.services.payments.ledger import (
    FINANCE,
    applications_by_invoice,
    applications_by_payment,
    apply_credit,
    credit_balances,
    has_credit,
    list_payments,
    payments_by_id,
    record_payment,
)
from recur.services.payments.provider import (
    PaymentProvider,
    SandboxProvider,
)

__all__ = [
    "FINANCE",
    "PaymentProvider",
    "SandboxProvider",
    "applications_by_invoice",
    "applications_by_payment",
    "apply_credit",
    "credit_balances",
    "has_credit",
    "list_payments",
    "pay_invoice",
    "payments_by_id",
    "record_payment",
]

"""Money in: payments recorded by finance or taken through a payment provider, applied to
open invoices oldest due first, and account credit.

May call: common, accounts.
"""

from recur.services.payments.attempts import (
    AUTOPAY,
    RETRY,
    attempts_by_invoice,
    charge_saved_method,
    pay_link,
)
from recur.services.payments.cards import pay_invoice, pay_open_invoices
from recur.services.payments.ledger import (
    FINANCE,
    applications_by_invoice,
    applications_by_payment,
    apply_credit,
    check_amount,
    credit_balances,
    has_credit,
    list_payments,
    payments_by_id,
    record_payment,
)
from recur.services.payments.methods import (
    AUTOPAY_TIMINGS,
    ON_DUE_DATE,
    ON_ISSUE,
    add_payment_method,
    methods_by_account,
    methods_by_id,
    remove_payment_method,
    set_autopay,
    set_default_payment_method,
)
from recur.services.payments.provider import (
    PaymentProvider,
    SandboxProvider,
)
from recur.services.payments.refunds import (
    PROVIDER,
    RECORD,
    refund_credit,
    refund_payment,
    refunds_by_payment,
)

__all__ = [
    "AUTOPAY",
    "AUTOPAY_TIMINGS",
    "FINANCE",
    "ON_DUE_DATE",
    "ON_ISSUE",
    "PROVIDER",
    "RECORD",
    "RETRY",
    "PaymentProvider",
    "SandboxProvider",
    "add_payment_method",
    "applications_by_invoice",
    "applications_by_payment",
    "apply_credit",
    "attempts_by_invoice",
    "charge_saved_method",
    "check_amount",
    "credit_balances",
    "has_credit",
    "list_payments",
    "methods_by_account",
    "methods_by_id",
    "pay_invoice",
    "pay_link",
    "pay_open_invoices",
    "payments_by_id",
    "record_payment",
    "refund_credit",
    "refund_payment",
    "refunds_by_payment",
    "remove_payment_method",
    "set_autopay",
    "set_default_payment_method",
]

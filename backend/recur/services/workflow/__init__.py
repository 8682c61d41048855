"""A quote's way through its statuses — submitted, approved, sent, accepted or declined —
each step checked for the quote's kind; accepting creates the order, starts or
changes the subscription or agrees its renewal. Checkout is a cart accepted.

May call: every package but billing.
"""

from recur.services.workflow.documents import quote_document
from recur.services.workflow.paperwork import Signature
from recur.services.workflow.steps import (
    accept_quote,
    approve_quote,
    checkout,
    decline_quote,
    recall_quote,
    reject_quote,
    request_quote,
    send_quote,
    submit_for_approval,
)
from recur.services.workflow.terms import (
    update_terms,
)

__all__ = [
    "Signature",
    "accept_quote",
    "approve_quote",
    "checkout",
    "decline_quote",
    "quote_document",
    "recall_quote",
    "reject_quote",
    "request_quote",
    "send_quote",
    "submit_for_approval",
    "update_terms",
]

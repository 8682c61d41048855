"""What a timeline entry says, in words, from its kind and the few columns it carries."""

from __future__ import annotations

from enum import StrEnum


class ActivityKind(StrEnum):
    QUOTE = "QUOTE"
    ORDER = "ORDER"
    SUBSCRIPTION = "SUBSCRIPTION"
    INVOICE = "INVOICE"
    VOID = "VOID"
    PAYMENT = "PAYMENT"
    CREDIT_NOTE = "CREDIT_NOTE"
    REFUND = "REFUND"
    WRITE_OFF = "WRITE_OFF"
    ADMIN = "ADMIN"


QUOTE_VERBS = {
    "CREATE": "created",
    "REQUEST": "sent to sales for review",
    "SUBMIT": "submitted for approval",
    "APPROVE": "approved",
    "REJECT": "rejected",
    "SEND": "sent to the customer",
    "ACCEPT": "accepted",
    "DECLINE": "declined",
    "CHECKOUT": "checked out",
    "EXPIRE": "expired",
    "EDIT": "edited",
    "RECALL": "recalled",
    "RENEW": "prepared for renewal",
    "RENEWAL_AGREED": "renewal agreed",
}


def summary(
    kind: ActivityKind, action: str | None, reference: str | None, detail: str | None
) -> str:
    detail = (detail or "").strip()
    match kind:
        case ActivityKind.QUOTE:
            verb = QUOTE_VERBS.get(action or "", (action or "").lower())
            return _with(f"Quote {reference} {verb}", ": ", detail)
        case ActivityKind.ORDER:
            what = {"NEW": "Order", "AMENDMENT": "Change order", "RENEWAL": "Renewal order"}
            return f"{what.get(action or '', 'Order')} {reference} placed"
        case ActivityKind.SUBSCRIPTION:
            return f"{reference}: {detail}" if detail else f"Subscription {reference} changed"
        case ActivityKind.INVOICE:
            return f"Invoice {reference} issued, due {detail}"
        case ActivityKind.VOID:
            return _with(f"Invoice {reference} voided", ": ", detail)
        case ActivityKind.PAYMENT:
            return f"Payment {reference} received" + (f" ({detail})" if detail else "")
        case ActivityKind.CREDIT_NOTE:
            return _with(f"Credit note {reference} issued", ": ", detail)
        case ActivityKind.REFUND:
            source = "Credit" if action == "CREDIT" else "Payment"
            return _with(f"{source} refunded ({reference})", ": ", detail)
        case ActivityKind.WRITE_OFF:
            return _with(f"Invoice {reference} written off", ": ", detail)
        case ActivityKind.ADMIN:
            return detail or (action or "")


def _with(text: str, separator: str, detail: str) -> str:
    return f"{text}{separator}{detail}" if detail else text

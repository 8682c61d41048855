"""The statuses of quotes, subscriptions and invoices, and the quote workflow (docs/domain.md).

Pure rules: which action moves a quote from which status to which, and who may take it.
Services apply them; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from recur.core.roles import Role


class QuoteKind(StrEnum):
    NEW = "NEW"
    AMENDMENT = "AMENDMENT"
    RENEWAL = "RENEWAL"


class QuoteStatus(StrEnum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class SubscriptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"


class InvoiceStatus(StrEnum):
    OPEN = "OPEN"
    PAID = "PAID"
    VOID = "VOID"
    #: Written off: finance gave up collecting its balance (docs/collections.md).
    UNCOLLECTIBLE = "UNCOLLECTIBLE"


class QuoteAction(StrEnum):
    REQUEST = "REQUEST"  # a customer asks sales to review the cart
    SUBMIT = "SUBMIT"  # a rep asks a manager to approve deep discounts
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    SEND = "SEND"
    ACCEPT = "ACCEPT"
    DECLINE = "DECLINE"
    CHECKOUT = "CHECKOUT"  # a customer buys their own cart without discounts
    EXPIRE = "EXPIRE"
    EDIT = "EDIT"  # lines or terms changed
    RECALL = "RECALL"  # sales take back a quote waiting for approval or the customer


class Party(StrEnum):
    """Who acts on a quote without a user's role: a partner client whose token holds the
    ``quotes:write`` scope (docs/partners.md)."""

    PARTNER = "PARTNER"


#: Who takes a step: a user by their role, or a partner client.
Taker = Role | Party

SALES: frozenset[Taker] = frozenset({Role.REP, Role.MANAGER, Role.ADMIN})
APPROVERS: frozenset[Taker] = frozenset({Role.MANAGER, Role.ADMIN})
CUSTOMERS: frozenset[Taker] = frozenset({Role.CUSTOMER})
#: Sales, and partner clients quoting the accounts linked to their partner: they prepare,
#: submit, send and recall their own quotes, but never approve one.
QUOTERS: frozenset[Taker] = SALES | {Party.PARTNER}

#: Statuses in which lines and terms may still change.
EDITABLE = frozenset({QuoteStatus.DRAFT, QuoteStatus.IN_REVIEW, QuoteStatus.APPROVED})
#: Statuses a quote never leaves.
FINAL = frozenset({QuoteStatus.ACCEPTED, QuoteStatus.DECLINED, QuoteStatus.EXPIRED})


@dataclass(frozen=True)
class Transition:
    action: QuoteAction
    sources: frozenset[QuoteStatus]
    target: QuoteStatus
    #: Who may take it: users' roles, and :attr:`Party.PARTNER` where partner clients may.
    roles: frozenset[Taker]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        QuoteAction.REQUEST,
        frozenset({QuoteStatus.DRAFT}),
        QuoteStatus.IN_REVIEW,
        CUSTOMERS,
    ),
    Transition(
        QuoteAction.SUBMIT,
        frozenset({QuoteStatus.DRAFT, QuoteStatus.IN_REVIEW}),
        QuoteStatus.PENDING_APPROVAL,
        QUOTERS,
    ),
    Transition(
        QuoteAction.APPROVE,
        frozenset({QuoteStatus.PENDING_APPROVAL}),
        QuoteStatus.APPROVED,
        APPROVERS,
    ),
    Transition(
        QuoteAction.REJECT,
        frozenset({QuoteStatus.PENDING_APPROVAL}),
        QuoteStatus.DRAFT,
        APPROVERS,
    ),
    Transition(
        QuoteAction.SEND,
        frozenset({QuoteStatus.DRAFT, QuoteStatus.IN_REVIEW, QuoteStatus.APPROVED}),
        QuoteStatus.SENT,
        QUOTERS,
    ),
    Transition(QuoteAction.ACCEPT, frozenset({QuoteStatus.SENT}), QuoteStatus.ACCEPTED, CUSTOMERS),
    Transition(QuoteAction.DECLINE, frozenset({QuoteStatus.SENT}), QuoteStatus.DECLINED, CUSTOMERS),
    Transition(
        QuoteAction.CHECKOUT, frozenset({QuoteStatus.DRAFT}), QuoteStatus.ACCEPTED, CUSTOMERS
    ),
    Transition(
        QuoteAction.RECALL,
        frozenset({QuoteStatus.PENDING_APPROVAL, QuoteStatus.SENT}),
        QuoteStatus.DRAFT,
        QUOTERS,
    ),
)


class WorkflowError(ValueError):
    """The action is not possible now, or not for this role."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def may_take(action: QuoteAction, taker: Taker) -> bool:
    """Whether ``taker`` may ever take ``action`` (whatever the quote's status)."""
    return taker in _rule(action).roles


def transition(status: QuoteStatus, action: QuoteAction, role: Taker) -> QuoteStatus:
    """The status after ``action``, or :class:`WorkflowError` saying why not."""
    rule = _rule(action)
    if role not in rule.roles:
        raise WorkflowError(
            f"A {role.value.lower()} cannot {action.value.lower()} a quote.", "NOT_ALLOWED"
        )
    if status not in rule.sources:
        allowed = ", ".join(sorted(s.value for s in rule.sources))
        raise WorkflowError(
            f"A {status.value} quote cannot be {_past(action)} (only {allowed}).",
            "INVALID_STATUS",
        )
    return rule.target


def _rule(action: QuoteAction) -> Transition:
    return next(t for t in TRANSITIONS if t.action is action)


def after_edit(status: QuoteStatus) -> QuoteStatus:
    """An edit sends an approved quote back to draft: it must be approved again."""
    if status not in EDITABLE:
        raise WorkflowError(f"A {status.value} quote can no longer be changed.", "LOCKED")
    return QuoteStatus.DRAFT if status is QuoteStatus.APPROVED else status


def _past(action: QuoteAction) -> str:
    return {
        QuoteAction.REQUEST: "sent for review",
        QuoteAction.SUBMIT: "submitted for approval",
        QuoteAction.APPROVE: "approved",
        QuoteAction.REJECT: "rejected",
        QuoteAction.SEND: "sent",
        QuoteAction.ACCEPT: "accepted",
        QuoteAction.DECLINE: "declined",
        QuoteAction.CHECKOUT: "checked out",
        QuoteAction.RECALL: "recalled",
    }.get(action, action.value.lower())

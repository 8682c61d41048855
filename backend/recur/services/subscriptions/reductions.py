"""Mid-term reductions: reps take off at most the approval threshold of a term's contract
value on their own; more needs a manager (docs/subscriptions.md)."""

from __future__ import annotations

from decimal import Decimal

from recur.core.money import Money
from recur.core.quotes import reduction_needs_approval
from recur.core.roles import Role
from recur.services.common import Actor, Invalid

#: The approval threshold when the caller names none (the settings' default).
DEFAULT_THRESHOLD = Decimal(20)


def check_reduction(
    actor: Actor, change: Decimal, before: Decimal, currency: str, threshold: Decimal
) -> None:
    """Refuse a rep's direct change that takes more than ``threshold`` % off the term's
    contract value (``change`` of ``before``): it goes through an amendment quote, which a
    manager approves before it is sent."""
    if actor.role is not Role.REP or not reduction_needs_approval(change, before, threshold):
        return
    raise Invalid.one(
        "changes",
        f"This takes {Money(-change, currency).format()} off the contract, more than "
        f"{threshold.normalize():f} % of it: prepare an amendment quote for a manager to "
        "approve.",
        "APPROVAL_REQUIRED",
    )

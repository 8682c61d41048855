"""Charges that cancel each other out are closed without a document (docs/billing.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from recur.db.models import Charge


def net_out(charges: Sequence[Charge], as_of: date) -> list[Charge]:
    """Close the charges of one item and period that add up to nothing (an item removed or
    a subscription cancelled before the period began: its scheduled charge and the
    amendment's credit) without a document, and return the others."""
    groups: dict[tuple[object, ...], list[Charge]] = defaultdict(list)
    for charge in charges:
        if charge.subscription_item_id is not None and charge.period_end is not None:
            key = (charge.subscription_item_id, charge.period_end)
            groups[key].append(charge)
    netted: set[int] = set()
    for group in groups.values():
        if len(group) > 1 and not sum(charge.amount for charge in group):
            for charge in group:
                charge.netted_on = as_of
                netted.add(charge.id)
    return [charge for charge in charges if charge.id not in netted]

"""The orders the subscriptions list may be read in (docs/api.md, "Sorting and filtering
lists"): each over the subscription's own columns and ending with its id, so a page is one
query and a cursor finds its place again."""

from __future__ import annotations

from enum import StrEnum

from recur.db.models import Subscription
from recur.services.common import Ordering


class SubscriptionSort(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    START_DATE = "START_DATE"
    TERM_END = "TERM_END"


SUBSCRIPTION_ORDERINGS: dict[SubscriptionSort, Ordering] = {
    SubscriptionSort.NEWEST: Ordering((Subscription.id,), descending=True),
    SubscriptionSort.OLDEST: Ordering((Subscription.id,), name="OLDEST"),
    SubscriptionSort.START_DATE: Ordering(
        (Subscription.start_date, Subscription.id), name="START_DATE"
    ),
    SubscriptionSort.TERM_END: Ordering(
        (Subscription.current_term_end, Subscription.id), name="TERM_END"
    ),
}

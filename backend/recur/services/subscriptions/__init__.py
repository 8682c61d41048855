"""Subscriptions: what customers have and how it changes over its terms.

Reads (``reads``); changes planned (``planning``) and carried out through an AMENDMENT quote
and its order (``changes``); amendment quotes prepared by sales (``amendment_quotes``);
cancellation (``cancellation``); renewal settings (``renewal_settings``); renewal quotes and
agreed renewals (``renewal_quotes``); renewals and expirations at term end (``term_end``); the
renewals coming up for sales (``upcoming``).

May call: common, catalog, accounts, invoicing, quotes.
"""

from recur.services.subscriptions.amendment_quotes import (
    accept_amendment_quote,
    cart_into_subscription,
    check_amendment_date,
    check_amendment_quote,
    create_amendment_quote,
    preview_amendment_quote,
)
from recur.services.subscriptions.cancellation import cancel_scheduled_change, cancel_subscription
from recur.services.subscriptions.changes import change_subscription
from recur.services.subscriptions.outcome import ChangeOutcome
from recur.services.subscriptions.planning import (
    ItemChangeRequest,
)
from recur.services.subscriptions.reads import (
    events_by_subscription,
    items_by_id,
    items_by_subscription,
    list_subscriptions,
    monthly_recurring,
    monthly_recurring_of,
    next_billing_date,
    subscriptions_by_id,
)
from recur.services.subscriptions.renewal_quotes import (
    accept_renewal_quote,
    agreed_renewals,
    check_renewal_quote,
    create_renewal_quote,
)
from recur.services.subscriptions.renewal_settings import (
    set_auto_renew,
    set_renewal_uplift,
    stop_renewals,
)
from recur.services.subscriptions.scheduled import apply_due_changes, scheduled_by_subscription
from recur.services.subscriptions.sorting import (
    SubscriptionSort,
)
from recur.services.subscriptions.term_end import (
    TermEnd,
    renew_or_expire,
    subscriptions_at_term_end,
)
from recur.services.subscriptions.upcoming import (
    UpcomingRenewals,
    upcoming_renewals,
)

__all__ = [
    "ChangeOutcome",
    "ItemChangeRequest",
    "SubscriptionSort",
    "TermEnd",
    "UpcomingRenewals",
    "accept_amendment_quote",
    "accept_renewal_quote",
    "agreed_renewals",
    "apply_due_changes",
    "cancel_scheduled_change",
    "cancel_subscription",
    "cart_into_subscription",
    "change_subscription",
    "check_amendment_date",
    "check_amendment_quote",
    "check_renewal_quote",
    "create_amendment_quote",
    "create_renewal_quote",
    "events_by_subscription",
    "items_by_id",
    "items_by_subscription",
    "list_subscriptions",
    "monthly_recurring",
    "monthly_recurring_of",
    "next_billing_date",
    "preview_amendment_quote",
    "renew_or_expire",
    "scheduled_by_subscription",
    "set_auto_renew",
    "set_renewal_uplift",
    "stop_renewals",
    "subscriptions_at_term_end",
    "subscriptions_by_id",
    "upcoming_renewals",
]

"""Insights: the customer 360 — an account's figures and MRR by month, its timeline, the
global search, and the CSV exports (docs/customer-360.md).

May call: every package before it (common … billing).
"""

from recur.services.insights.account_metrics import (
    AccountMetrics,
    MonthlyRecurring,
    account_metrics,
    monthly_recurring_by_account,
    mrr_by_month,
)
from recur.services.insights.exports import (
    Export,
    invoices_export,
    payments_export,
    subscriptions_export,
    timeline_export,
)
from recur.services.insights.search import (
    Hit,
    search,
)
from recur.services.insights.timeline import (
    Activity,
    account_timeline,
    parse_kinds,
)
from recur.services.insights.wording import (
    ActivityKind,
)

__all__ = [
    "AccountMetrics",
    "Activity",
    "ActivityKind",
    "Export",
    "Hit",
    "MonthlyRecurring",
    "account_metrics",
    "account_timeline",
    "invoices_export",
    "monthly_recurring_by_account",
    "mrr_by_month",
    "parse_kinds",
    "payments_export",
    "search",
    "subscriptions_export",
    "timeline_export",
]

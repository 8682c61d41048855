"""Metered usage: usage records, rating a metered item's charges from them, usage to date
and the upcoming invoice (docs/usage.md).

May call: common, catalog, accounts.
"""

from recur.services.usage.late import (
    accounts_with_late_usage,
    close_empty_adjustments,
    late_adjustments,
)
from recur.services.usage.rating import (
    Rated,
    UsageTooLarge,
    aggregate_usage,
    due_condition,
    rate,
    rate_charges,
)
from recur.services.usage.reads import (
    PeriodUsage,
    UpcomingInvoice,
    UpcomingLine,
    upcoming_invoice,
    usage_to_date,
)
from recur.services.usage.recording import (
    MAX_BATCH,
    NewUsage,
    UsageOutcome,
    UsageProblem,
    record_usage,
    require_recorder,
    usage_records_by_key,
)

__all__ = [
    "MAX_BATCH",
    "NewUsage",
    "PeriodUsage",
    "Rated",
    "UpcomingInvoice",
    "UpcomingLine",
    "UsageOutcome",
    "UsageProblem",
    "UsageTooLarge",
    "accounts_with_late_usage",
    "aggregate_usage",
    "close_empty_adjustments",
    "due_condition",
    "late_adjustments",
    "rate",
    "rate_charges",
    "record_usage",
    "require_recorder",
    "upcoming_invoice",
    "usage_records_by_key",
    "usage_to_date",
]

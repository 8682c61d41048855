"""Revenue metrics and the dashboards built on them (docs/revenue-metrics.md).

May call: common, catalog, accounts, quotes, subscriptions.
"""

from recur.services.metrics.dashboard import (
    LOOKBACK_DAYS,
    OPEN_STAGES,
    RENEWAL_WINDOWS,
    TREND_MONTHS,
    Discounts,
    FinanceMonth,
    Receivables,
    RenewalsDue,
    SalesDashboard,
    Stage,
    finance_dashboard,
    sales_dashboard,
)
from recur.services.metrics.revenue import (
    MAX_MONTHS,
    MetricsFilter,
    RevenueMonth,
    month_index,
    month_start,
    percent,
    revenue_metrics,
)

__all__ = [
    "LOOKBACK_DAYS",
    "MAX_MONTHS",
    "OPEN_STAGES",
    "RENEWAL_WINDOWS",
    "TREND_MONTHS",
    "Discounts",
    "FinanceMonth",
    "MetricsFilter",
    "Receivables",
    "RenewalsDue",
    "RevenueMonth",
    "SalesDashboard",
    "Stage",
    "finance_dashboard",
    "month_index",
    "month_start",
    "percent",
    "revenue_metrics",
    "sales_dashboard",
]

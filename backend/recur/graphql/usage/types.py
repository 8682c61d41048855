"""Usage types: usage records, usage per period, the upcoming invoice."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from recur.db import models
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.money import Money, money
from recur.services import usage as usage_service


@strawberry.type(description="One measurement of a metered subscription item.")
class UsageRecord:
    id: strawberry.ID
    subscription_item_id: strawberry.ID
    quantity: float = strawberry.field(description="Units measured (a whole number).")
    occurred_at: datetime
    idempotency_key: str
    recorded_at: datetime

    @classmethod
    def from_model(cls, record: models.UsageRecord) -> UsageRecord:
        return cls(
            id=to_global_id("UsageRecord", record.id),
            subscription_item_id=to_global_id("SubscriptionItem", record.subscription_item_id),
            quantity=record.quantity,
            occurred_at=record.occurred_at,
            idempotency_key=record.idempotency_key,
            recorded_at=record.recorded_at,
        )


@strawberry.type(description="A metered item's usage in one billing period and what it bills.")
class PeriodUsage:
    subscription_item_id: strawberry.ID
    product_name: str
    period_start: date
    period_end: date = strawberry.field(description="Exclusive: the first day after.")
    usage: float = strawberry.field(
        description="Units by the price's aggregation (SUM, MAX or LAST), so far."
    )
    quantity: int = strawberry.field(description="Packages billed (usage ÷ package size, up).")
    amount: Money = strawberry.field(description="Billed, or billed so far if not invoiced.")
    invoiced: bool

    @classmethod
    def of(cls, period: usage_service.PeriodUsage, currency: str) -> PeriodUsage:
        return cls(
            subscription_item_id=to_global_id("SubscriptionItem", period.subscription_item_id),
            product_name=period.product_name,
            period_start=period.period_start,
            period_end=period.period_end,
            usage=period.usage,
            quantity=period.quantity,
            amount=money(period.amount, currency),
            invoiced=period.invoiced,
        )


@strawberry.type(description="One line of the upcoming invoice.")
class UpcomingInvoiceLine:
    description: str
    product_name: str
    period_start: date
    period_end: date | None
    quantity: int
    amount: Money
    metered: bool = strawberry.field(description="Billed in arrears from usage to date.")
    usage: float | None = strawberry.field(description="Metered lines: the units so far.")
    late_usage: bool = strawberry.field(
        default=False,
        description="Usage recorded after its period was invoiced: the period's difference "
        "(quantity: the packages more; usage: the period's units in all).",
    )


@strawberry.type(
    description="The invoice the billing run makes for this subscription on issueDate, to the "
    "cent, if no more usage is recorded: licensed items due then, metered items' usage to date."
)
class UpcomingInvoice:
    issue_date: date
    lines: list[UpcomingInvoiceLine]
    subtotal: Money
    tax: Money
    total: Money

    @classmethod
    def of(cls, upcoming: usage_service.UpcomingInvoice) -> UpcomingInvoice:
        currency = upcoming.currency
        return cls(
            issue_date=upcoming.issue_date,
            lines=[
                UpcomingInvoiceLine(
                    description=line.description,
                    product_name=line.product_name,
                    period_start=line.period_start,
                    period_end=line.period_end,
                    quantity=line.quantity,
                    amount=money(line.amount, currency),
                    metered=line.metered,
                    usage=line.usage,
                    late_usage=line.late,
                )
                for line in upcoming.lines
            ],
            subtotal=money(upcoming.subtotal, currency),
            tax=money(upcoming.tax, currency),
            total=money(upcoming.total, currency),
        )

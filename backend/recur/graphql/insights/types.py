"""The customer 360's types: an account's figures, its MRR by month and its timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.money import Money, money
from recur.graphql.core.node import Node, resolve_node
from recur.services import insights

AccountActivityKind = strawberry.enum(
    insights.ActivityKind,
    name="AccountActivityKind",
    description='What a timeline entry records (docs/customer-360.md, "Timeline").',
)


@strawberry.type(description='How an account buys and pays (docs/customer-360.md, "Metrics").')
class AccountMetrics:
    lifetime_billed: Money = strawberry.field(
        description="Every invoice issued to the account, voided ones excepted, tax included."
    )
    open_balance: Money = strawberry.field(description="What its open invoices still owe.")
    overdue_balance: Money = strawberry.field(
        description="What its open invoices past their due date still owe."
    )
    average_days_to_pay: Decimal | None = strawberry.field(
        description="Days from issue to full payment, averaged over the invoices paid; null "
        "before the first is paid."
    )
    on_time_payment_rate: Decimal | None = strawberry.field(
        description="The share of paid invoices paid by their due date, from 0 to 1 "
        "(0.9167 is 91.67 %); null before the first is paid."
    )
    next_renewal_date: date | None = strawberry.field(
        description="The soonest term end of its active subscriptions; null when none runs."
    )

    @classmethod
    def of(cls, metrics: insights.AccountMetrics, currency: str) -> AccountMetrics:
        return cls(
            lifetime_billed=money(metrics.lifetime_billed, currency),
            open_balance=money(metrics.open_balance, currency),
            overdue_balance=money(metrics.overdue_balance, currency),
            average_days_to_pay=metrics.average_days_to_pay,
            on_time_payment_rate=metrics.on_time_payment_rate,
            next_renewal_date=metrics.next_renewal_date,
        )


@strawberry.type(description="An account's MRR in one month: as in effect on its last day.")
class AccountMrrMonth:
    month: date = strawberry.field(description="The month's first day.")
    mrr: Money


@strawberry.type(description="One entry of an account's timeline.")
class AccountActivity:
    subject_type_: strawberry.Private[str]
    subject_id_: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="Stable within the timeline.")
    occurred_at: datetime
    kind: AccountActivityKind  # type: ignore[valid-type]
    summary: str
    actor: str | None = strawberry.field(
        description="Who did it, by name; null when the system did (a billing run)."
    )
    amount: Money | None = strawberry.field(
        description="The amount involved (an invoice's total, a payment), if any."
    )

    @classmethod
    def of(cls, activity: insights.Activity) -> AccountActivity:
        return cls(
            subject_type_=activity.subject_type,
            subject_id_=activity.subject_id,
            id=strawberry.ID(f"{activity.kind.value}:{activity.row_id}"),
            occurred_at=activity.occurred_at,
            kind=activity.kind,
            summary=activity.summary,
            actor=activity.actor,
            amount=(
                money(activity.amount, activity.currency) if activity.amount is not None else None
            ),
        )

    @strawberry.field(
        description="What it is about (a quote, order, subscription, invoice, payment, credit "
        "note or the account); null if that is not yours to see."
    )
    async def subject(self, info: Info) -> Node | None:
        return await resolve_node(info, to_global_id(self.subject_type_, self.subject_id_))

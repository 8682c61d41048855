"""Revenue metrics and the dashboards per role (docs/revenue-metrics.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from recur.core.lifecycle import QuoteStatus
from recur.core.roles import Role
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of
from recur.graphql.core.money import Money, money
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import metrics
from recur.services.common import Invalid, Problem

STAFF = (Role.REP, Role.MANAGER, Role.FINANCE, Role.ADMIN)


@strawberry.type(
    description="One month of one currency: MRR on its last day and how it moved since the "
    "month before. mrr = previous mrr + newMrr + expansionMrr + reactivationMrr - "
    "contractionMrr - churnedMrr, exactly."
)
class RevenueMonth:
    row: strawberry.Private[metrics.RevenueMonth]
    currency: str

    @strawberry.field(description="The month's first day.")
    def month(self) -> date:
        return self.row.month

    @strawberry.field(description="Monthly recurring revenue on the month's last day.")
    def mrr(self) -> Money:
        return money(self.row.mrr, self.currency)

    @strawberry.field(description="Annual recurring revenue: mrr × 12.")
    def arr(self) -> Money:
        return money(self.row.arr, self.currency)

    @strawberry.field(description="MRR of accounts that had none before, ever.")
    def new_mrr(self) -> Money:
        return money(self.row.new, self.currency)

    @strawberry.field(description="MRR added by accounts that had some and have more.")
    def expansion_mrr(self) -> Money:
        return money(self.row.expansion, self.currency)

    @strawberry.field(description="MRR lost by accounts that still have some.")
    def contraction_mrr(self) -> Money:
        return money(self.row.contraction, self.currency)

    @strawberry.field(description="MRR of accounts that had some and have none.")
    def churned_mrr(self) -> Money:
        return money(self.row.churned, self.currency)

    @strawberry.field(description="MRR of accounts that come back after having none.")
    def reactivation_mrr(self) -> Money:
        return money(self.row.reactivation, self.currency)

    @strawberry.field(description="Accounts with MRR on the month's last day.")
    def active_accounts(self) -> int:
        return self.row.active_accounts

    @strawberry.field(description="Accounts with MRR the month before and none at its end.")
    def churned_accounts(self) -> int:
        return self.row.churned_accounts

    @strawberry.field(
        description="Logo churn: churnedAccounts in percent of the accounts with MRR the "
        "month before (null when there were none)."
    )
    def logo_churn_percent(self) -> Decimal | None:
        return self.row.logo_churn_percent

    @strawberry.field(
        description="Gross revenue retention: (MRR before - contraction - churned) in percent "
        "of the MRR before (null when there was none); at most 100."
    )
    def gross_revenue_retention_percent(self) -> Decimal | None:
        return self.row.gross_revenue_retention_percent

    @strawberry.field(
        description="Net revenue retention: (MRR before + expansion - contraction - churned) "
        "in percent of the MRR before (null when there was none)."
    )
    def net_revenue_retention_percent(self) -> Decimal | None:
        return self.row.net_revenue_retention_percent


@strawberry.type(description="Open quotes at one stage, in one currency.")
class PipelineStage:
    status: QuoteStatus
    count: int
    contract_value: Money = strawberry.field(description="Their total contract values.")


@strawberry.type(description="Active subscriptions whose term ends within a window.")
class RenewalsDue:
    within_days: int
    count: int
    monthly_recurring_revenue: Money


@strawberry.type(description="Discounts on the quotes accepted since a day, in one currency.")
class DiscountsGiven:
    quotes: int
    list_value: Money = strawberry.field(description="Their contract values at list prices.")
    contract_value: Money = strawberry.field(description="Their contract values as accepted.")
    discount: Money
    discount_percent: Decimal | None = strawberry.field(
        description="discount in percent of listValue."
    )


@strawberry.type(description="Sales' dashboard: the pipeline, renewals, approvals, discounts.")
class SalesDashboard:
    pipeline: list[PipelineStage] = strawberry.field(
        description="Open NEW and RENEWAL quotes (not carts) by stage, per currency."
    )
    renewals_due: list[RenewalsDue] = strawberry.field(
        description="Within 30, 60 and 90 days, per currency."
    )
    approvals_waiting: int = strawberry.field(
        description="Quotes waiting for a manager's approval."
    )
    discounts_given: list[DiscountsGiven] = strawberry.field(
        description="On the NEW and RENEWAL quotes accepted since `since`, per currency."
    )
    since: date


@strawberry.type(description="What was invoiced and collected in one month.")
class BilledAndCollected:
    month: date
    billed: Money = strawberry.field(description="Invoices issued in the month (not void).")
    collected: Money = strawberry.field(description="Payments received in the month.")


@strawberry.type(description="Finance's view of receivables in one currency.")
class ReceivablesSummary:
    currency: str
    open: Money = strawberry.field(description="What open invoices still await.")
    overdue: Money = strawberry.field(description="The part of it past its due date.")
    billed_last_90_days: Money
    written_off: Money = strawberry.field(
        description="Balances written off as uncollectible: bad debt, not in open."
    )
    days_sales_outstanding: Decimal | None = strawberry.field(
        description="open ÷ billedLast90Days × 90, to a tenth of a day (null without billing)."
    )
    trend: list[BilledAndCollected] = strawberry.field(
        description="The last 12 months, this month last."
    )


def _id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    if value is None:
        return None
    pk = pk_of(value, type_name)
    if pk is None:
        raise Invalid([Problem((field,), f"{field} is not the id of a {type_name}.")])
    return pk


@strawberry.type
class MetricsQuery:
    @strawberry.field(
        description="MRR and its movements for each month from `from`'s to `to`'s (at most "
        f"{metrics.MAX_MONTHS}), in one currency (staff; a rep: the accounts it owns), "
        "optionally of one owner's accounts or of one account. Future months count what is "
        "contracted: a term that has not renewed yet ends at its term end.",
        permission_classes=[IsUser, has_role(*STAFF)],
    )
    async def revenue_metrics(
        self,
        info: Info,
        currency: str,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        owner_id: strawberry.ID | None = None,
        account_id: strawberry.ID | None = None,
    ) -> list[RevenueMonth]:
        ctx = info.context
        book = metrics.MetricsFilter(
            owner_id=_id(owner_id, "User", "ownerId"),
            account_id=_id(account_id, "Account", "accountId"),
        )
        months = await metrics.revenue_metrics(
            ctx.db, ctx.actor, currency=currency, start=from_, end=to, book=book
        )
        return [RevenueMonth(row=row, currency=currency) for row in months]

    @strawberry.field(
        description="The sales dashboard of the accounts the caller sees (reps: their own; "
        "managers and admins: everyone's, or one owner's with ownerId).",
        permission_classes=[IsUser, has_role(Role.REP, Role.MANAGER, Role.ADMIN)],
    )
    async def sales_dashboard(
        self, info: Info, owner_id: strawberry.ID | None = None
    ) -> SalesDashboard:
        ctx = info.context
        book = metrics.MetricsFilter(owner_id=_id(owner_id, "User", "ownerId"))
        board = await metrics.sales_dashboard(ctx.db, ctx.actor, today=ctx.clock.today(), book=book)
        return SalesDashboard(
            pipeline=[
                PipelineStage(
                    status=stage.status,
                    count=stage.count,
                    contract_value=money(stage.contract_value, stage.currency),
                )
                for stage in board.pipeline
            ],
            renewals_due=[
                RenewalsDue(
                    within_days=due.within_days,
                    count=due.count,
                    monthly_recurring_revenue=money(due.monthly_recurring, due.currency),
                )
                for due in board.renewals_due
            ],
            approvals_waiting=board.approvals_waiting,
            discounts_given=[
                DiscountsGiven(
                    quotes=given.quotes,
                    list_value=money(given.list_value, given.currency),
                    contract_value=money(given.contract_value, given.currency),
                    discount=money(given.discount, given.currency),
                    discount_percent=metrics.percent(given.discount, given.list_value),
                )
                for given in board.discounts
            ],
            since=board.since,
        )

    @strawberry.field(
        description="Receivables per currency: open, overdue, days sales outstanding, and "
        "what was billed and collected each of the last 12 months (finance, managers, admins).",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.MANAGER, Role.ADMIN)],
    )
    async def receivables_summary(self, info: Info) -> list[ReceivablesSummary]:
        ctx = info.context
        rows = await metrics.finance_dashboard(ctx.db, ctx.actor, today=ctx.clock.today())
        return [
            ReceivablesSummary(
                currency=row.currency,
                open=money(row.open, row.currency),
                overdue=money(row.overdue, row.currency),
                billed_last_90_days=money(row.billed_lately, row.currency),
                written_off=money(row.written_off, row.currency),
                days_sales_outstanding=row.days_sales_outstanding,
                trend=[
                    BilledAndCollected(
                        month=month.month,
                        billed=money(month.billed, row.currency),
                        collected=money(month.collected, row.currency),
                    )
                    for month in row.trend
                ],
            )
            for row in rows
        ]

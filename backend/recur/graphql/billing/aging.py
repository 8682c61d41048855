"""Accounts receivable aging for finance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import strawberry

from recur.core.aging import Aging
from recur.core.roles import Role
from recur.graphql.accounts.types import Account
from recur.graphql.core.context import Info
from recur.graphql.core.money import Money, money
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import billing


@strawberry.type(description="Open balances by how long they are overdue.")
class AgingBuckets:
    aging_: strawberry.Private[Aging]
    currency: str

    def _money(self, amount: Decimal) -> Money:
        return money(amount, self.currency)

    @strawberry.field(description="Not yet due.")
    def current(self) -> Money:
        return self._money(self.aging_.buckets["current"])

    @strawberry.field(name="days1To30")
    def days_1_to_30(self) -> Money:
        return self._money(self.aging_.buckets["days_1_to_30"])

    @strawberry.field(name="days31To60")
    def days_31_to_60(self) -> Money:
        return self._money(self.aging_.buckets["days_31_to_60"])

    @strawberry.field(name="days61To90")
    def days_61_to_90(self) -> Money:
        return self._money(self.aging_.buckets["days_61_to_90"])

    @strawberry.field(name="over90")
    def over_90(self) -> Money:
        return self._money(self.aging_.buckets["over_90"])

    @strawberry.field
    def overdue(self) -> Money:
        return self._money(self.aging_.overdue)

    @strawberry.field
    def total(self) -> Money:
        return self._money(self.aging_.total)


@strawberry.type
class AccountAging:
    account: Account
    buckets: AgingBuckets


@strawberry.type(description="Receivables aging: per account, and in total per currency.")
class ReceivablesAging:
    as_of: date
    accounts: list[AccountAging]
    totals: list[AgingBuckets]


@strawberry.type
class AgingQuery:
    @strawberry.field(
        description="Open invoice balances by account and by days overdue (finance, managers).",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.MANAGER, Role.ADMIN)],
    )
    async def receivables_aging(self, info: Info, as_of: date | None = None) -> ReceivablesAging:
        ctx = info.context
        day = as_of or ctx.clock.today()
        rows = await billing.receivables_aging(ctx.db, ctx.actor, as_of=day)
        totals: dict[str, Aging] = defaultdict(Aging)
        for row in rows:
            for label, amount in row.aging.buckets.items():
                totals[row.account.currency].buckets[label] += amount
        return ReceivablesAging(
            as_of=day,
            accounts=[
                AccountAging(
                    account=Account.from_model(row.account),
                    buckets=AgingBuckets(aging_=row.aging, currency=row.account.currency),
                )
                for row in rows
            ],
            totals=[
                AgingBuckets(aging_=aging, currency=currency)
                for currency, aging in sorted(totals.items())
            ],
        )

"""Accounts receivable aging for finance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from recur.core.aging import Aging
from recur.core.roles import Role
from recur.graphql.accounts.types import Account
from recur.graphql.core.context import Info
from recur.graphql.core.money import Money, money
from recur.graphql.core.pagination import PageInfo
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import billing
from recur.services.common import MAX_PAGE_SIZE, PageRequest


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
    accounts: list[AccountAging] = strawberry.field(
        description="The accounts with open balances, most overdue first (then by name): at "
        "most `first` of them, after `after`."
    )
    totals: list[AgingBuckets] = strawberry.field(
        description="Per currency, of every account (every page)."
    )
    page_info: PageInfo = strawberry.field(
        description="Pass endCursor as after for the next accounts."
    )


@strawberry.type
class AgingQuery:
    @strawberry.field(
        description="Open invoice balances by account and by days overdue (finance, managers): "
        f"first accounts (0 to {MAX_PAGE_SIZE}; null: {MAX_PAGE_SIZE}) after the cursor after.",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.MANAGER, Role.ADMIN)],
    )
    async def receivables_aging(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = MAX_PAGE_SIZE,
        after: str | None = None,
    ) -> ReceivablesAging:
        ctx = info.context
        day = as_of or ctx.clock.today()
        page = PageRequest(first=MAX_PAGE_SIZE if first is None else first, after=after)
        aging = await billing.receivables_aging(ctx.db, ctx.actor, as_of=day, page=page)
        return ReceivablesAging(
            as_of=day,
            accounts=[
                AccountAging(
                    account=Account.from_model(row.account),
                    buckets=AgingBuckets(aging_=row.aging, currency=row.account.currency),
                )
                for row in aging.accounts
            ],
            totals=[
                AgingBuckets(aging_=buckets, currency=currency)
                for currency, buckets in aging.totals.items()
            ],
            page_info=PageInfo(
                has_next_page=aging.has_next_page,
                has_previous_page=aging.has_previous_page,
                start_cursor=aging.cursors[0] if aging.cursors else None,
                end_cursor=aging.cursors[-1] if aging.cursors else None,
            ),
        )

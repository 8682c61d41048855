"""``runBilling``: finance invoices everything due by a date."""

from __future__ import annotations

from datetime import date

import strawberry

from recur.core.roles import Role
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import billing


@strawberry.type(description="An account the run could not bill, and why.")
class FailedAccount:
    account_id: strawberry.ID
    name: str
    error: str


@strawberry.type(description="What a billing run did.")
class BillingRun:
    as_of: date
    invoices_created: int
    renewed: int
    expired: int
    failed_accounts: list[FailedAccount]
    invoice_numbers: list[str]


@strawberry.input
class RunBillingInput:
    as_of: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.type
class RunBillingPayload:
    run: BillingRun | None
    user_errors: list[UserError]


@strawberry.type
class BillingMutation:
    @strawberry.mutation(
        description="Invoice every charge due by asOf that is not invoiced yet, one invoice "
        "per account. Running it again for the same date creates nothing.",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def run_billing(
        self, info: Info, input: RunBillingInput | None = None
    ) -> RunBillingPayload:
        ctx = info.context
        as_of = (input.as_of if input else None) or ctx.clock.today()
        result = await billing.run_billing(ctx.db, as_of=as_of, now=ctx.clock.now())
        return RunBillingPayload(
            run=BillingRun(
                as_of=result.as_of,
                invoices_created=result.invoices_created,
                renewed=result.renewed,
                expired=result.expired,
                failed_accounts=[
                    FailedAccount(
                        account_id=to_global_id("Account", f.account_id), name=f.name, error=f.error
                    )
                    for f in result.failed_accounts
                ],
                invoice_numbers=result.invoice_numbers,
            ),
            user_errors=[],
        )

"""``billingRuns``: the record of every billing run, for finance and admins."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from recur.core.roles import Role
from recur.db import models
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import billing


@strawberry.enum(description="How a billing run ended, or that it is still going.")
class BillingRunStatus(Enum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


@strawberry.enum(description="What started a billing run.")
class BillingRunTrigger(Enum):
    SCHEDULER = "scheduler"
    CLI = "cli"
    USER = "user"


@strawberry.type(
    description="One billing run as recorded: when, as of which date, who or "
    "what started it, what it did and how it ended."
)
class BillingRunRecord:
    id: strawberry.ID
    as_of: date
    trigger: BillingRunTrigger
    started_at: datetime
    finished_at: datetime | None
    status: BillingRunStatus
    accounts: int = strawberry.field(description="Accounts billed or tried.")
    invoices_created: int
    credit_notes_created: int
    failures: int = strawberry.field(description="Accounts the run could not bill.")
    error: str | None = strawberry.field(description="Why the run failed or was interrupted.")
    user_id: strawberry.Private[int | None]

    @strawberry.field(
        description="Who started it: a user's name, or the scheduler or the command line."
    )
    async def started_by(self, info: Info) -> str:
        if self.user_id is None:
            return "Scheduler" if self.trigger is BillingRunTrigger.SCHEDULER else "Command line"
        user = await info.context.loaders.user.load(self.user_id)
        return user.name if user is not None else "A former user"

    @classmethod
    def from_model(cls, run: models.BillingRunRecord) -> BillingRunRecord:
        return cls(
            id=to_global_id("BillingRunRecord", run.id),
            as_of=run.as_of,
            trigger=BillingRunTrigger(run.trigger),
            started_at=run.started_at,
            finished_at=run.finished_at,
            status=BillingRunStatus(run.status),
            accounts=run.accounts,
            invoices_created=run.invoices,
            credit_notes_created=run.credit_notes,
            failures=run.failures,
            error=run.error,
            user_id=run.user_id,
        )


@strawberry.type
class BillingRunsQuery:
    @strawberry.field(
        description="Finance and admins: every billing run, newest first.",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def billing_runs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BillingRunRecord]:
        ctx = info.context
        page = await billing.billing_runs(ctx.db, ctx.actor, page_request(first, after))
        return to_connection(page, BillingRunRecord.from_model)

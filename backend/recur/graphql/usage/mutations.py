"""``recordUsage`` and ``recordUsageBatch``: usage of metered items, by admins, finance and
partner clients with ``usage:write`` (docs/usage.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError
from recur.graphql.core.ids import pk_of
from recur.graphql.core.permissions import IsAuthenticated
from recur.graphql.usage.types import UsageRecord
from recur.services import usage


@strawberry.input(description="One measurement of a metered subscription item.")
class RecordUsageInput:
    subscription_item_id: strawberry.ID
    quantity: int = strawberry.field(description="Units measured, 0 or more.")
    occurred_at: datetime = strawberry.field(
        description="When, with its UTC offset: within the item's service and a period not "
        "invoiced yet."
    )
    idempotency_key: str = strawberry.field(
        description="1 to 100 characters, unique per item: sending it again records nothing."
    )


@strawberry.input
class RecordUsageBatchInput:
    records: list[RecordUsageInput] = strawberry.field(description="At most 1,000.")


@strawberry.type
class RecordUsagePayload:
    usage_record: UsageRecord | None = strawberry.field(
        description="The record, or the one first sent with this key."
    )
    user_errors: list[UserError]


@strawberry.type
class RecordUsageBatchPayload:
    recorded: int
    duplicates: int = strawberry.field(description="Keys recorded before: nothing written.")
    user_errors: list[UserError] = strawberry.field(
        description="One per refused record, its field as ['input', 'records', index, field]; "
        "the other records are kept."
    )


def _new(record: RecordUsageInput) -> usage.NewUsage:
    return usage.NewUsage(
        pk_of(record.subscription_item_id, "SubscriptionItem") or 0,
        record.quantity,
        record.occurred_at,
        record.idempotency_key,
    )


@strawberry.type
class UsageMutation:
    @strawberry.mutation(
        description="Admins, finance, and partner clients with usage:write (for their "
        "customers): record usage of a metered item. Idempotent by key.",
        permission_classes=[IsAuthenticated],
    )
    async def record_usage(self, info: Info, input: RecordUsageInput) -> RecordUsagePayload:
        ctx = info.context
        new = _new(input)
        outcome = await usage.record_usage(ctx.db, ctx.actor, [new], now=ctx.clock.now())
        if outcome.problems:
            problem = outcome.problems[0]
            error = UserError(
                field=["input", problem.field], message=problem.message, code=problem.code
            )
            return RecordUsagePayload(usage_record=None, user_errors=[error])
        key = (new.subscription_item_id, new.idempotency_key)
        records = await usage.usage_records_by_key(ctx.db, [key])
        return RecordUsagePayload(usage_record=UsageRecord.from_model(records[key]), user_errors=[])

    @strawberry.mutation(
        description="Like recordUsage, for up to 1,000 records at once (one transaction).",
        permission_classes=[IsAuthenticated],
    )
    async def record_usage_batch(
        self, info: Info, input: RecordUsageBatchInput
    ) -> RecordUsageBatchPayload:
        ctx = info.context
        if len(input.records) > usage.MAX_BATCH:
            message = f"Send at most {usage.MAX_BATCH:,} records at once."
            error = UserError(field=["input", "records"], message=message, code="TOO_MANY")
            return RecordUsageBatchPayload(recorded=0, duplicates=0, user_errors=[error])
        outcome = await usage.record_usage(
            ctx.db, ctx.actor, [_new(r) for r in input.records], now=ctx.clock.now()
        )
        errors = [
            UserError(
                field=["input", "records", str(p.index), p.field], message=p.message, code=p.code
            )
            for p in outcome.problems or []
        ]
        return RecordUsageBatchPayload(
            recorded=outcome.recorded, duplicates=outcome.duplicates, user_errors=errors
        )

"""The business settings over GraphQL: staff read them, admins change them
(docs/administration.md, "Settings")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import strawberry

from recur.core.roles import STAFF_ROLES, Role
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.money import percent
from recur.graphql.core.permissions import IsAuthenticated, has_role
from recur.services.common import CurrentSettings, Invalid, read_settings, update_settings

PERCENT = "A percentage from 0 to 100 with at most two decimal places."


@strawberry.enum(description="What happens to an invoice once its last retry has failed.")
class DunningOutcome(StrEnum):
    LEAVE_OPEN = "LEAVE_OPEN"
    MARK_UNCOLLECTIBLE = "MARK_UNCOLLECTIBLE"
    CANCEL_AT_TERM_END = "CANCEL_AT_TERM_END"


@strawberry.type(description="Settings admins change in the app.")
class Settings:
    approval_threshold_percent: Decimal = strawberry.field(
        description="Discounts above this percentage, and amendments taking more than this "
        "share off a contract, need a manager's approval."
    )
    default_renewal_uplift_percent: Decimal = strawberry.field(
        description="The renewal uplift every new subscription starts with."
    )
    updated_at: datetime | None = strawberry.field(
        description="When an admin last changed them; null while the defaults apply."
    )
    reminder_days: list[int] = strawberry.field(
        description="Days from an open invoice's due date on which its customer is emailed a "
        "reminder (negative: before it), ascending."
    )
    dunning_retry_days: list[int] = strawberry.field(
        description="Days after a failed automatic charge on which it is tried again "
        "(docs/collections.md, 'Dunning')."
    )
    dunning_outcome: DunningOutcome = strawberry.field(
        description="What happens after the last retry fails (the rep is told in any case)."
    )

    @classmethod
    def from_current(cls, current: CurrentSettings) -> Settings:
        return cls(
            approval_threshold_percent=percent(current.approval_threshold_percent),
            default_renewal_uplift_percent=percent(current.default_renewal_uplift_percent),
            updated_at=current.updated_at,
            reminder_days=list(current.reminder_days),
            dunning_retry_days=list(current.dunning_retry_days),
            dunning_outcome=DunningOutcome(current.dunning_outcome),
        )


@strawberry.input
class UpdateSettingsInput:
    approval_threshold_percent: Decimal | None = strawberry.field(
        default=None, description=f"{PERCENT} Omitted: unchanged."
    )
    default_renewal_uplift_percent: Decimal | None = strawberry.field(
        default=None, description=f"{PERCENT} Omitted: unchanged."
    )
    reminder_days: list[int] | None = strawberry.field(
        default=None,
        description="Days from the due date to remind on, -90 to 365, at most 10; an empty "
        "list sends no reminders. Omitted: unchanged.",
    )
    dunning_retry_days: list[int] | None = strawberry.field(
        default=None,
        description="1 to 10 increasing days (1–60) after the first failure. Omitted: unchanged.",
    )
    dunning_outcome: DunningOutcome | None = strawberry.field(
        default=None, description="Omitted: unchanged."
    )


@strawberry.type
class SettingsPayload:
    settings: Settings | None
    user_errors: list[UserError]


def _default_threshold(info: Info) -> Decimal:
    """The environment's threshold, in force until an admin saves the settings."""
    return Decimal(info.context.settings.approval_threshold_percent)


@strawberry.type
class SettingsQuery:
    @strawberry.field(
        description="Staff: the business settings in force.",
        permission_classes=[IsAuthenticated, has_role(*sorted(STAFF_ROLES))],
    )
    async def settings(self, info: Info) -> Settings:
        ctx = info.context
        current = await read_settings(ctx.db, ctx.actor, default_threshold=_default_threshold(info))
        return Settings.from_current(current)


@strawberry.type
class SettingsMutation:
    @strawberry.mutation(
        description="Admins: change the business settings.",
        permission_classes=[IsAuthenticated, has_role(Role.ADMIN)],
    )
    async def update_settings(self, info: Info, input: UpdateSettingsInput) -> SettingsPayload:
        ctx = info.context
        try:
            current = await update_settings(
                ctx.db,
                ctx.actor,
                approval_threshold_percent=input.approval_threshold_percent,
                default_renewal_uplift_percent=input.default_renewal_uplift_percent,
                reminder_days=input.reminder_days,
                default_threshold=_default_threshold(info),
                now=ctx.clock.now(),
                dunning_retry_days=input.dunning_retry_days,
                dunning_outcome=None
                if input.dunning_outcome is None
                else input.dunning_outcome.value,
            )
        except Invalid as invalid:
            return SettingsPayload(settings=None, user_errors=user_errors(invalid))
        return SettingsPayload(settings=Settings.from_current(current), user_errors=[])

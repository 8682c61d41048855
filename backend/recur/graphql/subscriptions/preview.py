"""What a subscription change does, exactly as it will be billed: for a change asked for
directly and for an amendment quote alike."""

from __future__ import annotations

from datetime import date

import strawberry

from recur.graphql.billing.types import InvoiceLine
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.money import Money, money
from recur.services.common import Invalid
from recur.services.subscriptions import ChangeOutcome


@strawberry.type(description="What a change does, exactly as it will be billed.")
class SubscriptionChangePreview:
    effective_date: date | None
    lines: list[InvoiceLine] = strawberry.field(
        description="The lines of the invoice (or credit note, amounts credited) made now."
    )
    amount_due_now: Money | None = strawberry.field(
        description="Invoiced now, tax included; negative: credited now as a credit note."
    )
    monthly_recurring_revenue_before: Money | None
    new_monthly_recurring_revenue: Money | None
    contract_value_before: Money | None = strawberry.field(
        description="What the current term's charge schedules bill in all, before the change "
        "(tax excluded)."
    )
    contract_value_change: Money | None = strawberry.field(
        description="What the change's own schedule adds to the term (negative: takes off): "
        "the prorated part now plus every later period, exactly as it will be billed."
    )
    contract_value_after: Money | None = strawberry.field(
        description="The term's contract value after the change: before plus the change."
    )
    summary: str | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: ChangeOutcome) -> SubscriptionChangePreview:
        currency = outcome.subscription.currency
        return cls(
            effective_date=outcome.effective_date,
            lines=[InvoiceLine.from_model(line, currency) for line in outcome.lines],
            amount_due_now=money(outcome.amount_due_now, currency),
            monthly_recurring_revenue_before=money(outcome.monthly_before, currency),
            new_monthly_recurring_revenue=money(outcome.monthly_after, currency),
            contract_value_before=money(outcome.contract_value_before, currency),
            contract_value_change=money(outcome.contract_value_change, currency),
            contract_value_after=money(
                outcome.contract_value_before + outcome.contract_value_change, currency
            ),
            summary=outcome.event.summary,
            user_errors=[],
        )

    @classmethod
    def failed(cls, invalid: Invalid) -> SubscriptionChangePreview:
        return cls(
            effective_date=None,
            lines=[],
            amount_due_now=None,
            monthly_recurring_revenue_before=None,
            new_monthly_recurring_revenue=None,
            contract_value_before=None,
            contract_value_change=None,
            contract_value_after=None,
            summary=None,
            user_errors=user_errors(invalid),
        )

"""``previewSubscriptionChange``, ``changeSubscription``, ``cancelSubscription``,
and ``setAutoRenew``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry

from recur.graphql.billing.types import CreditNote, Invoice
from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of
from recur.graphql.core.money import Money, money
from recur.graphql.core.permissions import IsUser
from recur.graphql.orders.types import Order
from recur.graphql.quotes.types import Quote
from recur.graphql.subscriptions.preview import SubscriptionChangePreview
from recur.graphql.subscriptions.types import Subscription
from recur.services import subscriptions
from recur.services.common import Invalid, Problem
from recur.services.subscriptions import ChangeOutcome, ItemChangeRequest


@strawberry.input(description="One item change: see SubscriptionChangeInput.")
class ItemChangeInput:
    item_id: strawberry.ID | None = strawberry.field(
        default=None, description="The SubscriptionItem to change, remove or move to a price."
    )
    price_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Price to add, or (with itemId) to move the item to."
    )
    quantity: int | None = strawberry.field(
        default=None, description="The quantity after the change; 0 removes the item."
    )


@strawberry.input(
    description="itemId + quantity changes a quantity (0 removes the item); priceId + "
    "quantity adds an item, co-terminated with the term; itemId + priceId moves the item to "
    "another price of its product or of a product it upgrades to."
)
class SubscriptionChangeInput:
    subscription_id: strawberry.ID
    effective_date: date | None = strawberry.field(
        default=None,
        description="Default today. Customers: today or later; staff: back to the start of "
        "the current billing period. Within the current term.",
    )
    changes: list[ItemChangeInput]


@strawberry.type
class ChangeSubscriptionPayload:
    subscription: Subscription | None
    quote: Quote | None = strawberry.field(description="The AMENDMENT quote, accepted.")
    order: Order | None
    invoice: Invoice | None = strawberry.field(description="Made now when something is due.")
    credit_note: CreditNote | None = strawberry.field(description="Made now when credited.")
    amount_due_now: Money | None
    user_errors: list[UserError]


@strawberry.enum
class CancelMode(Enum):
    AT_TERM_END = "AT_TERM_END"
    IMMEDIATELY = "IMMEDIATELY"


@strawberry.input
class CancelSubscriptionInput:
    subscription_id: strawberry.ID
    mode: CancelMode = CancelMode.AT_TERM_END
    effective_date: date | None = strawberry.field(
        default=None, description="IMMEDIATELY only; default today."
    )


@strawberry.type
class CancelSubscriptionPayload:
    subscription: Subscription | None
    credit_note: CreditNote | None = strawberry.field(
        description="The unused time of the current periods, credited (IMMEDIATELY)."
    )
    user_errors: list[UserError]


@strawberry.input
class SetAutoRenewInput:
    subscription_id: strawberry.ID
    auto_renew: bool


@strawberry.type
class SetAutoRenewPayload:
    subscription: Subscription | None
    user_errors: list[UserError]


@strawberry.input
class CancelScheduledChangeInput:
    subscription_id: strawberry.ID
    scheduled_change_id: strawberry.ID


@strawberry.type
class CancelScheduledChangePayload:
    subscription: Subscription | None
    user_errors: list[UserError]


@strawberry.input
class SetRenewalUpliftInput:
    subscription_id: strawberry.ID
    uplift_percent: Decimal = strawberry.field(description="0 to 100, at most two places.")


@strawberry.type
class SetRenewalUpliftPayload:
    subscription: Subscription | None
    user_errors: list[UserError]


def _requests(changes: Sequence[ItemChangeInput]) -> list[ItemChangeRequest]:
    problems: list[Problem] = []
    requests = []
    for index, change in enumerate(changes):
        item = pk_of(change.item_id, "SubscriptionItem") if change.item_id else None
        price = pk_of(change.price_id, "Price") if change.price_id else None
        if change.item_id and item is None:
            problems.append(
                Problem(("changes", str(index), "itemId"), "Not an item id.", "INVALID_ID")
            )
        if change.price_id and price is None:
            problems.append(
                Problem(("changes", str(index), "priceId"), "Not a price id.", "INVALID_ID")
            )
        requests.append(ItemChangeRequest(item_id=item, price_id=price, quantity=change.quantity))
    if problems:
        raise Invalid(problems)
    return requests


def _subscription_pk(value: strawberry.ID) -> int:
    pk = pk_of(value, "Subscription")
    if pk is None:
        raise Invalid.one(
            "subscriptionId", "There is no such subscription.", "UNKNOWN_SUBSCRIPTION"
        )
    return pk


async def _change(info: Info, input: SubscriptionChangeInput, *, preview: bool) -> ChangeOutcome:
    ctx = info.context
    return await subscriptions.change_subscription(
        ctx.db,
        ctx.actor,
        subscription_id=_subscription_pk(input.subscription_id),
        effective_date=input.effective_date,
        changes=_requests(input.changes),
        today=ctx.clock.today(),
        now=ctx.clock.now(),
        preview=preview,
        threshold=await approval_threshold(info),
    )


@strawberry.type
class SubscriptionChangesQuery:
    @strawberry.field(
        description="Exactly what a change would do — the invoice or credit note made now, "
        "line by line, and the new monthly total — without doing it.",
        permission_classes=[IsUser],
    )
    async def preview_subscription_change(
        self, info: Info, input: SubscriptionChangeInput
    ) -> SubscriptionChangePreview:
        try:
            outcome = await _change(info, input, preview=True)
        except Invalid as invalid:
            return SubscriptionChangePreview.failed(invalid)
        return SubscriptionChangePreview.of(outcome)


@strawberry.type
class SubscriptionChangesMutation:
    @strawberry.mutation(
        description="Change a subscription: an AMENDMENT quote, accepted at once, whose order "
        "bills the prorated difference now and the new amounts to the end of the term.",
        permission_classes=[IsUser],
    )
    async def change_subscription(
        self, info: Info, input: SubscriptionChangeInput
    ) -> ChangeSubscriptionPayload:
        try:
            outcome = await _change(info, input, preview=False)
        except Invalid as invalid:
            return ChangeSubscriptionPayload(
                subscription=None,
                quote=None,
                order=None,
                invoice=None,
                credit_note=None,
                amount_due_now=None,
                user_errors=user_errors(invalid),
            )
        return ChangeSubscriptionPayload(
            subscription=Subscription.from_model(outcome.subscription),
            quote=Quote.from_model(outcome.quote),
            order=Order.from_model(outcome.order),
            invoice=Invoice.from_model(outcome.invoice) if outcome.invoice else None,
            credit_note=CreditNote.from_model(outcome.credit_note) if outcome.credit_note else None,
            amount_due_now=money(outcome.amount_due_now, outcome.subscription.currency),
            user_errors=[],
        )

    @strawberry.mutation(
        description="AT_TERM_END (anyone who may change it): it will not renew. IMMEDIATELY "
        "(sales and finance): every item ends on the effective date and the unused time of "
        "the current periods is credited; a rep may do so only when that takes at most the "
        "approval threshold off the contract (APPROVAL_REQUIRED otherwise: a manager ends it).",
        permission_classes=[IsUser],
    )
    async def cancel_subscription(
        self, info: Info, input: CancelSubscriptionInput
    ) -> CancelSubscriptionPayload:
        ctx = info.context
        try:
            subscription, note = await subscriptions.cancel_subscription(
                ctx.db,
                ctx.actor,
                subscription_id=_subscription_pk(input.subscription_id),
                immediately=input.mode is CancelMode.IMMEDIATELY,
                effective_date=input.effective_date,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
                threshold=await approval_threshold(info),
            )
        except Invalid as invalid:
            return CancelSubscriptionPayload(
                subscription=None, credit_note=None, user_errors=user_errors(invalid)
            )
        return CancelSubscriptionPayload(
            subscription=Subscription.from_model(subscription),
            credit_note=CreditNote.from_model(note) if note else None,
            user_errors=[],
        )

    @strawberry.mutation(
        description="Renew automatically at term end, or not.", permission_classes=[IsUser]
    )
    async def set_auto_renew(self, info: Info, input: SetAutoRenewInput) -> SetAutoRenewPayload:
        ctx = info.context
        try:
            subscription = await subscriptions.set_auto_renew(
                ctx.db,
                ctx.actor,
                subscription_id=_subscription_pk(input.subscription_id),
                auto_renew=input.auto_renew,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return SetAutoRenewPayload(subscription=None, user_errors=user_errors(invalid))
        return SetAutoRenewPayload(
            subscription=Subscription.from_model(subscription), user_errors=[]
        )

    @strawberry.mutation(
        description="How much each automatic renewal raises the subscription's prices "
        "(reps, managers, admins; recorded in its history).",
        permission_classes=[IsUser],
    )
    async def set_renewal_uplift(
        self, info: Info, input: SetRenewalUpliftInput
    ) -> SetRenewalUpliftPayload:
        ctx = info.context
        try:
            subscription = await subscriptions.set_renewal_uplift(
                ctx.db,
                ctx.actor,
                subscription_id=_subscription_pk(input.subscription_id),
                uplift_percent=input.uplift_percent,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return SetRenewalUpliftPayload(subscription=None, user_errors=user_errors(invalid))
        return SetRenewalUpliftPayload(
            subscription=Subscription.from_model(subscription), user_errors=[]
        )

    @strawberry.mutation(
        description="Call off a change scheduled for a later day, with the other item changes "
        "made with it: nothing of it is billed.",
        permission_classes=[IsUser],
    )
    async def cancel_scheduled_change(
        self, info: Info, input: CancelScheduledChangeInput
    ) -> CancelScheduledChangePayload:
        ctx = info.context
        try:
            subscription = await subscriptions.cancel_scheduled_change(
                ctx.db,
                ctx.actor,
                subscription_id=_subscription_pk(input.subscription_id),
                scheduled_change_id=pk_of(input.scheduled_change_id, "ScheduledChange") or 0,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return CancelScheduledChangePayload(subscription=None, user_errors=user_errors(invalid))
        return CancelScheduledChangePayload(
            subscription=Subscription.from_model(subscription), user_errors=[]
        )

"""``prepareRecommendation`` (staff: a quote holding the offer), ``acceptRecommendation``
(taking it now, through the change pipeline) and ``recommendationStats`` (managers)."""

from __future__ import annotations

import strawberry

from recur.graphql.billing.types import Invoice
from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.money import Money, money
from recur.graphql.core.permissions import IsUser
from recur.graphql.quotes.types import Quote
from recur.graphql.recommendations.types import RecommendationKindStats, offer_key_text
from recur.graphql.subscriptions.types import Subscription
from recur.services import recommendations
from recur.services.common import Invalid


@strawberry.input
class RecommendationInput:
    recommendation_id: strawberry.ID


@strawberry.type
class PrepareRecommendationPayload:
    quote: Quote | None = strawberry.field(
        description="A DRAFT AMENDMENT quote holding the offer, to send as it is or edit."
    )
    user_errors: list[UserError]


@strawberry.type
class AcceptRecommendationPayload:
    subscription: Subscription | None
    quote: Quote | None = strawberry.field(description="The AMENDMENT quote, accepted.")
    invoice: Invoice | None = strawberry.field(description="Made now when something is due.")
    amount_due_now: Money | None
    user_errors: list[UserError]


@strawberry.type
class RecommendationsQuery:
    @strawberry.field(
        description="How each kind of offer fares: shown, prepared, accepted, and the "
        "acceptance rate (managers and admins).",
        permission_classes=[IsUser],
    )
    async def recommendation_stats(self, info: Info) -> list[RecommendationKindStats]:
        ctx = info.context
        stats = await recommendations.offer_stats(ctx.db, ctx.actor)
        return [RecommendationKindStats.of(row) for row in stats]


@strawberry.type
class RecommendationsMutation:
    @strawberry.mutation(
        description="A DRAFT amendment quote holding the offer, priced exactly as its preview "
        "(reps for their accounts, managers, admins). The offer must still be open.",
        permission_classes=[IsUser],
    )
    async def prepare_recommendation(
        self, info: Info, input: RecommendationInput
    ) -> PrepareRecommendationPayload:
        ctx = info.context
        try:
            quote = await recommendations.prepare_offer(
                ctx.db,
                ctx.actor,
                offer_id=offer_key_text(input.recommendation_id),
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return PrepareRecommendationPayload(quote=None, user_errors=user_errors(invalid))
        return PrepareRecommendationPayload(quote=Quote.from_model(quote), user_errors=[])

    @strawberry.mutation(
        description="Take the offer now: the change its preview showed, made through "
        "changeSubscription's pipeline (the account's users and staff who may change it).",
        permission_classes=[IsUser],
    )
    async def accept_recommendation(
        self, info: Info, input: RecommendationInput
    ) -> AcceptRecommendationPayload:
        ctx = info.context
        try:
            outcome = await recommendations.take_offer(
                ctx.db,
                ctx.actor,
                offer_id=offer_key_text(input.recommendation_id),
                today=ctx.clock.today(),
                now=ctx.clock.now(),
                threshold=await approval_threshold(info),
            )
        except Invalid as invalid:
            return AcceptRecommendationPayload(
                subscription=None,
                quote=None,
                invoice=None,
                amount_due_now=None,
                user_errors=user_errors(invalid),
            )
        return AcceptRecommendationPayload(
            subscription=Subscription.from_model(outcome.subscription),
            quote=Quote.from_model(outcome.quote),
            invoice=Invoice.from_model(outcome.invoice) if outcome.invoice else None,
            amount_due_now=money(outcome.amount_due_now, outcome.subscription.currency),
            user_errors=[],
        )

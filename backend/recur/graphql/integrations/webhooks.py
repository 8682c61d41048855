"""Webhook endpoints over GraphQL, for admins and partner clients with the ``webhooks``
scope (docs/integrations.md, "Webhooks")."""

from __future__ import annotations

from datetime import datetime

import strawberry

from recur.db import models
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_arg, to_global_id
from recur.graphql.core.permissions import IsAuthenticated
from recur.services import integrations
from recur.services.common import EVENT_TYPES, MAX_PAGE_SIZE, Invalid


@strawberry.type(description="One event sent (or being sent) to one endpoint.")
class WebhookDelivery:
    id: strawberry.ID
    event_id: strawberry.ID = strawberry.field(description="The event's id (evt_…).")
    event_type: str
    status: str = strawberry.field(
        description="PENDING (to be tried again), SUCCEEDED (a 2xx) or FAILED (given up)."
    )
    response_code: int | None = strawberry.field(description="The last answer's HTTP status.")
    attempts: int
    error: str = strawberry.field(description="What went wrong on the last attempt, or empty.")
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = strawberry.field(description="Null unless PENDING.")

    @classmethod
    def from_row(cls, row: integrations.DeliveryRow) -> WebhookDelivery:
        delivery = row.delivery
        return cls(
            id=to_global_id("WebhookDelivery", delivery.id),
            event_id=strawberry.ID(row.event_uid),
            event_type=row.event_type,
            status=delivery.status,
            response_code=delivery.response_code,
            attempts=delivery.attempts,
            error=delivery.error,
            created_at=delivery.created_at,
            last_attempt_at=delivery.last_attempt_at,
            next_attempt_at=delivery.next_attempt_at if delivery.status == "PENDING" else None,
        )


@strawberry.type(description="An address that receives signed event deliveries.")
class WebhookEndpoint:
    model_: strawberry.Private[models.WebhookEndpoint]
    id: strawberry.ID
    url: str
    event_types: list[str]
    enabled: bool = strawberry.field(description="False once disabled after failing.")
    disabled_reason: str
    partner_owned: bool = strawberry.field(description="Registered by a partner client.")
    created_at: datetime

    @classmethod
    def from_model(cls, endpoint: models.WebhookEndpoint) -> WebhookEndpoint:
        return cls(
            model_=endpoint,
            id=to_global_id("WebhookEndpoint", endpoint.id),
            url=endpoint.url,
            event_types=list(endpoint.event_types),
            enabled=endpoint.enabled,
            disabled_reason=endpoint.disabled_reason,
            partner_owned=endpoint.partner_id is not None,
            created_at=endpoint.created_at,
        )

    @strawberry.field(description="Its latest deliveries, newest first (at most 100).")
    async def deliveries(self, info: Info, first: int = 20) -> list[WebhookDelivery]:
        first = max(1, min(first, MAX_PAGE_SIZE))
        found = await info.context.loaders.webhook_deliveries(first).load(self.model_.id)
        return [WebhookDelivery.from_row(row) for row in found]


@strawberry.type(description="An event type endpoints may choose.")
class EventType:
    name: str
    description: str


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="https://… on a public host.")
    event_types: list[str] = strawberry.field(description="At least one of eventTypes.")


@strawberry.input
class WebhookEndpointIdInput:
    endpoint_id: strawberry.ID


@strawberry.input
class RedeliverWebhookInput:
    delivery_id: strawberry.ID


@strawberry.type
class CreateWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        description="The signing secret, shown this once. Store it now."
    )
    user_errors: list[UserError]


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookEndpointPayload:
    user_errors: list[UserError]


@strawberry.type
class RedeliverWebhookPayload:
    delivery: WebhookDelivery | None
    user_errors: list[UserError]


@strawberry.type
class WebhooksQuery:
    @strawberry.field(
        description="Admins (every endpoint) and partners with the webhooks scope (theirs).",
        permission_classes=[IsAuthenticated],
    )
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        ctx = info.context
        found = await integrations.list_webhook_endpoints(ctx.db, ctx.actor)
        return [WebhookEndpoint.from_model(endpoint) for endpoint in found]

    @strawberry.field(description="Every event type, with when it happens.")
    def event_types(self) -> list[EventType]:
        return [EventType(name=name, description=text) for name, text in EVENT_TYPES.items()]


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        description="Register an endpoint; its signing secret is shown once.",
        permission_classes=[IsAuthenticated],
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        ctx = info.context
        try:
            endpoint, secret = await integrations.create_webhook_endpoint(
                ctx.db,
                ctx.actor,
                url=input.url,
                event_types=input.event_types,
                now=ctx.clock.now(),
                allow_private=ctx.settings.webhooks_allow_private,
            )
        except Invalid as invalid:
            return CreateWebhookEndpointPayload(
                endpoint=None, secret=None, user_errors=user_errors(invalid)
            )
        return CreateWebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_model(endpoint), secret=secret, user_errors=[]
        )

    @strawberry.mutation(
        description="Delete an endpoint: nothing more is sent to it.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_webhook_endpoint(
        self, info: Info, input: WebhookEndpointIdInput
    ) -> DeleteWebhookEndpointPayload:
        ctx = info.context
        try:
            await integrations.delete_webhook_endpoint(
                ctx.db,
                ctx.actor,
                endpoint_id=pk_arg(input.endpoint_id, "WebhookEndpoint", "endpointId"),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return DeleteWebhookEndpointPayload(user_errors=user_errors(invalid))
        return DeleteWebhookEndpointPayload(user_errors=[])

    @strawberry.mutation(
        description="Switch an endpoint disabled after failing back on.",
        permission_classes=[IsAuthenticated],
    )
    async def enable_webhook_endpoint(
        self, info: Info, input: WebhookEndpointIdInput
    ) -> WebhookEndpointPayload:
        ctx = info.context
        try:
            endpoint = await integrations.enable_webhook_endpoint(
                ctx.db,
                ctx.actor,
                endpoint_id=pk_arg(input.endpoint_id, "WebhookEndpoint", "endpointId"),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return WebhookEndpointPayload(endpoint=None, user_errors=user_errors(invalid))
        return WebhookEndpointPayload(endpoint=WebhookEndpoint.from_model(endpoint), user_errors=[])

    @strawberry.mutation(
        description="Send a delivery's event to its endpoint again, now.",
        permission_classes=[IsAuthenticated],
    )
    async def redeliver_webhook(
        self, info: Info, input: RedeliverWebhookInput
    ) -> RedeliverWebhookPayload:
        ctx = info.context
        try:
            delivery = await integrations.redeliver_webhook(
                ctx.db,
                ctx.actor,
                delivery_id=pk_arg(input.delivery_id, "WebhookDelivery", "deliveryId"),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return RedeliverWebhookPayload(delivery=None, user_errors=user_errors(invalid))
        return RedeliverWebhookPayload(delivery=WebhookDelivery.from_row(delivery), user_errors=[])

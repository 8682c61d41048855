"""Webhook endpoints: registered by admins (every account's events) and by partner clients
with the ``webhooks`` scope (their accounts' events only); each gets a signing secret once
(docs/integrations.md, "Webhooks")."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Event, WebhookDelivery, WebhookEndpoint
from recur.services.common import (
    EVENT_TYPES,
    FAILED,
    PENDING,
    WEBHOOKS_SCOPE,
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Problem,
    audit,
)
from recur.services.integrations.addresses import Refused, check_destination

#: Endpoints one owner (the staff, or one partner) may have.
MAX_ENDPOINTS = 20


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery with the event it carries."""

    delivery: WebhookDelivery
    event_uid: str
    event_type: str


def require_webhook_manager(actor: Actor) -> None:
    """Admins, and partner clients granted the ``webhooks`` scope."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.is_partner:
        if WEBHOOKS_SCOPE not in actor.scopes:
            raise Forbidden(f"This client's token lacks the '{WEBHOOKS_SCOPE}' scope.")
        return
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins manage webhooks.")


def _owned(actor: Actor) -> ColumnElement[bool]:
    """The endpoints ``actor`` manages: a partner its own, an admin every one."""
    if actor.is_partner:
        return WebhookEndpoint.partner_id == actor.partner_id
    return true()


def _owner_is(actor: Actor) -> ColumnElement[bool]:
    if actor.is_partner:
        return WebhookEndpoint.partner_id == actor.partner_id
    return WebhookEndpoint.partner_id.is_(None)


def check_event_types(event_types: Sequence[str]) -> list[str]:
    wanted = sorted({name.strip() for name in event_types if name.strip()})
    if not wanted:
        raise Invalid.one("eventTypes", "Choose at least one event type.", "REQUIRED")
    unknown = [name for name in wanted if name not in EVENT_TYPES]
    if unknown:
        raise Invalid.one(
            "eventTypes",
            f"Unknown event type {', '.join(unknown)[:200]}; choose from {', '.join(EVENT_TYPES)}.",
            "UNKNOWN_EVENT_TYPE",
        )
    return wanted


async def create_webhook_endpoint(
    db: Database,
    actor: Actor,
    *,
    url: str,
    event_types: Sequence[str],
    now: datetime,
    allow_private: bool,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (shown this once)."""
    require_webhook_manager(actor)
    problems: list[Problem] = []
    try:
        await check_destination(url, allow_private=allow_private)
    except Refused as refused:
        problems.append(Problem(("url",), str(refused), "URL_REFUSED"))
    try:
        wanted = check_event_types(event_types)
    except Invalid as invalid:
        problems.extend(invalid.problems)
    if problems:
        raise Invalid(problems)
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    async with db.transaction() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(_owner_is(actor), WebhookEndpoint.deleted.is_(False))
        )
        if (count or 0) >= MAX_ENDPOINTS:
            raise Invalid.one(
                "url", f"At most {MAX_ENDPOINTS} endpoints; delete one first.", "TOO_MANY"
            )
        endpoint = WebhookEndpoint(
            url=url.strip(),
            event_types=wanted,
            secret=secret,
            partner_id=actor.partner_id if actor.is_partner else None,
            created_by_id=actor.user_id,
            enabled=True,
            disabled_reason="",
            deleted=False,
            created_at=now,
        )
        session.add(endpoint)
        await session.flush()
        await audit(
            session,
            actor,
            "webhook_endpoint.create",
            ("WebhookEndpoint", endpoint.id),
            f"Added webhook endpoint {endpoint.url}"[:500],
            now=now,
            after={"url": endpoint.url, "eventTypes": wanted},
        )
    return endpoint, secret


async def _locked_endpoint(
    session: AsyncSession, actor: Actor, endpoint_id: int
) -> WebhookEndpoint:
    endpoint = (
        await session.scalars(
            select(WebhookEndpoint)
            .where(
                WebhookEndpoint.id == endpoint_id,
                WebhookEndpoint.deleted.is_(False),
                _owned(actor),
            )
            .with_for_update()
        )
    ).first()
    if endpoint is None:
        raise Invalid.one("endpointId", "There is no such endpoint.", "UNKNOWN_ENDPOINT")
    return endpoint


async def delete_webhook_endpoint(
    db: Database, actor: Actor, *, endpoint_id: int, now: datetime
) -> None:
    """Stop sending to an endpoint for good; what it was still owed is given up."""
    require_webhook_manager(actor)
    async with db.transaction() as session:
        endpoint = await _locked_endpoint(session, actor, endpoint_id)
        endpoint.deleted = True
        endpoint.enabled = False
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == PENDING)
            .values(status=FAILED, error="The endpoint was deleted.")
        )
        await audit(
            session,
            actor,
            "webhook_endpoint.delete",
            ("WebhookEndpoint", endpoint.id),
            f"Deleted webhook endpoint {endpoint.url}"[:500],
            now=now,
        )


async def enable_webhook_endpoint(
    db: Database, actor: Actor, *, endpoint_id: int, now: datetime
) -> WebhookEndpoint:
    """Switch an endpoint disabled after failing back on (new events reach it again)."""
    require_webhook_manager(actor)
    async with db.transaction() as session:
        endpoint = await _locked_endpoint(session, actor, endpoint_id)
        if not endpoint.enabled:
            endpoint.enabled = True
            endpoint.disabled_reason = ""
            await audit(
                session,
                actor,
                "webhook_endpoint.enable",
                ("WebhookEndpoint", endpoint.id),
                f"Enabled webhook endpoint {endpoint.url}"[:500],
                now=now,
            )
    return endpoint


async def list_webhook_endpoints(db: Database, actor: Actor) -> list[WebhookEndpoint]:
    require_webhook_manager(actor)
    async with db.session() as session:
        return list(
            await session.scalars(
                select(WebhookEndpoint)
                .where(_owned(actor), WebhookEndpoint.deleted.is_(False))
                .order_by(WebhookEndpoint.id)
            )
        )


async def deliveries_by_endpoint(
    db: Database, endpoint_ids: Sequence[int], first: int
) -> dict[int, list[DeliveryRow]]:
    """The latest ``first`` deliveries of each endpoint, newest first, in one statement."""
    rank = (
        func.row_number()
        .over(partition_by=WebhookDelivery.endpoint_id, order_by=WebhookDelivery.id.desc())
        .label("rank")
    )
    ranked = (
        select(WebhookDelivery.id, rank)
        .where(WebhookDelivery.endpoint_id.in_(list(endpoint_ids)))
        .subquery()
    )
    statement = (
        select(WebhookDelivery, Event.uid, Event.type)
        .join(ranked, ranked.c.id == WebhookDelivery.id)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(ranked.c.rank <= first)
        .order_by(WebhookDelivery.id.desc())
    )
    found: dict[int, list[DeliveryRow]] = {pk: [] for pk in endpoint_ids}
    async with db.session() as session:
        for delivery, uid, kind in (await session.execute(statement)).all():
            found[delivery.endpoint_id].append(DeliveryRow(delivery, uid, kind))
    return found


async def redeliver_webhook(
    db: Database, actor: Actor, *, delivery_id: int, now: datetime
) -> DeliveryRow:
    """Send a delivery's event to its endpoint again, as a new delivery due at once."""
    require_webhook_manager(actor)
    async with db.transaction() as session:
        delivery = (
            await session.scalars(
                select(WebhookDelivery)
                .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookEndpoint.deleted.is_(False),
                    _owned(actor),
                )
            )
        ).first()
        if delivery is None:
            raise Invalid.one("deliveryId", "There is no such delivery.", "UNKNOWN_DELIVERY")
        endpoint = await session.get_one(WebhookEndpoint, delivery.endpoint_id)
        if not endpoint.enabled:
            raise Invalid.one(
                "deliveryId",
                "The endpoint is disabled: enable it before redelivering.",
                "ENDPOINT_DISABLED",
            )
        again = WebhookDelivery(
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            error="",
            created_at=now,
        )
        session.add(again)
        await session.flush()
        event = await session.get_one(Event, again.event_id)
        row = DeliveryRow(again, event.uid, event.type)
    return row

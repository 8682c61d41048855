"""Cancelling a subscription: at term end (auto-renew off) or now, with the unused part of
the current periods credited through an amendment like any other change."""

from __future__ import annotations

from datetime import date, datetime

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    CreditNote,
    Subscription,
)
from recur.services.common import Actor, Forbidden
from recur.services.subscriptions.changes import apply_change
from recur.services.subscriptions.planning import (
    ItemChangeRequest,
    lock_for_change,
    require_changer,
)
from recur.services.subscriptions.renewal_settings import set_auto_renew


async def cancel_subscription(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    immediately: bool,
    effective_date: date | None,
    today: date,
    now: datetime,
) -> tuple[Subscription, CreditNote | None]:
    """Cancel at term end (auto-renew off; anyone who may change it) or immediately (sales
    and finance): every item ends on the effective date and the unused part of the current
    periods is credited, through an amendment like any other change."""
    if not immediately:
        subscription = await set_auto_renew(
            db, actor, subscription_id=subscription_id, auto_renew=False, today=today, now=now
        )
        return subscription, None
    require_changer(actor)
    if actor.role is Role.CUSTOMER:
        raise Forbidden("Customers cancel at term end; ask your account manager to end it now.")
    effective = effective_date or today
    async with db.transaction() as session:
        subscription, account = await lock_for_change(session, actor, subscription_id)
        running = [item for item in subscription.items if item.ended_on is None]
        # With every item removed, the change ends the subscription (and calls off a renewal
        # agreed for the next term).
        summary = f"Cancelled effective {effective.isoformat()}; unused time credited."
        outcome = await apply_change(
            session,
            actor,
            subscription,
            account,
            effective,
            [ItemChangeRequest(item_id=item.id, quantity=0) for item in running],
            today=today,
            now=now,
            action="CANCEL",
            summary=summary,
        )
        ids = subscription.id, outcome.credit_note.id if outcome.credit_note else None
    async with db.session() as session:
        note = await session.get(CreditNote, ids[1]) if ids[1] else None
        return await session.get_one(Subscription, ids[0]), note

"""Cancelling a subscription: at term end (auto-renew off) or now, with the unused part of
the current periods credited through an amendment like any other change; and calling off a
change scheduled for a later day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import CreditNote, Subscription, SubscriptionEvent
from recur.services.common import Actor, Forbidden, Invalid
from recur.services.subscriptions.changes import apply_change
from recur.services.subscriptions.planning import (
    ItemChangeRequest,
    lock_for_change,
    require_changer,
)
from recur.services.subscriptions.reductions import DEFAULT_THRESHOLD, check_reduction
from recur.services.subscriptions.renewal_settings import set_auto_renew
from recur.services.subscriptions.scheduled import call_off, call_off_pending, pending_changes


async def cancel_subscription(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    immediately: bool,
    effective_date: date | None,
    today: date,
    now: datetime,
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> tuple[Subscription, CreditNote | None]:
    """Cancel at term end (auto-renew off; anyone who may change it) or immediately (sales
    and finance): every item ends on the effective date and the unused part of the current
    periods is credited, through an amendment like any other change. Like any reduction, a
    rep ends a contract early only when that takes off at most ``threshold`` % of it."""
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
        subscription, account = await lock_for_change(session, actor, subscription_id, today)
        # What is in effect ends; the changes waiting for a later day are called off unbilled.
        await call_off_pending(session, subscription, effective)
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
        change, before = outcome.contract_value_change, outcome.contract_value_before
        check_reduction(actor, change, before, subscription.currency, threshold)
        ids = subscription.id, outcome.credit_note.id if outcome.credit_note else None
    async with db.session() as session:
        note = await session.get(CreditNote, ids[1]) if ids[1] else None
        return await session.get_one(Subscription, ids[0]), note


async def cancel_scheduled_change(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    scheduled_change_id: int,
    today: date,
    now: datetime,
) -> Subscription:
    """Call off a change waiting for its day (with the other item changes made with it):
    nothing of it was billed, and its charges are closed unbilled."""
    require_changer(actor)
    async with db.transaction() as session:
        subscription, _account = await lock_for_change(session, actor, subscription_id, today)
        pending = await pending_changes(session, subscription.id)
        chosen = next((c for c in pending if c.id == scheduled_change_id), None)
        if chosen is None:
            raise Invalid.one(
                "scheduledChangeId",
                f"{subscription.number} has no such change waiting for its day.",
                "UNKNOWN_SCHEDULED_CHANGE",
            )
        called_off = [c for c in pending if c.order_id == chosen.order_id]
        await call_off(session, called_off, today)
        session.add(
            SubscriptionEvent(
                subscription_id=subscription.id,
                actor_id=actor.user_id,
                action="CHANGE_CALLED_OFF",
                effective_date=chosen.effective_date,
                occurred_at=now,
                summary=(
                    f"The change of {chosen.effective_date.isoformat()} is called off: "
                    f"{'; '.join(c.description for c in called_off)}."
                ),
                order_id=chosen.order_id,
            )
        )
        subscription_id = subscription.id
    async with db.session() as session:
        return await session.get_one(Subscription, subscription_id)

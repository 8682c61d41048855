"""Renewal settings: whether a subscription renews at term end."""

from __future__ import annotations

from datetime import date, datetime

from recur.core.lifecycle import SubscriptionStatus
from recur.core.periods import term_end
from recur.db.engine import Database
from recur.db.models import (
    Subscription,
    SubscriptionEvent,
)
from recur.services.common import Actor, Invalid
from recur.services.subscriptions import renewal_quotes
from recur.services.subscriptions.planning import lock_for_change, require_changer


async def set_auto_renew(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    auto_renew: bool,
    today: date,
    now: datetime,
) -> Subscription:
    """Renew at term end or not; turning it off is how a subscription is cancelled at term
    end (all a customer may do)."""
    require_changer(actor)
    async with db.transaction() as session:
        subscription, _account = await lock_for_change(session, actor, subscription_id)
        if subscription.status is not SubscriptionStatus.ACTIVE:
            raise Invalid.one(
                "subscriptionId",
                f"{subscription.number} is {subscription.status.value.lower()}.",
                "NOT_ACTIVE",
            )
        if subscription.auto_renew != auto_renew:
            subscription.auto_renew = auto_renew
            end = subscription.current_term_end
            agreed = await renewal_quotes.agreed_renewal(session, subscription)
            if agreed is not None:
                # The next term is signed for; auto-renew is about the one after it.
                renewed_to = term_end(
                    agreed.start_date, agreed.term_months, subscription.start_date
                ).isoformat()
                summary = (
                    f"Renews on {end.isoformat()} as agreed, then automatically on {renewed_to}."
                    if auto_renew
                    else f"Renews on {end.isoformat()} as agreed, then ends on {renewed_to}."
                )
            elif auto_renew:
                summary = f"Renews automatically on {end.isoformat()}."
            else:
                summary = f"Ends on {end.isoformat()} and will not renew."
            session.add(
                SubscriptionEvent(
                    subscription_id=subscription.id,
                    actor_id=actor.user_id,
                    action="AUTO_RENEW_ON" if auto_renew else "AUTO_RENEW_OFF",
                    effective_date=today,
                    occurred_at=now,
                    summary=summary,
                )
            )
        subscription_id = subscription.id
    async with db.session() as session:
        return await session.get_one(Subscription, subscription_id)

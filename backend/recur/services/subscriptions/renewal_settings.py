"""Renewal settings: whether a subscription renews at term end, and by how much its prices
rise when it renews automatically (its uplift)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core import quotes as rules
from recur.core.lifecycle import SubscriptionStatus
from recur.core.periods import term_end
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Subscription,
    SubscriptionEvent,
)
from recur.services.common import Actor, Forbidden, Invalid
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
        subscription, _account = await lock_for_change(session, actor, subscription_id, today)
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


async def stop_renewals(
    session: AsyncSession, account_id: int, *, why: str, today: date, now: datetime
) -> list[str]:
    """Turn auto-renew off on every active subscription of the account, in the caller's
    transaction: each ends at its term end (the dunning outcome ``CANCEL_AT_TERM_END``,
    docs/collections.md). Returns the numbers of those it changed."""
    subscriptions = list(
        await session.scalars(
            select(Subscription)
            .where(
                Subscription.account_id == account_id,
                Subscription.status == SubscriptionStatus.ACTIVE,
                Subscription.auto_renew.is_(True),
            )
            .order_by(Subscription.id)
            .with_for_update()
        )
    )
    for subscription in subscriptions:
        subscription.auto_renew = False
        session.add(
            SubscriptionEvent(
                subscription_id=subscription.id,
                actor_id=None,
                action="AUTO_RENEW_OFF",
                effective_date=today,
                occurred_at=now,
                summary=(
                    f"Ends on {subscription.current_term_end.isoformat()} and will not renew: {why}"
                ),
            )
        )
    await session.flush()
    return [subscription.number for subscription in subscriptions]


#: Who sets a subscription's uplift: sales, for the accounts they see.
UPLIFT_SETTERS = frozenset({Role.REP, Role.MANAGER, Role.ADMIN})


async def set_renewal_uplift(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    uplift_percent: Decimal,
    today: date,
    now: datetime,
) -> Subscription:
    """Set how much each automatic renewal raises the subscription's prices: the net price
    of every item of the ending term, raised by this percent (so uplifts compound), never the
    list price read again. Recorded in the subscription's history."""
    require_changer(actor)
    if actor.role not in UPLIFT_SETTERS:
        raise Forbidden("Only sales set a subscription's renewal uplift.")
    try:
        rules.check_uplift(uplift_percent)
    except rules.QuoteRuleError as error:
        raise Invalid.one("upliftPercent", error.message, error.code) from None
    async with db.transaction() as session:
        subscription, _account = await lock_for_change(session, actor, subscription_id, today)
        if subscription.status is not SubscriptionStatus.ACTIVE:
            raise Invalid.one(
                "subscriptionId",
                f"{subscription.number} is {subscription.status.value.lower()}.",
                "NOT_ACTIVE",
            )
        before = subscription.uplift_percent
        if before != uplift_percent:
            subscription.uplift_percent = uplift_percent
            session.add(
                SubscriptionEvent(
                    subscription_id=subscription.id,
                    actor_id=actor.user_id,
                    action="UPLIFT",
                    effective_date=today,
                    occurred_at=now,
                    summary=(
                        f"Renewal uplift {_percent(before)} → {_percent(uplift_percent)}: "
                        f"from {subscription.current_term_end.isoformat()}, each automatic "
                        f"renewal raises the prices of the term before by "
                        f"{_percent(uplift_percent)}."
                    ),
                )
            )
        subscription_id = subscription.id
    async with db.session() as session:
        return await session.get_one(Subscription, subscription_id)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f} %"

"""Renewals coming up, for sales: which active subscriptions reach the end of their term
soon, whether each renews, expires or has a renewal quote, and the monthly revenue at stake.

A constant number of queries however many subscriptions are due: the subscriptions, their
renewal quotes (with lines), their items and the items' prices, each in one go.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.renewals import (
    DEFAULT_WINDOW_DAYS,
    MAX_WINDOW_DAYS,
    OPEN,
    RenewalStatus,
    renewal_quote,
    renewal_status,
)
from recur.db.engine import Database
from recur.db.models import Price, Quote, Subscription, SubscriptionItem
from recur.services.catalog import prices_by_id
from recur.services.common import Actor, Forbidden, Invalid, NotAuthenticated, grouped
from recur.services.subscriptions.reads import (
    items_by_subscription,
    monthly_recurring,
    visible_subscriptions,
)


@dataclass(frozen=True)
class UpcomingRenewal:
    subscription: Subscription
    status: RenewalStatus
    #: The accepted renewal quote, else the newest open one.
    quote: Quote | None
    #: The running items and what they are worth a month (what is at stake).
    items: list[SubscriptionItem]
    monthly_recurring: Decimal


@dataclass(frozen=True)
class RenewalTotal:
    """How many subscriptions of one currency are due, and their monthly revenue."""

    currency: str
    count: int
    monthly_recurring: Decimal


@dataclass(frozen=True)
class UpcomingRenewals:
    as_of: date
    within_days: int
    #: The last term end included: ``as_of + within_days``.
    through: date
    entries: list[UpcomingRenewal]
    totals: list[RenewalTotal]
    #: The prices of the items, by id (with tiers), for whoever shows the items next.
    prices: dict[int, Price]


async def upcoming_renewals(
    db: Database, actor: Actor, *, today: date, within_days: int = DEFAULT_WINDOW_DAYS
) -> UpcomingRenewals:
    """Active subscriptions of the accounts ``actor`` sees whose term ends by
    ``today + within_days`` — including those whose term has ended but that the billing run
    has not renewed or expired yet — by term end, then number. Staff only."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if not (actor.is_user and actor.is_staff):
        raise Forbidden("Renewals are for the sales, finance and admin teams.")
    if not 1 <= within_days <= MAX_WINDOW_DAYS:
        raise Invalid.one(
            "withinDays", f"withinDays must be between 1 and {MAX_WINDOW_DAYS} (days ahead)."
        )
    through = today + timedelta(days=within_days)
    subscriptions = await _due(db, actor, through)
    ids = [s.id for s in subscriptions]
    quotes = await _renewal_quotes(db, ids)
    items = await items_by_subscription(db, ids)
    prices = await prices_by_id(db, [i.price_id for group in items.values() for i in group])

    entries = []
    for subscription in subscriptions:
        quote = renewal_quote(quotes.get(subscription.id, []), today)
        running = items.get(subscription.id, [])
        entries.append(
            UpcomingRenewal(
                subscription=subscription,
                status=renewal_status(quote, auto_renew=subscription.auto_renew),
                quote=quote,
                items=running,
                monthly_recurring=monthly_recurring(running, prices, subscription.currency),
            )
        )
    return UpcomingRenewals(
        as_of=today,
        within_days=within_days,
        through=through,
        entries=entries,
        totals=_totals(entries),
        prices=prices,
    )


async def _due(db: Database, actor: Actor, through: date) -> list[Subscription]:
    statement = (
        select(Subscription)
        .where(
            visible_subscriptions(actor),
            Subscription.status == SubscriptionStatus.ACTIVE,
            Subscription.current_term_end <= through,
        )
        .order_by(Subscription.current_term_end, Subscription.number)
    )
    async with db.session() as session:
        return list(await session.scalars(statement))


async def _renewal_quotes(db: Database, subscription_ids: Sequence[int]) -> dict[int, list[Quote]]:
    """Each subscription's renewal quotes for the term after the current one, newest first:
    accepted or still open; never carts."""
    if not subscription_ids:
        return {}
    statement = (
        select(Quote)
        .join(Subscription, Subscription.id == Quote.subscription_id)
        .where(
            Quote.subscription_id.in_(set(subscription_ids)),
            Quote.kind == QuoteKind.RENEWAL,
            Quote.is_cart.is_(False),
            Quote.status.in_(OPEN | {QuoteStatus.ACCEPTED}),
            Quote.start_date == Subscription.current_term_end,
        )
        .options(selectinload(Quote.lines))
        .order_by(Quote.subscription_id, Quote.id.desc())
    )
    # Reached through subscriptions the actor sees: the quotes are of the same accounts.
    return await grouped(db, statement, lambda quote: quote.subscription_id)


def _totals(entries: Sequence[UpcomingRenewal]) -> list[RenewalTotal]:
    """Per currency, alphabetically: sums of each subscription's rounded monthly revenue."""
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        currency = entry.subscription.currency
        counts[currency] += 1
        amounts[currency] += entry.monthly_recurring
    return [
        RenewalTotal(currency=currency, count=counts[currency], monthly_recurring=amounts[currency])
        for currency in sorted(counts)
    ]

"""Renewals coming up, for sales: which active subscriptions reach the end of their term
soon, whether each renews, expires or has a renewal quote, and the monthly revenue at stake.

The entries come a page at a time (keyset on term end, then number), so a book of any size
costs the same per request: the page's subscriptions, their renewal quotes (with lines),
their items and the items' prices, each in one go. The totals cover the whole window, from
one query of plain rows (each due item's currency, billing period and net amount), never
the whole window as objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from sqlalchemy import ColumnElement, and_, select, tuple_
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
from recur.services.common import (
    MAX_PAGE_SIZE,
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    PageRequest,
    decode_cursor,
    encode_cursor,
    grouped,
)
from recur.services.subscriptions.reads import (
    items_by_subscription,
    monthly_recurring,
    monthly_recurring_of,
    visible_subscriptions,
)

#: Unless asked otherwise, as many entries as a page may have.
FIRST_PAGE = PageRequest(first=MAX_PAGE_SIZE)


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
    #: One page of them.
    entries: list[UpcomingRenewal]
    #: The whole window's.
    totals: list[RenewalTotal]
    #: The prices of the page's items, by id (with tiers), for whoever shows them next.
    prices: dict[int, Price]
    #: Each entry's cursor, to ask for the entries after it.
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


async def upcoming_renewals(
    db: Database,
    actor: Actor,
    *,
    today: date,
    within_days: int = DEFAULT_WINDOW_DAYS,
    page: PageRequest = FIRST_PAGE,
    with_totals: bool = True,
) -> UpcomingRenewals:
    """Active subscriptions of the accounts ``actor`` sees whose term ends by
    ``today + within_days`` — including those whose term has ended but that the billing run
    has not renewed or expired yet — by term end, then number: the ``page`` asked for, and
    the totals of them all (``[]`` unless ``with_totals``: they read the whole window).
    Staff only."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if not (actor.is_user and actor.is_staff):
        raise Forbidden("Renewals are for the sales, finance and admin teams.")
    if not 1 <= within_days <= MAX_WINDOW_DAYS:
        raise Invalid.one(
            "withinDays", f"withinDays must be between 1 and {MAX_WINDOW_DAYS} (days ahead)."
        )
    page.check()
    through = today + timedelta(days=within_days)
    due = _due(actor, through)
    rows = await _page(db, due, page)
    subscriptions = rows[: page.first]
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
        totals=await _totals(db, due) if with_totals else [],
        prices=prices,
        cursors=[_cursor(s) for s in subscriptions],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
    )


def _due(actor: Actor, through: date) -> ColumnElement[bool]:
    """Which subscriptions are due: active, the actor's to see, their term ending by then."""
    return and_(
        visible_subscriptions(actor),
        Subscription.status == SubscriptionStatus.ACTIVE,
        Subscription.current_term_end <= through,
    )


async def _page(db: Database, due: ColumnElement[bool], page: PageRequest) -> list[Subscription]:
    """The page's subscriptions, and the one after it if there is one."""
    key = tuple_(Subscription.current_term_end, Subscription.number)
    statement = select(Subscription).where(due)
    if page.after is not None:
        statement = statement.where(key > tuple_(*_after(page.after)))
    statement = statement.order_by(Subscription.current_term_end, Subscription.number)
    async with db.session() as session:
        return list(await session.scalars(statement.limit(page.first + 1)))


def _cursor(subscription: Subscription) -> str:
    return encode_cursor([subscription.current_term_end.isoformat(), subscription.number])


def _after(cursor: str) -> tuple[date, str]:
    term_end, number = decode_cursor(cursor, [str, str])
    try:
        return date.fromisoformat(term_end), number
    except ValueError:
        raise Invalid.one("after", "after is not a cursor from this list.") from None


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


async def _totals(db: Database, due: ColumnElement[bool]) -> list[RenewalTotal]:
    """Per currency, alphabetically: how many subscriptions are due and the sum of each one's
    rounded monthly revenue (``monthly_recurring``), from plain rows of their running items."""
    statement = (
        select(
            Subscription.id,
            Subscription.currency,
            Price.billing_period,
            SubscriptionItem.net_amount,
        )
        .outerjoin(
            SubscriptionItem,
            and_(
                SubscriptionItem.subscription_id == Subscription.id,
                SubscriptionItem.ended_on.is_(None),
            ),
        )
        .outerjoin(Price, Price.id == SubscriptionItem.price_id)
        .where(due)
        .order_by(Subscription.id)
    )
    async with db.session() as session:
        rows = (await session.execute(statement)).all()
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for _, group in groupby(rows, key=lambda row: row.id):
        nets = list(group)
        currency = nets[0].currency
        counts[currency] += 1
        amounts[currency] += monthly_recurring_of(
            ((row.billing_period, row.net_amount) for row in nets), currency
        )
    return [
        RenewalTotal(currency=currency, count=counts[currency], monthly_recurring=amounts[currency])
        for currency in sorted(counts)
    ]

"""Subscriptions and their items, as the asking actor may see them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import SubscriptionStatus
from recur.core.money import round_money
from recur.core.periods import period_containing
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Order,
    Price,
    Product,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
)
from recur.services.accounts import visible_accounts
from recur.services.catalog import PERIOD_WORDS
from recur.services.common import (
    ALL_DATES,
    Actor,
    DateRange,
    NotAuthenticated,
    Page,
    PageRequest,
    grouped,
    paginate_by,
)
from recur.services.subscriptions.sorting import SUBSCRIPTION_ORDERINGS, SubscriptionSort


async def locked_subscription(
    session: AsyncSession, subscription_id: int, *, skip_locked: bool = False
) -> Subscription | None:
    """The subscription with its items, locked for the caller's transaction (``None`` when
    it does not exist or, with ``skip_locked``, another transaction holds it)."""
    statement = (
        select(Subscription)
        .where(Subscription.id == subscription_id)
        .options(selectinload(Subscription.items))
        .with_for_update(skip_locked=skip_locked)
    )
    return (await session.scalars(statement)).first()


def visible_subscriptions(actor: Actor) -> ColumnElement[bool]:
    return Subscription.account_id.in_(select(Account.id).where(visible_accounts(actor)))


async def list_subscriptions(
    db: Database,
    actor: Actor,
    *,
    status: SubscriptionStatus | None = None,
    account_id: int | None = None,
    starting: DateRange = ALL_DATES,
    sort: SubscriptionSort = SubscriptionSort.NEWEST,
    page: PageRequest,
) -> Page[Subscription]:
    """Visible subscriptions, newest first unless ``sort`` says otherwise; only those
    starting within ``starting``."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(Subscription).where(visible_subscriptions(actor))
    if status is not None:
        statement = statement.where(Subscription.status == status)
    if account_id is not None:
        statement = statement.where(Subscription.account_id == account_id)
    statement = statement.where(*starting.days(Subscription.start_date))
    return await paginate_by(db, statement, SUBSCRIPTION_ORDERINGS[sort], page)


async def subscriptions_by_id(
    db: Database, actor: Actor, ids: Sequence[int]
) -> dict[int, Subscription]:
    if actor.is_anonymous or not ids:
        return {}
    statement = select(Subscription).where(
        Subscription.id.in_(set(ids)), visible_subscriptions(actor)
    )
    async with db.session() as session:
        return {s.id: s for s in await session.scalars(statement)}


async def items_by_subscription(
    db: Database, subscription_ids: Sequence[int]
) -> dict[int, list[SubscriptionItem]]:
    """The running items of each subscription (not those an amendment ended)."""
    statement = (
        select(SubscriptionItem)
        .where(
            SubscriptionItem.subscription_id.in_(set(subscription_ids)),
            SubscriptionItem.ended_on.is_(None),
        )
        .order_by(SubscriptionItem.subscription_id, SubscriptionItem.id)
    )
    return await grouped(db, statement, lambda item: item.subscription_id)


async def items_by_id(db: Database, ids: Sequence[int]) -> dict[int, SubscriptionItem]:
    """Items by id (callers reach them through a visible subscription or invoice)."""
    if not ids:
        return {}
    statement = select(SubscriptionItem).where(SubscriptionItem.id.in_(set(ids)))
    async with db.session() as session:
        return {item.id: item for item in await session.scalars(statement)}


def monthly_recurring(
    items: Sequence[SubscriptionItem], prices: dict[int, Price], currency: str
) -> Decimal:
    """MRR: monthly nets plus a twelfth of yearly nets, rounded once (a metric)."""
    nets = [(prices[item.price_id].billing_period, item.net_amount) for item in items]
    return monthly_recurring_of(nets, currency)


def monthly_recurring_of(
    nets: Iterable[tuple[BillingPeriod | None, Decimal | None]], currency: str
) -> Decimal:
    """:func:`monthly_recurring` of items given as (billing period, net amount)."""
    total = Decimal(0)
    for period, net in nets:
        if net is None:
            continue
        if period is BillingPeriod.MONTH:
            total += net
        elif period is BillingPeriod.YEAR:
            total += net / 12
    return round_money(total, currency)


def next_billing_date(
    subscription: Subscription, periods: Sequence[BillingPeriod], today: date
) -> date | None:
    """The next period start after ``today`` within the current term, if any."""
    if subscription.status is not SubscriptionStatus.ACTIVE:
        return None
    starts = []
    for period in set(periods):
        months = period.months
        if months is None:
            continue
        day = max(today, subscription.start_date)
        current = period_containing(subscription.start_date, months, day)
        starts.append(current.start if current.start > today else current.end)
    upcoming = [d for d in starts if d < subscription.current_term_end]
    return min(upcoming) if upcoming else None


def describe_items(entries: Sequence[tuple[Product, Price, int]]) -> str:
    """Items in words for a subscription's history: "Seats (monthly) × 10; …"."""
    return "; ".join(
        f"{product.name} ({PERIOD_WORDS.get(price.billing_period, 'one-time')}) × {quantity}"
        for product, price, quantity in entries
    )


async def events_by_subscription(
    db: Database, subscription_ids: Sequence[int]
) -> dict[int, list[SubscriptionEvent]]:
    """Each subscription's history, newest first (callers reach it through a visible
    subscription)."""
    statement = (
        select(SubscriptionEvent)
        .where(SubscriptionEvent.subscription_id.in_(set(subscription_ids)))
        .order_by(SubscriptionEvent.subscription_id, SubscriptionEvent.id.desc())
    )
    return await grouped(db, statement, lambda event: event.subscription_id)


async def contract_value(
    session: AsyncSession, subscription_id: int, start: date, end: date
) -> Decimal:
    """What the subscription's charge schedules bill for periods starting in ``[start, end)``
    (a term), changes included, tax excluded."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Charge.amount), 0))
        .join(Order, Order.id == Charge.order_id)
        .where(
            Order.subscription_id == subscription_id,
            Charge.period_start >= start,
            Charge.period_start < end,
        )
    )
    return Decimal(total or 0)

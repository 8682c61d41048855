"""Amendment quotes prepared by sales: a DRAFT of the running items to edit, have approved
and send; accepted, carried out exactly like a direct change, and previewed to the cent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.proration import Term
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Order,
    Price,
    Quote,
    QuoteEvent,
    QuoteLine,
    Subscription,
)
from recur.services.catalog import load_prices
from recur.services.common import Actor, Invalid, NumberSequence, Problem, next_number
from recur.services.quotes import (
    create_once,
    lines_of_items,
    reloaded_quote,
    require_sales,
    subscription_quote,
)
from recur.services.subscriptions.changes import carry_out
from recur.services.subscriptions.outcome import ChangeOutcome
from recur.services.subscriptions.planning import (
    PlannedChange,
    check_effective_date,
    current_term,
    load_products,
    lock_for_change,
    planned_change,
    require_active,
    running_items,
    terms_of,
)
from recur.services.subscriptions.previews import rolled_back, unnumbered
from recur.services.subscriptions.reads import (
    locked_subscription,
)
from recur.services.subscriptions.scheduled import (
    apply_due,
    refuse_changes_to_scheduled,
)


async def create_amendment_quote(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    today: date,
    now: datetime,
    client_key: str | None = None,
) -> Quote:
    """A DRAFT amendment of the subscription for a rep to edit, have approved and send.

    Its lines start as the running items (each points at its item). The rep changes
    quantities (0 removes the item) and discounts and adds lines (add-ons); the start date
    is the effective date. Accepted, it is carried out exactly like a direct change. With
    ``client_key``, a repeated call answers with the first call's quote.
    """
    require_sales(actor)

    async def create(key: str | None) -> Quote:
        return await _new_amendment_quote(db, actor, subscription_id, key, today=today, now=now)

    def same(quote: Quote) -> bool:
        return quote.kind is QuoteKind.AMENDMENT and quote.subscription_id == subscription_id

    return await create_once(db, actor, client_key, create, same)


async def _new_amendment_quote(
    db: Database,
    actor: Actor,
    subscription_id: int,
    client_key: str | None,
    *,
    today: date,
    now: datetime,
) -> Quote:
    async with db.transaction() as session:
        subscription, _account = await lock_for_change(session, actor, subscription_id, today)
        require_active(subscription)
        term = await current_term(session, subscription)
        running = sorted(running_items(subscription), key=lambda item: item.id)
        effective = min(max(today, term.start), date.fromordinal(term.end.toordinal() - 1))
        quote = subscription_quote(
            subscription,
            number=await next_number(session, NumberSequence.QUOTE),
            kind=QuoteKind.AMENDMENT,
            status=QuoteStatus.DRAFT,
            start_date=effective,
            term_months=term.months,
            lines=lines_of_items(running),
            now=now,
            created_by_id=actor.user_id,
        )
        quote.client_key = client_key
        session.add(quote)
        await session.flush()
        session.add(
            QuoteEvent(
                quote_id=quote.id,
                actor_id=actor.user_id,
                action="CREATE",
                from_status=None,
                to_status=QuoteStatus.DRAFT,
                comment=f"Amendment of {subscription.number}",
                created_at=now,
            )
        )
        quote_id = quote.id
    return await reloaded_quote(db, actor, quote_id)


async def check_amendment_quote(session: AsyncSession, quote: Quote, today: date) -> None:
    """Raise what would stop an amendment quote from being carried out now: an effective
    date outside what staff may choose, items gone, or no change at all."""
    subscription = await _subscription_of(session, quote, today)
    await _quote_plan(session, subscription, quote, today)


async def check_amendment_date(session: AsyncSession, quote: Quote, today: date) -> None:
    """An amendment quote's start date is a day staff may choose for a change now."""
    subscription = await _subscription_of(session, quote, today)
    term = await current_term(session, subscription)
    active = running_items(subscription)
    prices = await load_prices(session, {item.price_id for item in active})
    check_effective_date(True, subscription, term, quote.start_date, active, prices, today)


async def accept_amendment_quote(
    session: AsyncSession, actor: Actor, quote: Quote, *, today: date, now: datetime
) -> Order:
    """Carry out an amendment quote the customer accepted (the workflow has moved and
    locked it): the same order, invoice or credit note as a direct change."""
    return (await _carry_out_quote(session, actor, quote, today=today, now=now)).order


async def cart_into_subscription(
    session: AsyncSession, actor: Actor, cart: Quote, subscription_id: int, *, today: date
) -> None:
    """Make a cart an amendment of one of the account's active subscriptions: its items are
    added from today, co-terminated with the subscription's term and prorated, and a price
    the subscription has already raises that item's quantity at the item's own terms
    (docs/subscriptions.md). The caller then accepts it like any amendment quote."""
    unknown = Invalid.one(
        "addToSubscriptionId", "There is no such subscription.", "UNKNOWN_SUBSCRIPTION"
    )
    try:
        subscription, _account = await lock_for_change(session, actor, subscription_id, today)
    except Invalid:
        raise unknown from None
    if subscription.account_id != cart.account_id:
        raise unknown
    require_active(subscription)
    if subscription.currency != cart.currency:
        raise Invalid.one(
            "addToSubscriptionId",
            f"{subscription.number} is billed in {subscription.currency}, your cart in "
            f"{cart.currency}: start a new subscription instead.",
            "CURRENCY_MISMATCH",
        )
    term = await current_term(session, subscription)
    running = {item.price_id: item for item in running_items(subscription)}
    for line in cart.lines:
        item = running.get(line.price_id)
        if item is not None:
            line.subscription_item_id = item.id
            line.quantity += item.quantity
            line.discount_percent = item.discount_percent
    cart.kind = QuoteKind.AMENDMENT
    cart.subscription_id = subscription.id
    cart.start_date = today
    cart.term_months = term.months
    cart.is_cart = False


async def preview_amendment_quote(
    db: Database, actor: Actor, *, quote_id: int, today: date, now: datetime
) -> ChangeOutcome:
    """What accepting an open amendment quote would do today, to the cent; writes nothing
    (callers reach the quote through one the actor sees)."""

    async def accept(session: AsyncSession) -> ChangeOutcome:
        quote = (
            await session.scalars(
                select(Quote)
                .where(Quote.id == quote_id)
                .options(selectinload(Quote.lines))
                .with_for_update()
            )
        ).one()
        return await _carry_out_quote(session, actor, quote, today=today, now=now)

    outcome = await rolled_back(db, accept)
    unnumbered(outcome.lines, order=outcome.order.number)
    return outcome


async def _carry_out_quote(
    session: AsyncSession, actor: Actor, quote: Quote, *, today: date, now: datetime
) -> ChangeOutcome:
    # The account first, then the subscription: the order every change and billing locks in.
    account = (
        await session.scalars(
            select(Account).where(Account.id == quote.account_id).with_for_update()
        )
    ).one()
    subscription = await _subscription_of(session, quote, today)
    term, prices, changes = await _quote_plan(session, subscription, quote, today)
    return await carry_out(
        session,
        actor,
        subscription,
        account,
        term,
        quote.start_date,
        quote,
        changes,
        prices,
        today=today,
        now=now,
    )


async def _subscription_of(session: AsyncSession, quote: Quote, today: date) -> Subscription:
    subscription = (
        await locked_subscription(session, quote.subscription_id)
        if quote.subscription_id is not None
        else None
    )
    if subscription is None:
        raise Invalid.one("quoteId", f"{quote.number} changes no subscription.", "NOT_AMENDMENT")
    await apply_due(session, subscription, today)
    return subscription


async def _quote_plan(
    session: AsyncSession, subscription: Subscription, quote: Quote, today: date
) -> tuple[Term, dict[int, Price], list[tuple[QuoteLine, PlannedChange]]]:
    """The changes an amendment quote makes, line by line; lines equal to their item change
    nothing and are left out."""
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise Invalid.one(
            "quoteId",
            f"{subscription.number} is {subscription.status.value.lower()}: "
            f"{quote.number} can no longer change it.",
            "NOT_ACTIVE",
        )
    term = await current_term(session, subscription)
    active = running_items(subscription)
    prices = await load_prices(
        session, {item.price_id for item in active} | {line.price_id for line in quote.lines}
    )
    check_effective_date(True, subscription, term, quote.start_date, active, prices, today)
    items = {item.id: item for item in active}
    products = await load_products(session, {line.product_id for line in quote.lines})
    problems: list[Problem] = []
    changes: list[tuple[QuoteLine, PlannedChange]] = []
    for index, line in enumerate(sorted(quote.lines, key=lambda line: line.position)):
        price = prices[line.price_id]
        name = products[line.product_id].name
        where = ("lines", str(index))
        if line.subscription_item_id is None:
            if any(item.price_id == price.id for item in active):
                problems.append(
                    Problem(
                        where,
                        f"{name} at this price is on {subscription.number} already: "
                        "change the quantity of its line instead.",
                        "ALREADY_SUBSCRIBED",
                    )
                )
                continue
            discount = line.discount_percent
            after = terms_of(price, line.quantity, discount, Decimal(0))
            changes.append(
                (line, planned_change(None, price, line.quantity, discount, None, after, term))
            )
            continue
        item = items.get(line.subscription_item_id)
        if item is None:
            problems.append(
                Problem(
                    where,
                    f"{name} is no longer on {subscription.number}: it changed since "
                    f"{quote.number} was prepared.",
                    "ITEM_ENDED",
                )
            )
            continue
        if (line.quantity, line.discount_percent) == (item.quantity, item.discount_percent):
            continue
        uplift = item.uplift_percent
        was = terms_of(price, item.quantity, item.discount_percent, uplift)
        becomes = (
            terms_of(price, line.quantity, line.discount_percent, uplift) if line.quantity else None
        )
        changes.append(
            (
                line,
                planned_change(
                    item, price, line.quantity, line.discount_percent, was, becomes, term
                ),
            )
        )
    if problems:
        raise Invalid(problems)
    await refuse_changes_to_scheduled(
        session, subscription.id, {plan.item.id for _line, plan in changes if plan.item is not None}
    )
    if not changes:
        raise Invalid.one(
            None,
            f"{quote.number} changes nothing yet: change a quantity or a discount, or add a line.",
            "NO_CHANGES",
        )
    return term, prices, changes

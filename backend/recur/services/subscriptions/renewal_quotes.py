"""Renewals a rep prepares: the next term on other quantities, prices, uplift or length.

A renewal quote is a ``RENEWAL`` quote of the subscription that starts where the current term
ends. It is edited, approved and sent like any quote. Accepted, it becomes a ``RENEWAL``
order at once, whose charge schedule covers the agreed term, and that order *replaces the
automatic renewal*: when the term ends, the billing run takes it up instead of renewing the
items as they are (``renewals.renew_or_expire``) — even if auto-renew was turned off, since the
customer signed for the next term. Until then the items of the running term stay as they are,
so changes during the rest of the term are prorated on what the customer has now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from sqlalchemy import ColumnElement, ColumnExpressionArgument, ScalarSelect, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core import quotes as rules
from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.periods import term_end
from recur.core.schedule import charge_schedule
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Order,
    Price,
    Product,
    Quote,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
)
from recur.services.accounts import visible_accounts
from recur.services.catalog import load_prices
from recur.services.common import (
    Actor,
    Invalid,
    NumberSequence,
    next_number,
    order_created,
    subscription_event,
)
from recur.services.orders import charge_row
from recur.services.quotes import (
    PricedQuote,
    create_once,
    line_terms,
    lines_of_items,
    price_quote,
    record,
    reloaded_quote,
    require_sales,
    subscription_quote,
)
from recur.services.subscriptions.reads import (
    describe_items,
    locked_subscription,
    monthly_recurring,
)

#: Agreed once, a renewal's prices are not checked against the approval threshold again.
NO_APPROVAL = Decimal(100)


async def create_renewal_quote(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    term_months: int | None,
    uplift_percent: Decimal | None,
    now: datetime,
    client_key: str | None = None,
) -> Quote:
    """A DRAFT renewal of the subscription's running items, from the end of its term, for
    ``term_months`` (default: the same term) at ``uplift_percent`` (default: its uplift).
    With ``client_key``, a repeated call answers with the first call's quote.
    """
    require_sales(actor)

    create = partial(
        _new_renewal_quote, db, actor, subscription_id, term_months, uplift_percent, now
    )

    def same(quote: Quote) -> bool:
        return quote.kind is QuoteKind.RENEWAL and quote.subscription_id == subscription_id

    return await create_once(db, actor, client_key, create, same)


async def _new_renewal_quote(
    db: Database,
    actor: Actor,
    subscription_id: int,
    term_months: int | None,
    uplift_percent: Decimal | None,
    now: datetime,
    client_key: str | None,
) -> Quote:
    async with db.transaction() as session:
        subscription = await _visible_subscription(session, actor, subscription_id)
        if subscription.status is not SubscriptionStatus.ACTIVE:
            raise Invalid.one(
                "subscriptionId",
                f"{subscription.number} is {subscription.status.value.lower()}: it does not renew.",
                "NOT_ACTIVE",
            )
        agreed = await agreed_renewal(session, subscription)
        if agreed is not None:
            raise Invalid.one(
                "subscriptionId",
                f"The next term of {subscription.number} is agreed already ({agreed.number}).",
                "RENEWAL_AGREED",
            )
        running = sorted(
            (item for item in subscription.items if item.ended_on is None), key=lambda i: i.id
        )
        if not running:
            raise Invalid.one(
                "subscriptionId", f"{subscription.number} has nothing to renew.", "NOTHING_TO_RENEW"
            )
        term = subscription.term_months if term_months is None else term_months
        uplift = subscription.uplift_percent if uplift_percent is None else uplift_percent
        periods = await session.scalars(
            select(Price.billing_period).where(Price.id.in_({i.price_id for i in running}))
        )
        try:
            rules.check_term(term, list(periods))
            rules.check_uplift(uplift)
        except rules.QuoteRuleError as error:
            raise Invalid.one(error.field, error.message, error.code) from None
        start = subscription.current_term_end
        quote = subscription_quote(
            subscription,
            number=await next_number(session, NumberSequence.QUOTE),
            kind=QuoteKind.RENEWAL,
            status=QuoteStatus.DRAFT,
            start_date=start,
            term_months=term,
            lines=lines_of_items(running),
            now=now,
            created_by_id=actor.user_id,
            uplift_percent=uplift,
        )
        quote.client_key = client_key
        session.add(quote)
        await session.flush()
        comment = f"Renewal of {subscription.number} from {start.isoformat()}"
        await record(session, quote, actor, "CREATE", None, now, comment)
        quote_id = quote.id
    return await reloaded_quote(db, actor, quote_id)


async def _visible_subscription(
    session: AsyncSession, actor: Actor, subscription_id: int
) -> Subscription:
    subscription = (
        await session.scalars(
            select(Subscription)
            .join(Account, Account.id == Subscription.account_id)
            .where(Subscription.id == subscription_id, visible_accounts(actor))
            .options(selectinload(Subscription.items))
            .with_for_update(of=Subscription)
        )
    ).first()
    if subscription is None:
        raise Invalid.one(
            "subscriptionId", "There is no such subscription.", "UNKNOWN_SUBSCRIPTION"
        )
    return subscription


def _agreed_for(
    subscription_id: ColumnExpressionArgument[int] | int,
    term_end: ColumnExpressionArgument[date] | date,
) -> tuple[ColumnElement[bool], ...]:
    """Orders that renew the subscription for the term after the one ending on ``term_end``:
    accepted renewal quotes (an automatic renewal's order starts once that term has ended,
    when the term end has moved on)."""
    return (
        Order.subscription_id == subscription_id,
        Order.kind == QuoteKind.RENEWAL,
        Order.start_date == term_end,
    )


def agreed_renewal_id() -> ScalarSelect[int]:
    """The id of the subscription's agreed renewal order (``NULL`` if none), correlated to
    ``Subscription``: to read with the subscription."""
    agreed = _agreed_for(Subscription.id, Subscription.current_term_end)
    return select(Order.id).where(*agreed).limit(1).scalar_subquery()


async def agreed_renewal(session: AsyncSession, subscription: Subscription) -> Order | None:
    """The renewal order a customer accepted for the next term, not yet taken up."""
    agreed = _agreed_for(subscription.id, subscription.current_term_end)
    return (await session.scalars(select(Order).where(*agreed))).first()


async def agreed_renewals(db: Database, subscription_ids: Sequence[int]) -> dict[int, Order]:
    """Each subscription's agreed renewal, if it has one (callers reach it through a visible
    subscription)."""
    statement = (
        select(Order)
        .join(Subscription, and_(*_agreed_for(Subscription.id, Subscription.current_term_end)))
        .where(Order.subscription_id.in_(set(subscription_ids)))
    )
    async with db.session() as session:
        return {order.subscription_id or 0: order for order in await session.scalars(statement)}


async def check_renewal_quote(session: AsyncSession, quote: Quote) -> Subscription:
    """The subscription a renewal quote renews, if it can still be agreed: active, the term
    it follows still running, and no other renewal agreed for it."""
    subscription = await locked_subscription(session, quote.subscription_id or 0)
    if subscription is None:
        raise Invalid.one("quoteId", f"{quote.number} renews no subscription.", "NOT_RENEWAL")
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise Invalid.one(
            "quoteId",
            f"{subscription.number} is {subscription.status.value.lower()}: "
            f"{quote.number} can no longer renew it.",
            "NOT_ACTIVE",
        )
    if quote.start_date != subscription.current_term_end:
        raise Invalid.one(
            "quoteId",
            f"{quote.number} renews the term ending {quote.start_date.isoformat()}, but "
            f"{subscription.number} runs to {subscription.current_term_end.isoformat()} now: "
            "prepare a new renewal quote.",
            "RENEWAL_OUTDATED",
        )
    agreed = await agreed_renewal(session, subscription)
    if agreed is not None and agreed.quote_id != quote.id:
        raise Invalid.one(
            "quoteId",
            f"The next term of {subscription.number} is agreed already ({agreed.number}).",
            "RENEWAL_AGREED",
        )
    return subscription


async def accept_renewal_quote(
    session: AsyncSession, actor: Actor, priced: PricedQuote, *, now: datetime
) -> Order:
    """The order of an accepted renewal quote: its charge schedule for the agreed term,
    billed as it falls due; the items change when the term begins."""
    quote = priced.quote
    subscription = await check_renewal_quote(session, quote)
    order = Order(
        number=await next_number(session, NumberSequence.ORDER),
        quote_id=quote.id,
        account_id=quote.account_id,
        kind=QuoteKind.RENEWAL,
        currency=quote.currency,
        start_date=quote.start_date,
        term_months=quote.term_months,
        subscription_id=subscription.id,
        purchase_order_number=quote.purchase_order_number,
        created_at=now,
    )
    session.add(order)
    await session.flush()
    await order_created(session, order, now=now)
    items = {item.id: item for item in subscription.items}
    by_line = {
        line.id: items[line.subscription_item_id]
        for line in quote.lines
        if line.subscription_item_id in items
    }
    session.add_all(_charges(order, priced, by_line, subscription.start_date))
    prices = await load_prices(session, {item.price_id for item in subscription.items})
    running = [item for item in subscription.items if item.ended_on is None]
    new_end = term_end(quote.start_date, quote.term_months, subscription.start_date)
    session.add(
        SubscriptionEvent(
            subscription_id=subscription.id,
            actor_id=actor.user_id,
            action="RENEWAL_AGREED",
            effective_date=quote.start_date,
            occurred_at=now,
            summary=(
                f"Renews on {quote.start_date.isoformat()} for {quote.term_months} months, "
                f"to {new_end.isoformat()}, as agreed in {quote.number}."
            ),
            before=await _described(session, [(prices[i.price_id], i.quantity) for i in running]),
            after=await _described(session, [(p.price, p.line.quantity) for p in priced.lines]),
            monthly_before=monthly_recurring(running, prices, subscription.currency),
            monthly_after=priced.totals.monthly_recurring,
            amount_now=Decimal(0),
            order_id=order.id,
            quote_id=quote.id,
        )
    )
    await session.flush()
    return order


def _charges(
    order: Order, priced: PricedQuote, items: dict[int, SubscriptionItem], anchor: date
) -> list[Charge]:
    quote = priced.quote
    schedule = charge_schedule(
        [(str(p.line.id), line_terms(p.line, p.price, quote.uplift_percent)) for p in priced.lines],
        quote.start_date,
        quote.term_months,
        anchor,
    )
    by_line = {str(p.line.id): p for p in priced.lines}
    return [charge_row(order, charge, by_line[charge.line_key], items) for charge in schedule]


async def take_up(
    session: AsyncSession, subscription: Subscription, order: Order, *, now: datetime
) -> None:
    """Begin the agreed term: the items become the quote's lines (items it leaves out end,
    lines it adds become items) and the term runs to the order's end."""
    quote = (
        await session.scalars(
            select(Quote).where(Quote.id == order.quote_id).options(selectinload(Quote.lines))
        )
    ).one()
    prices = await load_prices(
        session,
        {line.price_id for line in quote.lines} | {item.price_id for item in subscription.items},
    )
    priced = price_quote(quote, prices, NO_APPROVAL)
    start = order.start_date
    items = {item.id: item for item in subscription.items}
    before = [item for item in subscription.items if item.ended_on is None]
    monthly_before = monthly_recurring(before, prices, subscription.currency)
    kept: set[int] = set()
    new_items: dict[int, SubscriptionItem] = {}
    for line in priced.lines:
        if line.price.billing_period is BillingPeriod.ONE_TIME:
            continue
        item = items.get(line.line.subscription_item_id or 0)
        if item is None:
            item = SubscriptionItem(
                subscription_id=subscription.id, product_id=line.price.product_id
            )
            session.add(item)
            subscription.items.append(item)
            new_items[line.line.id] = item
        item.price_id = line.price.id
        item.quantity = line.line.quantity
        item.discount_percent = line.line.discount_percent
        item.uplift_percent = quote.uplift_percent
        item.net_amount = line.amounts.net_amount
        item.ended_on = None
        kept.add(id(item))
    for item in before:
        if id(item) not in kept:
            item.ended_on = start
    await session.flush()
    for line_id, item in new_items.items():
        await session.execute(
            update(Charge)
            .where(Charge.quote_line_id == line_id)
            .values(subscription_item_id=item.id)
        )
    subscription.term_months = order.term_months
    subscription.current_term_end = term_end(start, order.term_months, subscription.start_date)
    after = [item for item in subscription.items if item.ended_on is None]
    session.add(
        SubscriptionEvent(
            subscription_id=subscription.id,
            actor_id=None,
            action="RENEW",
            effective_date=start,
            occurred_at=now,
            summary=(
                f"Renewed for {order.term_months} months, to "
                f"{subscription.current_term_end.isoformat()}, as agreed in {quote.number}."
            ),
            before=await _described(session, [(prices[i.price_id], i.quantity) for i in before]),
            after=await _described(session, [(prices[i.price_id], i.quantity) for i in after]),
            monthly_before=monthly_before,
            monthly_after=monthly_recurring(after, prices, subscription.currency),
            amount_now=Decimal(0),
            order_id=order.id,
            quote_id=quote.id,
        )
    )
    await session.flush()
    await subscription_event(session, "subscription.renewed", subscription, now=now, order=order)


async def _described(session: AsyncSession, entries: list[tuple[Price, int]]) -> str:
    ids = {price.product_id for price, _quantity in entries}
    products = {p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(ids)))}
    return describe_items([(products[price.product_id], price, qty) for price, qty in entries])

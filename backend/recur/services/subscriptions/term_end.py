"""Term ends: an auto-renewing subscription renews, the others expire.

A renewal goes through the same pipeline as any purchase: a ``RENEWAL`` quote of the
subscription's items, each at its net price of the ending term raised by the
subscription's uplift (so uplifts compound, and the list price is not read again),
accepted by the system, and a ``RENEWAL`` order whose charge schedule covers the next
term. Its charges are then billed by the billing run like any other, so renewing and
invoicing the first period of the new term happen in one run.

A renewal a rep quoted and the customer accepted (``renewal_quotes``) comes first: its
order, made when it was accepted, replaces the automatic renewal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.periods import term_end
from recur.core.quotes import QuoteRuleError, compound_uplift
from recur.core.schedule import charge_schedule
from recur.db.base import table_of
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Order,
    Price,
    QuoteEvent,
    QuoteLine,
    Subscription,
    SubscriptionItem,
)
from recur.services.catalog import load_prices
from recur.services.common import (
    Invalid,
    NumberSequence,
    next_number,
    order_created,
    subscription_event,
)
from recur.services.orders import charge_values
from recur.services.quotes import line_terms, price_quote, subscription_quote
from recur.services.subscriptions import renewal_quotes
from recur.services.subscriptions.scheduled import apply_due

#: Renewals are not discounted anew, so no approval threshold applies.
NO_APPROVAL = Decimal(100)

#: Into the table, not through the model (nothing needs the charges as objects).
_INSERT_CHARGES = insert(table_of(Charge))


@dataclass(frozen=True)
class TermEnd:
    subscription_id: int
    number: str
    account_id: int
    account_name: str


async def subscriptions_at_term_end(db: Database, as_of: date) -> list[TermEnd]:
    """Active subscriptions whose term ended by ``as_of``."""
    statement = (
        select(Subscription.id, Subscription.number, Account.id, Account.name)
        .join(Account, Account.id == Subscription.account_id)
        .where(
            Subscription.status == SubscriptionStatus.ACTIVE,
            Subscription.current_term_end <= as_of,
        )
        .order_by(Subscription.id)
    )
    async with db.session() as session:
        return [TermEnd(*row) for row in await session.execute(statement)]


#: Built once (the run locks every subscription at its term end): the subscription with
#: its items, locked unless another run holds it, and its agreed renewal's order id.
_LOCK_DUE = (
    select(Subscription, renewal_quotes.agreed_renewal_id())
    .where(Subscription.id == bindparam("subscription_id"))
    .options(selectinload(Subscription.items))
    .with_for_update(of=Subscription, skip_locked=True)
)


async def renew_or_expire(
    db: Database,
    subscription_id: int,
    *,
    as_of: date,
    now: datetime,
    prices: dict[int, Price] | None = None,
) -> tuple[int, int]:
    """Renew the subscription for every term that ended by ``as_of``, or expire it.

    Returns ``(renewals, expirations)``. One transaction; a subscription another run holds
    is skipped (it is being handled there). ``prices``: the prices read so far, shared by a
    run's renewals (a price in use is never edited), and added to."""
    prices = {} if prices is None else prices
    return await _renew_or_expire(db, subscription_id, as_of=as_of, now=now, prices=prices)


async def _renew_or_expire(
    db: Database,
    subscription_id: int,
    *,
    as_of: date,
    now: datetime,
    prices: dict[int, Price],
) -> tuple[int, int]:
    renewed = expired = 0
    async with db.transaction() as session:
        locked = (await session.execute(_LOCK_DUE, {"subscription_id": subscription_id})).first()
        if locked is None:
            return renewed, expired
        subscription = locked[0]
        agreed_id: int | None = locked[1]
        # Changes scheduled within the ending term take effect before it renews.
        await apply_due(session, subscription, as_of)
        while (
            subscription.status is SubscriptionStatus.ACTIVE
            and subscription.current_term_end <= as_of
        ):
            if agreed_id is not None:
                # A renewal quote the customer accepted replaces the automatic renewal.
                order = await session.get_one(Order, agreed_id)
                await renewal_quotes.take_up(session, subscription, order, now=now)
                renewed += 1
            elif not subscription.auto_renew or not any(
                item.ended_on is None for item in subscription.items
            ):  # nothing left to renew: it ends with its term
                subscription.status = SubscriptionStatus.EXPIRED
                expired += 1
                break
            else:
                await renew(session, subscription, now=now, prices=prices)
                renewed += 1
            if subscription.current_term_end <= as_of:  # more than one term ended: rare
                agreed = await renewal_quotes.agreed_renewal(session, subscription)
                agreed_id = agreed.id if agreed is not None else None
    return renewed, expired


async def renew(
    session: AsyncSession,
    subscription: Subscription,
    *,
    now: datetime,
    prices: dict[int, Price] | None = None,
) -> Order:
    """The next term of ``subscription``: a RENEWAL quote, accepted, and its order.

    Written in three steps: the quote with its lines (the charges need the lines' ids), then
    its event, the order and the updated subscription (the charges need the order's id),
    then the charges of the new term in one executemany. ``prices``: as for
    :func:`renew_or_expire`."""
    start = subscription.current_term_end
    # Items an amendment removed (or swapped away) are not renewed.
    running = [item for item in subscription.items if item.ended_on is None]
    prices = {} if prices is None else prices
    read = await load_prices(session, {i.price_id for i in running} - prices.keys())
    for price in read.values():
        # Shared with the run's other renewals, some in other sessions at the same time: out
        # of this one, so that its rollback, should it fail, expires nothing they read.
        for tier in price.tiers:
            session.expunge(tier)
        session.expunge(price)
    prices.update(read)
    # This renewal's own view: another one of the run may add to the shared dict meanwhile.
    prices = {item.price_id: prices[item.price_id] for item in running}
    quote = subscription_quote(
        subscription,
        number=await next_number(session, NumberSequence.QUOTE),
        kind=QuoteKind.RENEWAL,
        status=QuoteStatus.ACCEPTED,
        start_date=start,
        term_months=subscription.term_months,
        uplift_percent=subscription.uplift_percent,
        note=f"Automatic renewal of {subscription.number}",
        now=now,
        lines=[
            # Each line renews the item's net price, raised by the uplift: a discount
            # agreed earlier is in that net already, and the list price is not read again.
            QuoteLine(
                position=position,
                product_id=item.product_id,
                price_id=item.price_id,
                quantity=item.quantity,
                discount_percent=Decimal(0),
                base_amount=item.net_amount,
            )
            for position, item in enumerate(running, start=1)
        ],
    )
    session.add(quote)
    await session.flush()
    try:
        priced = price_quote(quote, prices, NO_APPROVAL)
        schedule = charge_schedule(
            [
                (str(p.line.id), line_terms(p.line, p.price, quote.uplift_percent))
                for p in priced.lines
            ],
            start,
            subscription.term_months,
            subscription.start_date,
        )
    except QuoteRuleError as error:  # e.g. prices raised past what a line may bill
        raise Invalid.one(None, f"cannot renew: {error.message}", error.code) from None
    items = dict(zip((line.id for line in quote.lines), running, strict=True))
    order = Order(
        number=await next_number(session, NumberSequence.ORDER),
        quote_id=quote.id,
        account_id=subscription.account_id,
        kind=QuoteKind.RENEWAL,
        currency=subscription.currency,
        start_date=start,
        term_months=subscription.term_months,
        subscription_id=subscription.id,
        purchase_order_number=quote.purchase_order_number,
        created_at=now,
    )
    session.add_all(
        [
            QuoteEvent(
                quote_id=quote.id,
                actor_id=None,
                action="RENEW",
                from_status=None,
                to_status=QuoteStatus.ACCEPTED,
                comment=f"Term of {subscription.number} ended on {start.isoformat()}",
                created_at=now,
            ),
            order,
        ]
    )
    for priced_line in priced.lines:
        item: SubscriptionItem = items[priced_line.line.id]
        item.net_amount = priced_line.amounts.net_amount
        item.uplift_percent = compound_uplift(item.uplift_percent, quote.uplift_percent)
    subscription.current_term_end = term_end(
        start, subscription.term_months, subscription.start_date
    )
    await session.flush()
    # One executemany: nothing here needs the charges' ids (SQLite, which cannot return them
    # in order from one multi-row INSERT, would otherwise insert them one at a time).
    by_line = {str(p.line.id): p for p in priced.lines}
    await session.execute(
        _INSERT_CHARGES,
        [
            charge_values(order, scheduled, by_line[scheduled.line_key], items)
            for scheduled in schedule
        ],
    )
    await order_created(session, order, now=now)
    await subscription_event(session, "subscription.renewed", subscription, now=now, order=order)
    return order

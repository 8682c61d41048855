"""A customer's cart: a DRAFT quote of their account, created on the first add."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.engine import Database
from recur.db.models import Quote
from recur.services.common import Actor, Invalid
from recur.services.quotes.editing import (
    account_for,
    add_line,
    change_line,
    drop_line,
    find_line,
    new_quote,
)
from recur.services.quotes.records import (
    DEFAULT_TERM_MONTHS,
    cart_of,
    reloaded_quote,
    require_customer,
)


async def add_to_cart(
    db: Database, actor: Actor, *, price_id: int, quantity: int, today: date, now: datetime
) -> Quote:
    """Put a price in the customer's cart, creating the cart on the first add."""
    require_customer(actor)
    async with db.transaction() as session:
        cart = await cart_of(session, actor, for_update=True)
        if cart is None:
            cart = await _new_cart(session, actor, today=today, now=now)
        await add_line(
            session, actor, cart, price_id=price_id, quantity=quantity, discount=Decimal(0), now=now
        )
    return await reloaded_quote(db, actor, cart.id)


async def _new_cart(session: AsyncSession, actor: Actor, *, today: date, now: datetime) -> Quote:
    """The account's cart, made now unless a concurrent first add made it meanwhile.

    The account's row lock makes concurrent first adds take turns, so the second finds the
    first's cart instead of making another (which the one-cart index would refuse anyway).
    """
    account = await account_for(session, actor, actor.account_id or 0, for_update=True)
    cart = await cart_of(session, actor, for_update=True)
    if cart is None:
        cart = await new_quote(
            session,
            actor,
            account,
            start_date=today,
            term_months=DEFAULT_TERM_MONTHS,
            now=now,
            is_cart=True,
        )
        await session.refresh(cart, ["lines"])
    return cart


async def update_cart_line(
    db: Database, actor: Actor, *, line_id: int, quantity: int, now: datetime
) -> Quote:
    require_customer(actor)
    async with db.transaction() as session:
        cart = await cart_of(session, actor, for_update=True)
        if cart is None:
            raise Invalid.one("lineId", "Your cart is empty.", "UNKNOWN_LINE")
        line = find_line(cart, line_id)
        if quantity == 0:
            await drop_line(session, cart, line, now)
        else:
            await change_line(session, actor, cart, line, quantity=quantity, discount=None, now=now)
    return await reloaded_quote(db, actor, cart.id)


async def remove_cart_line(db: Database, actor: Actor, *, line_id: int, now: datetime) -> Quote:
    require_customer(actor)
    async with db.transaction() as session:
        cart = await cart_of(session, actor, for_update=True)
        if cart is None:
            raise Invalid.one("lineId", "Your cart is empty.", "UNKNOWN_LINE")
        await drop_line(session, cart, find_line(cart, line_id), now)
    return await reloaded_quote(db, actor, cart.id)

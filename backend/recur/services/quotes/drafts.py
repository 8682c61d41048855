"""Drafts: created once however often the create is sent, and deleted when not wanted.

A creating call may carry a client key (docs/api.md, "Idempotent creates"): the quote keeps
it under a unique index on (creator, key) — the user, or for a partner's clients the partner — so a
double click, or a retry after a lost answer, gets the quote the first call made instead of a
second draft.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from recur.core.lifecycle import QuoteStatus
from recur.db.engine import Database
from recur.db.models import Quote, QuoteEvent
from recur.services.common import Actor, Invalid
from recur.services.quotes.records import (
    check_version,
    load_quote,
    require_quoter,
    require_user,
    visible_quotes,
)

#: The longest client key kept (a UUID has 36 characters).
MAX_CLIENT_KEY = 64


def client_key_of(key: str | None) -> str | None:
    """The key as kept, or a refusal of the input ``clientKey``; blank means none."""
    if key is None or not key.strip():
        return None
    key = key.strip()
    if len(key) > MAX_CLIENT_KEY or not key.isprintable():
        raise Invalid.one(
            "clientKey",
            f"clientKey must be at most {MAX_CLIENT_KEY} printable characters, such as a UUID.",
            "INVALID_CLIENT_KEY",
        )
    return key


async def _created_with(db: Database, actor: Actor, key: str) -> Quote | None:
    creator = (
        Quote.created_by_partner_id == actor.partner_id
        if actor.is_partner
        else Quote.created_by_id == actor.user_id
    )
    statement = select(Quote.id).where(creator, Quote.client_key == key, visible_quotes(actor))
    async with db.session() as session:
        quote_id = await session.scalar(statement)
    return None if quote_id is None else await _reloaded(db, actor, quote_id)


async def _reloaded(db: Database, actor: Actor, quote_id: int) -> Quote:
    async with db.session() as session:
        quote = await load_quote(session, actor, quote_id)
    if quote is None:  # only a concurrent delete could do this
        raise Invalid.one("quoteId", "There is no such quote.", "UNKNOWN_QUOTE")
    return quote


async def create_once(
    db: Database,
    actor: Actor,
    key: str | None,
    create: Callable[[str | None], Awaitable[Quote]],
    same: Callable[[Quote], bool],
) -> Quote:
    """The quote ``create(key)`` makes, or the one an earlier call with ``key`` made.

    ``same`` says whether that earlier quote answers this call (the same kind, for the same
    account or subscription); a key reused for something else is refused. Two calls racing
    with one key both get the first quote: the unique index refuses the second insert.
    """
    key = client_key_of(key)
    if key is None or actor.is_anonymous:
        return await create(None)
    earlier = await _created_with(db, actor, key)
    if earlier is None:
        try:
            return await create(key)
        except IntegrityError:
            earlier = await _created_with(db, actor, key)
            if earlier is None:
                raise
    if not same(earlier):
        raise Invalid.one(
            "clientKey",
            f"This clientKey made {earlier.number}, a different quote: send a new key.",
            "CLIENT_KEY_REUSED",
        )
    return earlier


async def delete_quote(
    db: Database, actor: Actor, *, quote_id: int, expected_version: int | None
) -> int:
    """Delete a DRAFT quote with its lines and history, by whoever may edit it: sales their
    accounts' quotes, a partner client its own, a customer their own cart. Anything further
    along is kept (recall a quote waiting for approval or the customer first). Returns the
    id deleted."""
    if actor.is_partner:
        require_quoter(actor)
    else:
        require_user(actor)
    async with db.transaction() as session:
        quote = await load_quote(session, actor, quote_id, for_update=True)
        if quote is None:
            raise Invalid.one("quoteId", "There is no such quote.", "UNKNOWN_QUOTE")
        if not quote.is_cart:  # (a cart is its customer's alone: load_quote refused staff)
            require_quoter(actor)
        check_version(quote, expected_version)
        if quote.status is not QuoteStatus.DRAFT:
            raise Invalid.one(
                "quoteId",
                f"{quote.number} is {quote.status.value}: only a draft can be deleted.",
                "NOT_DRAFT",
            )
        await session.execute(delete(QuoteEvent).where(QuoteEvent.quote_id == quote.id))
        await session.delete(quote)
    return quote_id

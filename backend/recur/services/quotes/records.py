"""Quotes and carts: who may see them, reading them, and what every change shares
(versions, history).

A customer's cart is a DRAFT quote of their account (``is_cart``). Pricing lives in
``pricing``, editing in ``editing`` and ``carts``; moving a quote through its workflow, and
accepting it into an order, in the ``workflow`` package.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core import quotes as rules
from recur.core.lifecycle import EDITABLE, Party, QuoteAction, QuoteStatus, Taker, may_take
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Quote,
    QuoteEvent,
)
from recur.services.accounts import visible_accounts
from recur.services.common import (
    ALL_DATES,
    QUOTES_WRITE_SCOPE,
    READ_SCOPE,
    Actor,
    DateRange,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Page,
    PageRequest,
    Problem,
    mail_for_quote_step,
    paginate_by,
    quote_data,
    record_event,
)
from recur.services.quotes.sorting import QUOTE_ORDERINGS, QuoteSort

DEFAULT_TERM_MONTHS = 12
#: What a customer may see of their account's quotes: their cart and what sales sent them.
CUSTOMER_VISIBLE = (
    QuoteStatus.IN_REVIEW,
    QuoteStatus.SENT,
    QuoteStatus.ACCEPTED,
    QuoteStatus.DECLINED,
    QuoteStatus.EXPIRED,
)


# ---- access -------------------------------------------------------------------------------


def visible_quotes(actor: Actor) -> ColumnElement[bool]:
    """Quotes of visible accounts; customers see carts and what sales sent, not the drafts
    sales is still working on. Partners see the same of their accounts (``read``), and the
    quotes their own clients made, in every status (``quotes:write``)."""
    if actor.is_partner:
        return _partner_quotes(actor)
    condition = Quote.account_id.in_(select(Account.id).where(visible_accounts(actor)))
    if actor.role is Role.CUSTOMER:
        return and_(condition, or_(Quote.is_cart, Quote.status.in_(CUSTOMER_VISIBLE)))
    return condition


def _partner_quotes(actor: Actor) -> ColumnElement[bool]:
    shown: list[ColumnElement[bool]] = []
    if READ_SCOPE in actor.scopes:
        shown.append(or_(Quote.is_cart, Quote.status.in_(CUSTOMER_VISIBLE)))
    if QUOTES_WRITE_SCOPE in actor.scopes:
        shown.append(Quote.created_by_partner_id == actor.partner_id)
    if not shown:
        return false()
    linked = Quote.account_id.in_(select(Account.id).where(quotable_accounts(actor)))
    return and_(linked, or_(*shown))


def quotable_accounts(actor: Actor) -> ColumnElement[bool]:
    """The accounts ``actor`` may quote: those it sees, and for a partner client the
    accounts linked to its partner (``quotes:write`` needs no ``read`` for them)."""
    if actor.is_partner:
        return Account.partner_id == actor.partner_id
    return visible_accounts(actor)


def taker(actor: Actor) -> Taker | None:
    """Who ``actor`` is in the workflow's rules (``core.lifecycle``): a user's role, or a
    partner client; ``None`` for anonymous."""
    if actor.is_partner:
        return Party.PARTNER
    return actor.role


def require_user(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if not actor.is_user:
        raise Forbidden("A partner client's token does not allow this.")


def require_sales(actor: Actor) -> None:
    require_user(actor)
    if actor.role not in (Role.REP, Role.MANAGER, Role.ADMIN):
        raise Forbidden("Only sales can prepare quotes.")


def require_quoter(actor: Actor) -> None:
    """Sales, or a partner client whose token holds ``quotes:write`` (docs/partners.md)."""
    if actor.is_partner:
        if QUOTES_WRITE_SCOPE not in actor.scopes:
            raise Forbidden(f"This client's token lacks the '{QUOTES_WRITE_SCOPE}' scope.")
        return
    require_sales(actor)


def require_step(actor: Actor, action: QuoteAction) -> None:
    """Refuse, as FORBIDDEN, a partner client the workflow's rules never let take
    ``action`` (approving, rejecting); then as :func:`require_quoter`."""
    if actor.is_partner and not may_take(action, Party.PARTNER):
        raise Forbidden(
            f"A partner client cannot {action.value.lower()} quotes: the seller's managers do."
        )
    require_quoter(actor)


async def load_quote(
    session: AsyncSession, actor: Actor, quote_id: int, *, for_update: bool = False
) -> Quote | None:
    """A visible quote with its lines, or ``None`` (unknown and not-yours look alike).

    ``for_update`` loads it to change it: a customer's cart is then theirs alone. Staff read
    carts (to help) but never change one; they quote the account with a quote of their own,
    and a cart becomes sales' quote only when the customer hands it over (``requestQuote``)."""
    statement = (
        select(Quote)
        .where(Quote.id == quote_id, visible_quotes(actor))
        .options(selectinload(Quote.lines))
        .execution_options(populate_existing=True)
    )
    if for_update:
        statement = statement.with_for_update()
    quote = (await session.scalars(statement)).first()
    if for_update and quote is not None and quote.is_cart and actor.role is not Role.CUSTOMER:
        raise Invalid.one(
            "quoteId",
            "This is the customer's cart: only they change it. Make a quote for the account "
            "instead.",
            "CUSTOMERS_CART",
        )
    if for_update and actor.is_partner and quote is not None:
        _require_partners_own(quote, actor)
    return quote


def _require_partners_own(quote: Quote, actor: Actor) -> None:
    """A partner client changes only the quotes its partner made (docs/partners.md,
    "Quoting"); the sales team's quotes it may read are theirs to change."""
    if quote.created_by_partner_id != actor.partner_id:
        raise Invalid.one(
            "quoteId",
            f"{quote.number} was made by the seller's sales team: only they change it.",
            "NOT_ALLOWED",
        )


async def get_quote(db: Database, actor: Actor, quote_id: int) -> Quote | None:
    if actor.is_anonymous:
        return None
    async with db.session() as session:
        return await load_quote(session, actor, quote_id)


async def quote_by_number(db: Database, actor: Actor, number: str) -> Quote | None:
    """The quote numbered ``number`` with its lines, if ``actor`` may see it."""
    if actor.is_anonymous:
        return None
    statement = (
        select(Quote)
        .where(Quote.number == number, visible_quotes(actor))
        .options(selectinload(Quote.lines))
    )
    async with db.session() as session:
        return (await session.scalars(statement)).first()


async def quotes_by_id(db: Database, actor: Actor, ids: Sequence[int]) -> dict[int, Quote]:
    if actor.is_anonymous or not ids:
        return {}
    statement = (
        select(Quote)
        .where(Quote.id.in_(set(ids)), visible_quotes(actor))
        .options(selectinload(Quote.lines))
    )
    async with db.session() as session:
        return {quote.id: quote for quote in await session.scalars(statement)}


async def list_quotes(
    db: Database,
    actor: Actor,
    *,
    status: QuoteStatus | None = None,
    account_id: int | None = None,
    include_carts: bool = False,
    updated: DateRange = ALL_DATES,
    sort: QuoteSort = QuoteSort.NEWEST,
    page: PageRequest,
) -> Page[Quote]:
    """Visible quotes, newest first unless ``sort`` says otherwise; only those last updated
    within ``updated`` (UTC days). Carts only when asked for, and only to customers: a cart
    is the customer's own business until they ask for a quote."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(Quote).where(visible_quotes(actor)).options(selectinload(Quote.lines))
    if not (include_carts and actor.role is Role.CUSTOMER):
        statement = statement.where(Quote.is_cart.is_(False))
    if status is not None:
        statement = statement.where(Quote.status == status)
    if account_id is not None:
        statement = statement.where(Quote.account_id == account_id)
    statement = statement.where(*updated.instants(Quote.updated_at))
    return await paginate_by(db, statement, QUOTE_ORDERINGS[sort], page)


async def get_cart(db: Database, actor: Actor) -> Quote | None:
    """The customer's cart, or ``None`` before the first add."""
    if actor.role is not Role.CUSTOMER:
        return None
    async with db.session() as session:
        return await cart_of(session, actor)


async def cart_of(session: AsyncSession, actor: Actor, *, for_update: bool = False) -> Quote | None:
    statement = (
        select(Quote)
        .where(
            Quote.account_id == actor.account_id,
            Quote.is_cart.is_(True),
            Quote.status == QuoteStatus.DRAFT,
        )
        .options(selectinload(Quote.lines))
        .order_by(Quote.id.desc())
        .execution_options(populate_existing=True)
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


# ---- editing ------------------------------------------------------------------------------


def rule_problem(error: rules.QuoteRuleError) -> Invalid:
    return Invalid([Problem((error.field,), error.message, error.code)])


def check_version(quote: Quote, expected: int | None) -> None:
    if expected is not None and expected != quote.version:
        raise Invalid(
            [
                Problem(
                    ("expectedVersion",),
                    f"{quote.number} was changed by someone else since you opened it "
                    f"(version {expected}, now {quote.version}). Reload it and try again.",
                    "STALE_VERSION",
                )
            ]
        )


def check_editable(quote: Quote) -> None:
    if quote.status not in EDITABLE:
        raise Invalid.one(
            None, f"{quote.number} is {quote.status.value} and can no longer be changed.", "LOCKED"
        )


async def bump_version(session: AsyncSession, quote: Quote, now: datetime) -> None:
    """Raise the version, but only from the one this transaction read: a concurrent edit
    that committed first makes this one fail instead of overwriting it."""
    result = await session.execute(
        update(Quote)
        .where(Quote.id == quote.id, Quote.version == quote.version)
        .values(version=Quote.version + 1, updated_at=now, status=quote.status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Invalid.one(
            "expectedVersion",
            f"{quote.number} was changed by someone else at the same time. Reload it.",
            "STALE_VERSION",
        )
    quote.version += 1


#: The quote steps integrations hear of (docs/integrations.md), by ``QuoteAction`` value.
_TOLD = {"SEND": "quote.sent", "ACCEPT": "quote.accepted", "CHECKOUT": "quote.accepted"}


async def record(
    session: AsyncSession,
    quote: Quote,
    actor: Actor,
    action: str,
    before: QuoteStatus | None,
    now: datetime,
    comment: str = "",
) -> None:
    told = _TOLD.get(action)
    if told is not None:
        await record_event(session, told, quote.account_id, quote_data(quote), now=now)
    await mail_for_quote_step(session, quote, action, actor.user_id, comment, now=now)
    session.add(
        QuoteEvent(
            quote_id=quote.id,
            actor_id=actor.user_id,
            actor_partner_id=actor.partner_id if actor.is_partner else None,
            action=action,
            from_status=before,
            to_status=quote.status,
            comment=comment,
            created_at=now,
        )
    )


def require_customer(actor: Actor) -> None:
    require_user(actor)
    if actor.role is not Role.CUSTOMER:
        raise Forbidden("Only customers have a cart.")


async def events_by_quote(db: Database, quote_ids: Sequence[int]) -> dict[int, list[QuoteEvent]]:
    statement = (
        select(QuoteEvent)
        .where(QuoteEvent.quote_id.in_(set(quote_ids)))
        .order_by(QuoteEvent.quote_id, QuoteEvent.id)
    )
    grouped: dict[int, list[QuoteEvent]] = {}
    async with db.session() as session:
        for event in await session.scalars(statement):
            grouped.setdefault(event.quote_id, []).append(event)
    return grouped


async def reloaded_quote(db: Database, actor: Actor, quote_id: int) -> Quote:
    """The quote the actor just wrote, read back for the answer."""
    quote = await get_quote(db, actor, quote_id)
    if quote is None:  # only a concurrent delete could do this
        raise Invalid.one(None, "The quote is gone.", "UNKNOWN_QUOTE")
    return quote

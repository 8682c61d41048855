"""Moving quotes through their workflow (docs/domain.md, "Quotes"), each step checked and recorded.

Accepting a quote, or checking out a cart, creates the order in the same transaction, and
does so once: a second accept or checkout of the same quote answers with the same order.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core import quotes as rules
from recur.core.lifecycle import (
    FINAL,
    QuoteAction,
    QuoteKind,
    QuoteStatus,
    WorkflowError,
    transition,
)
from recur.db.engine import Database
from recur.db.models import Account, Order, Quote
from recur.services import subscriptions
from recur.services.common import Actor, Invalid
from recur.services.orders import create_order
from recur.services.quotes import (
    PricedQuote,
    bump_version,
    cart_of,
    check_version,
    get_quote,
    load_quote,
    price_quote,
    prices_for,
    record,
    require_customer,
    require_on_sale,
    require_step,
    rule_problem,
    taker,
)
from recur.services.workflow import paperwork

#: A sent quote may be accepted for this long.
VALIDITY = timedelta(days=30)


async def _locked(session: AsyncSession, actor: Actor, quote_id: int) -> Quote:
    quote = await load_quote(session, actor, quote_id, for_update=True)
    if quote is None:
        raise Invalid.one("quoteId", "There is no such quote.", "UNKNOWN_QUOTE")
    return quote


async def _priced(session: AsyncSession, quote: Quote, threshold: Decimal) -> PricedQuote:
    return price_quote(quote, await prices_for(session, [quote]), threshold)


def _move(quote: Quote, action: QuoteAction, actor: Actor) -> QuoteStatus:
    who = taker(actor)
    if who is None:
        raise Invalid.one(None, "Log in to do this.", "NOT_ALLOWED")
    try:
        return transition(quote.status, action, who)
    except WorkflowError as error:
        raise Invalid.one(None, f"{quote.number}: {error}", error.code) from None


async def _apply(
    session: AsyncSession,
    quote: Quote,
    actor: Actor,
    action: QuoteAction,
    now: datetime,
    comment: str = "",
) -> None:
    before = quote.status
    quote.status = _move(quote, action, actor)
    await bump_version(session, quote, now)
    await record(session, quote, actor, action.value, before, now, comment)


def _require_lines(quote: Quote) -> None:
    if not quote.lines:
        raise Invalid.one(None, f"{quote.number} has no lines yet.", "EMPTY_QUOTE")


async def _order_of(session: AsyncSession, quote_id: int) -> Order | None:
    return (await session.scalars(select(Order).where(Order.quote_id == quote_id))).first()


async def _accept_into_order(
    session: AsyncSession,
    quote: Quote,
    actor: Actor,
    action: QuoteAction,
    *,
    threshold: Decimal,
    today: date,
    now: datetime,
) -> Order:
    priced = await _priced(session, quote, threshold)
    await _apply(session, quote, actor, action, now)
    if quote.kind is QuoteKind.AMENDMENT:
        return await subscriptions.accept_amendment_quote(
            session, actor, quote, today=today, now=now
        )
    if quote.kind is QuoteKind.RENEWAL:
        return await subscriptions.accept_renewal_quote(session, actor, priced, now=now)
    account = await session.get_one(Account, quote.account_id)
    return await create_order(session, priced, account, today=today, now=now)


async def _check_start(session: AsyncSession, quote: Quote, today: date) -> None:
    """What the quote's start date must be: an amendment's effective date within what staff
    may choose, a renewal's the end of the term it renews, any other's today or later."""
    if quote.kind is QuoteKind.AMENDMENT:
        await subscriptions.check_amendment_quote(session, quote, today)
        return
    if quote.kind is QuoteKind.RENEWAL:
        await subscriptions.check_renewal_quote(session, quote)
        return
    try:
        rules.check_start_date(quote.start_date, today)
    except rules.QuoteRuleError as error:
        raise rule_problem(error) from None


# ---- customers ----------------------------------------------------------------------------


async def checkout(
    db: Database,
    actor: Actor,
    *,
    quote_id: int | None,
    start_date: date | None,
    term_months: int | None,
    threshold: Decimal,
    today: date,
    now: datetime,
    add_to_subscription_id: int | None = None,
    purchase_order_number: str | None = None,
) -> Order:
    """Buy the cart: the quote is accepted and the order made at once (no discounts here).
    With ``add_to_subscription_id``, its items join that active subscription instead,
    co-terminated and prorated: the cart becomes the subscription's amendment.

    Idempotent: checking out a cart that was already checked out (a double click, a retry
    after a timeout) answers with its order instead of making another.
    """
    require_customer(actor)
    start = start_date or today
    po = (
        None
        if purchase_order_number is None
        else paperwork.purchase_order_number(purchase_order_number)
    )
    async with db.transaction() as session:
        cart = (
            await load_quote(session, actor, quote_id, for_update=True)
            if quote_id is not None
            else await cart_of(session, actor, for_update=True)
        )
        if cart is not None and cart.status is QuoteStatus.ACCEPTED:
            existing = await _order_of(session, cart.id)
            if existing is not None:
                return existing
        if cart is None or not cart.is_cart or cart.status is not QuoteStatus.DRAFT:
            raise Invalid.one("quoteId", "Your cart is empty.", "EMPTY_CART")
        _require_lines(cart)
        await require_on_sale(session, cart)
        if po is not None:
            cart.purchase_order_number = po
        if any(line.discount_percent for line in cart.lines):
            raise Invalid.one(
                None, "A cart with discounts goes through sales: ask for a quote.", "NOT_ALLOWED"
            )
        if add_to_subscription_id is not None:
            await subscriptions.cart_into_subscription(
                session, actor, cart, add_to_subscription_id, today=today
            )
        else:
            cart.start_date = start
            cart.term_months = cart.term_months if term_months is None else term_months
            prices = await prices_for(session, [cart])
            try:
                rules.check_start_date(start, today)
                rules.check_term(cart.term_months, [p.billing_period for p in prices.values()])
                rules.check_term_end(start, cart.term_months)
            except rules.QuoteRuleError as error:
                raise rule_problem(error) from None
        return await _accept_into_order(
            session, cart, actor, QuoteAction.CHECKOUT, threshold=threshold, today=today, now=now
        )


async def request_quote(db: Database, actor: Actor, *, note: str, now: datetime) -> Quote:
    """Hand the cart to sales: it becomes a quote in review, and the cart starts afresh."""
    require_customer(actor)
    async with db.transaction() as session:
        cart = await cart_of(session, actor, for_update=True)
        if cart is None or not cart.lines:
            raise Invalid.one(None, "Add products to your cart first.", "EMPTY_CART")
        cart.is_cart = False
        cart.note = note.strip()[:2000]
        await _apply(session, cart, actor, QuoteAction.REQUEST, now, comment=cart.note)
        quote_id = cart.id
    return await _reloaded(db, actor, quote_id)


async def accept_quote(
    db: Database,
    actor: Actor,
    *,
    quote_id: int,
    threshold: Decimal,
    today: date,
    now: datetime,
    signature: paperwork.Signature | None = None,
) -> Order:
    """The customer accepts a sent quote: the order is made in the same transaction. The
    acceptance records who signed (``signature``, by default the user accepting), when,
    and the version of the quote they signed."""
    require_customer(actor)
    signed = paperwork.signature(signature)
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        if quote.status is QuoteStatus.ACCEPTED:
            existing = await _order_of(session, quote.id)
            if existing is not None:
                return existing
        if quote.status is QuoteStatus.SENT and quote.expires_on and today > quote.expires_on:
            before = quote.status
            quote.status = QuoteStatus.EXPIRED
            await bump_version(session, quote, now)
            await record(session, quote, actor, QuoteAction.EXPIRE.value, before, now)
            expired_on = quote.expires_on
        else:
            expired_on = None
            if quote.status is QuoteStatus.SENT:
                await paperwork.sign(session, quote, actor, signed, now)
            order = await _accept_into_order(
                session, quote, actor, QuoteAction.ACCEPT, threshold=threshold, today=today, now=now
            )
    if expired_on is not None:
        raise Invalid.one(
            "quoteId",
            f"This quote expired on {expired_on.isoformat()}: ask your rep for a new one.",
            "EXPIRED",
        )
    return order


async def decline_quote(
    db: Database, actor: Actor, *, quote_id: int, reason: str, now: datetime
) -> Quote:
    require_customer(actor)
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        await _apply(session, quote, actor, QuoteAction.DECLINE, now, comment=reason.strip())
    return await _reloaded(db, actor, quote_id)


# ---- sales (and partner clients with quotes:write, as the rules table allows) -------------


async def _deep_reduction(
    db: Database, actor: Actor, quote_id: int, threshold: Decimal, today: date, now: datetime
) -> int | None:
    """The version of an amendment quote whose change takes more than ``threshold`` % off
    the contract (a manager approves it, docs/subscriptions.md); ``None`` for any other.

    Worked out by the change's own preview, before the step's transaction (a preview is a
    transaction of its own); the step then checks the quote is still that version."""
    quote = await get_quote(db, actor, quote_id)
    if quote is None or quote.kind is not QuoteKind.AMENDMENT or quote.status in FINAL:
        return None
    try:
        outcome = await subscriptions.preview_amendment_quote(
            db, actor, quote_id=quote_id, today=today, now=now
        )
    except Invalid:
        return None  # nothing to approve; the step itself says what is wrong
    change, before = outcome.contract_value_change, outcome.contract_value_before
    return quote.version if rules.reduction_needs_approval(change, before, threshold) else None


async def submit_for_approval(
    db: Database,
    actor: Actor,
    *,
    quote_id: int,
    threshold: Decimal,
    now: datetime,
    today: date | None = None,
) -> Quote:
    """Ask a manager to approve a discount above ``threshold`` % or an amendment that takes
    more than that off the contract."""
    require_step(actor, QuoteAction.SUBMIT)
    reduction = await _deep_reduction(db, actor, quote_id, threshold, today or now.date(), now)
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        _require_lines(quote)
        check_version(quote, reduction)
        if reduction is None and not (await _priced(session, quote, threshold)).approval_required:
            raise Invalid.one(
                None,
                f"No discount is above {threshold.normalize():f} % and the quote takes no more "
                "than that off the contract: send it directly.",
                "NO_APPROVAL_NEEDED",
            )
        await _apply(session, quote, actor, QuoteAction.SUBMIT, now)
    return await _reloaded(db, actor, quote_id)


async def approve_quote(db: Database, actor: Actor, *, quote_id: int, now: datetime) -> Quote:
    require_step(actor, QuoteAction.APPROVE)
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        await _apply(session, quote, actor, QuoteAction.APPROVE, now)
    return await _reloaded(db, actor, quote_id)


async def reject_quote(
    db: Database, actor: Actor, *, quote_id: int, reason: str, now: datetime
) -> Quote:
    require_step(actor, QuoteAction.REJECT)
    if not reason.strip():
        raise Invalid.one("reason", "Say why, so the rep knows what to change.", "REQUIRED")
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        await _apply(session, quote, actor, QuoteAction.REJECT, now, comment=reason.strip())
    return await _reloaded(db, actor, quote_id)


async def send_quote(
    db: Database,
    actor: Actor,
    *,
    quote_id: int,
    threshold: Decimal,
    today: date,
    now: datetime,
) -> Quote:
    """Send the quote to the customer: locked, and valid for 30 days."""
    require_step(actor, QuoteAction.SEND)
    reduction = await _deep_reduction(db, actor, quote_id, threshold, today, now)
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        _require_lines(quote)
        check_version(quote, reduction)
        approved = quote.status is QuoteStatus.APPROVED
        if reduction is not None and not approved:
            raise Invalid.one(
                None,
                f"This amendment takes more than {threshold.normalize():f} % off the contract: "
                "a manager approves it before it is sent.",
                "APPROVAL_REQUIRED",
            )
        if (await _priced(session, quote, threshold)).approval_required and not approved:
            raise Invalid.one(
                None,
                f"A discount above {threshold.normalize():f} % needs a manager's approval "
                "before the quote is sent.",
                "APPROVAL_REQUIRED",
            )
        await _check_start(session, quote, today)
        if quote.kind is QuoteKind.NEW:
            await require_on_sale(session, quote)
        quote.expires_on = today + VALIDITY
        await _apply(session, quote, actor, QuoteAction.SEND, now)
    return await _reloaded(db, actor, quote_id)


async def recall_quote(
    db: Database, actor: Actor, *, quote_id: int, reason: str, now: datetime
) -> Quote:
    """Take back a quote waiting for a manager's approval or the customer's answer: it is a
    DRAFT again, to change, send again or delete, and can no longer be approved or accepted.
    The history records who recalled it, when and why."""
    require_step(actor, QuoteAction.RECALL)
    async with db.transaction() as session:
        quote = await _locked(session, actor, quote_id)
        await _apply(session, quote, actor, QuoteAction.RECALL, now, comment=reason.strip())
        quote.expires_on = None
    return await _reloaded(db, actor, quote_id)


async def _reloaded(db: Database, actor: Actor, quote_id: int) -> Quote:
    quote = await get_quote(db, actor, quote_id)
    if quote is None:
        raise Invalid.one("quoteId", "There is no such quote.", "UNKNOWN_QUOTE")
    return quote

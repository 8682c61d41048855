"""Editing quotes: lines, quantities and discounts, for carts and reps' quotes alike.

Every edit checks the version the editor saw and raises it (``records.bump_version``), so two
people editing at once never overwrite each other silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core import quotes as rules
from recur.core.lifecycle import QuoteKind, QuoteStatus, WorkflowError, after_edit
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Price, Product, Quote, QuoteLine
from recur.services.catalog import price_spec
from recur.services.common import Actor, Invalid, NumberSequence, Problem, next_number
from recur.services.quotes.drafts import create_once
from recur.services.quotes.pricing import prices_for
from recur.services.quotes.records import (
    DEFAULT_TERM_MONTHS,
    bump_version,
    check_editable,
    check_version,
    load_quote,
    quotable_accounts,
    record,
    reloaded_quote,
    require_quoter,
    rule_problem,
)


async def sellable_price(session: AsyncSession, price_id: int, currency: str) -> Price:
    """An active price of an active product, in the quote's currency (with its tiers)."""
    price = (
        await session.scalars(
            select(Price)
            .join(Product)
            .where(Price.id == price_id, Product.active.is_(True))
            .options(selectinload(Price.tiers))
        )
    ).first()
    if price is None:
        raise Invalid.one("priceId", "There is no such price in the catalog.", "UNKNOWN_PRICE")
    if not price.active:
        raise Invalid.one(
            "priceId", "This price is archived: choose a current price.", "ARCHIVED_PRICE"
        )
    try:
        rules.check_price_currency(price_spec(price), currency)
    except rules.QuoteRuleError as error:
        raise rule_problem(error) from None
    return price


def check_line(
    quote: Quote,
    price: Price,
    quantity: int,
    discount: Decimal,
    actor: Actor,
    other_prices: Sequence[Price],
) -> None:
    """Quantity, discount (sales only), and the term against yearly prices."""
    problems: list[Problem] = []
    try:
        rules.check_quantity(quantity)
    except rules.QuoteRuleError as error:
        problems.append(Problem((error.field,), error.message, error.code))
    try:
        rules.check_discount(discount)
    except rules.QuoteRuleError as error:
        problems.append(Problem((error.field,), error.message, error.code))
    if discount and actor.role is Role.CUSTOMER:
        problems.append(
            Problem(("discountPercent",), "Only sales can give discounts.", "NOT_ALLOWED")
        )
    try:
        periods = [p.billing_period for p in (*other_prices, price)]
        rules.check_term(quote.term_months, periods)
    except rules.QuoteRuleError as error:
        problems.append(Problem(("priceId",), error.message, error.code))
    if problems:
        raise Invalid(problems)


async def new_quote(
    session: AsyncSession,
    actor: Actor,
    account: Account,
    *,
    start_date: date,
    term_months: int,
    now: datetime,
    is_cart: bool,
    kind: QuoteKind = QuoteKind.NEW,
    client_key: str | None = None,
) -> Quote:
    quote = Quote(
        number=await next_number(session, NumberSequence.QUOTE),
        account_id=account.id,
        kind=kind,
        status=QuoteStatus.DRAFT,
        currency=account.currency,
        start_date=start_date,
        term_months=term_months,
        version=1,
        is_cart=is_cart,
        created_by_id=actor.user_id,
        created_by_partner_id=actor.partner_id if actor.is_partner else None,
        client_key=client_key,
        created_at=now,
        updated_at=now,
    )
    session.add(quote)
    await session.flush()
    await record(session, quote, actor, "CREATE", None, now)
    return quote


async def _line_prices(session: AsyncSession, quote: Quote) -> dict[int, Price]:
    return await prices_for(session, [quote])


async def add_line(
    session: AsyncSession,
    actor: Actor,
    quote: Quote,
    *,
    price_id: int,
    quantity: int,
    discount: Decimal,
    now: datetime,
) -> None:
    """Add a line, or raise the quantity of the line with the same price and discount."""
    check_editable(quote)
    try:
        rules.check_quantity(quantity)  # what is added, before any merging with a line
    except rules.QuoteRuleError as error:
        raise rule_problem(error) from None
    price = await sellable_price(session, price_id, quote.currency)
    if quote.kind is QuoteKind.AMENDMENT and any(
        line.price_id == price_id
        and line.subscription_item_id is not None
        and line.discount_percent != discount
        for line in quote.lines
    ):
        raise Invalid.one(
            "priceId",
            "The subscription has this price already: change the quantity or discount of its "
            "line instead.",
            "ALREADY_SUBSCRIBED",
        )
    existing = next(
        (
            line
            for line in quote.lines
            if line.price_id == price_id and line.discount_percent == discount
        ),
        None,
    )
    others = [p for pid, p in (await _line_prices(session, quote)).items() if pid != price_id]
    new_quantity = quantity + (existing.quantity if existing else 0)
    check_line(quote, price, new_quantity, discount, actor, others)
    if existing:
        existing.quantity = new_quantity
    else:
        position = max((line.position for line in quote.lines), default=0) + 1
        quote.lines.append(
            QuoteLine(
                position=position,
                product_id=price.product_id,
                price_id=price.id,
                quantity=quantity,
                discount_percent=discount,
            )
        )
    quote.status = edited_status(quote.status)
    await bump_version(session, quote, now)


async def change_line(
    session: AsyncSession,
    actor: Actor,
    quote: Quote,
    line: QuoteLine,
    *,
    quantity: int | None,
    discount: Decimal | None,
    now: datetime,
) -> None:
    check_editable(quote)
    prices = await _line_prices(session, quote)
    price = prices[line.price_id]
    others = [prices[other.price_id] for other in quote.lines if other is not line]
    new_quantity = line.quantity if quantity is None else quantity
    new_discount = line.discount_percent if discount is None else discount
    # An amendment's line of a subscribed item may go to 0: the item is removed.
    removes_item = _is_item_line(quote, line) and new_quantity == 0
    check_line(quote, price, 1 if removes_item else new_quantity, new_discount, actor, others)
    line.quantity = new_quantity
    line.discount_percent = new_discount
    quote.status = edited_status(quote.status)
    await bump_version(session, quote, now)


async def drop_line(session: AsyncSession, quote: Quote, line: QuoteLine, now: datetime) -> None:
    """Take a line out; on an amendment, a subscribed item's line stays at quantity 0, which
    is how the amendment says the item is removed."""
    check_editable(quote)
    if _is_item_line(quote, line):
        line.quantity = 0
    else:
        quote.lines.remove(line)
    quote.status = edited_status(quote.status)
    await bump_version(session, quote, now)


def _is_item_line(quote: Quote, line: QuoteLine) -> bool:
    return quote.kind is QuoteKind.AMENDMENT and line.subscription_item_id is not None


def edited_status(status: QuoteStatus) -> QuoteStatus:
    try:
        return after_edit(status)
    except WorkflowError as error:
        raise Invalid.one(None, str(error), error.code) from None


def find_line(quote: Quote, line_id: int) -> QuoteLine:
    line = next((line for line in quote.lines if line.id == line_id), None)
    if line is None:
        raise Invalid.one("lineId", "There is no such line on this quote.", "UNKNOWN_LINE")
    return line


async def quote_of_line(session: AsyncSession, actor: Actor, line_id: int) -> Quote:
    quote_id = await session.scalar(select(QuoteLine.quote_id).where(QuoteLine.id == line_id))
    quote = await load_quote(session, actor, quote_id, for_update=True) if quote_id else None
    if quote is None:
        raise Invalid.one("lineId", "There is no such quote line.", "UNKNOWN_LINE")
    return quote


async def account_for(
    session: AsyncSession, actor: Actor, account_id: int, *, for_update: bool = False
) -> Account:
    """An account ``actor`` may quote (unknown and not-yours look alike)."""
    statement = select(Account).where(Account.id == account_id, quotable_accounts(actor))
    if for_update:
        statement = statement.with_for_update()
    account = (await session.scalars(statement)).first()
    if account is None:
        raise Invalid.one("accountId", "There is no such account.", "UNKNOWN_ACCOUNT")
    return account


# ---- reps' quotes ---


async def create_quote(
    db: Database,
    actor: Actor,
    *,
    account_id: int,
    start_date: date | None,
    term_months: int | None,
    today: date,
    now: datetime,
    client_key: str | None = None,
) -> Quote:
    """A DRAFT quote for the account; with ``client_key``, made once (``drafts``)."""
    require_quoter(actor)
    start = start_date or today
    term = DEFAULT_TERM_MONTHS if term_months is None else term_months
    try:
        rules.check_start_date(start, today)
        rules.check_term(term, [])
        rules.check_term_end(start, term)
    except rules.QuoteRuleError as error:
        raise rule_problem(error) from None

    async def create(key: str | None) -> Quote:
        async with db.transaction() as session:
            account = await account_for(session, actor, account_id)
            quote = await new_quote(
                session,
                actor,
                account,
                start_date=start,
                term_months=term,
                now=now,
                is_cart=False,
                client_key=key,
            )
        return await reloaded_quote(db, actor, quote.id)

    def same(quote: Quote) -> bool:
        return quote.kind is QuoteKind.NEW and quote.account_id == account_id

    return await create_once(db, actor, client_key, create, same)


async def add_quote_line(
    db: Database,
    actor: Actor,
    *,
    quote_id: int,
    price_id: int,
    quantity: int,
    discount: Decimal,
    expected_version: int | None,
    now: datetime,
) -> Quote:
    require_quoter(actor)
    async with db.transaction() as session:
        quote = await load_quote(session, actor, quote_id, for_update=True)
        if quote is None:
            raise Invalid.one("quoteId", "There is no such quote.", "UNKNOWN_QUOTE")
        check_version(quote, expected_version)
        await add_line(
            session, actor, quote, price_id=price_id, quantity=quantity, discount=discount, now=now
        )
    return await reloaded_quote(db, actor, quote_id)


async def update_quote_line(
    db: Database,
    actor: Actor,
    *,
    line_id: int,
    quantity: int | None,
    discount: Decimal | None,
    expected_version: int | None,
    now: datetime,
) -> Quote:
    require_quoter(actor)
    async with db.transaction() as session:
        quote = await quote_of_line(session, actor, line_id)
        check_version(quote, expected_version)
        line = find_line(quote, line_id)
        await change_line(
            session, actor, quote, line, quantity=quantity, discount=discount, now=now
        )
    return await reloaded_quote(db, actor, quote.id)


async def remove_quote_line(
    db: Database, actor: Actor, *, line_id: int, expected_version: int | None, now: datetime
) -> Quote:
    require_quoter(actor)
    async with db.transaction() as session:
        quote = await quote_of_line(session, actor, line_id)
        check_version(quote, expected_version)
        await drop_line(session, quote, find_line(quote, line_id), now)
    return await reloaded_quote(db, actor, quote.id)


async def require_on_sale(session: AsyncSession, quote: Quote) -> None:
    """Refuse a quote that sells what is no longer on sale: a line whose product was retired
    or whose price was archived after it was added. What a running subscription already has
    goes on; this is for new sales, a cart's checkout and a new quote's sending
    (docs/administration.md, "Catalog")."""
    statement = (
        select(Product.name)
        .join(Price, Price.product_id == Product.id)
        .where(
            Price.id.in_({line.price_id for line in quote.lines}),
            or_(Product.active.is_(False), Price.archived_at.is_not(None)),
        )
        .order_by(Product.name)
    )
    names = list(dict.fromkeys(await session.scalars(statement)))
    if names:
        raise Invalid.one(
            None,
            f"No longer on sale: {', '.join(names)}. Take it out of {quote.number} to go on.",
            "OFF_SALE",
        )

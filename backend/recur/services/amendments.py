"""Subscription changes through the one pipeline: an AMENDMENT quote, accepted, and its order.

A change — quantities up or down, an add-on (co-terminated), a removal, a swap to another
price of the product or of a product it upgrades to — takes effect on a date in the current
term. Its order's charge schedule holds the deltas of ``recur.core.proration``: the prorated
part of the period the change falls in, then whole periods to the term's end. What falls due
at once is billed at once: an invoice when it adds up to more than zero, a credit note
(applied like billing applies it) when less, nothing when it is worth nothing.

The preview runs exactly the same code in a transaction that is rolled back, so the amount it
shows *is* the invoice or credit note the change makes, to the cent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.periods import period_containing, term_end
from recur.core.proration import ChangeCharge, ItemChange, Term, amendment_charges
from recur.core.quotes import MAX_QUANTITY, LineTerms, QuoteRuleError, line_amounts
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Order,
    Price,
    Product,
    Quote,
    QuoteEvent,
    QuoteLine,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
    product_upgrades,
)
from recur.services import renewal_quotes
from recur.services.accounts import visible_accounts
from recur.services.actor import Actor
from recur.services.catalog import load_prices, price_spec
from recur.services.errors import Forbidden, Invalid, NotAuthenticated, Problem
from recur.services.grouping import grouped
from recur.services.invoicing import bill_charges
from recur.services.numbering import Sequence as NumberSequence
from recur.services.numbering import next_number
from recur.services.quotes import get_quote, lines_of_items, require_sales, subscription_quote
from recur.services.subscriptions import describe_items, locked_subscription, monthly_recurring

STAFF_CHANGERS = frozenset({Role.REP, Role.MANAGER, Role.FINANCE, Role.ADMIN})


@dataclass(frozen=True)
class ItemChangeRequest:
    """``item_id`` + ``quantity``: a new quantity (0 removes); ``price_id`` + ``quantity``: an
    added item; ``item_id`` + ``price_id`` (+ ``quantity``): the item moved to that price."""

    item_id: int | None = None
    price_id: int | None = None
    quantity: int | None = None


@dataclass
class ChangeOutcome:
    """What a change did (or, previewed, would do)."""

    subscription: Subscription
    effective_date: date
    quote: Quote
    order: Order
    invoice: Invoice | None
    credit_note: CreditNote | None
    #: The lines of the invoice or credit note made at once (credit note lines positive).
    lines: list[InvoiceLine | CreditNoteLine]
    #: Invoiced (positive) or credited (negative) now, tax included.
    amount_due_now: Decimal
    monthly_before: Decimal
    monthly_after: Decimal
    event: SubscriptionEvent
    charges: list[Charge] = field(default_factory=list)


class _Preview(Exception):
    """Raised inside the transaction to roll a preview back, carrying its outcome."""

    def __init__(self, outcome: ChangeOutcome) -> None:
        super().__init__("preview")
        self.outcome = outcome


# ---- entry points ---------------------------------------------------------------------------


async def change_subscription(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    effective_date: date | None,
    changes: Sequence[ItemChangeRequest],
    today: date,
    now: datetime,
    preview: bool = False,
) -> ChangeOutcome:
    """Change a subscription (or, with ``preview``, show exactly what the change would do and
    write nothing)."""
    _require_changer(actor)

    async def change(session: AsyncSession) -> ChangeOutcome:
        subscription, account = await _lock(session, actor, subscription_id)
        return await _apply(
            session,
            actor,
            subscription,
            account,
            effective_date or today,
            changes,
            today=today,
            now=now,
        )

    if preview:
        return await _rolled_back(db, change)
    async with db.transaction() as session:
        return await change(session)


async def _rolled_back(
    db: Database, work: Callable[[AsyncSession], Awaitable[ChangeOutcome]]
) -> ChangeOutcome:
    """What ``work`` did, in a transaction rolled back afterwards: a preview."""
    try:
        async with db.transaction() as session:
            outcome = await work(session)
            # Detached before the rollback, the objects keep what they were told.
            session.expunge_all()
            raise _Preview(outcome)
    except _Preview as rolled_back:
        return rolled_back.outcome


def _require_changer(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if not actor.is_user or (actor.role is not Role.CUSTOMER and actor.role not in STAFF_CHANGERS):
        raise Forbidden("Only the account's users and its sales and finance staff change it.")


async def _lock(
    session: AsyncSession, actor: Actor, subscription_id: int
) -> tuple[Subscription, Account]:
    """The subscription and its account, locked (account first, as billing locks it); an
    invisible one answers like an unknown one."""
    account = (
        await session.scalars(
            select(Account)
            .join(Subscription, Subscription.account_id == Account.id)
            .where(Subscription.id == subscription_id, visible_accounts(actor))
            .with_for_update(of=Account)
        )
    ).first()
    if account is None:
        raise Invalid.one(
            "subscriptionId", "There is no such subscription.", "UNKNOWN_SUBSCRIPTION"
        )
    subscription = await locked_subscription(session, subscription_id)
    assert subscription is not None  # its account was just found through it
    return subscription, account


# ---- the change -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    """One item change, resolved: the quote line it becomes and its proration input."""

    item: SubscriptionItem | None  # the item changed or removed; None for an addition
    price: Price
    quantity: int  # after
    discount_percent: Decimal
    change: ItemChange
    quantity_before: int
    list_amount: Decimal  # per period, after


async def _apply(
    session: AsyncSession,
    actor: Actor,
    subscription: Subscription,
    account: Account,
    effective: date,
    requests: Sequence[ItemChangeRequest],
    *,
    today: date,
    now: datetime,
    action: str = "CHANGE",
    summary: str | None = None,
) -> ChangeOutcome:
    """A change asked for directly: its AMENDMENT quote, accepted at once, carried out."""
    _require_active(subscription)
    term = await _current_term(session, subscription)
    active = _running(subscription)
    prices = await load_prices(
        session, {item.price_id for item in active} | {r.price_id for r in requests if r.price_id}
    )
    _check_effective_date(
        actor.role is not Role.CUSTOMER, subscription, term, effective, active, prices, today
    )
    planned = await _plan(session, subscription, term, active, prices, requests)
    quote = subscription_quote(
        subscription,
        number=await next_number(session, NumberSequence.QUOTE),
        kind=QuoteKind.AMENDMENT,
        status=QuoteStatus.ACCEPTED,
        start_date=effective,
        term_months=term.months,
        lines=[
            QuoteLine(
                position=position,
                product_id=plan.price.product_id,
                price_id=plan.price.id,
                quantity=plan.quantity,
                discount_percent=plan.discount_percent,
                subscription_item_id=plan.item.id if plan.item else None,
            )
            for position, plan in enumerate(planned, start=1)
        ],
        now=now,
        created_by_id=actor.user_id,
        note=summary or f"Change of {subscription.number}",
    )
    session.add(quote)
    await session.flush()
    session.add(
        QuoteEvent(
            quote_id=quote.id,
            actor_id=actor.user_id,
            action=action,
            from_status=None,
            to_status=QuoteStatus.ACCEPTED,
            comment=f"Effective {effective.isoformat()}; accepted at once (no approval needed).",
            created_at=now,
        )
    )
    return await _carry_out(
        session,
        actor,
        subscription,
        account,
        term,
        effective,
        quote,
        list(zip(quote.lines, planned, strict=True)),
        prices,
        today=today,
        now=now,
        action=action,
        summary=summary,
    )


async def _carry_out(
    session: AsyncSession,
    actor: Actor,
    subscription: Subscription,
    account: Account,
    term: Term,
    effective: date,
    quote: Quote,
    changes: Sequence[tuple[QuoteLine, _Planned]],
    prices: dict[int, Price],
    *,
    today: date,
    now: datetime,
    action: str = "CHANGE",
    summary: str | None = None,
) -> ChangeOutcome:
    """The order of an accepted amendment: the items as they become, the charge schedule of
    the deltas, what falls due billed at once, and the event in the history."""
    monthly_before = monthly_recurring(_running(subscription), prices, subscription.currency)
    order = Order(
        number=await next_number(session, NumberSequence.ORDER),
        quote_id=quote.id,
        account_id=subscription.account_id,
        kind=QuoteKind.AMENDMENT,
        currency=subscription.currency,
        start_date=effective,
        term_months=term.months,
        subscription_id=subscription.id,
        created_at=now,
    )
    session.add(order)
    await session.flush()

    # The items after the change; the quote lines point at them.
    items_by_line: dict[int, SubscriptionItem] = {}
    for line, plan in changes:
        if plan.item is None and plan.price.billing_period is BillingPeriod.ONE_TIME:
            continue  # a one-time add-on is charged, not subscribed to
        if plan.item is None:
            item = SubscriptionItem(
                subscription_id=subscription.id,
                product_id=plan.price.product_id,
                price_id=plan.price.id,
                quantity=plan.quantity,
                discount_percent=plan.discount_percent,
                uplift_percent=Decimal(0),
                net_amount=plan.change.after,
            )
            session.add(item)
            subscription.items.append(item)
        else:
            item = plan.item
            item.quantity = plan.quantity
            item.discount_percent = plan.discount_percent
            item.net_amount = plan.change.after
            if plan.quantity == 0:
                item.ended_on = effective
        items_by_line[line.id] = item
    await session.flush()
    for line, _plan in changes:
        if line.id in items_by_line:
            line.subscription_item_id = items_by_line[line.id].id

    scheduled = amendment_charges(
        [plan.change for _line, plan in changes], term, effective, subscription.currency
    )
    plans = {plan.change.key: (line, plan) for line, plan in changes}
    charges = [
        _charge_row(order, charge, *plans[charge.key], items_by_line) for charge in scheduled
    ]
    session.add_all(charges)
    await session.flush()

    # Bill at once what falls due: the part of the period the change falls in.
    due_now = [c for c in charges if c.period_start <= max(effective, today)]
    document: Invoice | CreditNote | None = None
    if due_now:
        document = await bill_charges(
            session,
            account,
            due_now,
            issue_date=today,
            now=now,
            reason=f"Change of {subscription.number} effective {effective.isoformat()}",
            issued_by_user_id=actor.user_id,
        )
    invoice = document if isinstance(document, Invoice) else None
    credit_note = document if isinstance(document, CreditNote) else None
    lines: list[InvoiceLine | CreditNoteLine] = []
    amount_now = Decimal(0)
    if invoice is not None:
        lines = list(
            await session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id == invoice.id)
                .order_by(InvoiceLine.position)
            )
        )
        amount_now = invoice.total
    elif credit_note is not None:
        lines = list(
            await session.scalars(
                select(CreditNoteLine)
                .where(CreditNoteLine.credit_note_id == credit_note.id)
                .order_by(CreditNoteLine.position)
            )
        )
        amount_now = -credit_note.total

    after_items = _running(subscription)
    prices.update(await load_prices(session, {i.price_id for i in after_items} - set(prices)))
    monthly_after = monthly_recurring(after_items, prices, subscription.currency)
    planned = [plan for _line, plan in changes]
    products = await _products(session, {plan.price.product_id for plan in planned})
    event = SubscriptionEvent(
        subscription_id=subscription.id,
        actor_id=actor.user_id,
        action=action,
        effective_date=effective,
        occurred_at=now,
        summary=summary or _summary(planned, products),
        before=describe_items(
            [(products[p.price.product_id], p.price, p.quantity_before) for p in planned if p.item]
        ),
        after=describe_items(
            [(products[p.price.product_id], p.price, p.quantity) for p in planned if p.quantity]
        ),
        monthly_before=monthly_before,
        monthly_after=monthly_after,
        amount_now=amount_now,
        order_id=order.id,
        quote_id=quote.id,
        invoice_id=invoice.id if invoice else None,
        credit_note_id=credit_note.id if credit_note else None,
    )
    session.add(event)
    await session.flush()
    return ChangeOutcome(
        subscription=subscription,
        effective_date=effective,
        quote=quote,
        order=order,
        invoice=invoice,
        credit_note=credit_note,
        lines=lines,
        amount_due_now=amount_now,
        monthly_before=monthly_before,
        monthly_after=monthly_after,
        event=event,
        charges=charges,
    )


def _require_active(subscription: Subscription) -> None:
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise Invalid.one(
            "subscriptionId",
            f"{subscription.number} is {subscription.status.value.lower()}: it cannot change.",
            "NOT_ACTIVE",
        )


def _running(subscription: Subscription) -> list[SubscriptionItem]:
    return [item for item in subscription.items if item.ended_on is None]


async def _current_term(session: AsyncSession, subscription: Subscription) -> Term:
    """The term running now, anchored on the order that started it (not on a renewal agreed
    for the next term, which starts where this one ends)."""
    row = (
        await session.execute(
            select(Order.start_date, Order.term_months)
            .where(
                Order.subscription_id == subscription.id,
                Order.kind != QuoteKind.AMENDMENT,
                Order.start_date < subscription.current_term_end,
            )
            .order_by(Order.start_date.desc(), Order.id.desc())
            .limit(1)
        )
    ).one()
    return Term(row.start_date, row.term_months)


async def _products(session: AsyncSession, ids: set[int]) -> dict[int, Product]:
    statement = select(Product).where(Product.id.in_(ids))
    return {product.id: product for product in await session.scalars(statement)}


def _check_effective_date(
    may_backdate: bool,
    subscription: Subscription,
    term: Term,
    effective: date,
    active: Sequence[SubscriptionItem],
    prices: dict[int, Price],
    today: date,
) -> None:
    """In the current term; customers from today on, staff (and the quotes they prepare)
    from the start of the current billing period on."""
    last = term.end.toordinal() - 1
    if not term.start <= effective < term.end:
        raise Invalid.one(
            "effectiveDate",
            f"Changes take effect within the current term, {term.start.isoformat()} to "
            f"{date.fromordinal(last).isoformat()}.",
            "OUTSIDE_TERM",
        )
    if not may_backdate:
        if effective < today:
            raise Invalid.one("effectiveDate", "Changes take effect today or later.", "BACKDATED")
        return
    months = [m for m in (prices[item.price_id].billing_period.months for item in active) if m] or [
        1
    ]
    day = max(min(today, date.fromordinal(last)), term.start)
    earliest = period_containing(term.start, min(months), day).start
    if effective < earliest:
        raise Invalid.one(
            "effectiveDate",
            f"A change may be backdated to the start of the current billing period, "
            f"{earliest.isoformat()}, at the earliest.",
            "BACKDATED",
        )


async def _plan(
    session: AsyncSession,
    subscription: Subscription,
    term: Term,
    active: Sequence[SubscriptionItem],
    prices: dict[int, Price],
    requests: Sequence[ItemChangeRequest],
) -> list[_Planned]:
    """Check every requested change and resolve it; all problems are reported at once."""
    if not requests:
        raise Invalid.one("changes", "Say what to change.", "NO_CHANGES")
    items = {item.id: item for item in active}
    problems: list[Problem] = []
    planned: list[_Planned] = []
    seen: set[int] = set()
    added: set[int] = set()
    for index, request in enumerate(requests):
        where = ("changes", str(index))

        def problem(
            field_name: str, message: str, code: str, where: tuple[str, str] = where
        ) -> None:
            problems.append(Problem((*where, field_name), message, code))

        item = items.get(request.item_id) if request.item_id is not None else None
        if request.item_id is not None and item is None:
            problem("itemId", "There is no such item on this subscription.", "UNKNOWN_ITEM")
            continue
        if item is not None:
            if item.id in seen:
                problem("itemId", "Each item can change once per change.", "DUPLICATE_ITEM")
                continue
            seen.add(item.id)
        quantity = request.quantity
        if request.price_id is None:
            if item is None:
                problem("itemId", "Name the item to change or the price to add.", "INVALID")
                continue
            if quantity is None or not 0 <= quantity <= MAX_QUANTITY:
                problem(
                    "quantity",
                    f"The quantity is a whole number from 0 (remove) to {MAX_QUANTITY:,}.",
                    "INVALID_QUANTITY",
                )
                continue
            price = prices[item.price_id]
            uplift = item.uplift_percent
            before = _terms(price, item.quantity, item.discount_percent, uplift)
            after = _terms(price, quantity, item.discount_percent, uplift) if quantity else None
            planned.append(
                _plan_of(item, price, quantity, item.discount_percent, before, after, term)
            )
            continue
        wanted = prices.get(request.price_id) or await _load_price(session, request.price_id)
        price_problem = await _check_price(session, subscription, wanted, item)
        if price_problem or wanted is None:
            problem("priceId", *(price_problem or ("There is no such price.", "UNKNOWN_PRICE")))
            continue
        price = wanted
        prices[price.id] = price
        # An addition, or a swap: the old item ends, the new price starts, for the same
        # quantity unless another is given.
        if item is not None and quantity is None:
            quantity = item.quantity
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            problem(
                "quantity",
                f"The quantity is a whole number from 1 to {MAX_QUANTITY:,}.",
                "INVALID_QUANTITY",
            )
            continue
        if price.id in added or any(other.price_id == price.id for other in active):
            problem(
                "priceId",
                "This price is on the subscription already: change its quantity.",
                "ALREADY_SUBSCRIBED",
            )
            continue
        added.add(price.id)
        if item is not None:
            old_price = prices[item.price_id]
            before = _terms(old_price, item.quantity, item.discount_percent, item.uplift_percent)
            planned.append(_plan_of(item, old_price, 0, item.discount_percent, before, None, term))
        after = _terms(price, quantity, Decimal(0), Decimal(0))
        planned.append(_plan_of(None, price, quantity, Decimal(0), None, after, term))
    if problems:
        raise Invalid(problems)
    return planned


def _terms(price: Price, quantity: int, discount: Decimal, uplift: Decimal) -> LineTerms:
    return LineTerms(
        price=price_spec(price),
        billing_period=price.billing_period,
        quantity=quantity,
        discount_percent=discount,
        uplift_percent=uplift,
    )


def _plan_of(
    item: SubscriptionItem | None,
    price: Price,
    quantity: int,
    discount: Decimal,
    before: LineTerms | None,
    after: LineTerms | None,
    term: Term,
) -> _Planned:
    key = f"item-{item.id}" if item is not None else f"new-{price.id}"
    try:
        change = ItemChange.of_terms(key, before, after, term.months)
        if item is not None:
            # What the item was billed at is what it had: its stored net, not a re-pricing.
            change = ItemChange(key, change.billing_period, item.net_amount, change.after, quantity)
        list_amount = line_amounts(after, term.months).list_amount if after else Decimal(0)
    except QuoteRuleError as error:
        raise Invalid.one(error.field, error.message, error.code) from error
    return _Planned(
        item=item,
        price=price,
        quantity=quantity,
        discount_percent=discount,
        change=change,
        quantity_before=item.quantity if item else 0,
        list_amount=list_amount,
    )


async def _load_price(session: AsyncSession, price_id: int) -> Price | None:
    return (
        await session.scalars(
            select(Price).where(Price.id == price_id).options(selectinload(Price.tiers))
        )
    ).first()


async def _check_price(
    session: AsyncSession,
    subscription: Subscription,
    price: Price | None,
    item: SubscriptionItem | None,
) -> tuple[str, str] | None:
    """Why ``price`` cannot be added or swapped to, or ``None``."""
    if price is None or not price.active:
        return "There is no such price on sale.", "UNKNOWN_PRICE"
    product = await session.get(Product, price.product_id)
    if product is None or not product.active:
        return "There is no such price on sale.", "UNKNOWN_PRICE"
    if price.currency != subscription.currency:
        return (
            f"{subscription.number} is billed in {subscription.currency}, not {price.currency}.",
            "CURRENCY_MISMATCH",
        )
    if item is None:
        return None
    if price.id == item.price_id:
        return "The item has this price already.", "SAME_PRICE"
    if price.billing_period is BillingPeriod.ONE_TIME:
        return "A subscription item moves to a recurring price.", "NOT_RECURRING"
    if price.product_id != item.product_id:
        upgrades = await session.scalar(
            select(
                exists().where(
                    product_upgrades.c.product_id == item.product_id,
                    product_upgrades.c.upgrade_id == price.product_id,
                )
            )
        )
        if not upgrades:
            return (
                "An item moves to another price of its product or of a product it upgrades to.",
                "NOT_AN_UPGRADE",
            )
    return None


def _charge_row(
    order: Order,
    charge: ChangeCharge,
    line: QuoteLine,
    plan: _Planned,
    items_by_line: dict[int, SubscriptionItem],
) -> Charge:
    return Charge(
        order_id=order.id,
        quote_line_id=line.id,
        subscription_item_id=items_by_line[line.id].id if line.id in items_by_line else None,
        product_id=plan.price.product_id,
        price_id=plan.price.id,
        billing_period=charge.billing_period,
        period_index=charge.period_index,
        period_start=charge.period_start,
        period_end=charge.period_end,
        quantity=charge.quantity,
        list_amount=plan.list_amount,
        discount_percent=plan.discount_percent,
        amount=charge.amount,
        quantity_before=plan.quantity_before,
        period_delta=plan.change.after - plan.change.before,
        prorated_days=charge.days[0] if charge.days else None,
        period_days=charge.days[1] if charge.days else None,
    )


def _summary(planned: Sequence[_Planned], products: dict[int, Product]) -> str:
    parts = []
    for plan in planned:
        name = products[plan.price.product_id].name
        if plan.item is None:
            parts.append(f"added {name} × {plan.quantity}")
        elif plan.quantity == 0:
            parts.append(f"removed {name}")
        elif plan.quantity == plan.quantity_before:
            parts.append(f"{name} unchanged at {plan.quantity}")
        else:
            parts.append(f"{name} {plan.quantity_before} → {plan.quantity}")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:] + "."


# ---- amendment quotes prepared by sales -----------------------------------------------------


async def create_amendment_quote(
    db: Database, actor: Actor, *, subscription_id: int, today: date, now: datetime
) -> Quote:
    """A DRAFT amendment of the subscription for a rep to edit, have approved and send.

    Its lines start as the running items (each points at its item). The rep changes
    quantities (0 removes the item) and discounts and adds lines (add-ons); the start date
    is the effective date. Accepted, it is carried out exactly like a direct change.
    """
    require_sales(actor)
    async with db.transaction() as session:
        subscription, _account = await _lock(session, actor, subscription_id)
        _require_active(subscription)
        term = await _current_term(session, subscription)
        running = sorted(_running(subscription), key=lambda item: item.id)
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
    return await _reloaded(db, actor, quote_id)


async def check_quote(session: AsyncSession, quote: Quote, today: date) -> None:
    """Raise what would stop an amendment quote from being carried out now: an effective
    date outside what staff may choose, items gone, or no change at all."""
    subscription = await _subscription_of(session, quote)
    await _quote_plan(session, subscription, quote, today)


async def check_effective_date(session: AsyncSession, quote: Quote, today: date) -> None:
    """An amendment quote's start date is a day staff may choose for a change now."""
    subscription = await _subscription_of(session, quote)
    term = await _current_term(session, subscription)
    active = _running(subscription)
    prices = await load_prices(session, {item.price_id for item in active})
    _check_effective_date(True, subscription, term, quote.start_date, active, prices, today)


async def accept_quote(
    session: AsyncSession, actor: Actor, quote: Quote, *, today: date, now: datetime
) -> Order:
    """Carry out an amendment quote the customer accepted (the workflow has moved and
    locked it): the same order, invoice or credit note as a direct change."""
    return (await _carry_out_quote(session, actor, quote, today=today, now=now)).order


async def preview_quote(
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

    return await _rolled_back(db, accept)


async def _carry_out_quote(
    session: AsyncSession, actor: Actor, quote: Quote, *, today: date, now: datetime
) -> ChangeOutcome:
    # The account first, then the subscription: the order every change and billing locks in.
    account = (
        await session.scalars(
            select(Account).where(Account.id == quote.account_id).with_for_update()
        )
    ).one()
    subscription = await _subscription_of(session, quote)
    term, prices, changes = await _quote_plan(session, subscription, quote, today)
    return await _carry_out(
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


async def _subscription_of(session: AsyncSession, quote: Quote) -> Subscription:
    subscription = (
        await locked_subscription(session, quote.subscription_id)
        if quote.subscription_id is not None
        else None
    )
    if subscription is None:
        raise Invalid.one("quoteId", f"{quote.number} changes no subscription.", "NOT_AMENDMENT")
    return subscription


async def _quote_plan(
    session: AsyncSession, subscription: Subscription, quote: Quote, today: date
) -> tuple[Term, dict[int, Price], list[tuple[QuoteLine, _Planned]]]:
    """The changes an amendment quote makes, line by line; lines equal to their item change
    nothing and are left out."""
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise Invalid.one(
            "quoteId",
            f"{subscription.number} is {subscription.status.value.lower()}: "
            f"{quote.number} can no longer change it.",
            "NOT_ACTIVE",
        )
    term = await _current_term(session, subscription)
    active = _running(subscription)
    prices = await load_prices(
        session, {item.price_id for item in active} | {line.price_id for line in quote.lines}
    )
    _check_effective_date(True, subscription, term, quote.start_date, active, prices, today)
    items = {item.id: item for item in active}
    products = await _products(session, {line.product_id for line in quote.lines})
    problems: list[Problem] = []
    changes: list[tuple[QuoteLine, _Planned]] = []
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
            after = _terms(price, line.quantity, discount, Decimal(0))
            changes.append(
                (line, _plan_of(None, price, line.quantity, discount, None, after, term))
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
        was = _terms(price, item.quantity, item.discount_percent, uplift)
        becomes = (
            _terms(price, line.quantity, line.discount_percent, uplift) if line.quantity else None
        )
        changes.append(
            (line, _plan_of(item, price, line.quantity, line.discount_percent, was, becomes, term))
        )
    if problems:
        raise Invalid(problems)
    if not changes:
        raise Invalid.one(
            None,
            f"{quote.number} changes nothing yet: change a quantity or a discount, or add a line.",
            "NO_CHANGES",
        )
    return term, prices, changes


# ---- auto-renewal and cancellation --------------------------------------------------------


async def set_auto_renew(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    auto_renew: bool,
    today: date,
    now: datetime,
) -> Subscription:
    """Renew at term end or not; turning it off is how a subscription is cancelled at term
    end (all a customer may do)."""
    _require_changer(actor)
    async with db.transaction() as session:
        subscription, _account = await _lock(session, actor, subscription_id)
        if subscription.status is not SubscriptionStatus.ACTIVE:
            raise Invalid.one(
                "subscriptionId",
                f"{subscription.number} is {subscription.status.value.lower()}.",
                "NOT_ACTIVE",
            )
        if subscription.auto_renew != auto_renew:
            subscription.auto_renew = auto_renew
            end = subscription.current_term_end
            agreed = await renewal_quotes.agreed_renewal(session, subscription)
            if agreed is not None:
                # The next term is signed for; auto-renew is about the one after it.
                renewed_to = term_end(agreed.start_date, agreed.term_months).isoformat()
                summary = (
                    f"Renews on {end.isoformat()} as agreed, then automatically on {renewed_to}."
                    if auto_renew
                    else f"Renews on {end.isoformat()} as agreed, then ends on {renewed_to}."
                )
            elif auto_renew:
                summary = f"Renews automatically on {end.isoformat()}."
            else:
                summary = f"Ends on {end.isoformat()} and will not renew."
            session.add(
                SubscriptionEvent(
                    subscription_id=subscription.id,
                    actor_id=actor.user_id,
                    action="AUTO_RENEW_ON" if auto_renew else "AUTO_RENEW_OFF",
                    effective_date=today,
                    occurred_at=now,
                    summary=summary,
                )
            )
        subscription_id = subscription.id
    async with db.session() as session:
        return await session.get_one(Subscription, subscription_id)


async def cancel_subscription(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    immediately: bool,
    effective_date: date | None,
    today: date,
    now: datetime,
) -> tuple[Subscription, CreditNote | None]:
    """Cancel at term end (auto-renew off; anyone who may change it) or immediately (sales
    and finance): every item ends on the effective date and the unused part of the current
    periods is credited, through an amendment like any other change."""
    if not immediately:
        subscription = await set_auto_renew(
            db, actor, subscription_id=subscription_id, auto_renew=False, today=today, now=now
        )
        return subscription, None
    _require_changer(actor)
    if actor.role is Role.CUSTOMER:
        raise Forbidden("Customers cancel at term end; ask your account manager to end it now.")
    effective = effective_date or today
    async with db.transaction() as session:
        subscription, account = await _lock(session, actor, subscription_id)
        running = [item for item in subscription.items if item.ended_on is None]
        agreed = await renewal_quotes.agreed_renewal(session, subscription)
        summary = f"Cancelled effective {effective.isoformat()}; unused time credited."
        if agreed is not None:
            # Nothing of the agreed next term was billed yet: it is called off with the rest.
            await session.execute(
                update(Charge)
                .where(Charge.order_id == agreed.id, Charge.netted_on.is_(None))
                .values(netted_on=effective)
            )
            summary += f" The renewal agreed in order {agreed.number} is called off."
        outcome = await _apply(
            session,
            actor,
            subscription,
            account,
            effective,
            [ItemChangeRequest(item_id=item.id, quantity=0) for item in running],
            today=today,
            now=now,
            action="CANCEL",
            summary=summary,
        )
        subscription.status = SubscriptionStatus.CANCELED
        subscription.canceled_on = effective
        subscription.auto_renew = False
        ids = subscription.id, outcome.credit_note.id if outcome.credit_note else None
    async with db.session() as session:
        note = await session.get(CreditNote, ids[1]) if ids[1] else None
        return await session.get_one(Subscription, ids[0]), note


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


async def _reloaded(db: Database, actor: Actor, quote_id: int) -> Quote:
    quote = await get_quote(db, actor, quote_id)
    if quote is None:  # the actor just made it: only a concurrent delete could do this
        raise Invalid.one(None, "The quote is gone.", "UNKNOWN_QUOTE")
    return quote

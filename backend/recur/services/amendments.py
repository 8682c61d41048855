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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.periods import period_containing
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
from recur.services.accounts import visible_accounts
from recur.services.actor import Actor
from recur.services.catalog import price_spec
from recur.services.errors import Forbidden, Invalid, NotAuthenticated, Problem
from recur.services.grouping import grouped
from recur.services.invoicing import PERIOD_WORDS, bill_charges
from recur.services.numbering import Sequence as NumberSequence
from recur.services.numbering import next_number
from recur.services.subscriptions import monthly_recurring

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
    try:
        async with db.transaction() as session:
            subscription, account = await _lock(session, actor, subscription_id)
            outcome = await _apply(
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
                # Detached before the rollback, the objects keep what they were told.
                session.expunge_all()
                raise _Preview(outcome)
    except _Preview as rolled_back:
        return rolled_back.outcome
    return outcome


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
    subscription = (
        await session.scalars(
            select(Subscription)
            .where(Subscription.id == subscription_id)
            .options(selectinload(Subscription.items))
            .with_for_update()
        )
    ).one()
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
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise Invalid.one(
            "subscriptionId",
            f"{subscription.number} is {subscription.status.value.lower()}: it cannot change.",
            "NOT_ACTIVE",
        )
    term = await _current_term(session, subscription)
    active = [item for item in subscription.items if item.ended_on is None]
    prices = await _prices(
        session, {item.price_id for item in active} | {r.price_id for r in requests if r.price_id}
    )
    _check_effective_date(actor, subscription, term, effective, active, prices, today)
    planned = await _plan(session, subscription, term, active, prices, requests)
    monthly_before = monthly_recurring(active, prices, subscription.currency)

    quote = Quote(
        number=await next_number(session, NumberSequence.QUOTE),
        account_id=subscription.account_id,
        kind=QuoteKind.AMENDMENT,
        status=QuoteStatus.ACCEPTED,
        currency=subscription.currency,
        start_date=effective,
        term_months=term.months,
        version=1,
        is_cart=False,
        created_by_id=actor.user_id,
        uplift_percent=Decimal(0),
        subscription_id=subscription.id,
        note=summary or f"Change of {subscription.number}",
        created_at=now,
        updated_at=now,
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
    for line, plan in zip(quote.lines, planned, strict=True):
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
            item.net_amount = plan.change.after
            if plan.quantity == 0:
                item.ended_on = effective
        items_by_line[line.id] = item
    await session.flush()
    for line in quote.lines:
        if line.id in items_by_line:
            line.subscription_item_id = items_by_line[line.id].id

    scheduled = amendment_charges(
        [plan.change for plan in planned], term, effective, subscription.currency
    )
    plans = {plan.change.key: (line, plan) for line, plan in zip(quote.lines, planned, strict=True)}
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

    after_items = [item for item in subscription.items if item.ended_on is None]
    prices.update(await _prices(session, {i.price_id for i in after_items} - set(prices)))
    monthly_after = monthly_recurring(after_items, prices, subscription.currency)
    products = await _products(session, {plan.price.product_id for plan in planned})
    event = SubscriptionEvent(
        subscription_id=subscription.id,
        actor_id=actor.user_id,
        action=action,
        effective_date=effective,
        occurred_at=now,
        summary=summary or _summary(planned, products),
        before=_describe(
            [(products[p.price.product_id], p.price, p.quantity_before) for p in planned if p.item]
        ),
        after=_describe(
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


async def _current_term(session: AsyncSession, subscription: Subscription) -> Term:
    """The term running now, anchored on the order that started it."""
    row = (
        await session.execute(
            select(Order.start_date, Order.term_months)
            .where(
                Order.subscription_id == subscription.id,
                Order.kind != QuoteKind.AMENDMENT,
            )
            .order_by(Order.start_date.desc(), Order.id.desc())
            .limit(1)
        )
    ).one()
    return Term(row.start_date, row.term_months)


async def _prices(session: AsyncSession, ids: set[int]) -> dict[int, Price]:
    if not ids:
        return {}
    statement = select(Price).where(Price.id.in_(ids)).options(selectinload(Price.tiers))
    return {price.id: price for price in await session.scalars(statement)}


async def _products(session: AsyncSession, ids: set[int]) -> dict[int, Product]:
    statement = select(Product).where(Product.id.in_(ids))
    return {product.id: product for product in await session.scalars(statement)}


def _check_effective_date(
    actor: Actor,
    subscription: Subscription,
    term: Term,
    effective: date,
    active: Sequence[SubscriptionItem],
    prices: dict[int, Price],
    today: date,
) -> None:
    """In the current term; customers from today on, staff from the start of the current
    billing period on."""
    last = term.end.toordinal() - 1
    if not term.start <= effective < term.end:
        raise Invalid.one(
            "effectiveDate",
            f"Changes take effect within the current term, {term.start.isoformat()} to "
            f"{date.fromordinal(last).isoformat()}.",
            "OUTSIDE_TERM",
        )
    if actor.role is Role.CUSTOMER:
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


def _describe(entries: Sequence[tuple[Product, Price, int]]) -> str:
    return "; ".join(
        f"{product.name} ({PERIOD_WORDS.get(price.billing_period, 'one-time')}) × {quantity}"
        for product, price, quantity in entries
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
            session.add(
                SubscriptionEvent(
                    subscription_id=subscription.id,
                    actor_id=actor.user_id,
                    action="AUTO_RENEW_ON" if auto_renew else "AUTO_RENEW_OFF",
                    effective_date=today,
                    occurred_at=now,
                    summary=(
                        f"Renews automatically on {end.isoformat()}."
                        if auto_renew
                        else f"Ends on {end.isoformat()} and will not renew."
                    ),
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
            summary=f"Cancelled effective {effective.isoformat()}; unused time credited.",
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

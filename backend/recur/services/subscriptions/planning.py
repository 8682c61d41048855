"""Planning a subscription change: who may make it, on which date, and what each requested
item change resolves to — checked in full before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteKind, SubscriptionStatus
from recur.core.proration import ItemChange, Term
from recur.core.quotes import MAX_QUANTITY, LineTerms, QuoteRuleError, line_amounts
from recur.core.roles import Role
from recur.db.models import (
    Account,
    Order,
    Price,
    Product,
    Subscription,
    SubscriptionItem,
    product_upgrades,
)
from recur.services.accounts import visible_accounts
from recur.services.catalog import price_spec
from recur.services.common import Actor, Forbidden, Invalid, NotAuthenticated, Problem
from recur.services.subscriptions.reads import (
    locked_subscription,
)
from recur.services.subscriptions.scheduled import apply_due

STAFF_CHANGERS = frozenset({Role.REP, Role.MANAGER, Role.FINANCE, Role.ADMIN})


@dataclass(frozen=True)
class ItemChangeRequest:
    """``item_id`` + ``quantity``: a new quantity (0 removes); ``price_id`` + ``quantity``: an
    added item; ``item_id`` + ``price_id`` (+ ``quantity``): the item moved to that price."""

    item_id: int | None = None
    price_id: int | None = None
    quantity: int | None = None


def require_changer(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if not actor.is_user or (actor.role is not Role.CUSTOMER and actor.role not in STAFF_CHANGERS):
        raise Forbidden("Only the account's users and its sales and finance staff change it.")


async def lock_for_change(
    session: AsyncSession, actor: Actor, subscription_id: int, today: date
) -> tuple[Subscription, Account]:
    """The subscription and its account, locked (account first, as billing locks it), with
    the changes scheduled up to ``today`` applied; an invisible one answers like an unknown
    one."""
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
    await apply_due(session, subscription, today)
    return subscription, account


@dataclass(frozen=True)
class PlannedChange:
    """One item change, resolved: the quote line it becomes and its proration input."""

    item: SubscriptionItem | None  # the item changed or removed; None for an addition
    price: Price
    quantity: int  # after
    discount_percent: Decimal
    change: ItemChange
    quantity_before: int
    list_amount: Decimal  # per period, after


def require_active(subscription: Subscription) -> None:
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise Invalid.one(
            "subscriptionId",
            f"{subscription.number} is {subscription.status.value.lower()}: it cannot change.",
            "NOT_ACTIVE",
        )


def running_items(subscription: Subscription) -> list[SubscriptionItem]:
    return [item for item in subscription.items if item.ended_on is None]


async def current_term(session: AsyncSession, subscription: Subscription) -> Term:
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
    return Term(row.start_date, row.term_months, subscription.start_date)


async def load_products(session: AsyncSession, ids: set[int]) -> dict[int, Product]:
    statement = select(Product).where(Product.id.in_(ids))
    return {product.id: product for product in await session.scalars(statement)}


def check_effective_date(
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
    earliest = next(p for p in term.periods(min(months)) if day in p).start
    if effective < earliest:
        raise Invalid.one(
            "effectiveDate",
            f"A change may be backdated to the start of the current billing period, "
            f"{earliest.isoformat()}, at the earliest.",
            "BACKDATED",
        )


async def plan_changes(
    session: AsyncSession,
    subscription: Subscription,
    term: Term,
    active: Sequence[SubscriptionItem],
    prices: dict[int, Price],
    requests: Sequence[ItemChangeRequest],
) -> list[PlannedChange]:
    """Check every requested change and resolve it; all problems are reported at once."""
    if not requests:
        raise Invalid.one("changes", "Say what to change.", "NO_CHANGES")
    items = {item.id: item for item in active}
    problems: list[Problem] = []
    planned: list[PlannedChange] = []
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
            before = terms_of(price, item.quantity, item.discount_percent, uplift)
            after = terms_of(price, quantity, item.discount_percent, uplift) if quantity else None
            planned.append(
                planned_change(item, price, quantity, item.discount_percent, before, after, term)
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
            before = terms_of(old_price, item.quantity, item.discount_percent, item.uplift_percent)
            planned.append(
                planned_change(item, old_price, 0, item.discount_percent, before, None, term)
            )
        after = terms_of(price, quantity, Decimal(0), Decimal(0))
        planned.append(planned_change(None, price, quantity, Decimal(0), None, after, term))
    if problems:
        raise Invalid(problems)
    return planned


def terms_of(price: Price, quantity: int, discount: Decimal, uplift: Decimal) -> LineTerms:
    return LineTerms(
        price=price_spec(price),
        billing_period=price.billing_period,
        quantity=quantity,
        discount_percent=discount,
        uplift_percent=uplift,
    )


def planned_change(
    item: SubscriptionItem | None,
    price: Price,
    quantity: int,
    discount: Decimal,
    before: LineTerms | None,
    after: LineTerms | None,
    term: Term,
) -> PlannedChange:
    key = f"item-{item.id}" if item is not None else f"new-{price.id}"
    try:
        change = ItemChange.of_terms(key, before, after, term.months)
        if item is not None:
            # What the item was billed at is what it had: its stored net, not a re-pricing.
            change = ItemChange(key, change.billing_period, item.net_amount, change.after, quantity)
        list_amount = line_amounts(after, term.months).list_amount if after else Decimal(0)
    except QuoteRuleError as error:
        raise Invalid.one(error.field, error.message, error.code) from error
    return PlannedChange(
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


def summarise(planned: Sequence[PlannedChange], products: dict[int, Product]) -> str:
    """The change in words, item by item (``Standard Seats 25 → 30, added SSO × 1.``)."""
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


def deferred_to_renewal(
    actor: Actor,
    requests: Sequence[ItemChangeRequest],
    planned: Sequence[PlannedChange],
    term: Term,
) -> date | None:
    """The day a customer's change takes effect when it is a decrease: the renewal.

    Customers may increase at any time; a decrease — fewer, removed, or moved to a price worth
    less a month — waits for the end of the term they committed to (staff reduce mid-term with
    an amendment quote). A change that does both is refused: they take effect on different
    days."""
    if actor.role is not Role.CUSTOMER:
        return None
    plans = iter(planned)
    ups = downs = 0
    for request in requests:
        swap = request.item_id is not None and request.price_id is not None
        group = [next(plans), next(plans)] if swap else [next(plans)]
        worth = sum(_monthly(p.change.after, p) - _monthly(p.change.before, p) for p in group)
        ups, downs = ups + (worth > 0), downs + (worth < 0)
    if downs and ups:
        raise Invalid.one(
            "changes",
            "Increases take effect now and decreases at the renewal: make them as two changes.",
            "MIXED_CHANGE",
        )
    return term.end if downs else None


def _monthly(amount: Decimal, plan: PlannedChange) -> Decimal:
    months = plan.price.billing_period.months
    return amount / months if months else Decimal(0)

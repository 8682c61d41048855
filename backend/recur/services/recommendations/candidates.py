"""The offers an account could be made, ranked: from the catalog's structure (upgrade paths,
yearly prices, volume bands) and from what accounts like it bought next (the model), with
the lifecycle filters applied (docs/recommendations.md, "Where offers come from")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from recur.core.catalog import BillingPeriod
from recur.core.money import Money
from recur.core.offer_model import HORIZON_MONTHS, OfferModel, Signal
from recur.core.pricing import PricingModel
from recur.db.models import Price, Product, Subscription, SubscriptionItem
from recur.services.catalog import amount_for
from recur.services.recommendations.state import AccountState
from recur.services.subscriptions import ItemChangeRequest

#: Kinds of offer.
ADD_ON, UPGRADE, YEARLY, NEXT_TIER = "ADD_ON", "UPGRADE", "YEARLY", "NEXT_TIER"
KINDS = (ADD_ON, UPGRADE, YEARLY, NEXT_TIER)
#: A renewal this close makes switching to yearly billing timely.
RENEWAL_SOON = timedelta(days=90)
#: A volume band is worth offering when reaching it costs at most this share more.
CLIFF_SHARE = 15  # percent


@dataclass(frozen=True)
class OfferKey:
    """An offer, exactly: ``kind:subscription:item:price:quantity`` (item 0 for an add-on)."""

    account_id: int
    kind: str
    subscription_id: int
    item_id: int
    price_id: int
    quantity: int

    def __str__(self) -> str:
        return (
            f"{self.account_id}:{self.kind}:{self.subscription_id}:{self.item_id}:"
            f"{self.price_id}:{self.quantity}"
        )

    @classmethod
    def parse(cls, text: str) -> OfferKey | None:
        parts = text.split(":")
        if len(parts) != 6 or parts[1] not in KINDS:
            return None
        numbers = [parts[0], *parts[2:]]
        if not all(n.isascii() and n.isdigit() and len(n) < 10 for n in numbers):
            return None
        account, subscription, item, price, quantity = (int(n) for n in numbers)
        return cls(account, parts[1], subscription, item, price, quantity)

    def requests(self) -> tuple[ItemChangeRequest, ...]:
        """The change that takes the offer, as ``changeSubscription`` takes it."""
        if self.kind == ADD_ON:
            return (ItemChangeRequest(price_id=self.price_id, quantity=self.quantity),)
        if self.kind == NEXT_TIER:
            return (ItemChangeRequest(item_id=self.item_id, quantity=self.quantity),)
        return (
            ItemChangeRequest(item_id=self.item_id, price_id=self.price_id, quantity=self.quantity),
        )


@dataclass
class Candidate:
    key: OfferKey
    title: str
    reason: str
    score: float
    product: Product
    price: Price
    evidence: list[str] = field(default_factory=list)
    #: What a switch to yearly saves a year (list prices).
    saving: Decimal = Decimal(0)


def candidates(state: AccountState, model: OfferModel[int], today: date) -> list[Candidate]:
    """Every offer the account could be made today, best first; none while it is overdue
    (docs/recommendations.md, "Lifecycle")."""
    if state.overdue:
        return []
    signals = {s.product: s for s in model.signals(state.history, today)}
    owned = state.owned_products()
    # An upgrade path is offered as an upgrade, never as an add-on: neither what an owned
    # product upgrades to nor what upgrades to one (Standard Seats beside Professional Seats).
    upgrade_targets = {u for p in owned for u in state.upgrades.get(p, [])} | {
        p for p, targets in state.upgrades.items() if owned.intersection(targets)
    }
    found: list[Candidate] = []
    for subscription in state.subscriptions:
        if not subscription.auto_renew:
            continue  # at risk of leaving: not the moment to sell more on it
        yearly: list[Candidate] = []
        for item in state.running(subscription):
            if item.id in state.waiting:
                continue
            found += _upgrades(state, subscription, item, signals, model)
            yearly += _yearly(state, subscription, item, today)
            found += _next_tier(state, subscription, item)
        # One switch to yearly per subscription: the item that saves the most.
        found += sorted(yearly, key=lambda c: (-c.saving, str(c.key)))[:1]
    main = _main_subscription(state)
    if main is not None:
        for product_id in signals.keys() - owned - upgrade_targets:
            candidate = _add_on(state, main, signals[product_id], model)
            if candidate is not None:
                found.append(candidate)
    best: dict[int, Candidate] = {}
    for candidate in sorted(found, key=lambda c: (-c.score, str(c.key))):
        best.setdefault(candidate.product.id, candidate)  # one offer per product
    return sorted(best.values(), key=lambda c: (-c.score, str(c.key)))


def _main_subscription(state: AccountState) -> Subscription | None:
    """Where add-ons go: the renewing subscription worth the most a month."""
    renewing = [s for s in state.subscriptions if s.auto_renew and state.running(s)]
    if not renewing:
        return None

    def monthly(subscription: Subscription) -> float:
        return float(
            sum(
                item.net_amount / (state.prices[item.price_id].billing_period.months or 1)
                for item in state.running(subscription)
            )
        )

    return max(renewing, key=lambda s: (monthly(s), -s.id))


def _evidence(
    signal: Signal[int] | None, model: OfferModel[int], products: dict[int, Product]
) -> list[str]:
    if signal is None:
        return []
    name = products[signal.product].name if signal.product in products else "it"
    if signal.because_of is None or not signal.watched:
        bought = model.bought.get(signal.product, 0)
        return [f"{bought} of {model.accounts} accounts in the book have {name}."]
    after = products[signal.because_of].name if signal.because_of in products else "their first"
    line = (
        f"{signal.added} of {signal.watched} {signal.cohort} added {name} within "
        f"{HORIZON_MONTHS} months of buying {after}"
    )
    if signal.median_months is not None and signal.added:
        line += f" (typically after {signal.median_months} months)"
    return [line + "."]


def _add_on(
    state: AccountState, subscription: Subscription, signal: Signal[int], model: OfferModel[int]
) -> Candidate | None:
    product = state.products.get(signal.product)
    if product is None or not state.on_sale.get(product.id) or not model.bought.get(product.id):
        return None
    running = state.running(subscription)
    periods = [state.prices[i.price_id].billing_period for i in running]
    period = max(set(periods), key=periods.count) if periods else BillingPeriod.MONTH
    price = state.price_on_sale(product.id, period) or state.on_sale[product.id][0]
    if price.model is PricingModel.FLAT:
        quantity = 1
    elif product.category == "Seats":
        quantity = max(state.history.seats(date.max), 1)
    else:
        quantity = max(model.typical_quantity(state.account.currency, product.id), 1)
    because = state.products.get(signal.because_of) if signal.because_of else None
    reason = product.description
    if because is not None:
        reason = f"Often the next step for teams with {because.name}. {reason}"
    return Candidate(
        key=OfferKey(state.account.id, ADD_ON, subscription.id, 0, price.id, quantity),
        title=f"Add {product.name}",
        reason=reason,
        score=signal.score,
        product=product,
        price=price,
        evidence=[
            *_evidence(signal, model, state.products),
            f"Co-terminates with {subscription.number} on "
            f"{(subscription.current_term_end - timedelta(days=1)).isoformat()}.",
        ],
    )


def _upgrades(
    state: AccountState,
    subscription: Subscription,
    item: SubscriptionItem,
    signals: dict[int, Signal[int]],
    model: OfferModel[int],
) -> list[Candidate]:
    found = []
    current = state.prices[item.price_id]
    here = state.products.get(item.product_id)
    for target in state.upgrades.get(item.product_id, []):
        product = state.products.get(target)
        price = state.price_on_sale(target, current.billing_period)
        if product is None or price is None or here is None or target in state.owned_products():
            continue
        signal = signals.get(target)
        score = max(signal.score if signal else 0.0, 0.12)
        if state.history.seats(date.max) >= 20:
            score += 0.05
        found.append(
            Candidate(
                key=OfferKey(
                    state.account.id, UPGRADE, subscription.id, item.id, price.id, item.quantity
                ),
                title=f"Upgrade to {product.name}",
                reason=f"{product.description} {_moving(item.quantity, here, product)} for the "
                f"rest of {subscription.number}'s term.",
                score=score,
                product=product,
                price=price,
                evidence=[
                    f"Upgrade path in the catalog: {here.name} → {product.name}.",
                    *_evidence(signal, model, state.products),
                ],
            )
        )
    return found


def _moving(quantity: int, here: Product, there: Product) -> str:
    if quantity == 1:
        return f"Your {here.name} becomes {there.name}"
    return f"Your {quantity:,} {here.name} become {there.name}"


def _yearly(
    state: AccountState, subscription: Subscription, item: SubscriptionItem, today: date
) -> list[Candidate]:
    current = state.prices[item.price_id]
    product = state.products.get(item.product_id)
    yearly = state.price_on_sale(item.product_id, BillingPeriod.YEAR)
    if (
        product is None
        or yearly is None
        or current.billing_period is not BillingPeriod.MONTH
        or subscription.term_months % 12
    ):
        return []
    currency = state.account.currency
    monthly_year = amount_for(current, item.quantity) * 12
    yearly_amount = amount_for(yearly, item.quantity)
    saving = monthly_year - yearly_amount
    if saving <= 0:
        return []
    percent = int(saving * 100 / monthly_year)
    renews = subscription.current_term_end
    score = 0.2 + percent / 100
    evidence = [
        f"Monthly list {Money(monthly_year, currency).format()} a year against "
        f"{Money(yearly_amount, currency).format()} yearly."
    ]
    if renews - today <= RENEWAL_SOON:
        score += 0.15
        evidence.append(f"{subscription.number} renews on {renews.isoformat()}: a natural moment.")
    return [
        Candidate(
            key=OfferKey(
                state.account.id, YEARLY, subscription.id, item.id, yearly.id, item.quantity
            ),
            title=f"Switch {product.name} to yearly billing",
            reason=f"Paying yearly costs {Money(yearly_amount, currency).format()} a year instead "
            f"of {Money(monthly_year, currency).format()}: you save "
            f"{Money(saving, currency).format()} ({percent} %).",
            score=score,
            product=product,
            price=yearly,
            evidence=evidence,
            saving=saving,
        )
    ]


def _next_tier(
    state: AccountState, subscription: Subscription, item: SubscriptionItem
) -> list[Candidate]:
    """A volume price just below a band whose unit rate is lower: the next band costs little
    more (or less) in all."""
    price = state.prices[item.price_id]
    product = state.products.get(item.product_id)
    if product is None or price.model is not PricingModel.VOLUME or not price.active:
        return []
    bands = [t for t in price.tiers if t.up_to is not None and t.up_to >= item.quantity]
    if not bands:
        return []
    target = bands[0].up_to + 1  # type: ignore[operator]
    now, then = amount_for(price, item.quantity), amount_for(price, target)
    if now <= 0 or (then - now) * 100 > now * CLIFF_SHARE:
        return []
    currency = state.account.currency
    more = then - now
    return [
        Candidate(
            key=OfferKey(state.account.id, NEXT_TIER, subscription.id, item.id, price.id, target),
            title=f"Move {product.name} to {target:,}",
            reason=f"At {target:,} every unit is charged at the next band's lower rate: "
            f"{target - item.quantity:,} more for "
            f"{Money(more, currency).format() if more > 0 else 'no more'} a period.",
            score=0.35 if more <= 0 else 0.25,
            product=product,
            price=price,
            evidence=[
                f"Volume band from {target:,}: {Money(now, currency).format()} now, "
                f"{Money(then, currency).format()} at {target:,}."
            ],
        )
    ]

"""Subscription types: items, terms, revenue and history."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from recur.core.lifecycle import SubscriptionStatus
from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.billing.types import CreditNote, Invoice
from recur.graphql.catalog.types import Price, Product
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.lazy import FromModel, register_from_model
from recur.graphql.core.money import Money, money
from recur.graphql.core.node import Node, register_node
from recur.graphql.usage.types import PeriodUsage, UpcomingInvoice
from recur.services import subscriptions, usage

if TYPE_CHECKING:
    from recur.graphql.orders.types import Order

strawberry.enum(SubscriptionStatus)

_order: FromModel[[models.Order], Order] = FromModel("Order")


@strawberry.type(description="One recurring product of a subscription.")
class SubscriptionItem(Node):
    model_: strawberry.Private[models.SubscriptionItem]
    currency_: strawberry.Private[str]
    id: strawberry.ID
    quantity: int
    discount_percent: Decimal

    @classmethod
    def from_model(cls, item: models.SubscriptionItem, currency: str) -> SubscriptionItem:
        return cls(
            model_=item,
            currency_=currency,
            id=to_global_id("SubscriptionItem", item.id),
            quantity=item.quantity,
            discount_percent=item.discount_percent.quantize(Decimal("0.01")),
        )

    @strawberry.field(description="Net amount per billing period, as quoted.")
    def net_amount(self) -> Money:
        return money(self.model_.net_amount, self.currency_)

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        product = await info.context.loaders.product.load(self.model_.product_id)
        return Product.from_model(product) if product else None

    @strawberry.field
    async def price(self, info: Info) -> Price | None:
        price = await info.context.loaders.price.load(self.model_.price_id)
        return Price.from_model(price) if price else None


@strawberry.type(description="A change of one item, waiting for the day it takes effect.")
class ScheduledChange:
    id: strawberry.ID
    effective_date: date
    description: str = strawberry.field(description='In words, e.g. "Standard Seats 10 → 20".')

    @classmethod
    def from_model(cls, change: models.ScheduledChange) -> ScheduledChange:
        return cls(
            id=to_global_id("ScheduledChange", change.id),
            effective_date=change.effective_date,
            description=change.description,
        )


@strawberry.type(description="What a customer subscribes to, for a term, billed in advance.")
class Subscription(Node):
    model_: strawberry.Private[models.Subscription]
    id: strawberry.ID
    number: str
    status: SubscriptionStatus
    currency: str
    start_date: date
    term_months: int
    current_term_end: date = strawberry.field(description="The first day after the term.")
    term_ends_on: date = strawberry.field(
        description="The last day of service of the current term: the day before "
        "currentTermEnd. Pages and documents say when a term ends with this day."
    )
    auto_renew: bool
    renewal_uplift_percent: Decimal = strawberry.field(
        description="How much each automatic renewal raises the ending term's net prices, in "
        "percent (so uplifts compound)."
    )

    @classmethod
    def from_model(cls, subscription: models.Subscription) -> Subscription:
        return cls(
            model_=subscription,
            id=to_global_id("Subscription", subscription.id),
            number=subscription.number,
            status=subscription.status,
            currency=subscription.currency,
            start_date=subscription.start_date,
            term_months=subscription.term_months,
            current_term_end=subscription.current_term_end,
            term_ends_on=subscription.current_term_end - timedelta(days=1),
            auto_renew=subscription.auto_renew,
            renewal_uplift_percent=subscription.uplift_percent.quantize(Decimal("0.01")),
        )

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field
    async def items(self, info: Info) -> list[SubscriptionItem]:
        items = await info.context.loaders.subscription_items.load(self.model_.id)
        return [SubscriptionItem.from_model(item, self.currency) for item in items]

    @strawberry.field(description="Monthly nets plus a twelfth of yearly nets (a metric).")
    async def monthly_recurring_revenue(self, info: Info) -> Money:
        items = await info.context.loaders.subscription_items.load(self.model_.id)
        prices = await info.context.loaders.price.load_many([i.price_id for i in items])
        by_id = {p.id: p for p in prices if p is not None}
        amount = subscriptions.monthly_recurring(items, by_id, self.currency)
        return Money(amount=amount, currency=self.currency)

    @strawberry.field(
        description="Every change, newest first: who, when, from which day, "
        "before and after, and what it cost or credited."
    )
    async def events(self, info: Info) -> list[SubscriptionEvent]:
        events = await info.context.loaders.subscription_events.load(self.model_.id)
        return [SubscriptionEvent.from_model(event, self.currency) for event in events]

    @strawberry.field(
        description="Changes made for a later day, soonest first: the items in effect change "
        "on that day; until then they can be called off (cancelScheduledChange)."
    )
    async def scheduled_changes(self, info: Info) -> list[ScheduledChange]:
        changes = await info.context.loaders.scheduled_changes.load(self.model_.id)
        return [ScheduledChange.from_model(change) for change in changes]

    @strawberry.field(description="The day it was cancelled immediately, if it was.")
    def canceled_on(self) -> date | None:
        return self.model_.canceled_on

    @strawberry.field(
        description="The renewal the customer accepted for the next term, not begun yet: the "
        "billing run takes it up at term end instead of renewing automatically."
    )
    async def agreed_renewal(
        self, info: Info
    ) -> Annotated[Order, strawberry.lazy("recur.graphql.orders.types")] | None:
        order = await info.context.loaders.agreed_renewal.load(self.model_.id)
        return _order(order) if order else None

    @strawberry.field(description="When the next period is billed; null after the term.")
    async def next_billing_date(self, info: Info) -> date | None:
        items = await info.context.loaders.subscription_items.load(self.model_.id)
        prices = await info.context.loaders.price.load_many([i.price_id for i in items])
        periods = [p.billing_period for p in prices if p is not None]
        return subscriptions.next_billing_date(self.model_, periods, info.context.clock.today())

    @strawberry.field(
        description="Metered items' usage per billing period begun, oldest first, with what "
        "each bills (so far, for periods not invoiced). One subscription at a time."
    )
    async def usage(self, info: Info) -> list[PeriodUsage]:
        ctx = info.context
        periods = await usage.usage_to_date(ctx.db, ctx.actor, self.model_.id, now=ctx.clock.now())
        return [PeriodUsage.of(period, self.currency) for period in periods]

    @strawberry.field(
        description="The next invoice the billing run makes for this subscription, exact to "
        "the cent with the usage recorded so far; null when nothing is left to bill."
    )
    async def upcoming_invoice(self, info: Info) -> UpcomingInvoice | None:
        ctx = info.context
        upcoming = await usage.upcoming_invoice(
            ctx.db, ctx.actor, self.model_.id, today=ctx.clock.today(), now=ctx.clock.now()
        )
        return UpcomingInvoice.of(upcoming) if upcoming else None


@strawberry.type(description="One change of a subscription, as its history shows it.")
class SubscriptionEvent:
    model_: strawberry.Private[models.SubscriptionEvent]
    currency_: strawberry.Private[str]
    id: strawberry.ID
    action: str = strawberry.field(description="CHANGE, CANCEL, AUTO_RENEW_ON or AUTO_RENEW_OFF.")
    effective_date: date
    occurred_at: datetime
    summary: str
    before: str = strawberry.field(description="The items changed, before.")
    after: str = strawberry.field(description="The items changed, after.")

    @classmethod
    def from_model(cls, event: models.SubscriptionEvent, currency: str) -> SubscriptionEvent:
        return cls(
            model_=event,
            currency_=currency,
            id=to_global_id("SubscriptionEvent", event.id),
            action=event.action,
            effective_date=event.effective_date,
            occurred_at=event.occurred_at,
            summary=event.summary,
            before=event.before,
            after=event.after,
        )

    @strawberry.field
    async def actor_name(self, info: Info) -> str | None:
        if self.model_.actor_id is None:
            return None
        user = await info.context.loaders.user.load(self.model_.actor_id)
        return user.name if user else None

    @strawberry.field(description="Invoiced (positive) or credited (negative) at once.")
    def amount_now(self) -> Money:
        return money(self.model_.amount_now, self.currency_)

    @strawberry.field
    def monthly_recurring_revenue_before(self) -> Money:
        return money(self.model_.monthly_before, self.currency_)

    @strawberry.field
    def monthly_recurring_revenue_after(self) -> Money:
        return money(self.model_.monthly_after, self.currency_)

    @strawberry.field
    async def invoice(self, info: Info) -> Invoice | None:
        if self.model_.invoice_id is None:
            return None
        invoice = await info.context.loaders.invoice.load(self.model_.invoice_id)
        return Invoice.from_model(invoice) if invoice else None

    @strawberry.field
    async def credit_note(self, info: Info) -> CreditNote | None:
        if self.model_.credit_note_id is None:
            return None
        note = await info.context.loaders.credit_note.load(self.model_.credit_note_id)
        return CreditNote.from_model(note) if note else None


async def _subscription_node(info: Info, pk: int) -> Subscription | None:
    subscription = await info.context.loaders.subscription.load(pk)
    return Subscription.from_model(subscription) if subscription else None


register_node("Subscription", _subscription_node)
register_from_model("SubscriptionItem", SubscriptionItem.from_model)

"""Quote types: lines priced by the pricing core, totals, workflow state and history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from recur.core.lifecycle import FINAL, QuoteKind, QuoteStatus
from recur.core.quotes import reduction_needs_approval
from recur.db import models
from recur.documents import quote_pdf_path
from recur.graphql.accounts.types import Account, User
from recur.graphql.catalog.types import Price, Product
from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.lazy import register_from_model
from recur.graphql.core.money import Money, money
from recur.graphql.core.node import Node, register_node
from recur.graphql.orders.types import Order
from recur.graphql.subscriptions.preview import SubscriptionChangePreview
from recur.graphql.subscriptions.types import Subscription, SubscriptionItem
from recur.services import orders, recommendations, subscriptions
from recur.services.common import Invalid
from recur.services.quotes import PricedLine, PricedQuote, price_quote
from recur.services.subscriptions import ChangeOutcome

#: History steps customers and partners do not see.
INTERNAL_ACTIONS = frozenset({"SUBMIT", "APPROVE", "REJECT"})

strawberry.enum(QuoteKind)
strawberry.enum(QuoteStatus)


async def priced(info: Info, quote: models.Quote) -> PricedQuote:
    """The quote priced once per request and version (all its fields share it)."""
    key = ("priced-quote", quote.id, quote.version)
    cached = info.context.extra.get(key)
    if cached is None:
        price_ids = [line.price_id for line in quote.lines]
        prices = await info.context.loaders.price.load_many(price_ids)
        by_id = {price.id: price for price in prices if price is not None}
        threshold = await approval_threshold(info)
        cached = price_quote(quote, by_id, threshold)
        info.context.extra[key] = cached
    return cached


@strawberry.type(description="A quote's acceptance: who signed which version, and when.")
class QuoteAcceptance:
    signer_name: str
    signer_title: str
    accepted_at: datetime
    version: int = strawberry.field(description="The version of the quote signed.")


@strawberry.type(
    description="A line of a quote; amounts are per billing period, total over the term."
)
class QuoteLine(Node):
    priced_: strawberry.Private[PricedLine]
    currency_: strawberry.Private[str]
    id: strawberry.ID
    quantity: int
    discount_percent: Decimal

    @classmethod
    def from_priced(cls, line: PricedLine, currency: str) -> QuoteLine:
        return cls(
            priced_=line,
            currency_=currency,
            id=to_global_id("QuoteLine", line.line.id),
            quantity=line.line.quantity,
            discount_percent=line.line.discount_percent.quantize(Decimal("0.01")),
        )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        product = await info.context.loaders.product.load(self.priced_.line.product_id)
        return Product.from_model(product) if product else None

    @strawberry.field
    def price(self) -> Price:
        return Price.from_model(self.priced_.price)

    @strawberry.field(description="List price for one billing period: price(quantity).")
    def list_amount(self) -> Money:
        return Money(amount=self.priced_.amounts.list_amount, currency=self.currency_)

    @strawberry.field(description="After the discount, for one billing period, rounded once.")
    def net_amount(self) -> Money:
        return Money(amount=self.priced_.amounts.net_amount, currency=self.currency_)

    @strawberry.field(description="Net amount times the periods in the term.")
    def total_amount(self) -> Money:
        return Money(amount=self.priced_.amounts.total_amount, currency=self.currency_)

    @strawberry.field(
        description="Amendment and renewal quotes: the subscription item this line changes "
        "or renews; null for a line that adds one."
    )
    async def subscription_item(self, info: Info) -> SubscriptionItem | None:
        item_id = self.priced_.line.subscription_item_id
        if item_id is None:
            return None
        item = await info.context.loaders.subscription_item.load(item_id)
        return SubscriptionItem.from_model(item, self.currency_) if item else None


@strawberry.type(description="One step of a quote's history.")
class QuoteEvent:
    model_: strawberry.Private[models.QuoteEvent]
    action: str
    from_status: QuoteStatus | None
    to_status: QuoteStatus
    comment: str
    at: datetime

    @strawberry.field(description="Who did it; null for the system and for partner clients.")
    async def actor(self, info: Info) -> User | None:
        if self.model_.actor_id is None:
            return None
        user = await info.context.loaders.user.load(self.model_.actor_id)
        return User.from_model(user) if user else None

    @strawberry.field(
        description="Who did it, as people read it: the user's name, or the partner's name "
        'followed by " (partner)" when a partner client did; null for the system.'
    )
    async def actor_name(self, info: Info) -> str | None:
        loaders = info.context.loaders
        if self.model_.actor_partner_id is not None:
            name = await loaders.partner_name.load(self.model_.actor_partner_id)
            return f"{name} (partner)" if name else None
        if self.model_.actor_id is None:
            return None
        user = await loaders.user.load(self.model_.actor_id)
        return user.name if user else None


@strawberry.type(description="A quote: a cart, a rep's offer, an amendment or a renewal.")
class Quote(Node):
    model_: strawberry.Private[models.Quote]
    id: strawberry.ID
    number: str
    kind: QuoteKind
    status: QuoteStatus
    version: int = strawberry.field(description="Send it back as expectedVersion when editing.")
    currency: str
    start_date: date
    term_months: int
    expires_on: date | None = strawberry.field(
        description="A sent quote may be accepted until then."
    )
    is_cart: bool
    note: str
    uplift_percent: Decimal = strawberry.field(
        description="Renewals: the rise on list prices for the term (0 otherwise)."
    )

    @classmethod
    def from_model(cls, quote: models.Quote) -> Quote:
        return cls(
            model_=quote,
            id=to_global_id("Quote", quote.id),
            number=quote.number,
            kind=quote.kind,
            status=quote.status,
            version=quote.version,
            currency=quote.currency,
            start_date=quote.start_date,
            term_months=quote.term_months,
            expires_on=quote.expires_on,
            is_cart=quote.is_cart,
            note=quote.note,
            uplift_percent=(quote.uplift_percent or Decimal(0)).quantize(Decimal("0.01")),
        )

    @strawberry.field(description="The customer's purchase order number; empty if none.")
    def purchase_order_number(self) -> str:
        return self.model_.purchase_order_number

    @strawberry.field(
        description="When it last changed (lines, terms or status): what the quotes list's "
        "from and to filter by."
    )
    def updated_at(self) -> datetime:
        return self.model_.updated_at

    @strawberry.field(
        description="The next best offer it was prepared from (or made by taking), by its "
        "title; null for other quotes, and for customers and partners (docs/recommendations.md)."
    )
    async def prepared_from_offer(self, info: Info) -> str | None:
        if not info.context.actor.is_staff:
            return None
        offers = await recommendations.offers_of_quotes(info.context.db, [self.model_.id])
        return offers.get(self.model_.id)

    @strawberry.field(
        description="The partner whose API client made the quote (quotes:write); null when "
        "the seller's team or the customer did."
    )
    async def created_by_partner(self, info: Info) -> str | None:
        partner_id = self.model_.created_by_partner_id
        return (
            None if partner_id is None else await info.context.loaders.partner_name.load(partner_id)
        )

    @strawberry.field(
        description="The quote as a PDF (lines, discounts, terms, totals, validity, PO, "
        "signature block; once accepted, the acceptance): a URL relative to the API's origin, "
        "served to whoever may see the quote. Null for a cart."
    )
    def pdf_url(self) -> str | None:
        return None if self.is_cart else quote_pdf_path(self.number)

    @strawberry.field(description="Who signed the quote as it was accepted; null until then.")
    def acceptance(self) -> QuoteAcceptance | None:
        quote = self.model_
        if quote.accepted_at is None:
            return None
        return QuoteAcceptance(
            signer_name=quote.signer_name or "",
            signer_title=quote.signer_title or "",
            accepted_at=quote.accepted_at,
            version=quote.accepted_version or quote.version,
        )

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field
    async def lines(self, info: Info) -> list[QuoteLine]:
        quote = await priced(info, self.model_)
        return [QuoteLine.from_priced(line, self.currency) for line in quote.lines]

    @strawberry.field
    async def one_time_total(self, info: Info) -> Money:
        totals = (await priced(info, self.model_)).totals
        return Money(amount=totals.one_time, currency=self.currency)

    @strawberry.field(description="Monthly nets plus a twelfth of yearly nets (a metric).")
    async def monthly_recurring_total(self, info: Info) -> Money:
        totals = (await priced(info, self.model_)).totals
        return Money(amount=totals.monthly_recurring, currency=self.currency)

    @strawberry.field(
        description="The metered lines' estimated usage over the term, priced: billed in "
        "arrears on what is measured, so in neither the MRR nor the contract value."
    )
    async def estimated_usage_total(self, info: Info) -> Money:
        totals = (await priced(info, self.model_)).totals
        return Money(amount=totals.estimated_usage, currency=self.currency)

    @strawberry.field(
        description="One-time total plus every recurring net over the term. For an "
        "amendment, what it adds to (or, negative, takes from) the contract, as its order "
        "schedules it: accepted, its order's schedule; open, the change preview's "
        "contractValueChange; declined or expired, 0."
    )
    async def total_contract_value(self, info: Info) -> Money:
        quote = self.model_
        if quote.kind is QuoteKind.AMENDMENT:
            return money(await _amendment_value(info, quote), self.currency)
        totals = (await priced(info, quote)).totals
        return Money(amount=totals.total_contract_value, currency=self.currency)

    @strawberry.field(
        description="Whether a discount exceeds the approval threshold, or an amendment takes "
        "more than that share off the contract: a manager approves before it is sent."
    )
    async def approval_required(self, info: Info) -> bool:
        quote = self.model_
        if (await priced(info, quote)).approval_required:
            return True
        if quote.kind is not QuoteKind.AMENDMENT or quote.status in FINAL:
            return False
        outcome = await _amendment_preview(info, quote)
        if isinstance(outcome, Invalid):
            return False
        return reduction_needs_approval(
            outcome.contract_value_change,
            outcome.contract_value_before,
            await approval_threshold(info),
        )

    @strawberry.field(
        description="Amendment quotes not accepted yet: exactly what accepting it today would "
        "invoice or credit, and the new monthly total. Null for other quotes."
    )
    async def change_preview(self, info: Info) -> SubscriptionChangePreview | None:
        quote = self.model_
        if quote.kind is not QuoteKind.AMENDMENT or quote.status in FINAL:
            return None
        outcome = await _amendment_preview(info, quote)
        if isinstance(outcome, Invalid):
            return SubscriptionChangePreview.failed(outcome)
        return SubscriptionChangePreview.of(outcome)

    @strawberry.field(description="The order this quote became, once accepted.")
    async def order(self, info: Info) -> Order | None:
        order = await info.context.loaders.order_by_quote.load(self.model_.id)
        return Order.from_model(order) if order else None

    @strawberry.field(description="The subscription this quote started or changes.")
    async def subscription(self, info: Info) -> Subscription | None:
        subscription_id = self.model_.subscription_id
        if subscription_id is None:
            order = await info.context.loaders.order_by_quote.load(self.model_.id)
            subscription_id = order.subscription_id if order else None
        if subscription_id is None:
            return None
        subscription = await info.context.loaders.subscription.load(subscription_id)
        return Subscription.from_model(subscription) if subscription else None

    @strawberry.field(description="Every step: who, when, from which status to which, and why.")
    async def history(self, info: Info) -> list[QuoteEvent]:
        events = await info.context.loaders.quote_events.load(self.model_.id)
        if not info.context.actor.is_staff:
            # Approvals and their comments are internal to the sales team.
            events = [e for e in events if e.action not in INTERNAL_ACTIONS]
        return [
            QuoteEvent(
                model_=event,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                comment=event.comment,
                at=event.created_at,
            )
            for event in events
        ]


async def _amendment_preview(info: Info, quote: models.Quote) -> ChangeOutcome | Invalid:
    """What accepting an open amendment quote would do today, once per request and version
    (its preview and its contract value share it)."""
    key = ("amendment-preview", quote.id, quote.version)
    if key not in info.context.extra:
        ctx = info.context
        try:
            info.context.extra[key] = await subscriptions.preview_amendment_quote(
                ctx.db, ctx.actor, quote_id=quote.id, today=ctx.clock.today(), now=ctx.clock.now()
            )
        except Invalid as invalid:
            info.context.extra[key] = invalid
    outcome: ChangeOutcome | Invalid = info.context.extra[key]
    return outcome


async def _amendment_value(info: Info, quote: models.Quote) -> Decimal:
    """What an amendment adds to the contract: see ``Quote.totalContractValue``."""
    order = await info.context.loaders.order_by_quote.load(quote.id)
    if order is not None:
        return await orders.scheduled_total(info.context.db, order.id)
    if quote.status in FINAL:
        return Decimal(0)
    outcome = await _amendment_preview(info, quote)
    return Decimal(0) if isinstance(outcome, Invalid) else outcome.contract_value_change


async def _quote_node(info: Info, pk: int) -> Quote | None:
    quote = await info.context.loaders.quote.load(pk)
    return Quote.from_model(quote) if quote else None


register_node("Quote", _quote_node)
register_from_model("Quote", Quote.from_model)

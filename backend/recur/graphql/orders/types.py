"""Order, subscription and invoice types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from recur.core.lifecycle import InvoiceStatus, SubscriptionStatus
from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.catalog.types import Price, Product
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.money import Money, money
from recur.graphql.core.node import Node, register_node
from recur.services import subscriptions

if TYPE_CHECKING:
    from recur.graphql.billing.credit_notes import CreditNote, CreditNoteApplication
    from recur.graphql.billing.types import PaymentApplication
    from recur.graphql.quotes.types import Quote
    from recur.graphql.subscriptions.mutations import SubscriptionEvent

strawberry.enum(SubscriptionStatus)
strawberry.enum(InvoiceStatus)


async def _account(info: Info, account_id: int) -> Account | None:
    account = await info.context.loaders.account.load(account_id)
    return Account.from_model(account) if account else None


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
    auto_renew: bool

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
            auto_renew=subscription.auto_renew,
        )

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        return await _account(info, self.model_.account_id)

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
    async def events(
        self, info: Info
    ) -> list[
        Annotated[SubscriptionEvent, strawberry.lazy("recur.graphql.subscriptions.mutations")]
    ]:
        from recur.graphql.subscriptions.mutations import SubscriptionEvent

        events = await info.context.loaders.subscription_events.load(self.model_.id)
        return [SubscriptionEvent.from_model(event, self.currency) for event in events]

    @strawberry.field(description="The day it was cancelled immediately, if it was.")
    def canceled_on(self) -> date | None:
        return self.model_.canceled_on

    @strawberry.field(
        description="The renewal the customer accepted for the next term, not begun yet: the "
        "billing run takes it up at term end instead of renewing automatically."
    )
    async def agreed_renewal(self, info: Info) -> Order | None:
        order = await info.context.loaders.agreed_renewal.load(self.model_.id)
        return Order.from_model(order) if order else None

    @strawberry.field(description="When the next period is billed; null after the term.")
    async def next_billing_date(self, info: Info) -> date | None:
        items = await info.context.loaders.subscription_items.load(self.model_.id)
        prices = await info.context.loaders.price.load_many([i.price_id for i in items])
        periods = [p.billing_period for p in prices if p is not None]
        return subscriptions.next_billing_date(self.model_, periods, info.context.clock.today())


@strawberry.type(description="One line of an invoice, copied from the order's charge schedule.")
class InvoiceLine:
    model_: strawberry.Private[models.InvoiceLine | models.CreditNoteLine]
    currency_: strawberry.Private[str]
    description: str
    period_start: date | None
    period_end: date | None = strawberry.field(description="The first day after the period.")
    quantity: int
    explanation: str = strawberry.field(
        description="Where the amount comes from: quote and order, list price, quantity, "
        "discount, period, rounding."
    )

    @classmethod
    def from_model(
        cls, line: models.InvoiceLine | models.CreditNoteLine, currency: str
    ) -> InvoiceLine:
        return cls(
            model_=line,
            currency_=currency,
            description=line.description,
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=line.quantity,
            explanation=line.explanation,
        )

    @strawberry.field
    def unit_amount(self) -> Money | None:
        if self.model_.unit_amount is None:
            return None
        return Money(amount=self.model_.unit_amount.normalize(), currency=self.currency_)

    @strawberry.field
    def amount(self) -> Money:
        return money(self.model_.amount, self.currency_)

    @strawberry.field
    async def subscription_item(self, info: Info) -> SubscriptionItem | None:
        if self.model_.subscription_item_id is None:
            return None
        item = await info.context.loaders.subscription_item.load(self.model_.subscription_item_id)
        return SubscriptionItem.from_model(item, self.currency_) if item else None


@strawberry.type(description="A bill: lines, tax on the subtotal, what is paid and what is due.")
class Invoice(Node):
    model_: strawberry.Private[models.Invoice]
    id: strawberry.ID
    number: str
    status: InvoiceStatus
    currency: str
    issue_date: date
    due_date: date

    @classmethod
    def from_model(cls, invoice: models.Invoice) -> Invoice:
        return cls(
            model_=invoice,
            id=to_global_id("Invoice", invoice.id),
            number=invoice.number,
            status=invoice.status,
            currency=invoice.currency,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
        )

    @strawberry.field(
        description="The invoice as a PDF: a URL relative to the API's origin, served only "
        "to whoever may see the invoice (session cookie or bearer token)."
    )
    def pdf_url(self) -> str:
        from recur.documents import invoice_pdf_path

        return invoice_pdf_path(self.number)

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        return await _account(info, self.model_.account_id)

    @strawberry.field(description="The order whose charges this invoice bills, if just one.")
    async def order(self, info: Info) -> Order | None:
        if self.model_.order_id is None:
            return None
        order = await info.context.loaders.order.load(self.model_.order_id)
        return Order.from_model(order) if order else None

    @strawberry.field
    async def lines(self, info: Info) -> list[InvoiceLine]:
        lines = await info.context.loaders.invoice_lines.load(self.model_.id)
        return [InvoiceLine.from_model(line, self.currency) for line in lines]

    @strawberry.field(description="The payments applied to this invoice, oldest first.")
    async def payments(
        self, info: Info
    ) -> list[Annotated[PaymentApplication, strawberry.lazy("recur.graphql.billing.types")]]:
        from recur.graphql.billing.types import PaymentApplication

        applications = await info.context.loaders.invoice_payments.load(self.model_.id)
        return [PaymentApplication(model_=a, currency_=self.currency) for a in applications]

    @strawberry.field
    def subtotal(self) -> Money:
        return money(self.model_.subtotal, self.currency)

    @strawberry.field(description="The account's tax rate on the subtotal, rounded once.")
    def tax(self) -> Money:
        return money(self.model_.tax, self.currency)

    @strawberry.field
    def tax_rate_percent(self) -> Decimal:
        return self.model_.tax_rate_percent.normalize()

    @strawberry.field
    def total(self) -> Money:
        return money(self.model_.total, self.currency)

    @strawberry.field
    def amount_paid(self) -> Money:
        return money(self.model_.amount_paid, self.currency)

    @strawberry.field
    def balance_due(self) -> Money:
        return money(self.model_.balance_due, self.currency)

    @strawberry.field(description="What credit notes have settled.")
    def amount_credited(self) -> Money:
        return money(self.model_.amount_credited, self.currency)

    @strawberry.field(description="When the invoice was voided; null unless VOID.")
    def voided_at(self) -> datetime | None:
        return self.model_.voided_at

    @strawberry.field(description="Why the invoice was voided; null unless VOID.")
    def void_reason(self) -> str | None:
        return self.model_.void_reason

    @strawberry.field(description="The credit notes issued against this invoice (its void).")
    async def credit_notes(
        self, info: Info
    ) -> list[Annotated[CreditNote, strawberry.lazy("recur.graphql.billing.credit_notes")]]:
        from recur.graphql.billing.credit_notes import CreditNote

        notes = await info.context.loaders.invoice_credit_notes.load(self.model_.id)
        return [CreditNote.from_model(note) for note in notes]

    @strawberry.field(description="The credit notes' amounts applied to this invoice.")
    async def credits(
        self, info: Info
    ) -> list[
        Annotated[CreditNoteApplication, strawberry.lazy("recur.graphql.billing.credit_notes")]
    ]:
        from recur.graphql.billing.credit_notes import CreditNoteApplication

        applications = await info.context.loaders.invoice_credits.load(self.model_.id)
        return [CreditNoteApplication(model_=a, currency_=self.currency) for a in applications]


@strawberry.type(description="An accepted quote: it starts subscriptions and bills at once.")
class Order(Node):
    model_: strawberry.Private[models.Order]
    id: strawberry.ID
    number: str
    start_date: date
    term_months: int

    @classmethod
    def from_model(cls, order: models.Order) -> Order:
        return cls(
            model_=order,
            id=to_global_id("Order", order.id),
            number=order.number,
            start_date=order.start_date,
            term_months=order.term_months,
        )

    @strawberry.field
    async def quote(
        self, info: Info
    ) -> Annotated[Quote, strawberry.lazy("recur.graphql.quotes.types")] | None:
        from recur.graphql.quotes.types import Quote

        quote = await info.context.loaders.quote.load(self.model_.quote_id)
        return Quote.from_model(quote) if quote else None

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        return await _account(info, self.model_.account_id)

    @strawberry.field(description="The subscription the order started; null for one-time orders.")
    async def subscription(self, info: Info) -> Subscription | None:
        if self.model_.subscription_id is None:
            return None
        subscription = await info.context.loaders.subscription.load(self.model_.subscription_id)
        return Subscription.from_model(subscription) if subscription else None

    @strawberry.field(description="The invoice issued when the order was made.")
    async def invoice(self, info: Info) -> Invoice | None:
        invoice = await info.context.loaders.first_invoice.load(self.model_.id)
        return Invoice.from_model(invoice) if invoice else None


async def _order_node(info: Info, pk: int) -> Order | None:
    order = await info.context.loaders.order.load(pk)
    return Order.from_model(order) if order else None


async def _subscription_node(info: Info, pk: int) -> Subscription | None:
    subscription = await info.context.loaders.subscription.load(pk)
    return Subscription.from_model(subscription) if subscription else None


async def _invoice_node(info: Info, pk: int) -> Invoice | None:
    invoice = await info.context.loaders.invoice.load(pk)
    return Invoice.from_model(invoice) if invoice else None


register_node("Order", _order_node)
register_node("Subscription", _subscription_node)
register_node("Invoice", _invoice_node)

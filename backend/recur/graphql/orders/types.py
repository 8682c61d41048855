"""The order type: an accepted quote, what it started and what it billed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.billing.types import Invoice
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.lazy import FromModel, register_from_model
from recur.graphql.core.node import Node, register_node
from recur.graphql.subscriptions.types import Subscription

if TYPE_CHECKING:
    from recur.graphql.quotes.types import Quote

_quote: FromModel[[models.Quote], Quote] = FromModel("Quote")


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

    @strawberry.field(description="The customer's purchase order number; empty if none.")
    def purchase_order_number(self) -> str:
        return self.model_.purchase_order_number

    @strawberry.field
    async def quote(
        self, info: Info
    ) -> Annotated[Quote, strawberry.lazy("recur.graphql.quotes.types")] | None:
        quote = await info.context.loaders.quote.load(self.model_.quote_id)
        return _quote(quote) if quote else None

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

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


register_node("Order", _order_node)
register_from_model("Order", Order.from_model)

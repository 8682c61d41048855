"""Payment types."""

from __future__ import annotations

from datetime import date

import strawberry

from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.money import Money, money
from recur.graphql.core.node import Node, register_node
from recur.graphql.orders.types import Invoice


@strawberry.type(description="How much of a payment went to one invoice.")
class PaymentApplication:
    model_: strawberry.Private[models.PaymentApplication]
    currency_: strawberry.Private[str]

    @strawberry.field
    def amount(self) -> Money:
        return money(self.model_.amount, self.currency_)

    @strawberry.field
    async def invoice(self, info: Info) -> Invoice | None:
        invoice = await info.context.loaders.invoice.load(self.model_.invoice_id)
        return Invoice.from_model(invoice) if invoice else None

    @strawberry.field
    async def payment(self, info: Info) -> Payment | None:
        payment = await info.context.loaders.payment.load(self.model_.payment_id)
        return Payment.from_model(payment) if payment else None


@strawberry.type(description="Money received from an account, applied oldest due first.")
class Payment(Node):
    model_: strawberry.Private[models.Payment]
    id: strawberry.ID
    number: str
    received_on: date
    reference: str

    @classmethod
    def from_model(cls, payment: models.Payment) -> Payment:
        return cls(
            model_=payment,
            id=to_global_id("Payment", payment.id),
            number=payment.number,
            received_on=payment.received_on,
            reference=payment.reference,
        )

    @strawberry.field
    def amount(self) -> Money:
        currency = self.model_.currency
        return money(self.model_.amount, currency)

    @strawberry.field(description="What is left over: account credit for the next invoices.")
    def unapplied_amount(self) -> Money:
        currency = self.model_.currency
        return money(self.model_.unapplied, currency)

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field
    async def applications(self, info: Info) -> list[PaymentApplication]:
        applications = await info.context.loaders.payment_applications.load(self.model_.id)
        return [PaymentApplication(model_=a, currency_=self.model_.currency) for a in applications]


async def _payment_node(info: Info, pk: int) -> Payment | None:
    page = await info.context.loaders.payment.load(pk)
    return Payment.from_model(page) if page else None


register_node("Payment", _payment_node)

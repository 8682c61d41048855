"""Payment attempts and refunds, as invoices and payments show them."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from recur.db import models
from recur.graphql.accounts.payment_methods import PaymentMethod
from recur.graphql.core.context import Info
from recur.graphql.core.money import Money, money


@strawberry.type(
    description="One try to collect an invoice: a customer's click, autopay or a retry."
)
class PaymentAttempt:
    model_: strawberry.Private[models.PaymentAttempt]
    attempted_at: datetime
    succeeded: bool
    message: str = strawberry.field(description="What happened, or why the charge was declined.")
    source: str = strawberry.field(description="CUSTOMER, AUTOPAY or RETRY.")
    number: int | None = strawberry.field(
        description="The automatic attempt's number on the invoice; null for a customer's."
    )
    next_retry_on: date | None = strawberry.field(
        description="When the dunning schedule tries again; null when it does not."
    )

    @classmethod
    def from_model(cls, attempt: models.PaymentAttempt) -> PaymentAttempt:
        return cls(
            model_=attempt,
            attempted_at=attempt.attempted_at,
            succeeded=attempt.succeeded,
            message=attempt.message,
            source=attempt.source,
            number=attempt.number,
            next_retry_on=attempt.next_retry_on,
        )

    @strawberry.field(description="The saved method charged, if any.")
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        if self.model_.payment_method_id is None:
            return None
        method = await info.context.loaders.payment_method.load(self.model_.payment_method_id)
        return PaymentMethod.from_model(method) if method else None


@strawberry.type(description="Money given back to an account (RF-…).")
class Refund:
    model_: strawberry.Private[models.Refund]
    number: str
    refunded_on: date
    reason: str
    reference: str
    method: str = strawberry.field(
        description="PROVIDER (to the payment method) or RECORD (sent back otherwise)."
    )

    @classmethod
    def from_model(cls, refund: models.Refund) -> Refund:
        return cls(
            model_=refund,
            number=refund.number,
            refunded_on=refund.refunded_on,
            reason=refund.reason,
            reference=refund.reference,
            method=refund.method,
        )

    @strawberry.field
    def amount(self) -> Money:
        return money(self.model_.amount, self.model_.currency)

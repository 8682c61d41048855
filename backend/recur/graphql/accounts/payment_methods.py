"""Saved payment methods: what a person needs to recognise a card, never the card."""

from __future__ import annotations

import strawberry

from recur.db import models
from recur.graphql.core.ids import to_global_id


@strawberry.type(description="A card the account saved with the payment provider.")
class PaymentMethod:
    id: strawberry.ID
    brand: str = strawberry.field(description="Visa, Mastercard…")
    last4: str = strawberry.field(description="The card number's last four digits.")
    exp_month: int
    exp_year: int
    is_default: bool = strawberry.field(description="Autopay charges the default method.")

    @classmethod
    def from_model(cls, method: models.PaymentMethod) -> PaymentMethod:
        return cls(
            id=to_global_id("PaymentMethod", method.id),
            brand=method.brand,
            last4=method.last4,
            exp_month=method.exp_month,
            exp_year=method.exp_year,
            is_default=method.is_default,
        )

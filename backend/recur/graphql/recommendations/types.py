"""A next best offer: what to offer, why, and exactly what taking it now would charge."""

from __future__ import annotations

import base64
import binascii

import strawberry

from recur.graphql.catalog.types import Price, Product
from recur.graphql.core.lazy import register_from_model
from recur.graphql.subscriptions.preview import SubscriptionChangePreview
from recur.services import recommendations

PREFIX = "Recommendation:"


def recommendation_id(key: recommendations.OfferKey) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{PREFIX}{key}".encode()).decode())


def offer_key_text(global_id: str) -> str:
    """The offer's key inside a Recommendation id; "" for anything else (refused later)."""
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return ""
    return decoded.removeprefix(PREFIX) if decoded.startswith(PREFIX) else ""


@strawberry.type(
    description="A next best offer: a change to one of the account's subscriptions — an "
    "add-on (co-terminated), an upgrade, a switch to yearly billing, the next volume band — "
    "with its reason and, for staff, the evidence behind it. `preview` is exactly what "
    "taking it now would charge: the same pipeline as previewSubscriptionChange."
)
class Recommendation:
    id: strawberry.ID
    kind: str = strawberry.field(description="ADD_ON, UPGRADE, YEARLY or NEXT_TIER.")
    title: str
    reason: str = strawberry.field(description="Why, in plain words (shown to customers).")
    evidence: list[str] = strawberry.field(
        description="What the offer rests on (staff only: empty for customers)."
    )
    score: float = strawberry.field(
        description="How likely the account is to take it, from 0 to 1: the rate at which "
        "accounts like it did, smoothed (docs/recommendations.md)."
    )
    product: Product | None
    price: Price | None
    quantity: int | None
    preview: SubscriptionChangePreview | None

    @classmethod
    def from_offer(cls, offer: recommendations.Offer) -> Recommendation:
        return cls(
            id=recommendation_id(offer.key),
            kind=offer.kind,
            title=offer.title,
            reason=offer.reason,
            evidence=offer.evidence,
            score=offer.score,
            product=Product.from_model(offer.product),
            price=Price.from_model(offer.price),
            quantity=offer.quantity,
            preview=SubscriptionChangePreview.of(offer.preview),
        )


@strawberry.type(description="How one kind of offer fares: shown, prepared, accepted.")
class RecommendationKindStats:
    kind: str
    shown: int = strawberry.field(description="Distinct offers shown at least once.")
    prepared: int = strawberry.field(description="Quotes prepared from offers.")
    accepted: int = strawberry.field(
        description="Offers taken by customers, and quotes prepared from offers accepted."
    )
    acceptance_rate: float | None = strawberry.field(
        description="accepted ÷ shown, from 0 to 1; null before any was shown."
    )

    @classmethod
    def of(cls, stats: recommendations.KindStats) -> RecommendationKindStats:
        return cls(
            kind=stats.kind,
            shown=stats.shown,
            prepared=stats.prepared,
            accepted=stats.accepted,
            acceptance_rate=stats.acceptance_rate,
        )


register_from_model("Recommendation", Recommendation.from_offer)

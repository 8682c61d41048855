"""Catalog types."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

import strawberry

from recur.core import price_checks, pricing
from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.pricing import PricingModel
from recur.core.roles import STAFF_ROLES
from recur.core.usage import Aggregation, UsageType
from recur.db import models
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.money import Money, unit_amount
from recur.graphql.core.node import Node, register_node
from recur.graphql.core.text_guard import text_argument
from recur.services import catalog

# The core's enums are the schema's enums (strawberry.enum registers them in place).
strawberry.enum(ProductKind)
strawberry.enum(BillingPeriod)
strawberry.enum(PricingModel)
strawberry.enum(
    UsageType,
    description="LICENSED: the quoted quantity, billed in advance; "
    "METERED: each period's measured usage, billed in arrears.",
)
strawberry.enum(Aggregation, description="How a metered price counts a period's usage.")


@strawberry.type(description="One band of a TIERED or VOLUME price; upTo is inclusive.")
class PriceTier:
    up_to: int | None = strawberry.field(description="Last unit of this tier; null: no limit.")
    unit_amount: Decimal
    flat_amount: Decimal | None

    @classmethod
    def from_model(cls, tier: models.PriceTier, currency: str) -> PriceTier:
        return cls(
            up_to=tier.up_to,
            unit_amount=unit_amount(tier.unit_amount, currency),
            flat_amount=unit_amount(tier.flat_amount, currency) if tier.flat_amount else None,
        )


@strawberry.type(description="How much of an amount one tier contributes, for explanations.")
class TierCharge:
    tier: int = strawberry.field(description="Position of the tier, from 1.")
    quantity: int
    unit_amount: Decimal
    flat_amount: Decimal
    amount: Money = strawberry.field(description="This tier's share, before the one rounding.")


def tier_charges(charges: Iterable[pricing.TierCharge], currency: str) -> list[TierCharge]:
    """The core's tier charges as the API shows them."""
    return [
        TierCharge(
            tier=charge.tier_index + 1,
            quantity=charge.quantity,
            unit_amount=unit_amount(charge.unit_amount, currency),
            flat_amount=unit_amount(charge.flat_amount, currency),
            amount=Money(amount=unit_amount(charge.amount, currency), currency=currency),
        )
        for charge in charges
    ]


@strawberry.type(
    description="A tier boundary where buying one more unit costs less in total: buyers of "
    "fewer units would rather order more."
)
class VolumeCliff:
    quantity: int = strawberry.field(description="The first quantity of the cheaper band.")
    amount: Money = strawberry.field(description="What that quantity costs.")
    fewer: int = strawberry.field(description="The last quantity of the band before.")
    fewer_amount: Money = strawberry.field(description="What it costs: more than amount.")

    @classmethod
    def list_of(
        cls, cliffs: Iterable[price_checks.VolumeCliff], currency: str
    ) -> list[VolumeCliff]:
        return [
            cls(
                quantity=cliff.quantity,
                amount=Money(amount=cliff.amount, currency=currency),
                fewer=cliff.fewer,
                fewer_amount=Money(amount=cliff.fewer_amount, currency=currency),
            )
            for cliff in cliffs
        ]


@strawberry.type(description="How a product is charged in one currency and billing period.")
class Price(Node):
    model_: strawberry.Private[models.Price]
    id: strawberry.ID
    currency: str
    billing_period: BillingPeriod
    model: PricingModel
    unit_amount: Decimal | None = strawberry.field(
        description="For FLAT (per period) and PER_UNIT (per unit) prices; tiers otherwise."
    )
    active: bool = strawberry.field(description="False once archived: kept for history only.")
    usage_type: UsageType = UsageType.LICENSED
    aggregation: Aggregation | None = strawberry.field(
        default=None, description="Metered prices: SUM, MAX or LAST of the period's usage."
    )
    package_size: int = strawberry.field(
        default=1,
        description="Metered prices: units per package priced (1000 for a price per 1,000); "
        "usage is rounded up to whole packages.",
    )

    @classmethod
    def from_model(cls, price: models.Price) -> Price:
        return cls(
            model_=price,
            id=to_global_id("Price", price.id),
            currency=price.currency,
            billing_period=price.billing_period,
            model=price.model,
            unit_amount=(
                unit_amount(price.unit_amount, price.currency)
                if price.unit_amount is not None
                else None
            ),
            active=price.active,
            usage_type=price.usage_type,
            aggregation=price.aggregation,
            package_size=price.package_size,
        )

    @strawberry.field(description="The bands of a TIERED or VOLUME price, in order.")
    def tiers(self) -> list[PriceTier]:
        return [PriceTier.from_model(tier, self.currency) for tier in self.model_.tiers]

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        product = await info.context.loaders.product.load(self.model_.product_id)
        return Product.from_model(product) if product else None

    @strawberry.field(
        description="What this quantity costs for one billing period, rounded once: the same "
        "calculation quotes and invoices use."
    )
    def amount(self, quantity: int) -> Money:
        return Money(amount=catalog.amount_for(self.model_, quantity), currency=self.currency)

    @strawberry.field(
        description="How amount(quantity) is made, tier by tier (empty for FLAT and PER_UNIT)."
    )
    def breakdown(self, quantity: int) -> list[TierCharge]:
        return tier_charges(catalog.breakdown_for(self.model_, quantity), self.currency)

    @strawberry.field(
        description="Tier boundaries where buying one more unit costs less in total (VOLUME "
        "prices without flat fees to bridge their bands); empty when there are none."
    )
    def volume_cliffs(self) -> list[VolumeCliff]:
        spec = catalog.price_spec(self.model_)
        return VolumeCliff.list_of(catalog.volume_cliffs_of(spec), self.currency)


@strawberry.type(description="Something we sell, on subscription or once.")
class Product(Node):
    model_: strawberry.Private[models.Product]
    id: strawberry.ID
    sku: str
    name: str
    description: str
    category: str
    kind: ProductKind
    active: bool

    @classmethod
    def from_model(cls, product: models.Product) -> Product:
        return cls(
            model_=product,
            id=to_global_id("Product", product.id),
            sku=product.sku,
            name=product.name,
            description=product.description,
            category=product.category,
            kind=product.kind,
            active=product.active,
        )

    @strawberry.field(
        description="Current prices, optionally of one currency or billing period. Staff may "
        "include archived prices."
    )
    async def prices(
        self,
        info: Info,
        currency: Annotated[str | None, text_argument(3)] = None,
        billing_period: BillingPeriod | None = None,
        include_archived: bool = False,
    ) -> list[Price]:
        loaders = info.context.loaders
        staff = info.context.actor.role in STAFF_ROLES
        loader = loaders.all_prices if include_archived and staff else loaders.active_prices
        prices = await loader.load(self.model_.id)
        return [
            Price.from_model(price)
            for price in prices
            if (currency is None or price.currency == currency.upper())
            and (billing_period is None or price.billing_period == billing_period)
        ]

    @strawberry.field(description="Products this one upgrades to.")
    async def upgrades_to(self, info: Info) -> list[Product]:
        ids = await info.context.loaders.upgrades.load(self.model_.id)
        products = await info.context.loaders.product.load_many(ids)
        return [Product.from_model(p) for p in products if p is not None]


async def _product_node(info: Info, pk: int) -> Product | None:
    product = await info.context.loaders.product.load(pk)
    return Product.from_model(product) if product else None


async def _price_node(info: Info, pk: int) -> Price | None:
    price = await info.context.loaders.price.load(pk)
    if price is None or await info.context.loaders.product.load(price.product_id) is None:
        return None
    return Price.from_model(price)


register_node("Product", _product_node)
register_node("Price", _price_node)

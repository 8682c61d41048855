"""Administering the catalog over GraphQL: products, prices, and the price form's calculator
(docs/administration.md, "Catalog"). Admins only."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.permission import BasePermission

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.pricing import PriceSpec, PricingModel, Tier
from recur.core.roles import Role
from recur.core.usage import Aggregation, UsageType
from recur.graphql.catalog.types import Price, Product, TierCharge, VolumeCliff, tier_charges
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of
from recur.graphql.core.money import Money
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import catalog
from recur.services.common import Invalid, Problem

ADMIN_ONLY: list[type[BasePermission]] = [IsUser, has_role(Role.ADMIN)]
TIER_LIMITS = "At most 20 tiers; upTo ascending, the last tier open (null)."
AMOUNT_LIMITS = "Zero or more, at most 6 decimal places."


@strawberry.input(description="One band of a TIERED or VOLUME price.")
class PriceTierInput:
    up_to: int | None = strawberry.field(
        default=None, description="Last unit of the band (inclusive); null for the last band."
    )
    unit_amount: Decimal = strawberry.field(description=AMOUNT_LIMITS)
    flat_amount: Decimal = strawberry.field(
        default=Decimal(0), description="Added once when the band is reached. " + AMOUNT_LIMITS
    )


@strawberry.input
class CreateProductInput:
    sku: str = strawberry.field(description="Unique (case-insensitive), at most 64 characters.")
    name: str = strawberry.field(description="At most 200 characters.")
    description: str = strawberry.field(default="", description="At most 5,000 characters.")
    category: str = strawberry.field(description="At most 100 characters.")
    kind: ProductKind
    upgrades_to: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Products this one upgrades to."
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateProductInput:
    product_id: strawberry.ID
    name: str | None = None
    description: str | None = None
    category: str | None = None
    upgrades_to: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the upgrade paths."
    )
    active: bool | None = strawberry.field(
        default=None,
        description="False retires the product: no longer sold, running subscriptions go on.",
    )


@strawberry.input(description="A price's amounts: unitAmount for FLAT and PER_UNIT, else tiers.")
class PriceSpecInput:
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD.")
    model: PricingModel
    unit_amount: Decimal | None = strawberry.field(default=None, description=AMOUNT_LIMITS)
    tiers: list[PriceTierInput] = strawberry.field(default_factory=list, description=TIER_LIMITS)

    def spec(self) -> PriceSpec:
        return PriceSpec(
            model=self.model,
            currency=self.currency.strip().upper(),
            unit_amount=self.unit_amount,
            tiers=tuple(Tier(t.up_to, t.unit_amount, t.flat_amount) for t in self.tiers),
        )


@strawberry.input(description="A new price; a price is never edited: archive it and add one.")
class AddPriceInput(PriceSpecInput):
    product_id: strawberry.ID
    billing_period: BillingPeriod = strawberry.field(
        description="ONE_TIME for one-time products; MONTH or YEAR for subscriptions."
    )
    usage_type: UsageType = strawberry.field(
        default=UsageType.LICENSED,
        description="METERED bills each period's usage in arrears (docs/usage.md).",
    )
    aggregation: Aggregation | None = strawberry.field(
        default=None, description="Metered prices: SUM (the default), MAX or LAST."
    )
    package_size: int = strawberry.field(
        default=1, description="Metered prices: units per package, e.g. 1000 for per 1,000."
    )


@strawberry.input
class ArchivePriceInput:
    price_id: strawberry.ID


@strawberry.type
class ProductPayload:
    product: Product | None
    user_errors: list[UserError]


@strawberry.type
class PricePayload:
    price: Price | None
    user_errors: list[UserError]


@strawberry.type(description="What a price being written would charge, or why it is invalid.")
class PricePreview:
    amount: Money | None = strawberry.field(description="For one billing period, rounded once.")
    breakdown: list[TierCharge]
    volume_cliffs: list[VolumeCliff] = strawberry.field(
        description="Where buying one more unit costs less in total."
    )
    user_errors: list[UserError]


def _ids(ids: list[strawberry.ID], field: str) -> list[int]:
    """Primary keys of product ids; an id that names no product is refused by field."""
    pks = [pk_of(global_id, "Product") for global_id in ids]
    if any(pk is None for pk in pks):
        raise Invalid([Problem((field,), "There is no such product.", "UNKNOWN_PRODUCT")])
    return [pk for pk in pks if pk is not None]


def _pk(global_id: strawberry.ID, type_name: str, field: str) -> int:
    pk = pk_of(global_id, type_name)
    if pk is None:
        raise Invalid.one(
            field, f"There is no such {type_name.lower()}.", "UNKNOWN_" + type_name.upper()
        )
    return pk


def _preview_errors(invalid: Invalid) -> list[UserError]:
    """userErrors of the preview: the price's fields under ``input``, the quantity, an
    argument of its own, by its name."""
    errors = user_errors(invalid)
    for error in errors:
        if error.field == ["input", "quantity"]:
            error.field = ["quantity"]
    return errors


@strawberry.type
class CatalogAdminQuery:
    @strawberry.field(
        description="Admins: the price form's calculator. Prices an unsaved price with the "
        "same rules and arithmetic as a saved one (quantity 0 to 1,000,000).",
        permission_classes=ADMIN_ONLY,
    )
    def price_preview(self, input: PriceSpecInput, quantity: int) -> PricePreview:
        spec = input.spec()
        try:
            amount, charges = catalog.preview_spec(spec, quantity)
        except Invalid as invalid:
            return PricePreview(
                amount=None, breakdown=[], volume_cliffs=[], user_errors=_preview_errors(invalid)
            )
        return PricePreview(
            amount=Money(amount=amount, currency=spec.currency),
            breakdown=tier_charges(charges, spec.currency),
            volume_cliffs=VolumeCliff.list_of(catalog.volume_cliffs_of(spec), spec.currency),
            user_errors=[],
        )


@strawberry.type
class CatalogAdminMutation:
    @strawberry.mutation(description="Admins: a new product.", permission_classes=ADMIN_ONLY)
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        ctx = info.context
        try:
            product = await catalog.create_product(
                ctx.db,
                ctx.actor,
                sku=input.sku,
                kind=input.kind,
                fields=catalog.ProductFields(
                    name=input.name,
                    description=input.description,
                    category=input.category,
                    upgrades_to=_ids(input.upgrades_to, "upgradesTo"),
                ),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return ProductPayload(product=None, user_errors=user_errors(invalid))
        ctx.result_cache.clear()
        return ProductPayload(product=Product.from_model(product), user_errors=[])

    @strawberry.mutation(
        description="Admins: change a product's descriptive fields and upgrade paths, retire "
        "or reactivate it. The SKU and kind never change.",
        permission_classes=ADMIN_ONLY,
    )
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        ctx = info.context
        try:
            upgrades = None if input.upgrades_to is None else _ids(input.upgrades_to, "upgradesTo")
            product = await catalog.update_product(
                ctx.db,
                ctx.actor,
                _pk(input.product_id, "Product", "productId"),
                catalog.ProductFields(
                    name=input.name,
                    description=input.description,
                    category=input.category,
                    upgrades_to=upgrades,
                    active=input.active,
                ),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return ProductPayload(product=None, user_errors=user_errors(invalid))
        ctx.result_cache.clear()
        ctx.loaders.product.prime(product.id, product, force=True)
        return ProductPayload(product=Product.from_model(product), user_errors=[])

    @strawberry.mutation(
        description="Admins: a new price for a product, in any ISO 4217 currency and model.",
        permission_classes=ADMIN_ONLY,
    )
    async def add_price(self, info: Info, input: AddPriceInput) -> PricePayload:
        ctx = info.context
        spec = input.spec()
        try:
            price = await catalog.add_price(
                ctx.db,
                ctx.actor,
                _pk(input.product_id, "Product", "productId"),
                catalog.NewPrice(
                    spec.currency,
                    input.billing_period,
                    spec.model,
                    spec.unit_amount,
                    spec.tiers,
                    input.usage_type,
                    input.aggregation,
                    input.package_size,
                ),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return PricePayload(price=None, user_errors=user_errors(invalid))
        ctx.result_cache.clear()
        return PricePayload(price=Price.from_model(price), user_errors=[])

    @strawberry.mutation(
        description="Admins: take a price off sale. What was sold on it keeps it as it was.",
        permission_classes=ADMIN_ONLY,
    )
    async def archive_price(self, info: Info, input: ArchivePriceInput) -> PricePayload:
        ctx = info.context
        try:
            price = await catalog.archive_price(
                ctx.db, ctx.actor, _pk(input.price_id, "Price", "priceId"), now=ctx.clock.now()
            )
        except Invalid as invalid:
            return PricePayload(price=None, user_errors=user_errors(invalid))
        ctx.result_cache.clear()
        return PricePayload(price=Price.from_model(price), user_errors=[])

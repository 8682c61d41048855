"""The catalog: products, prices and tiers. Readable by everyone, anonymous included."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.price_checks import VolumeCliff, price_problems, volume_cliffs
from recur.core.pricing import PriceSpec, Tier, TierCharge, price_amount, tier_breakdown
from recur.core.roles import Role
from recur.core.usage import UsageType
from recur.db.engine import Database
from recur.db.models import Charge, Price, Product, product_upgrades
from recur.services.common import Actor, Invalid, Page, PageRequest, Problem, paginate

MAX_QUANTITY = 1_000_000
#: How a billing period reads in descriptions (one-time prices have none).
PERIOD_WORDS = {BillingPeriod.MONTH: "monthly", BillingPeriod.YEAR: "yearly"}


def visible_products(actor: Actor) -> ColumnElement[bool]:
    """Everyone sees the active catalog; admins also see retired products."""
    if actor.role is Role.ADMIN:
        return true()
    return Product.active.is_(True)


async def list_products(
    db: Database,
    actor: Actor,
    *,
    search: str | None = None,
    category: str | None = None,
    kind: ProductKind | None = None,
    page: PageRequest,
) -> Page[Product]:
    """Products by name, filtered by a search term (name, SKU, description), category, kind."""
    statement = select(Product).where(visible_products(actor))
    if search and search.strip():
        term = search.strip()
        statement = statement.where(
            or_(
                Product.name.icontains(term, autoescape=True),
                Product.sku.icontains(term, autoescape=True),
                Product.description.icontains(term, autoescape=True),
            )
        )
    if category:
        statement = statement.where(Product.category == category)
    if kind:
        statement = statement.where(Product.kind == kind)
    return await paginate(db, statement, (Product.name, Product.id), page)


async def get_product(
    db: Database, actor: Actor, *, product_id: int | None = None, sku: str | None = None
) -> Product | None:
    """One product by id or SKU, or ``None``."""
    if product_id is None and sku is None:
        raise Invalid.one("id", "Give a product id or a SKU.")
    statement = select(Product).where(visible_products(actor))
    if product_id is not None:
        statement = statement.where(Product.id == product_id)
    if sku is not None:
        statement = statement.where(Product.sku == sku)
    async with db.session() as session:
        return (await session.scalars(statement)).first()


async def products_by_id(db: Database, actor: Actor, ids: Sequence[int]) -> dict[int, Product]:
    if not ids:
        return {}
    statement = select(Product).where(Product.id.in_(set(ids)), visible_products(actor))
    async with db.session() as session:
        return {product.id: product for product in await session.scalars(statement)}


async def categories(db: Database, actor: Actor) -> list[str]:
    """The categories of the visible catalog, alphabetically (for filters)."""
    statement = (
        select(Product.category).where(visible_products(actor)).distinct().order_by("category")
    )
    async with db.session() as session:
        return list((await session.scalars(statement)).all())


async def prices_by_product(
    db: Database, product_ids: Sequence[int], *, include_archived: bool = False
) -> dict[int, list[Price]]:
    """Prices of many products with their tiers, in two queries, in a stable order."""
    statement = (
        select(Price)
        .where(Price.product_id.in_(set(product_ids)))
        .options(selectinload(Price.tiers))
    )
    if not include_archived:
        statement = statement.where(Price.archived_at.is_(None))
    statement = statement.order_by(Price.product_id, Price.currency, Price.billing_period, Price.id)
    grouped: dict[int, list[Price]] = defaultdict(list)
    async with db.session() as session:
        for price in await session.scalars(statement):
            grouped[price.product_id].append(price)
    return grouped


async def prices_by_id(db: Database, ids: Sequence[int]) -> dict[int, Price]:
    """Prices with their tiers, in two queries."""
    async with db.session() as session:
        return await load_prices(session, ids)


async def load_prices(session: AsyncSession, ids: Iterable[int]) -> dict[int, Price]:
    """Prices with their tiers, in the caller's session (two queries, none for no ids)."""
    wanted = set(ids)
    if not wanted:
        return {}
    statement = select(Price).where(Price.id.in_(wanted)).options(selectinload(Price.tiers))
    return {price.id: price for price in await session.scalars(statement)}


def price_spec(price: Price) -> PriceSpec:
    """The pure-core description of a stored price (loaded with its tiers)."""
    return PriceSpec(
        model=price.model,
        currency=price.currency,
        unit_amount=price.unit_amount,
        tiers=tuple(
            Tier(up_to=t.up_to, unit_amount=t.unit_amount, flat_amount=t.flat_amount)
            for t in price.tiers
        ),
    )


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not 0 <= quantity <= MAX_QUANTITY:
        raise Invalid.one("quantity", f"quantity must be between 0 and {MAX_QUANTITY:,}.")


def amount_for(price: Price, quantity: int) -> Decimal:
    """What ``quantity`` costs for one billing period, rounded once (the price calculator)."""
    _check_quantity(quantity)
    return price_amount(price_spec(price), quantity)


def breakdown_for(price: Price, quantity: int) -> tuple[TierCharge, ...]:
    """The tiers that make up ``amount_for(price, quantity)``."""
    _check_quantity(quantity)
    return tier_breakdown(price_spec(price), quantity)


async def currencies(db: Database, actor: Actor) -> list[str]:
    """The currencies the visible catalog is priced in, alphabetically."""
    statement = (
        select(Price.currency)
        .join(Product)
        .where(visible_products(actor), Price.archived_at.is_(None))
        .distinct()
        .order_by(Price.currency)
    )
    async with db.session() as session:
        return list((await session.scalars(statement)).all())


async def upgrade_ids_by_product(db: Database, product_ids: Sequence[int]) -> dict[int, list[int]]:
    """Which products each product upgrades to, in one query."""
    statement = (
        select(product_upgrades.c.product_id, product_upgrades.c.upgrade_id)
        .where(product_upgrades.c.product_id.in_(set(product_ids)))
        .order_by(product_upgrades.c.product_id, product_upgrades.c.upgrade_id)
    )
    grouped: dict[int, list[int]] = defaultdict(list)
    async with db.session() as session:
        for product_id, upgrade_id in await session.execute(statement):
            grouped[product_id].append(upgrade_id)
    return grouped


def volume_cliffs_of(spec: PriceSpec) -> list[VolumeCliff]:
    """Where one more unit of a valid price costs less in total: a warning for whoever
    writes the price, since buyers would order the larger quantity."""
    return volume_cliffs(spec)


def preview_spec(spec: PriceSpec, quantity: int) -> tuple[Decimal, tuple[TierCharge, ...]]:
    """What a price not yet saved would charge for ``quantity``: the calculator of the price
    form, with the same rules and arithmetic as a saved price. Raises ``Invalid`` naming the
    fields at fault."""
    _check_quantity(quantity)
    problems = price_problems(spec)
    if problems:
        raise Invalid([Problem(p.field, p.message) for p in problems])
    return price_amount(spec, quantity), tier_breakdown(spec, quantity)


def metered_charges() -> ColumnElement[bool]:
    """The charges on metered prices (a condition on ``Charge``): billed in arrears on usage,
    their quantity an estimate, so kept out of MRR and contract values (docs/usage.md)."""
    return Charge.price_id.in_(select(Price.id).where(Price.usage_type == UsageType.METERED))

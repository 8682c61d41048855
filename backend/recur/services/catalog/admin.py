"""Administering the catalog: products and their prices, by admins only, every change audited
(docs/administration.md, "Catalog").

A price is never edited: one in use on a quote line, subscription item or charge must keep
meaning what it meant, so a new price is added and the old one archived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.price_checks import price_problems
from recur.core.pricing import PriceSpec, PricingModel, Tier
from recur.core.roles import Role
from recur.core.usage import MAX_PACKAGE_SIZE, Aggregation, UsageType
from recur.db.engine import Database
from recur.db.models import Price, PriceTier, Product, product_upgrades
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Problem,
    audit,
    changed,
)

#: Longest texts a product keeps (the columns' sizes).
TEXT_LIMITS = {"sku": 64, "name": 200, "category": 100, "description": 5000}


@dataclass(frozen=True)
class ProductFields:
    """The descriptive fields of a product; ``None`` leaves a field as it is on update."""

    name: str | None = None
    description: str | None = None
    category: str | None = None
    upgrades_to: Sequence[int] | None = None
    active: bool | None = None


@dataclass(frozen=True)
class NewPrice:
    """A price to add to a product."""

    currency: str
    billing_period: BillingPeriod
    model: PricingModel
    unit_amount: Decimal | None
    tiers: tuple[Tier, ...]
    usage_type: UsageType = UsageType.LICENSED
    #: Metered prices only (SUM unless given); licensed prices take none.
    aggregation: Aggregation | None = None
    #: Units per package: a metered price "per 1,000" has 1000 (docs/usage.md).
    package_size: int = 1


def require_admin(actor: Actor) -> None:
    """Only admins change the catalog."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins change the catalog.")


def _text(problems: list[Problem], name: str, value: str | None, *, required: bool) -> str | None:
    """``value`` trimmed, or a problem: required fields must not be blank, none too long."""
    if value is None:
        return None
    text = value.strip()
    if required and not text:
        problems.append(Problem((name,), f"Give the product's {name}.", "REQUIRED"))
    elif len(text) > TEXT_LIMITS[name]:
        problems.append(Problem((name,), f"At most {TEXT_LIMITS[name]} characters.", "TOO_LONG"))
    return text


def _snapshot(product: Product, upgrade_ids: Sequence[int]) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "kind": product.kind,
        "active": product.active,
        "upgradesTo": sorted(upgrade_ids),
    }


async def _upgrade_ids(session: AsyncSession, product_id: int) -> list[int]:
    statement = select(product_upgrades.c.upgrade_id).where(
        product_upgrades.c.product_id == product_id
    )
    return sorted(await session.scalars(statement))


async def _check_upgrades(
    session: AsyncSession, problems: list[Problem], ids: Sequence[int], own_id: int | None
) -> list[int]:
    wanted = sorted(set(ids))
    if own_id in wanted:
        problems.append(Problem(("upgradesTo",), "A product cannot upgrade to itself."))
    found = set(await session.scalars(select(Product.id).where(Product.id.in_(wanted))))
    if len(found) != len(wanted):
        problems.append(Problem(("upgradesTo",), "There is no such product.", "UNKNOWN_PRODUCT"))
    return wanted


async def _set_upgrades(session: AsyncSession, product_id: int, ids: Sequence[int]) -> None:
    links = product_upgrades.c
    await session.execute(delete(product_upgrades).where(links.product_id == product_id))
    if ids:
        await session.execute(
            product_upgrades.insert(),
            [{"product_id": product_id, "upgrade_id": upgrade} for upgrade in ids],
        )


async def create_product(
    db: Database,
    actor: Actor,
    *,
    sku: str,
    kind: ProductKind,
    fields: ProductFields,
    now: datetime,
) -> Product:
    """A new product, on sale once it has a price. The SKU is unique and never changes."""
    require_admin(actor)
    problems: list[Problem] = []
    clean_sku = _text(problems, "sku", sku, required=True) or ""
    name = _text(problems, "name", fields.name or "", required=True) or ""
    category = _text(problems, "category", fields.category or "", required=True) or ""
    description = _text(problems, "description", fields.description or "", required=False) or ""
    async with db.transaction() as session:
        taken = await session.scalar(
            select(func.count()).where(func.lower(Product.sku) == clean_sku.lower())
        )
        if taken:
            problems.append(Problem(("sku",), "Another product has this SKU.", "TAKEN"))
        upgrades = await _check_upgrades(session, problems, fields.upgrades_to or (), None)
        if problems:
            raise Invalid(problems)
        product = Product(
            sku=clean_sku,
            name=name,
            description=description,
            category=category,
            kind=kind,
            active=True if fields.active is None else fields.active,
        )
        session.add(product)
        try:
            await session.flush()
        except IntegrityError:  # the same SKU created at the same moment
            raise Invalid.one("sku", "Another product has this SKU.", "TAKEN") from None
        await _set_upgrades(session, product.id, upgrades)
        await audit(
            session,
            actor,
            "product.create",
            ("Product", product.id),
            f"Created {product.sku} {product.name}",
            now=now,
            after=_snapshot(product, upgrades),
        )
    return product


async def update_product(
    db: Database, actor: Actor, product_id: int, fields: ProductFields, *, now: datetime
) -> Product:
    """Change a product's descriptive fields, upgrade paths, or retire and reactivate it.

    A retired product is no longer sold (no new cart or quote line); subscriptions already
    running on it go on and renew as before."""
    require_admin(actor)
    problems: list[Problem] = []
    name = _text(problems, "name", fields.name, required=True)
    category = _text(problems, "category", fields.category, required=True)
    description = _text(problems, "description", fields.description, required=False)
    async with db.transaction() as session:
        product = await session.get(Product, product_id, with_for_update=True)
        if product is None:
            raise Invalid.one("productId", "There is no such product.", "UNKNOWN_PRODUCT")
        old_upgrades = await _upgrade_ids(session, product.id)
        upgrades = old_upgrades
        if fields.upgrades_to is not None:
            upgrades = await _check_upgrades(session, problems, fields.upgrades_to, product.id)
        if problems:
            raise Invalid(problems)
        before = _snapshot(product, old_upgrades)
        for attribute, value in (
            ("name", name),
            ("category", category),
            ("description", description),
            ("active", fields.active),
        ):
            if value is not None:
                setattr(product, attribute, value)
        if upgrades != old_upgrades:
            await _set_upgrades(session, product.id, upgrades)
        await _audit_update(session, actor, product, before, _snapshot(product, upgrades), now)
    return product


async def _audit_update(
    session: AsyncSession,
    actor: Actor,
    product: Product,
    before: dict[str, Any],
    after: dict[str, Any],
    now: datetime,
) -> None:
    changed_before, changed_after = changed(before, after)
    if not changed_before:
        return
    if set(changed_before) == {"active"}:
        verb = "reactivate" if product.active else "retire"
        summary = f"{verb.capitalize()}d {product.sku}"
    else:
        verb, summary = "update", f"Changed {', '.join(changed_before)} of {product.sku}"
    await audit(
        session,
        actor,
        f"product.{verb}",
        ("Product", product.id),
        summary,
        now=now,
        before=changed_before,
        after=changed_after,
    )


def _price_snapshot(price: NewPrice | Price) -> dict[str, Any]:
    tiers = [
        {"upTo": t.up_to, "unitAmount": t.unit_amount, "flatAmount": t.flat_amount}
        for t in price.tiers
    ]
    return {
        "currency": price.currency,
        "billingPeriod": price.billing_period,
        "model": price.model,
        "unitAmount": price.unit_amount,
        "tiers": tiers,
        "usageType": price.usage_type,
        "aggregation": price.aggregation,
        "packageSize": price.package_size,
    }


def _usage_problems(new: NewPrice) -> list[Problem]:
    """A metered price bills a subscription's usage; a licensed one takes no aggregation."""
    problems = []
    if new.usage_type is UsageType.METERED:
        if new.billing_period is BillingPeriod.ONE_TIME:
            message = "Metered prices bill each period's usage: choose MONTH or YEAR."
            problems.append(Problem(("billingPeriod",), message, "METERED_ONE_TIME"))
    elif new.aggregation is not None:
        message = "Only metered prices aggregate usage."
        problems.append(Problem(("aggregation",), message, "NOT_METERED"))
    if not 1 <= new.package_size <= MAX_PACKAGE_SIZE:
        message = f"A package holds 1 to {MAX_PACKAGE_SIZE:,} units."
        problems.append(Problem(("packageSize",), message, "INVALID_PACKAGE_SIZE"))
    elif new.package_size != 1 and new.usage_type is not UsageType.METERED:
        message = "Only metered prices count usage in packages."
        problems.append(Problem(("packageSize",), message, "NOT_METERED"))
    return problems


def _period_problem(kind: ProductKind, period: BillingPeriod) -> Problem | None:
    if (kind is ProductKind.ONE_TIME) != (period is BillingPeriod.ONE_TIME):
        return Problem(
            ("billingPeriod",),
            "One-time products take ONE_TIME prices; subscriptions bill monthly or yearly.",
        )
    return None


async def add_price(
    db: Database, actor: Actor, product_id: int, new: NewPrice, *, now: datetime
) -> Price:
    """Put a product on sale in a currency and billing period, with any pricing model."""
    require_admin(actor)
    spec = PriceSpec(new.model, new.currency, new.unit_amount, new.tiers)
    problems = [Problem(p.field, p.message) for p in price_problems(spec)]
    problems += _usage_problems(new)
    metered = new.usage_type is UsageType.METERED
    async with db.transaction() as session:
        product = await session.get(Product, product_id)
        if product is None:
            raise Invalid.one("productId", "There is no such product.", "UNKNOWN_PRODUCT")
        period_problem = _period_problem(product.kind, new.billing_period)
        if period_problem:
            problems.append(period_problem)
        if problems:
            raise Invalid(problems)
        price = Price(
            product_id=product.id,
            currency=new.currency,
            billing_period=new.billing_period,
            model=new.model,
            unit_amount=new.unit_amount,
            usage_type=new.usage_type,
            aggregation=(new.aggregation or Aggregation.SUM) if metered else None,
            package_size=new.package_size,
            tiers=[
                PriceTier(
                    position=position,
                    up_to=tier.up_to,
                    unit_amount=tier.unit_amount,
                    flat_amount=tier.flat_amount,
                )
                for position, tier in enumerate(new.tiers)
            ],
        )
        session.add(price)
        await session.flush()
        await audit(
            session,
            actor,
            "price.add",
            ("Price", price.id),
            f"Added a {new.currency} {new.billing_period} {new.model} price to {product.sku}",
            now=now,
            after=_price_snapshot(new),
        )
    return await _reload_price(db, price.id)


async def archive_price(db: Database, actor: Actor, price_id: int, *, now: datetime) -> Price:
    """Take a price off sale; quotes, subscriptions and charges on it keep it as it was."""
    require_admin(actor)
    async with db.transaction() as session:
        price = await session.get(Price, price_id, with_for_update=True)
        if price is None:
            raise Invalid.one("priceId", "There is no such price.", "UNKNOWN_PRICE")
        if price.archived_at is not None:
            raise Invalid.one("priceId", "This price is already archived.", "ARCHIVED_PRICE")
        price.archived_at = now
        product = await session.get(Product, price.product_id)
        sku = product.sku if product else ""
        await audit(
            session,
            actor,
            "price.archive",
            ("Price", price.id),
            f"Archived the {price.currency} {price.billing_period} price of {sku}",
            now=now,
            before={"active": True},
            after={"active": False},
        )
    return await _reload_price(db, price_id)


async def _reload_price(db: Database, price_id: int) -> Price:
    async with db.session() as session:
        statement = select(Price).where(Price.id == price_id).options(selectinload(Price.tiers))
        return (await session.scalars(statement)).one()

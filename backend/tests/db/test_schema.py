"""The database layer: money columns exact on every backend, migrations equal to models."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, select
from sqlalchemy.exc import StatementError

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.pricing import PricingModel
from recur.db.base import Base
from recur.db.engine import Database
from recur.db.models import Price, Product

AMOUNTS = [Decimal("0.0125"), Decimal("0.000001"), Decimal("123456789.123456"), Decimal("0")]


async def _add_prices(db: Database, amounts: list[Decimal | float]) -> list[int]:
    async with db.transaction() as session:
        product = Product(sku="T-1", name="Test", category="Test", kind=ProductKind.SUBSCRIPTION)
        for amount in amounts:
            product.prices.append(
                Price(
                    currency="USD",
                    billing_period=BillingPeriod.MONTH,
                    model=PricingModel.PER_UNIT,
                    unit_amount=amount,
                )
            )
        session.add(product)
        await session.flush()
        return [price.id for price in product.prices]


async def test_unit_amounts_round_trip_exactly(empty_db: Database) -> None:
    ids = await _add_prices(empty_db, list(AMOUNTS))
    async with empty_db.session() as session:
        stored = await session.scalars(select(Price.unit_amount).where(Price.id.in_(ids)))
        assert sorted(stored) == sorted(AMOUNTS)


async def test_a_float_amount_is_refused(empty_db: Database) -> None:
    with pytest.raises(StatementError, match="never a float"):
        await _add_prices(empty_db, [0.1])


async def test_more_decimal_places_than_the_column_holds_are_refused(empty_db: Database) -> None:
    with pytest.raises(StatementError, match="more than 6 decimal places"):
        await _add_prices(empty_db, [Decimal("0.0000001")])


async def test_migrations_create_exactly_the_models(empty_db: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return list(compare_metadata(context, Base.metadata))

    async with empty_db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []

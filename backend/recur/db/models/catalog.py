"""Products, their prices and price tiers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.pricing import PricingModel
from recur.core.usage import Aggregation, UsageType
from recur.db.base import Base, TimestampMixin
from recur.db.types import ScaledDecimal, UTCDateTime

#: Which products a product upgrades to (e.g. Standard seats → Professional seats).
product_upgrades = Table(
    "product_upgrades",
    Base.metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("upgrade_id", ForeignKey("products.id"), primary_key=True),
)


class Product(TimestampMixin, Base):
    """Something we sell, on subscription or once."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[ProductKind] = mapped_column(Enum(ProductKind, native_enum=False, length=20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    prices: Mapped[list[Price]] = relationship(back_populates="product", order_by="Price.id")


class Price(TimestampMixin, Base):
    """How a product is charged in one currency and billing period.

    A price in use is never edited: it is archived and a new one added, so history stays true.
    """

    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    billing_period: Mapped[BillingPeriod] = mapped_column(
        Enum(BillingPeriod, native_enum=False, length=20)
    )
    model: Mapped[PricingModel] = mapped_column(Enum(PricingModel, native_enum=False, length=20))
    #: For FLAT and PER_UNIT prices; tiered prices keep their amounts in tiers.
    unit_amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: LICENSED: the quoted quantity, billed in advance; METERED: the period's usage,
    #: aggregated by ``aggregation`` and counted in packages of ``package_size`` units,
    #: billed in arrears (docs/usage.md).
    usage_type: Mapped[UsageType] = mapped_column(
        Enum(UsageType, native_enum=False, length=20), default=UsageType.LICENSED
    )
    aggregation: Mapped[Aggregation | None] = mapped_column(
        Enum(Aggregation, native_enum=False, length=20)
    )
    package_size: Mapped[int] = mapped_column(BigInteger, default=1)

    product: Mapped[Product] = relationship(back_populates="prices")
    tiers: Mapped[list[PriceTier]] = relationship(
        back_populates="price", order_by="PriceTier.position"
    )

    @property
    def active(self) -> bool:
        return self.archived_at is None

    @property
    def metered(self) -> bool:
        return self.usage_type == UsageType.METERED


class PriceTier(Base):
    """One band of a TIERED or VOLUME price. ``up_to`` is inclusive; the last is open."""

    __tablename__ = "price_tiers"
    __table_args__ = (UniqueConstraint("price_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    price_id: Mapped[int] = mapped_column(ForeignKey("prices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    up_to: Mapped[int | None] = mapped_column(BigInteger)
    unit_amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    flat_amount: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal(0))

    price: Mapped[Price] = relationship(back_populates="tiers")

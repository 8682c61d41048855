"""The declarative base and the columns every table shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from recur.db.types import UTCDateTime

# Deterministic constraint names, so Alembic migrations are the same on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The model's table, for statements that need no objects (bulk inserts, counters)."""
    return cast(Table, model.__table__)


class TimestampMixin:
    """When a row was created."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

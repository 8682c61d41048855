"""Loading rows for many parents at once (what the DataLoaders batch), grouped by parent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select

from recur.db.engine import Database

T = TypeVar("T")


async def grouped(
    db: Database, statement: Select[T], key: Callable[[T], Any]
) -> dict[Any, list[T]]:
    """The rows of ``statement``, in its order, grouped by ``key(row)``."""
    groups: dict[Any, list[T]] = defaultdict(list)
    async with db.session() as session:
        for row in await session.scalars(statement):
            groups[key(row)].append(row)
    return groups

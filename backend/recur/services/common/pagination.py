"""Keyset pagination for Relay connections: stable cursors, one query per page."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from recur.db.engine import Database
from recur.services.common.errors import Invalid

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageRequest:
    """``first`` items after the ``after`` cursor."""

    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None

    def check(self) -> None:
        if not 0 <= self.first <= MAX_PAGE_SIZE:
            raise Invalid.one("first", f"first must be between 0 and {MAX_PAGE_SIZE}.")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results, with the cursor of each item."""

    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count_total: Callable[[], Awaitable[int]]


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode()


def decode_cursor(cursor: str, types: Sequence[type]) -> list[Any]:
    """The key values of a cursor, checked against the types of the ordering columns."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(_is_a(value, kind) for value, kind in zip(values, types, strict=True))
    ):
        raise Invalid.one("after", "after is not a cursor from this list.")
    return values


def _is_a(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
    return isinstance(value, kind) and (not isinstance(value, str) or "\x00" not in value)


async def paginate(
    db: Database,
    statement: Select[T],
    order_by: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    *,
    descending: bool = False,
) -> Page[T]:
    """Run ``statement`` ordered by ``order_by`` (unique together; ascending unless
    ``descending``) from the cursor.

    The total is counted only when asked for (``count_total``), in a query of its own.

    The last column of ``order_by`` must be unique (the primary key) so that every row has
    exactly one place in the order.
    """
    page.check()
    filtered = statement
    if page.after is not None:
        values = decode_cursor(page.after, [column.type.python_type for column in order_by])
        key, after = tuple_(*order_by), tuple_(*values)
        filtered = statement.where(key < after if descending else key > after)
    async with db.session() as session:
        ordering = [column.desc() for column in order_by] if descending else order_by
        result = await session.scalars(filtered.order_by(*ordering).limit(page.first + 1))
        rows = list(result.all())
    items = rows[: page.first]
    keys = [attribute.key for attribute in order_by]
    cursors = [encode_cursor([getattr(item, key) for key in keys]) for item in items]

    async def count_total() -> int:
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        async with db.session() as session:
            return int((await session.scalar(counted)) or 0)

    return Page(
        items=items,
        cursors=cursors,
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        count_total=count_total,
    )

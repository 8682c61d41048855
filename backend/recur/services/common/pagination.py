"""Keyset pagination for Relay connections: stable cursors, one query per page.

A cursor is the JSON list of the row's values of the ordering's keys (dates and instants as
ISO text, decimals as exact strings), base64-encoded; a named ordering puts its name first,
so a cursor of one order is refused by another (docs/api.md, "Sorting and filtering lists").
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from recur.db.engine import Database
from recur.services.common.errors import Invalid

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: Decimal keys are amounts: at most six places (``ScaledDecimal``), well inside a BIGINT.
_DECIMAL_PLACES = 6
_DECIMAL_LIMIT = Decimal(10) ** 12


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


@dataclass(frozen=True)
class Computed:
    """An ordering key that is an expression over the row's own columns (no join, no
    subquery), with the same value read from a loaded row."""

    expression: ColumnElement[Any]
    read: Callable[[Any], Any]


Key = InstrumentedAttribute[Any] | Computed


@dataclass(frozen=True)
class Ordering:
    """One order a list may be read in: its keys, all ascending or all descending, the last
    one unique (the primary key). ``name`` is carried by its cursors; the list's original
    order keeps ``None``, so the cursors clients already hold stay valid."""

    keys: tuple[Key, ...]
    descending: bool = False
    name: str | None = None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([_plain(v) for v in values]).encode()).decode()


def _plain(value: Any) -> Any:
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def decode_cursor(cursor: str, types: Sequence[type]) -> list[Any]:
    """The key values of a cursor, checked against the types of the ordering columns
    (``date``, ``datetime`` and ``Decimal`` values are read back from their text)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError):
        values = None
    if not isinstance(values, list) or len(values) != len(types):
        raise _not_a_cursor()
    return [_value(value, kind) for value, kind in zip(values, types, strict=True)]


def _not_a_cursor() -> Invalid:
    return Invalid.one("after", "after is not a cursor from this list.")


def _value(value: Any, kind: type) -> Any:
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
            return value
        raise _not_a_cursor()
    if not isinstance(value, str) or "\x00" in value:
        raise _not_a_cursor()
    if kind is str:
        return value
    if kind is datetime:
        return _instant(value)
    if kind is date:
        return _day(value)
    if kind is Decimal:
        return _decimal(value)
    raise _not_a_cursor()


def _instant(text: str) -> datetime:
    # Instants are kept in UTC: one without a zone, or whose offset takes it out of the
    # calendar, is no key of a list.
    try:
        instant = datetime.fromisoformat(text)
        in_utc = instant.astimezone(UTC) if instant.tzinfo is not None else None
    except (ValueError, OverflowError):
        in_utc = None
    if in_utc is None:
        raise _not_a_cursor()
    return in_utc


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _not_a_cursor() from None
    if len(text) != len("2026-11-24"):
        raise _not_a_cursor()
    return day


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _not_a_cursor() from None
    exponent = number.as_tuple().exponent
    if (
        not number.is_finite()
        or not isinstance(exponent, int)
        or exponent < -_DECIMAL_PLACES
        or abs(number) >= _DECIMAL_LIMIT
    ):
        raise _not_a_cursor()
    return number


def _expression(key: Key) -> Any:
    return key.expression if isinstance(key, Computed) else key


def _reader(key: Key) -> Callable[[Any], Any]:
    if isinstance(key, Computed):
        return key.read
    name = key.key
    return lambda row: getattr(row, name)


async def paginate(
    db: Database,
    statement: Select[T],
    order_by: Sequence[Key],
    page: PageRequest,
    *,
    descending: bool = False,
    name: str | None = None,
) -> Page[T]:
    """Run ``statement`` ordered by ``order_by`` (unique together; ascending unless
    ``descending``) from the cursor; cursors start with ``name`` when one is given.

    The total is counted only when asked for (``count_total``), in a query of its own.

    The last column of ``order_by`` must be unique (the primary key) so that every row has
    exactly one place in the order.
    """
    page.check()
    expressions = [_expression(key) for key in order_by]
    named = [name] if name is not None else []
    filtered = statement
    if page.after is not None:
        types = [str] * len(named) + [e.type.python_type for e in expressions]
        decoded = decode_cursor(page.after, types)
        if decoded[: len(named)] != named:
            raise _not_a_cursor()
        values = decoded[len(named) :]
        # Typed like their columns, so amounts are scaled and instants stored as theirs are.
        after = tuple_(*(literal(v, e.type) for v, e in zip(values, expressions, strict=True)))
        key = tuple_(*expressions)
        filtered = statement.where(key < after if descending else key > after)
    async with db.session() as session:
        ordering = [e.desc() for e in expressions] if descending else expressions
        result = await session.scalars(filtered.order_by(*ordering).limit(page.first + 1))
        rows = list(result.all())
    items = rows[: page.first]
    readers = [_reader(key) for key in order_by]
    cursors = [encode_cursor([*named, *(read(item) for read in readers)]) for item in items]

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


async def paginate_by(
    db: Database, statement: Select[T], ordering: Ordering, page: PageRequest
) -> Page[T]:
    """:func:`paginate` in one of a list's orderings."""
    return await paginate(
        db, statement, ordering.keys, page, descending=ordering.descending, name=ordering.name
    )

"""The dates a list is filtered by: ``from`` and ``to``, both inclusive
(docs/api.md, "Sorting and filtering lists")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement

from recur.services.common.errors import Invalid


@dataclass(frozen=True)
class DateRange:
    """From ``start`` to ``end``, both included; either may be open."""

    start: date | None = None
    end: date | None = None

    def check(self) -> None:
        """Refuse a range that ends before it starts, naming ``from``."""
        if self.start is not None and self.end is not None and self.start > self.end:
            raise Invalid.one("from", "from must be on or before to.")

    def days(self, column: Any) -> list[ColumnElement[bool]]:
        """The conditions on a ``Date`` column."""
        self.check()
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return conditions

    def instants(self, column: Any) -> list[ColumnElement[bool]]:
        """The conditions on an instant column: the days are UTC days, as the API's
        instants are."""
        self.check()
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(column >= datetime.combine(self.start, time(0), tzinfo=UTC))
        if self.end is not None and self.end < date.max:
            after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)
            conditions.append(column < after)
        return conditions


#: No filter on dates.
ALL_DATES = DateRange()

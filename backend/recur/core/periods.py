"""Billing periods: calendar arithmetic anchored on a start date. Pure functions, no I/O.

Period *k* of a subscription starts at ``anchor + k × period months``, computed from the
anchor every time (never by chaining one period onto the last), with month-end clamping:
an anchor on Jan 31 gives Feb 28 (or 29), then Mar 31, never drifting to the 28th (see
docs/domain.md, "Subscriptions"). Periods are half-open: ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from dateutil.relativedelta import relativedelta


def _require_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an int, got {value!r}")
    return value


def _require_positive(value: object, what: str) -> int:
    number = _require_int(value, what)
    if number < 1:
        raise ValueError(f"{what} must be at least 1, got {number}")
    return number


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by ``months`` calendar months (negative moves back).

    The day of month is kept, clamped to the last day of a shorter month:
    ``add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)``.
    """
    return anchor + relativedelta(months=_require_int(months, "months"))


def period_start(anchor: date, period_months: int, index: int) -> date:
    """Start of period ``index`` (0-based): ``anchor + index × period_months`` months.

    Always computed from the anchor, so month-end anchors do not drift. Raises
    ``ValueError`` for a period shorter than one month or a negative index.
    """
    months = _require_positive(period_months, "period_months")
    if _require_int(index, "index") < 0:
        raise ValueError(f"index must not be negative, got {index}")
    return add_months(anchor, index * months)


@dataclass(frozen=True)
class Period:
    """A half-open span of calendar days: ``start`` included, ``end`` excluded."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a period must end after it starts, got [{self.start}, {self.end})")

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def months_between(anchor: date, day: date) -> int:
    """Whole calendar months from ``anchor``'s month to ``day``'s: ``n`` for any
    ``add_months(anchor, n)``, clamped or not."""
    return (day.year - anchor.year) * 12 + day.month - anchor.month


def term_end(start: date, term_months: int, anchor: date | None = None) -> date:
    """Exclusive end of a term of ``term_months`` months starting on ``start``.

    A renewed term keeps the subscription's ``anchor`` day: a term starting on Feb 28 of a
    subscription anchored on Jan 31 ends on Mar 31, not Mar 28. Without an anchor the term's
    own start is the anchor.
    """
    months = _require_positive(term_months, "term_months")
    if anchor is None:
        return add_months(start, months)
    return add_months(anchor, months_between(anchor, start) + months)


def billing_periods(
    start: date, period_months: int, term_months: int, anchor: date | None = None
) -> tuple[Period, ...]:
    """The billing periods of a term starting on ``start``, in order.

    They tile ``[start, term_end(start, term_months, anchor))`` with no gap or overlap; each
    later period starts ``k × period months`` after the subscription's ``anchor`` (the term's
    start without one), so month-end anchors survive renewals. Raises ``ValueError`` unless
    ``term_months`` is a positive multiple of ``period_months``.
    """
    months = _require_positive(period_months, "period_months")
    term = _require_positive(term_months, "term_months")
    if term % months:
        raise ValueError(f"a term of {term} months is not a whole number of {months}-month periods")
    base = start if anchor is None else anchor
    offset = months_between(base, start)
    starts = [start] + [
        add_months(base, offset + index * months) for index in range(1, term // months + 1)
    ]
    return tuple(Period(s, e) for s, e in pairwise(starts))


def period_containing(anchor: date, period_months: int, day: date) -> Period:
    """The billing period (anchored on ``anchor``) that contains ``day``.

    Raises ``ValueError`` if ``day`` is before ``anchor``.
    """
    months = _require_positive(period_months, "period_months")
    if day < anchor:
        raise ValueError(f"day {day} is before the anchor {anchor}")
    elapsed = (day.year - anchor.year) * 12 + day.month - anchor.month
    index = elapsed // months
    # The estimate is off by at most one, when the anchor's day of month is later than
    # ``day``'s in the same month.
    while period_start(anchor, months, index) > day:
        index -= 1
    while period_start(anchor, months, index + 1) <= day:
        index += 1
    return Period(period_start(anchor, months, index), period_start(anchor, months, index + 1))


def proration_factor(period: Period, effective: date) -> tuple[int, int]:
    """The part of ``period`` left from ``effective`` on, as ``(days remaining, days)``.

    That is ``days(effective, end) / days(start, end)`` kept as two ints so callers stay
    exact; a change on the period's first day gives the whole period. Raises ``ValueError``
    unless ``effective`` falls in ``[start, end)``.
    """
    if effective not in period:
        raise ValueError(
            f"effective date {effective} is outside the period [{period.start}, {period.end})"
        )
    return (period.end - effective).days, period.days

"""Monthly recurring revenue from charge schedules (docs/customer-360.md, "MRR").

An order's charges say what each billing period of each item costs; an amendment's charges
carry the whole period's delta (``period_delta``) from the day the change takes effect. The
MRR in effect on a day is therefore the sum, over the recurring charges whose period covers
that day, of their per-period amount (the delta for an amendment), a yearly amount counting
a twelfth. Pure: the callers fetch the charges.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recur.core.catalog import BillingPeriod


@dataclass(frozen=True)
class RecurringCharge:
    """One recurring charge: its period ``[start, end)`` and what it adds per period."""

    billing_period: BillingPeriod
    start: date
    end: date | None
    per_period: Decimal
    #: The day its subscription was cancelled immediately, if it was: nothing after counts.
    canceled_on: date | None = None

    def covers(self, day: date) -> bool:
        if self.canceled_on is not None and day >= self.canceled_on:
            return False
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def monthly(self) -> Decimal:
        if self.billing_period is BillingPeriod.YEAR:
            return self.per_period / 12
        if self.billing_period is BillingPeriod.MONTH:
            return self.per_period
        return Decimal(0)


def monthly_recurring_on(day: date, charges: Iterable[RecurringCharge]) -> Decimal:
    """The MRR in effect on ``day``, unrounded (the caller rounds once, to its currency)."""
    return sum((charge.monthly for charge in charges if charge.covers(day)), Decimal(0))


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_months(today: date, months: int) -> list[date]:
    """The first days of the ``months`` months ending with ``today``'s, oldest first."""
    firsts: list[date] = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]

"""Metered prices: how usage becomes a quantity to price. Pure functions, no I/O.

A price is ``LICENSED`` (the quantity agreed on the quote, billed in advance) or
``METERED`` (the usage measured during each period, billed in arrears once it closes; see
docs/usage.md). A metered price aggregates the period's usage records by ``SUM`` (all of
them), ``MAX`` (the highest) or ``LAST`` (the latest by ``occurred_at``), then divides by its
``package_size`` rounding up: a price "per 1,000 requests" is a per-unit price with
``package_size`` 1000, so 1 to 1,000 requests bill one package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum

from recur.core.money import exact_context, round_money
from recur.core.pricing import PriceSpec, price_amount, unrounded_amount

#: The most one usage record may measure (fits the columns, summed over a period).
MAX_USAGE_QUANTITY = 10**12
#: The largest package a price may sell.
MAX_PACKAGE_SIZE = 10**9


class UsageType(StrEnum):
    LICENSED = "LICENSED"
    METERED = "METERED"


class Aggregation(StrEnum):
    SUM = "SUM"
    MAX = "MAX"
    LAST = "LAST"


def packages(quantity: int, package_size: int) -> int:
    """How many packages of ``package_size`` units ``quantity`` units need (rounded up)."""
    if quantity < 0:
        raise ValueError(f"quantity must not be negative, got {quantity}")
    if package_size < 1:
        raise ValueError(f"package_size must be at least 1, got {package_size}")
    return -(-quantity // package_size)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants a billing period covers: from ``start`` 00:00 UTC up to, not including,
    ``end`` 00:00 UTC (period ends are exclusive)."""
    return datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC)


def metered_amounts(
    spec: PriceSpec,
    quantity: int,
    package_size: int,
    *,
    discount_percent: Decimal = Decimal(0),
    uplift_percent: Decimal = Decimal(0),
) -> tuple[int, Decimal, Decimal]:
    """A metered item's charge for a period whose aggregated usage is ``quantity`` units: the
    packages billed, the list amount (the price's model applied to the packages, raised by
    the item's uplift, rounded once) and the net amount (less the discount, rounded once) —
    the same arithmetic as a quote line's (``core.quotes.line_amounts``)."""
    count = packages(quantity, package_size)
    if uplift_percent:
        with exact_context():
            raised = unrounded_amount(spec, count) * (100 + uplift_percent)
        list_amount = round_money(raised.scaleb(-2), spec.currency)
    else:
        list_amount = price_amount(spec, count)
    with exact_context():
        kept = (list_amount * (100 - discount_percent)).scaleb(-2)
    return count, list_amount, round_money(kept, spec.currency)

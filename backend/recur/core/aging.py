"""Accounts receivable aging: open balances by how long they are overdue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: (label, first day overdue, last day overdue or None): "current" is not yet due.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", -(10**6), 0),
    ("days_1_to_30", 1, 30),
    ("days_31_to_60", 31, 60),
    ("days_61_to_90", 61, 90),
    ("over_90", 91, None),
)


def bucket_of(due: date, as_of: date) -> str:
    """The bucket of a balance due on ``due``, seen on ``as_of``."""
    overdue = (as_of - due).days
    for label, first, last in BUCKETS:
        if overdue >= first and (last is None or overdue <= last):
            return label
    raise ValueError(f"no aging bucket for {overdue} days")  # unreachable: buckets tile


@dataclass
class Aging:
    """Open balances of one account (or a total) by bucket."""

    buckets: dict[str, Decimal] = field(
        default_factory=lambda: {label: Decimal(0) for label, _, _ in BUCKETS}
    )

    def add(self, due: date, balance: Decimal, as_of: date) -> None:
        self.buckets[bucket_of(due, as_of)] += balance

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), Decimal(0))

    @property
    def overdue(self) -> Decimal:
        return self.total - self.buckets["current"]


def age(balances: Iterable[tuple[date, Decimal]], as_of: date) -> Aging:
    aging = Aging()
    for due, balance in balances:
        aging.add(due, balance, as_of)
    return aging

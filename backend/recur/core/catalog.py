"""Catalog vocabulary: what kind of product, how often a price bills."""

from __future__ import annotations

from enum import StrEnum


class ProductKind(StrEnum):
    """Subscriptions bill every period; one-time products bill once."""

    SUBSCRIPTION = "SUBSCRIPTION"
    ONE_TIME = "ONE_TIME"


class BillingPeriod(StrEnum):
    """How often a price bills. ``ONE_TIME`` prices belong to one-time products."""

    MONTH = "MONTH"
    YEAR = "YEAR"
    ONE_TIME = "ONE_TIME"

    @property
    def months(self) -> int | None:
        """Length of the period in months, ``None`` for one-time prices."""
        return {BillingPeriod.MONTH: 1, BillingPeriod.YEAR: 12}.get(self)

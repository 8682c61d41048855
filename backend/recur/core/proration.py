"""Amendments: the charges a mid-term change adds to a subscription. Pure functions, no I/O.

A change takes effect on a date *D* inside the current term. For each item it changes, with
its net amount per billing period going from *old* to *new* (zero for an item added or
removed), and the billing period ``[s, e)`` containing *D* (anchored on the term's start):

- the current period: ``round((new - old) × days(D, e) / days(s, e))``, rounded once,
  half-up, away from zero, so a credit is exactly the opposite of the same charge;
- every later period of the term: ``new - old``.

These are deltas next to the charges already scheduled, so the charges of all the orders of
a subscription always add up to what it is worth (see docs/domain.md, "Subscriptions"). A change
worth nothing schedules nothing. A one-time price added by an amendment is charged once, on
*D*. An item's price swap is a removal of the old item and an addition of the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recur.core.catalog import BillingPeriod
from recur.core.money import exact_context, minor_unit, round_money
from recur.core.periods import Period, billing_periods, proration_factor, term_end
from recur.core.quotes import LineTerms, line_amounts


@dataclass(frozen=True)
class ItemChange:
    """One item's net amount per billing period before and after the change (zero for an
    item added or removed), and its quantity after. A swap to another billing period is a
    removal and an addition: two changes."""

    key: str
    billing_period: BillingPeriod
    before: Decimal
    after: Decimal
    quantity: int

    @classmethod
    def of_terms(
        cls, key: str, before: LineTerms | None, after: LineTerms | None, term_months: int
    ) -> ItemChange:
        """The change from one line's terms to another's (``None``: no item)."""
        terms = after or before
        if terms is None:
            raise ValueError(f"item {key}: a change needs a before or an after")
        if before and after and before.billing_period != after.billing_period:
            raise ValueError(f"item {key}: a swap of billing period is a removal and an add")
        return cls(
            key,
            BillingPeriod(terms.billing_period),
            net_per_period(before, term_months),
            net_per_period(after, term_months),
            after.quantity if after else 0,
        )


@dataclass(frozen=True)
class ChangeCharge:
    """One charge of an amendment: a delta for one billing period, possibly prorated.

    ``period_start`` is the effective date for the prorated current period;
    ``days`` is ``(days charged, days in the period)`` then, ``None`` for a whole period.
    """

    key: str
    period_index: int
    period_start: date
    period_end: date | None
    quantity: int
    amount: Decimal
    billing_period: BillingPeriod
    days: tuple[int, int] | None


@dataclass(frozen=True)
class Term:
    """The subscription's current term: periods start on ``start`` and then every period's
    months after the subscription's ``anchor`` (its first day; ``None``: ``start``)."""

    start: date
    months: int
    anchor: date | None = None

    @property
    def end(self) -> date:
        return term_end(self.start, self.months, self.anchor)

    def periods(self, period_months: int) -> tuple[Period, ...]:
        return billing_periods(self.start, period_months, self.months, self.anchor)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def net_per_period(terms: LineTerms | None, term_months: int) -> Decimal:
    """An item's net amount for one billing period (zero for no item)."""
    if terms is None:
        return Decimal(0)
    return line_amounts(terms, term_months).net_amount


def prorate(amount: Decimal, days: int, of_days: int, currency: str) -> Decimal:
    """``amount × days / of_days`` rounded once to the minor unit, half away from zero,
    exactly (integer arithmetic on minor units). ``amount`` must be whole minor units."""
    if not 0 <= days <= of_days or of_days <= 0:
        raise ValueError(f"cannot prorate {days} of {of_days} days")
    places = minor_unit(currency)
    with exact_context():
        scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of {currency} minor units")
    units = int(scaled)
    quotient, remainder = divmod(abs(units) * days, of_days)
    if 2 * remainder >= of_days:
        quotient += 1
    return round_money(Decimal(quotient if units >= 0 else -quotient).scaleb(-places), currency)


def amendment_charges(
    changes: Sequence[ItemChange], term: Term, effective: date, currency: str
) -> tuple[ChangeCharge, ...]:
    """The charges of an amendment effective on ``effective`` within ``term``, ordered by
    period start then by change order. Zero deltas are left out."""
    if effective not in term:
        raise ValueError(f"{effective} is outside the term [{term.start}, {term.end})")
    keys = [change.key for change in changes]
    if len(set(keys)) != len(keys):
        raise ValueError(f"item keys must be unique, got {keys}")
    charges: list[ChangeCharge] = []
    for change in changes:
        delta = change.after - change.before
        quantity = change.quantity
        months = change.billing_period.months
        if months is None:
            # A one-time price: charged once, on the effective date (added only).
            if delta:
                charges.append(
                    ChangeCharge(
                        change.key, 0, effective, None, quantity, delta, change.billing_period, None
                    )
                )
            continue
        if not delta:
            continue
        for index, period in enumerate(term.periods(months)):
            if period.end <= effective:
                continue
            if effective in period:
                remaining, days = proration_factor(period, effective)
                amount = prorate(delta, remaining, days, currency)
                span: tuple[int, int] | None = (remaining, days) if remaining != days else None
                start = effective
            else:
                amount, span, start = delta, None, period.start
            if amount:
                charges.append(
                    ChangeCharge(
                        change.key,
                        index,
                        start,
                        period.end,
                        quantity,
                        amount,
                        change.billing_period,
                        span,
                    )
                )
    return tuple(sorted(charges, key=lambda charge: charge.period_start))


def current_period(term: Term, billing_period: BillingPeriod, day: date) -> Period | None:
    """The billing period of ``billing_period`` containing ``day`` in ``term`` (``None``
    for one-time prices or a day outside the term)."""
    months = billing_period.months
    if months is None or day not in term:
        return None
    return next(p for p in term.periods(months) if day in p)

"""Charge schedules: every charge an order will ever bill, computed once when it is made.

A recurring line bills its net amount once per billing period of the term, the periods
anchored on the order's start date; a one-time line bills once, on the start date. Invoices
are made from the schedule and never priced again, so the schedule sums exactly to the
quote's total contract value (see docs/domain.md, "One pipeline for every change").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recur.core.catalog import BillingPeriod
from recur.core.periods import billing_periods
from recur.core.quotes import LineTerms, check_term, line_amounts


@dataclass(frozen=True)
class ScheduledCharge:
    """One charge of a schedule: a line's net amount for one billing period.

    ``period_end`` is exclusive, and ``None`` for a one-time charge (whose
    ``period_index`` is 0).
    """

    line_key: str
    period_index: int
    period_start: date
    period_end: date | None
    quantity: int
    amount: Decimal
    billing_period: BillingPeriod


def charge_schedule(
    lines: Sequence[tuple[str, LineTerms]],
    start: date,
    term_months: int,
    anchor: date | None = None,
) -> tuple[ScheduledCharge, ...]:
    """The charges of an order's lines over a term starting on ``start`` (its periods kept on
    the subscription's ``anchor`` day when a renewal's start was clamped to a month's end).

    ``lines`` pairs each line with a key unique within the order. Charges are ordered by
    period start, then by line order. Raises :class:`~recur.core.quotes.QuoteRuleError` for
    a bad line or term and ``ValueError`` for a repeated line key.
    """
    check_term(term_months, (terms.billing_period for _, terms in lines))
    keys = [key for key, _ in lines]
    if len(set(keys)) != len(keys):
        raise ValueError(f"line keys must be unique, got {keys}")
    charges: list[ScheduledCharge] = []
    for key, terms in lines:
        net = line_amounts(terms, term_months).net_amount
        months = BillingPeriod(terms.billing_period).months
        if months is None:
            charges.append(
                ScheduledCharge(key, 0, start, None, terms.quantity, net, terms.billing_period)
            )
            continue
        for index, period in enumerate(billing_periods(start, months, term_months, anchor)):
            charges.append(
                ScheduledCharge(
                    key,
                    index,
                    period.start,
                    period.end,
                    terms.quantity,
                    net,
                    terms.billing_period,
                )
            )
    # A stable sort keeps line order among charges that start on the same day.
    return tuple(sorted(charges, key=lambda charge: charge.period_start))


def charges_due(schedule: Iterable[ScheduledCharge], as_of: date) -> tuple[ScheduledCharge, ...]:
    """The charges billable by ``as_of`` (billing in advance: their period has started)."""
    return tuple(charge for charge in schedule if charge.period_start <= as_of)


def first_invoice_charges(
    schedule: Iterable[ScheduledCharge], start: date
) -> tuple[ScheduledCharge, ...]:
    """The charges of the first invoice: every line's first period and the one-time lines."""
    return tuple(charge for charge in schedule if charge.period_start == start)

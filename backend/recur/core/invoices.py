"""Invoice arithmetic: totals and tax, due dates, document numbers. Pure functions, no I/O.

An invoice's subtotal is the sum of its (already rounded) lines; tax is the account's rate
on that subtotal, rounded once; the total is subtotal + tax (see docs/domain.md, "Billing and
payments").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from recur.core.money import Money, exact_context, round_money

NUMBER_DIGITS = 6
"""Minimum digits of a document number: ``INV-000001``."""


@dataclass(frozen=True)
class InvoiceTotals:
    """An invoice's subtotal, tax and total, each with the currency's exponent."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal


def _check_tax_rate(rate: Decimal) -> Decimal:
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise ValueError(f"tax rate must be a finite Decimal, got {rate!r}")
    if not 0 <= rate <= 100:
        raise ValueError(f"tax rate must be between 0 and 100 percent, got {rate}")
    return rate


def invoice_totals(
    line_amounts: Iterable[Decimal], tax_rate_percent: Decimal, currency: str
) -> InvoiceTotals:
    """Totals of an invoice in ``currency`` whose lines are ``line_amounts``.

    Each line must already be rounded to the currency's minor unit (``ValueError``
    otherwise); lines may be negative (credits). Tax is ``subtotal × rate/100`` rounded
    once, half-up. No lines give zeros.
    """
    _check_tax_rate(tax_rate_percent)
    subtotal = Money.zero(currency).amount
    for amount in line_amounts:
        if not isinstance(amount, Decimal) or round_money(amount, currency) != amount:
            raise ValueError(f"invoice line {amount!r} is not rounded to {currency}'s minor unit")
        with exact_context():
            subtotal += amount
    subtotal = round_money(subtotal, currency)  # exact: only gives it the currency's exponent
    with exact_context():
        tax = round_money((subtotal * tax_rate_percent).scaleb(-2), currency)
        total = subtotal + tax
    return InvoiceTotals(subtotal=subtotal, tax=tax, total=total)


def due_date(issue_date: date, payment_terms_days: int) -> date:
    """When an invoice issued on ``issue_date`` is due: ``payment_terms_days`` later."""
    if isinstance(payment_terms_days, bool) or not isinstance(payment_terms_days, int):
        raise ValueError(f"payment terms must be an int of days, got {payment_terms_days!r}")
    if payment_terms_days < 0:
        raise ValueError(f"payment terms must not be negative, got {payment_terms_days}")
    return issue_date + timedelta(days=payment_terms_days)


def format_number(prefix: str, n: int) -> str:
    """A document number: ``format_number("INV", 1) == "INV-000001"``.

    At least six digits, more past 999999 (never truncated). Raises ``ValueError`` for an
    empty prefix or a number below 1.
    """
    if not prefix:
        raise ValueError("a document number needs a prefix")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"a document number must be an int of at least 1, got {n!r}")
    return f"{prefix}-{n:0{NUMBER_DIGITS}d}"

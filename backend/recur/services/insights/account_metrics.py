"""An account's figures: MRR and ARR, what it was billed and owes, how it pays, its next
renewal, and its MRR month by month (docs/customer-360.md, "Metrics")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, or_, select, type_coerce

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import InvoiceStatus, SubscriptionStatus
from recur.core.money import round_money
from recur.core.recurring import (
    RecurringCharge,
    last_months,
    month_end,
    monthly_recurring_on,
)
from recur.db.engine import Database
from recur.db.models import Charge, Invoice, Order, Payment, PaymentApplication, Subscription
from recur.db.types import ScaledDecimal
from recur.services.catalog import metered_charges

#: ``onTimePaymentRate`` has this many decimal places (0.9167 is 91.67 %).
RATE_PLACES = Decimal("0.0001")
#: ``averageDaysToPay`` has this many.
DAYS_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class AccountMetrics:
    lifetime_billed: Decimal
    open_balance: Decimal
    overdue_balance: Decimal
    #: Over the invoices paid in full; ``None`` before the first.
    average_days_to_pay: Decimal | None
    on_time_payment_rate: Decimal | None
    next_renewal_date: date | None


@dataclass(frozen=True)
class MonthlyRecurring:
    month: date
    mrr: Decimal


async def account_metrics(
    db: Database, account_id: int, currency: str, today: date
) -> AccountMetrics:
    """The account's figures in three statements, whatever its history (the caller has
    checked that the actor may see the account)."""
    balance = Invoice.total - Invoice.amount_paid - Invoice.amount_credited
    is_open = Invoice.status == InvoiceStatus.OPEN
    totals = select(
        _amount_sum(case((Invoice.status != InvoiceStatus.VOID, Invoice.total))),
        _amount_sum(case((is_open, balance))),
        _amount_sum(case((is_open & (Invoice.due_date < today), balance))),
    ).where(Invoice.account_id == account_id)
    # The day each paid invoice was settled: its last payment applied.
    paid = (
        select(Invoice.issue_date, Invoice.due_date, func.max(Payment.received_on))
        .join(PaymentApplication, PaymentApplication.invoice_id == Invoice.id)
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(Invoice.account_id == account_id, Invoice.status == InvoiceStatus.PAID)
        .group_by(Invoice.id, Invoice.issue_date, Invoice.due_date)
    )
    renewal = select(func.min(Subscription.current_term_end)).where(
        Subscription.account_id == account_id,
        Subscription.status == SubscriptionStatus.ACTIVE,
        Subscription.current_term_end >= today,
    )
    async with db.session() as session:
        billed, open_balance, overdue = (await session.execute(totals)).one()
        settled = (await session.execute(paid)).all()
        next_renewal = await session.scalar(renewal)
    days = [(paid_on - issued).days for issued, _due, paid_on in settled]
    on_time = [paid_on <= due for _issued, due, paid_on in settled]
    return AccountMetrics(
        lifetime_billed=round_money(billed, currency),
        open_balance=round_money(open_balance, currency),
        overdue_balance=round_money(overdue, currency),
        average_days_to_pay=(
            (Decimal(sum(days)) / len(days)).quantize(DAYS_PLACES) if days else None
        ),
        on_time_payment_rate=(
            (Decimal(sum(on_time)) / len(on_time)).quantize(RATE_PLACES) if on_time else None
        ),
        next_renewal_date=next_renewal,
    )


def _amount_sum(amounts: ColumnElement[Decimal]) -> ColumnElement[Decimal]:
    """``SUM`` of an amount expression, 0 when there is none, read back as an amount."""
    return type_coerce(func.coalesce(func.sum(amounts), 0), ScaledDecimal(6))


async def recurring_charges(
    db: Database, account_ids: Sequence[int], since: date, until: date
) -> dict[int, list[RecurringCharge]]:
    """The accounts' recurring charges whose period meets ``[since, until]``, by account, in
    one statement."""
    statement = (
        select(
            Order.account_id,
            Charge.billing_period,
            Charge.period_start,
            Charge.period_end,
            func.coalesce(Charge.period_delta, Charge.amount),
            Subscription.canceled_on,
        )
        .join(Order, Order.id == Charge.order_id)
        .outerjoin(Subscription, Subscription.id == Order.subscription_id)
        .where(
            Order.account_id.in_(set(account_ids)),
            Charge.billing_period.in_([BillingPeriod.MONTH, BillingPeriod.YEAR]),
            ~metered_charges(),
            Charge.period_start <= until,
            or_(Charge.period_end.is_(None), Charge.period_end > since),
        )
    )
    async with db.session() as session:
        rows = (await session.execute(statement)).all()
    charges: dict[int, list[RecurringCharge]] = defaultdict(list)
    for account_id, period, start, end, amount, canceled_on in rows:
        charges[account_id].append(
            RecurringCharge(
                billing_period=period,
                start=start,
                end=end,
                per_period=Decimal(amount),
                canceled_on=canceled_on,
            )
        )
    return charges


async def monthly_recurring_by_account(
    db: Database, currencies: Mapping[int, str], today: date
) -> dict[int, Decimal]:
    """The MRR in effect today of each account (by id, with its currency), in one
    statement (for dataloaders)."""
    if not currencies:
        return {}
    charges = await recurring_charges(db, list(currencies), today, today)
    return {
        account_id: round_money(monthly_recurring_on(today, charges[account_id]), currency)
        for account_id, currency in currencies.items()
    }


async def mrr_by_month(
    db: Database, account_id: int, currency: str, today: date, months: int
) -> list[MonthlyRecurring]:
    """The MRR in effect on the last day of each of the ``months`` months ending with the
    current one (the current month's as scheduled), oldest first."""
    firsts = last_months(today, months)
    if not firsts:
        return []
    by_account = await recurring_charges(db, [account_id], firsts[0], month_end(firsts[-1]))
    charges = by_account[account_id]
    return [
        MonthlyRecurring(
            month=first,
            mrr=round_money(monthly_recurring_on(month_end(first), charges), currency),
        )
        for first in firsts
    ]

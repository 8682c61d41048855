"""What each role's dashboard shows besides MRR (docs/revenue-metrics.md, "Dashboards").

Sales (reps: their own accounts; managers, admins: everyone's): the open pipeline by stage
with contract values, the renewals due in 30, 60 and 90 days, the quotes waiting for a
manager's approval, and the discounts given on quotes accepted lately. Finance: what was
billed and collected each month, what is open, and the days sales outstanding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, Select, and_, case, cast, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from recur.core import quotes as rules
from recur.core.lifecycle import InvoiceStatus, QuoteKind, QuoteStatus
from recur.core.money import round_money
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Invoice, Payment, Price, Quote, Refund
from recur.services.accounts import visible_accounts
from recur.services.common import Actor, Forbidden
from recur.services.metrics.revenue import (
    MetricsFilter,
    month_index,
    month_start,
    require_staff,
)
from recur.services.quotes import price_quote, prices_for
from recur.services.subscriptions import upcoming_renewals

#: A quote still on its way to the customer's signature.
OPEN_STAGES = (
    QuoteStatus.DRAFT,
    QuoteStatus.IN_REVIEW,
    QuoteStatus.PENDING_APPROVAL,
    QuoteStatus.APPROVED,
    QuoteStatus.SENT,
)
RENEWAL_WINDOWS = (30, 60, 90)
#: How far back "discounts given" and the days sales outstanding look.
LOOKBACK_DAYS = 90
#: Months of billed and collected amounts on the finance dashboard.
TREND_MONTHS = 12
_SALES = (Role.REP, Role.MANAGER, Role.ADMIN)
_FINANCE = (Role.FINANCE, Role.ADMIN, Role.MANAGER)
_NO_THRESHOLD = Decimal(100)


@dataclass(frozen=True)
class Stage:
    status: QuoteStatus
    currency: str
    count: int
    contract_value: Decimal


@dataclass(frozen=True)
class RenewalsDue:
    within_days: int
    currency: str
    count: int
    monthly_recurring: Decimal


@dataclass(frozen=True)
class Discounts:
    currency: str
    quotes: int
    list_value: Decimal
    contract_value: Decimal

    @property
    def discount(self) -> Decimal:
        return self.list_value - self.contract_value


@dataclass(frozen=True)
class SalesDashboard:
    pipeline: list[Stage]
    renewals_due: list[RenewalsDue]
    approvals_waiting: int
    discounts: list[Discounts]
    since: date


@dataclass(frozen=True)
class FinanceMonth:
    month: date
    billed: Decimal
    collected: Decimal


@dataclass(frozen=True)
class Receivables:
    currency: str
    open: Decimal
    overdue: Decimal
    billed_lately: Decimal
    trend: list[FinanceMonth]
    #: Balances written off as uncollectible: bad debt, apart from the open receivables.
    written_off: Decimal = Decimal(0)

    @property
    def days_sales_outstanding(self) -> Decimal | None:
        """Open receivables ÷ what was billed in the last 90 days × 90; none without billing."""
        if self.billed_lately <= 0:
            return None
        return (self.open / self.billed_lately * LOOKBACK_DAYS).quantize(Decimal("0.1"))


def _sales_scope(actor: Actor, book: MetricsFilter) -> ColumnElement[bool]:
    condition = visible_accounts(actor)
    if book.owner_id is not None:
        condition = and_(condition, Account.owner_id == book.owner_id)
    return Quote.account_id.in_(select(Account.id).where(condition))


async def sales_dashboard(
    db: Database, actor: Actor, *, today: date, book: MetricsFilter | None = None
) -> SalesDashboard:
    """The pipeline, renewals, approvals and discounts of the accounts ``actor`` sees."""
    require_staff(actor)
    if actor.role not in _SALES:
        raise Forbidden("The sales dashboard is for reps, managers and admins.")
    book = book or MetricsFilter()
    scope = _sales_scope(actor, book)
    since = today - timedelta(days=LOOKBACK_DAYS)
    kinds = (QuoteKind.NEW, QuoteKind.RENEWAL)
    open_quotes = _quotes(scope, Quote.status.in_(OPEN_STAGES), Quote.kind.in_(kinds))
    accepted = _quotes(
        scope,
        Quote.status == QuoteStatus.ACCEPTED,
        Quote.kind.in_(kinds),
        Quote.updated_at >= datetime.combine(since, time(0), tzinfo=UTC),
    )
    async with db.session() as session:
        pipeline_quotes = list(await session.scalars(open_quotes))
        accepted_quotes = list(await session.scalars(accepted))
        prices = await prices_for(session, pipeline_quotes + accepted_quotes)
        waiting = await session.scalar(
            select(func.count())
            .select_from(Quote)
            .where(scope, Quote.status == QuoteStatus.PENDING_APPROVAL)
        )
    stages: dict[tuple[QuoteStatus, str], list[Decimal]] = defaultdict(list)
    for quote in pipeline_quotes:
        stages[quote.status, quote.currency].append(_contract_value(quote, prices)[1])
    discounts: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for quote in accepted_quotes:
        discounts[quote.currency].append(_contract_value(quote, prices))
    renewals = []
    for days in RENEWAL_WINDOWS:
        due = await upcoming_renewals(db, actor, today=today, within_days=days)
        renewals += [
            RenewalsDue(days, total.currency, total.count, total.monthly_recurring)
            for total in due.totals
        ]
    order = {status: i for i, status in enumerate(OPEN_STAGES)}
    return SalesDashboard(
        pipeline=[
            Stage(status, currency, len(values), sum(values, Decimal(0)))
            for (status, currency), values in sorted(
                stages.items(), key=lambda kv: (kv[0][1], order[kv[0][0]])
            )
        ],
        renewals_due=renewals,
        approvals_waiting=int(waiting or 0),
        discounts=[
            Discounts(
                currency,
                len(pairs),
                sum((listed for listed, _ in pairs), Decimal(0)),
                sum((net for _, net in pairs), Decimal(0)),
            )
            for currency, pairs in sorted(discounts.items())
        ],
        since=since,
    )


def _quotes(*conditions: ColumnElement[bool]) -> Select[Quote]:
    return (
        select(Quote)
        .where(Quote.is_cart.is_(False), *conditions)
        .options(selectinload(Quote.lines))
        .order_by(Quote.id)
    )


def _contract_value(quote: Quote, prices: dict[int, Price]) -> tuple[Decimal, Decimal]:
    """A quote's contract value at list prices and as quoted (0 for one that cannot be
    priced as it stands, e.g. a draft whose term does not fit a yearly price)."""
    try:
        priced = price_quote(quote, prices, _NO_THRESHOLD)
    except rules.QuoteRuleError:
        return Decimal(0), Decimal(0)
    listed = Decimal(0)
    for line in priced.lines:
        periods = rules.periods_in_term(line.price.billing_period, quote.term_months)
        listed += line.amounts.list_amount * periods
    return round_money(listed, quote.currency), priced.totals.total_contract_value


async def finance_dashboard(db: Database, actor: Actor, *, today: date) -> list[Receivables]:
    """Per currency: open and overdue receivables, billed and collected by month for the
    last 12 months, and what was billed in the last 90 days (for the DSO)."""
    require_staff(actor)
    if actor.role not in _FINANCE:
        raise Forbidden("The finance dashboard is for finance, managers and admins.")
    seen = Invoice.account_id.in_(select(Account.id).where(visible_accounts(actor)))
    first = month_index(today) - TREND_MONTHS + 1
    since = month_start(first)
    issued = Invoice.status != InvoiceStatus.VOID
    # Only open invoices are owed: a written-off (UNCOLLECTIBLE) balance is reported apart.
    left = case(
        (
            Invoice.status == InvoiceStatus.OPEN,
            cast(Invoice.total, BigInteger)
            - cast(Invoice.amount_paid, BigInteger)
            - cast(Invoice.amount_credited, BigInteger),
        ),
        else_=0,
    )
    open_rows = (
        select(
            Invoice.currency,
            func.coalesce(func.sum(left), 0),
            func.coalesce(func.sum(case((Invoice.due_date < today, left), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            Invoice.issue_date > today - timedelta(days=LOOKBACK_DAYS),
                            cast(Invoice.total, BigInteger),
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(func.sum(cast(Invoice.written_off, BigInteger)), 0),
        )
        .where(seen, issued)
        .group_by(Invoice.currency)
    )
    billed_rows = select(Invoice.currency, Invoice.issue_date, Invoice.total).where(
        seen, issued, Invoice.issue_date >= since, Invoice.issue_date <= today
    )
    paid_seen = Payment.account_id.in_(select(Account.id).where(visible_accounts(actor)))
    collected_rows = select(Payment.currency, Payment.received_on, Payment.amount).where(
        paid_seen, Payment.received_on >= since, Payment.received_on <= today
    )
    # Money given back is collected no more: refunds count against their month.
    refunded_rows = select(Refund.currency, Refund.refunded_on, -Refund.amount).where(
        Refund.account_id.in_(select(Account.id).where(visible_accounts(actor))),
        Refund.refunded_on >= since,
        Refund.refunded_on <= today,
    )
    async with db.session() as session:
        totals = (await session.execute(open_rows)).all()
        billed = (await session.execute(billed_rows)).all()
        collected = [
            *(await session.execute(collected_rows)).all(),
            *(await session.execute(refunded_rows)).all(),
        ]
    trend: dict[str, dict[int, list[Decimal]]] = defaultdict(
        lambda: {m: [Decimal(0), Decimal(0)] for m in range(first, first + TREND_MONTHS)}
    )
    for currency, day, amount in billed:
        trend[currency][month_index(day)][0] += amount
    for currency, day, amount in collected:
        trend[currency][month_index(day)][1] += amount
    micro = Decimal(1).scaleb(-6)
    open_by_currency = {
        currency: tuple(Decimal(int(figure)) * micro for figure in figures)
        for currency, *figures in totals
    }
    nothing = (Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    currencies = sorted(set(open_by_currency) | set(trend))
    return [
        Receivables(
            currency=currency,
            open=round_money(open_by_currency.get(currency, nothing)[0], currency),
            overdue=round_money(open_by_currency.get(currency, nothing)[1], currency),
            billed_lately=round_money(open_by_currency.get(currency, nothing)[2], currency),
            written_off=round_money(open_by_currency.get(currency, nothing)[3], currency),
            trend=[
                FinanceMonth(
                    month_start(m),
                    round_money(pair[0], currency),
                    round_money(pair[1], currency),
                )
                for m, pair in sorted(trend[currency].items())
            ],
        )
        for currency in currencies
    ]

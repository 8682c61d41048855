"""Revenue metrics: MRR and its movements by month, computed in the database.

What is in effect is read from the charge schedules (docs/revenue-metrics.md): every
recurring charge adds its whole period's net amount per month (yearly ÷ 12) from the day it
takes effect (its period's start, or a change's effective date) until its period ends.
Charges closed without a document (a change called off, a renewal called off, an item
removed before its period began) never take effect and are left out.

The database does the work per account: each charge becomes a step up in the month it takes
effect and a step down in the month its period ends, the steps are added per account and
month, a running sum gives each account's MRR at every month end where it changes (rounded
once to the currency's minor unit), and the movements are classified and added per month.
Python receives one row per month with a change and adds the months up, so the identity
``mrr = previous + new + expansion + reactivation - contraction - churned`` holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from recur.core.catalog import BillingPeriod
from recur.core.money import minor_unit
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Charge, Order
from recur.services.accounts import visible_accounts
from recur.services.catalog import metered_charges
from recur.services.common import Actor, Forbidden, Invalid, NotAuthenticated, Problem

#: The longest window one request may ask for, in months (ten years).
MAX_MONTHS = 120
#: Amounts are stored in micro-units; a month's share of a yearly amount is kept in twelfths.
_MICRO_PLACES = 6
_STAFF = (Role.REP, Role.MANAGER, Role.FINANCE, Role.ADMIN)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` in percent of ``whole``, to two places (half-up); ``None`` when it is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class RevenueMonth:
    """One month of one currency: MRR on its last day and the movements since the month
    before (all ≥ 0), exact to the currency's minor unit."""

    month: date
    mrr: Decimal
    new: Decimal
    expansion: Decimal
    contraction: Decimal
    churned: Decimal
    reactivation: Decimal
    active_accounts: int
    #: Accounts with MRR at the end of the month before that have none at the end of this one.
    churned_accounts: int
    #: Accounts with MRR at the end of the month before.
    accounts_before: int

    @property
    def arr(self) -> Decimal:
        return self.mrr * 12

    @property
    def logo_churn_percent(self) -> Decimal | None:
        return percent(self.churned_accounts, self.accounts_before)

    @property
    def gross_revenue_retention_percent(self) -> Decimal | None:
        kept = self.mrr_before - self.contraction - self.churned
        return percent(kept, self.mrr_before)

    @property
    def net_revenue_retention_percent(self) -> Decimal | None:
        kept = self.mrr_before + self.expansion - self.contraction - self.churned
        return percent(kept, self.mrr_before)

    @property
    def mrr_before(self) -> Decimal:
        return (
            self.mrr
            - self.new
            - self.expansion
            - self.reactivation
            + self.contraction
            + self.churned
        )


@dataclass(frozen=True)
class MetricsFilter:
    """Whose book: every account the actor sees, narrowed to one owner or one account."""

    owner_id: int | None = None
    account_id: int | None = None


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def check_window(currency: str, start: date, end: date) -> tuple[int, int]:
    """The window's first and last month indexes, or ``Invalid`` naming the argument."""
    problems = []
    try:
        minor_unit(currency)
    except ValueError:
        problems.append(Problem(("currency",), f"Unknown currency {currency!r}.", "INVALID"))
    first, last = month_index(start), month_index(end)
    if last < first:
        problems.append(Problem(("to",), "to must not be before from.", "INVALID"))
    elif last - first + 1 > MAX_MONTHS:
        problems.append(
            Problem(("to",), f"from and to may span at most {MAX_MONTHS} months.", "INVALID")
        )
    if problems:
        raise Invalid(problems)
    return first, last


def require_staff(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in _STAFF:
        raise Forbidden("Revenue metrics are for staff.")


async def revenue_metrics(
    db: Database,
    actor: Actor,
    *,
    currency: str,
    start: date,
    end: date,
    book: MetricsFilter | None = None,
) -> list[RevenueMonth]:
    """Every month from ``start``'s to ``end``'s, of the accounts ``actor`` sees (a rep: the
    accounts it owns), in ``currency``."""
    require_staff(actor)
    first, last = check_window(currency, start, end)
    places = minor_unit(currency)
    statement = _monthly_statement(db, actor, currency, last, places, book or MetricsFilter())
    async with db.session() as session:
        rows = (await session.execute(statement)).all()
    return _months([tuple(row) for row in rows], first, last, places)


def _month_of(db: Database, column: Any) -> ColumnElement[int]:
    if db.is_sqlite:
        year = cast(func.substr(column, 1, 4), Integer)
        month = cast(func.substr(column, 6, 2), Integer)
    else:
        year = cast(func.extract("year", column), Integer)
        month = cast(func.extract("month", column), Integer)
    return year * 12 + month - 1


def _monthly_statement(
    db: Database, actor: Actor, currency: str, last: int, places: int, book: MetricsFilter
) -> Select[tuple[int, int, int, int, int, int, int, int, int]]:
    # A charge's whole period's amount (an amendment's: the period's delta, though the part
    # of its first period is prorated), in micro-units; a month's share of it in twelfths.
    raw_amount = func.coalesce(
        cast(Charge.period_delta, BigInteger), cast(Charge.amount, BigInteger)
    )

    def twelfths(period: Any) -> Any:
        return case((period == BillingPeriod.YEAR.value, literal(1)), else_=literal(12))

    # An order line's charges, one per period, all worth the same, make one run: from its
    # first period's start (or the order's, for a change taking effect within a period) to
    # its last period's end. The covering index ix_charges_schedule feeds this in line
    # order. A run with a gap in its periods (closed as netted) or with different amounts is
    # read charge by charge instead.
    lines = (
        select(
            Charge.quote_line_id.label("line_id"),
            func.max(Charge.order_id).label("order_id"),
            func.min(cast(Charge.billing_period, String)).label("period"),
            func.min(raw_amount).label("low"),
            func.max(raw_amount).label("high"),
            func.min(Charge.period_start).label("first_start"),
            func.max(Charge.period_end).label("last_end"),
            (func.max(Charge.period_index) - func.min(Charge.period_index) + 1).label("span"),
            func.count().label("charges"),
        )
        .where(Charge.period_end.is_not(None), Charge.netted_on.is_(None), ~metered_charges())
        .group_by(Charge.quote_line_id)
        .subquery("lines")
    )
    conditions = [Order.currency == currency]
    if not (actor.sees_all_accounts and book == MetricsFilter()):
        conditions.append(Order.account_id.in_(select(Account.id).where(_book(actor, book))))
    runs = (
        select(
            Order.account_id.label("account_id"),
            lines.c.line_id,
            (lines.c.low * twelfths(lines.c.period)).label("v"),
            Order.start_date.label("order_start"),
            lines.c.first_start,
            lines.c.last_end,
            case(
                (and_(lines.c.span == lines.c.charges, lines.c.low == lines.c.high), 1),
                else_=0,
            ).label("whole"),
        )
        .select_from(lines.join(Order.__table__, Order.id == lines.c.order_id))
        .where(*conditions)
        .cte("runs")
    )

    def later(first: Any, second: Any) -> Any:
        return case((first > second, first), else_=second)

    whole = runs.c.whole == 1
    broken = (
        select(
            runs.c.account_id,
            (raw_amount * twelfths(Charge.billing_period)).label("v"),
            later(runs.c.order_start, Charge.period_start).label("starts"),
            Charge.period_end.label("ends"),
        )
        .join(
            Charge,
            and_(
                Charge.quote_line_id == runs.c.line_id,
                Charge.period_end.is_not(None),
                Charge.netted_on.is_(None),
            ),
        )
        .where(runs.c.whole == 0)
        .cte("broken")
    )
    steps = union_all(
        select(
            runs.c.account_id,
            _month_of(db, later(runs.c.order_start, runs.c.first_start)).label("m"),
            runs.c.v.label("v"),
        ).where(whole),
        select(runs.c.account_id, _month_of(db, runs.c.last_end), -runs.c.v).where(whole),
        select(broken.c.account_id, _month_of(db, broken.c.starts), broken.c.v),
        select(broken.c.account_id, _month_of(db, broken.c.ends), -broken.c.v),
    ).subquery("steps")
    changed = (
        select(
            steps.c.account_id,
            steps.c.m,
            cast(func.sum(steps.c.v), BigInteger).label("d"),
        )
        .where(steps.c.m <= last)
        .group_by(steps.c.account_id, steps.c.m)
        .having(func.sum(steps.c.v) != 0)
        .subquery("changed")
    )
    running = select(
        changed.c.account_id,
        changed.c.m,
        cast(
            func.sum(changed.c.d).over(partition_by=changed.c.account_id, order_by=changed.c.m),
            BigInteger,
        ).label("exact"),
    ).subquery("running")
    # Each account's MRR rounded once, half-up, to the minor unit (twelfths of micro-units
    # per minor unit); a negative running sum cannot come from a consistent schedule.
    unit = 12 * 10 ** (_MICRO_PLACES - places)
    rounded = select(
        running.c.account_id,
        running.c.m,
        case(
            (running.c.exact > 0, (running.c.exact + unit // 2) // literal(unit, BigInteger)),
            else_=literal(0, BigInteger),
        ).label("cur"),
    ).subquery("rounded")
    account, month = rounded.c.account_id, rounded.c.m
    lag = func.lag(rounded.c.cur).over(partition_by=account, order_by=month)
    positive = case((rounded.c.cur > 0, 1), else_=0)
    # Whether the account had MRR at any month end before this one (new or reactivation).
    earlier = func.max(positive).over(partition_by=account, order_by=month, rows=(None, -1))
    moves = select(
        rounded.c.m,
        rounded.c.cur,
        func.coalesce(lag, 0).label("prev"),
        func.coalesce(earlier, 0).label("had"),
    ).subquery("moves")
    cur, prev, had = moves.c.cur, moves.c.prev, moves.c.had
    zero = literal(0, BigInteger)

    def total(condition: ColumnElement[bool], amount: ColumnElement[int]) -> ColumnElement[int]:
        return cast(func.sum(case((condition, amount), else_=zero)), BigInteger)

    return (
        select(
            moves.c.m,
            cast(func.sum(cur - prev), BigInteger),
            total(and_(prev == 0, cur > 0, had == 0), cur),
            total(and_(prev > 0, cur > prev), cur - prev),
            total(and_(cur > 0, prev > cur), prev - cur),
            total(and_(cur == 0, prev > 0), prev),
            total(and_(prev == 0, cur > 0, had > 0), cur),
            total(and_(prev == 0, cur > 0), literal(1, BigInteger)),
            total(and_(prev > 0, cur == 0), literal(1, BigInteger)),
        )
        .group_by(moves.c.m)
        .order_by(moves.c.m)
    )


def _book(actor: Actor, book: MetricsFilter) -> ColumnElement[bool]:
    condition = visible_accounts(actor)
    if book.owner_id is not None:
        condition = and_(condition, Account.owner_id == book.owner_id)
    if book.account_id is not None:
        condition = and_(condition, Account.id == book.account_id)
    return condition


def _months(
    rows: list[tuple[Any, ...]],
    first: int,
    last: int,
    places: int,
) -> list[RevenueMonth]:
    by_month = {int(row[0]): [int(value) for value in row[1:]] for row in rows}
    mrr = active = 0
    for m in sorted(by_month):
        if m >= first:
            break
        net, *_, started, stopped = by_month[m]
        mrr, active = mrr + net, active + started - stopped

    def money(minor: int) -> Decimal:
        return Decimal(minor).scaleb(-places)

    months = []
    for m in range(first, last + 1):
        net, new, expansion, contraction, churned, reactivation, started, stopped = by_month.get(
            m, [0] * 8
        )
        before = active
        mrr, active = mrr + net, active + started - stopped
        months.append(
            RevenueMonth(
                month=month_start(m),
                mrr=money(mrr),
                new=money(new),
                expansion=money(expansion),
                contraction=money(contraction),
                churned=money(churned),
                reactivation=money(reactivation),
                active_accounts=active,
                churned_accounts=stopped,
                accounts_before=before,
            )
        )
    return months

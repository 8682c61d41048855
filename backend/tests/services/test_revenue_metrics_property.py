"""Revenue metrics against a brute-force recomputation, for books drawn by Hypothesis.

A book is a few accounts, each with items bought on any day for a 12- or 24-month term,
monthly or yearly, changed on any day of the term (up, down, removed), sometimes with a
change scheduled and called off, sometimes renewed at another price. Its orders and charge
schedules are written the way the app writes them: a new order's charges per period, an
amendment's prorated first period carrying the whole period's delta, later periods the
delta, charges called off closed as netted.

The brute force knows only the items: what each is worth on each day, from the drawn book.
For every month it adds the accounts' MRR on the month's last day (each rounded once to the
cent) and classifies each account's movement from the month before. ``revenue_metrics``
must agree exactly, and each month's MRR must be the previous month's plus its movements.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import QuoteKind, QuoteStatus
from recur.core.periods import billing_periods, term_end
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Charge, Order, Price, Quote, QuoteLine, User
from recur.services import metrics
from recur.services.common import Actor

FIRST = date(2024, 1, 1)
WINDOW = (date(2024, 1, 1), date(2029, 6, 30))
ADMIN = Actor(user_id=1, role=Role.ADMIN)
MICRO = 10**6


@dataclass(frozen=True)
class Step:
    day: int  # days after the item's start
    cents: int  # the net per period from that day on; 0 removes the item
    called_off: bool = False  # scheduled, then called off: never takes effect
    #: For a removal: the billing run has closed the next period's charges of the item as
    #: netted (they cancel out), leaving a gap in each order line's periods.
    net_next: bool = False


@dataclass(frozen=True)
class Item:
    period: BillingPeriod
    start: date
    term: int
    cents: int
    steps: tuple[Step, ...]
    renewal_cents: int  # 0: not renewed


Book = tuple[tuple[Item, ...], ...]

amounts = st.integers(min_value=1, max_value=250_000)  # up to 2,500.00 per period


@st.composite
def items(draw: st.DrawFn) -> Item:
    period = draw(st.sampled_from([BillingPeriod.MONTH, BillingPeriod.YEAR]))
    term = draw(st.sampled_from([12, 24]))
    start = FIRST + timedelta(days=draw(st.integers(min_value=0, max_value=3 * 365)))
    days = (term_end(start, term) - start).days
    steps = draw(
        st.lists(
            st.builds(
                Step,
                day=st.integers(min_value=1, max_value=days - 1),
                cents=st.one_of(st.just(0), amounts),
                called_off=st.booleans(),
                net_next=st.booleans(),
            ),
            max_size=3,
            unique_by=lambda step: step.day,
        )
    )
    return Item(
        period=period,
        start=start,
        term=term,
        cents=draw(amounts),
        steps=tuple(sorted(steps, key=lambda step: step.day)),
        renewal_cents=draw(st.one_of(st.just(0), amounts)),
    )


books = st.lists(st.lists(items(), min_size=1, max_size=3).map(tuple), min_size=1, max_size=4)


def twelfths(item: Item, cents: int) -> int:
    """A net per period as twelfths of a micro-unit per month."""
    return cents * 10_000 * (12 if item.period is BillingPeriod.MONTH else 1)


def effective_steps(item: Item) -> Iterator[Step]:
    """The steps that take effect, up to the first that removes the item."""
    for step in item.steps:
        if step.called_off:
            continue
        yield step
        if step.cents == 0:
            return


def worth(item: Item, day: date) -> int:
    """Brute force: the item's net per period in effect on ``day``, in cents."""
    end = term_end(item.start, item.term)
    if item.start <= day < end:
        cents = item.cents
        for step in effective_steps(item):
            if item.start + timedelta(days=step.day) <= day:
                cents = step.cents
        return cents
    last = worth(item, end - timedelta(days=1))
    if last and item.renewal_cents and end <= day < term_end(end, item.term, item.start):
        return item.renewal_cents
    return 0


def month_ends() -> list[date]:
    ends, year, month = [], FIRST.year, FIRST.month
    while date(year, month, 1) <= WINDOW[1]:
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def expected(book: Book) -> list[tuple[Decimal, ...]]:
    """Per month: mrr, new, expansion, contraction, churned, reactivation, active accounts."""
    unit = 12 * 10**4  # twelfths of micro-units per cent
    history = [
        [
            (sum(twelfths(item, worth(item, day)) for item in account) + unit // 2) // unit
            for day in month_ends()
        ]
        for account in book
    ]
    rows = []
    for m in range(len(month_ends())):
        mrr = new = expansion = contraction = churned = reactivation = active = 0
        for cents in history:
            now, before = cents[m], cents[m - 1] if m else 0
            had = any(cents[: m - 1]) if m else False
            mrr += now
            active += now > 0
            if before == 0 and now > 0:
                if had:
                    reactivation += now
                else:
                    new += now
            elif before > 0 and now == 0:
                churned += before
            elif now > before:
                expansion += now - before
            else:
                contraction += before - now
        cents_row = (mrr, new, expansion, contraction, churned, reactivation)
        rows.append((*(Decimal(v).scaleb(-2) for v in cents_row), Decimal(active)))
    return rows


async def write(db: Database, book: Book) -> int:
    """The book's accounts, orders and charges, owned by a new rep; the rep's id."""
    async with db.transaction() as session:
        price_id = await session.scalar(select(Price.id).limit(1))
        assert price_id is not None
        token = uuid4().hex[:12]
        owner = User(email=f"rep-{token}@example.com", name="Rep", password_hash="-", role=Role.REP)
        session.add(owner)
        await session.flush()
        for n, account_items in enumerate(book):
            account = Account(name=f"Book {token} {n}", currency="USD", owner_id=owner.id)
            session.add(account)
            await session.flush()
            for item in account_items:
                await _write_item(session, account.id, item, price_id)
    return owner.id


async def _order(session, account_id, kind, start, term, price_id):  # type: ignore[no-untyped-def]
    number = uuid4().hex[:18]
    quote = Quote(
        number=f"Q{number}",
        account_id=account_id,
        kind=kind,
        status=QuoteStatus.ACCEPTED,
        currency="USD",
        start_date=start,
        term_months=term,
    )
    session.add(quote)
    await session.flush()
    line = QuoteLine(quote_id=quote.id, position=0, product_id=1, price_id=price_id, quantity=1)
    order = Order(
        number=f"O{number}",
        quote_id=quote.id,
        account_id=account_id,
        kind=kind,
        currency="USD",
        start_date=start,
        term_months=term,
    )
    session.add_all([line, order])
    await session.flush()
    return order, line


async def _write_item(session, account_id: int, item: Item, price_id: int) -> None:  # type: ignore[no-untyped-def]
    months = item.period.months
    assert months is not None
    periods = billing_periods(item.start, months, item.term)

    def charge(order, line, index, period, cents, delta=None, netted=None):  # type: ignore[no-untyped-def]
        product_id = line.product_id
        return Charge(
            order_id=order.id,
            quote_line_id=line.id,
            product_id=product_id,
            price_id=price_id,
            billing_period=item.period,
            period_index=index,
            period_start=period.start,
            period_end=period.end,
            quantity=1,
            list_amount=Decimal(abs(cents)).scaleb(-2),
            discount_percent=Decimal(0),
            amount=Decimal(cents).scaleb(-2),
            period_delta=None if delta is None else Decimal(delta).scaleb(-2),
            netted_on=netted,
        )

    order, line = await _order(session, account_id, QuoteKind.NEW, item.start, item.term, price_id)
    by_period: dict[int, list[Charge]] = {i: [] for i in range(len(periods))}

    def add(index: int, row: Charge) -> None:
        by_period[index].append(row)
        session.add(row)

    for i, period in enumerate(periods):
        add(i, charge(order, line, i, period, item.cents))
    cents = item.cents
    for step in item.steps:
        if cents == 0:
            break
        day = item.start + timedelta(days=step.day)
        delta = step.cents - cents
        if delta == 0:
            continue
        order, line = await _order(
            session, account_id, QuoteKind.AMENDMENT, day, item.term, price_id
        )
        netted = day if step.called_off else None
        for i, period in enumerate(periods):
            if period.end <= day:
                continue
            if period.start <= day:
                share = (period.end - day).days / (period.end - period.start).days
                amount = round(delta * share)
            else:
                amount = delta
            add(i, charge(order, line, i, period, amount, delta, netted))
        if not step.called_off:
            cents = step.cents
        if cents == 0 and step.net_next and not step.called_off:
            later = [i for i, period in enumerate(periods) if period.start > day]
            for row in by_period[later[0]] if later else []:
                row.netted_on = row.netted_on or day
    if cents and item.renewal_cents:
        end = term_end(item.start, item.term)
        order, line = await _order(session, account_id, QuoteKind.RENEWAL, end, item.term, price_id)
        renewed = billing_periods(end, months, item.term, item.start)
        session.add_all(
            charge(order, line, i, period, item.renewal_cents) for i, period in enumerate(renewed)
        )
    await session.flush()


YEARLY_ROUNDING: Book = (
    (
        Item(BillingPeriod.YEAR, date(2024, 1, 31), 12, 100_001, (Step(29, 50_000),), 0),
        Item(BillingPeriod.MONTH, date(2024, 3, 15), 12, 999, (Step(100, 0),), 0),
    ),
    (Item(BillingPeriod.MONTH, date(2024, 2, 29), 24, 5_000, (Step(40, 9_000, True),), 7_000),),
    (
        Item(
            BillingPeriod.MONTH,
            date(2024, 5, 5),
            12,
            4_000,
            (Step(20, 6_000), Step(75, 0, net_next=True)),
            0,
        ),
    ),
)
COMES_BACK: Book = (
    (
        Item(BillingPeriod.MONTH, date(2024, 1, 10), 12, 10_000, (Step(60, 0),), 0),
        Item(BillingPeriod.MONTH, date(2024, 9, 1), 12, 20_000, (), 30_000),
    ),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(book=YEARLY_ROUNDING)
@example(book=COMES_BACK)
@given(book=books)
async def test_metrics_equal_a_brute_force_recomputation_from_the_items_in_effect(
    db: Database, book: Book
) -> None:
    owner = await write(db, book)
    months = await metrics.revenue_metrics(
        db,
        ADMIN,
        currency="USD",
        start=WINDOW[0],
        end=WINDOW[1],
        book=metrics.MetricsFilter(owner_id=owner),
    )
    got = [
        (
            m.mrr,
            m.new,
            m.expansion,
            m.contraction,
            m.churned,
            m.reactivation,
            Decimal(m.active_accounts),
        )
        for m in months
    ]
    assert got == expected(book)
    previous = Decimal(0)
    for month in months:
        assert min(month.new, month.expansion, month.contraction, month.churned) >= 0
        assert month.mrr == (
            previous
            + month.new
            + month.expansion
            + month.reactivation
            - month.contraction
            - month.churned
        )
        assert month.arr == month.mrr * 12
        previous = month.mrr

"""Renewals coming up, straight at the service: the window, each status, who sees what.

On the demo's day (2026-11-24) two three-month Globex terms come up: cloud storage
(SUB-000004, €190 a month, auto-renews) ends on 2027-01-10, in 47 days; the text-message
pilot (SUB-000005, €230 a month, auto-renew off) on 2027-02-04, in 72 days. Acme's
(SUB-000002, $1,115 a month), Initech's (SUB-000003) and Globex's two-year deal
(SUB-000001) end later; tests pull them into the window where needed.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
from recur.core.renewals import RenewalStatus
from recur.db.engine import Database
from recur.db.models import Partner, Quote, QuoteLine, Subscription, User
from recur.services.common import ANONYMOUS, READ_SCOPE, Actor, Forbidden, Invalid, NotAuthenticated
from recur.services.subscriptions import UpcomingRenewals, upcoming_renewals
from tests.databases import DEMO_TODAY

TODAY = DEMO_TODAY
STORAGE, PILOT = "SUB-000004", "SUB-000005"
STORAGE_END, PILOT_END = date(2027, 1, 10), date(2027, 2, 4)
_numbers = itertools.count(1)


async def actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def set_subscription(db: Database, number: str, **values: object) -> None:
    """Change a demo subscription's columns (a term end, its status, auto-renew)."""
    async with db.transaction() as session:
        await session.execute(
            update(Subscription).where(Subscription.number == number).values(**values)
        )


async def add_quote(
    db: Database,
    number: str,
    status: QuoteStatus,
    *,
    start: date | None = None,
    kind: QuoteKind = QuoteKind.RENEWAL,
    is_cart: bool = False,
    expires_on: date | None = None,
) -> str:
    """A quote of the subscription's items for the term starting on ``start`` (default: the
    coming term), written directly as another feature would; returns its number."""
    async with db.transaction() as session:
        subscription = await session.scalar(
            select(Subscription)
            .where(Subscription.number == number)
            .options(selectinload(Subscription.items))
        )
        assert subscription is not None
        quote = Quote(
            number=f"Q-R{next(_numbers):05d}",
            account_id=subscription.account_id,
            kind=kind,
            status=status,
            currency=subscription.currency,
            start_date=start or subscription.current_term_end,
            term_months=subscription.term_months,
            version=1,
            is_cart=is_cart,
            subscription_id=subscription.id,
            expires_on=expires_on,
            lines=[
                QuoteLine(
                    position=position,
                    product_id=item.product_id,
                    price_id=item.price_id,
                    quantity=item.quantity,
                    discount_percent=item.discount_percent,
                )
                for position, item in enumerate(subscription.items, start=1)
            ],
        )
        session.add(quote)
    return quote.number


async def _due(
    db: Database, email: str = "maria@recur.example", days: int = 90
) -> UpcomingRenewals:
    return await upcoming_renewals(db, await actor(db, email), today=TODAY, within_days=days)


def _rows(due: UpcomingRenewals) -> list[tuple[str, RenewalStatus, str | None]]:
    return [
        (e.subscription.number, e.status, e.quote.number if e.quote else None) for e in due.entries
    ]


async def test_the_demos_short_terms_are_due_with_what_they_are_worth(db: Database) -> None:
    due = await _due(db)

    assert (due.as_of, due.within_days, due.through) == (TODAY, 90, date(2027, 2, 22))
    assert _rows(due) == [
        (STORAGE, RenewalStatus.AUTO_RENEWS, None),
        (PILOT, RenewalStatus.EXPIRES, None),
    ]
    assert [e.subscription.current_term_end for e in due.entries] == [STORAGE_END, PILOT_END]
    # 20 blocks of storage at €8 plus the band's €30 (volume band 11–50); 20,000 messages
    # at €0.0115.
    assert [e.monthly_recurring for e in due.entries] == [Decimal("190.00"), Decimal("230.00")]
    [eur] = due.totals
    assert (eur.currency, eur.count, eur.monthly_recurring) == ("EUR", 2, Decimal("420.00"))


@pytest.mark.parametrize(
    ("days", "numbers"),
    [(30, []), (46, []), (47, [STORAGE]), (71, [STORAGE]), (72, [STORAGE, PILOT])],
)
async def test_the_window_includes_a_term_ending_on_its_last_day(
    db: Database, days: int, numbers: list[str]
) -> None:
    due = await _due(db, days=days)
    assert [e.subscription.number for e in due.entries] == numbers
    assert [t.count for t in due.totals] == ([len(numbers)] if numbers else [])


async def test_ended_terms_the_billing_run_has_not_handled_come_first(db: Database) -> None:
    # Globex's deal ended five days ago and is still active: the run has yet to renew it.
    await set_subscription(db, "SUB-000001", current_term_end=TODAY - timedelta(days=5))
    # Acme's ends on the window's last day, the same day as storage; Initech's a day later.
    await set_subscription(db, "SUB-000002", current_term_end=TODAY + timedelta(days=90))
    await set_subscription(db, STORAGE, current_term_end=TODAY + timedelta(days=90))
    await set_subscription(db, "SUB-000003", current_term_end=TODAY + timedelta(days=91))
    # A cancelled subscription is not renewed, whatever its term end says.
    await set_subscription(db, PILOT, status=SubscriptionStatus.CANCELED)

    due = await _due(db)

    assert [e.subscription.number for e in due.entries] == ["SUB-000001", "SUB-000002", STORAGE]
    assert [(t.currency, t.count) for t in due.totals] == [("EUR", 2), ("USD", 1)]
    usd = next(t for t in due.totals if t.currency == "USD")
    assert usd.monthly_recurring == Decimal("1115.00")  # platform $490 + 25 seats at $25
    assert [e.subscription.number for e in (await _due(db, days=91)).entries][-1] == "SUB-000003"


async def test_an_accepted_renewal_quote_agrees_the_renewal_whatever_is_newer(
    db: Database,
) -> None:
    await add_quote(db, PILOT, QuoteStatus.DRAFT)
    accepted = await add_quote(db, PILOT, QuoteStatus.ACCEPTED)
    await add_quote(db, PILOT, QuoteStatus.PENDING_APPROVAL)

    due = await _due(db)

    assert _rows(due)[1] == (PILOT, RenewalStatus.AGREED, accepted)


@pytest.mark.parametrize(
    "status",
    [
        QuoteStatus.DRAFT,
        QuoteStatus.IN_REVIEW,
        QuoteStatus.PENDING_APPROVAL,
        QuoteStatus.APPROVED,
        QuoteStatus.SENT,
    ],
)
async def test_an_open_renewal_quote_quotes_the_renewal(db: Database, status: QuoteStatus) -> None:
    await add_quote(db, STORAGE, QuoteStatus.DRAFT)  # an older one: the newest is shown
    newest = await add_quote(db, STORAGE, status, expires_on=TODAY + timedelta(days=30))
    valid_today = await add_quote(db, PILOT, status, expires_on=TODAY)

    assert _rows(await _due(db)) == [
        (STORAGE, RenewalStatus.QUOTED, newest),
        (PILOT, RenewalStatus.QUOTED, valid_today),
    ]


async def test_quotes_for_other_terms_kinds_or_answers_do_not_count(db: Database) -> None:
    # Last term's renewal (the billing run's kind of quote) and next year's.
    await add_quote(db, STORAGE, QuoteStatus.ACCEPTED, start=date(2026, 10, 10))
    await add_quote(db, STORAGE, QuoteStatus.DRAFT, start=date(2027, 4, 10))
    # An amendment and a cart, even for the coming term.
    await add_quote(db, STORAGE, QuoteStatus.ACCEPTED, kind=QuoteKind.AMENDMENT)
    await add_quote(db, STORAGE, QuoteStatus.DRAFT, is_cart=True)
    # Answered, or sent and no longer valid.
    await add_quote(db, PILOT, QuoteStatus.DECLINED)
    await add_quote(db, PILOT, QuoteStatus.EXPIRED)
    await add_quote(db, PILOT, QuoteStatus.SENT, expires_on=TODAY - timedelta(days=1))

    assert _rows(await _due(db)) == [
        (STORAGE, RenewalStatus.AUTO_RENEWS, None),
        (PILOT, RenewalStatus.EXPIRES, None),
    ]


async def test_reps_see_the_renewals_of_the_accounts_they_own(db: Database) -> None:
    await set_subscription(db, "SUB-000003", current_term_end=TODAY + timedelta(days=10))

    rita = [e.subscription.number for e in (await _due(db, "rita@recur.example")).entries]
    sam = await _due(db, "sam@recur.example")
    everyone = [e.subscription.number for e in (await _due(db, "fiona@recur.example")).entries]

    assert rita == [STORAGE, PILOT]  # Globex's; Initech is Sam's
    assert [e.subscription.number for e in sam.entries] == ["SUB-000003"]
    assert [(t.currency, t.count) for t in sam.totals] == [("USD", 1)]
    assert everyone == ["SUB-000003", STORAGE, PILOT]


async def test_customers_partners_and_anonymous_callers_are_refused(db: Database) -> None:
    alice = await actor(db, "alice@acme.example")
    async with db.session() as session:
        partner = await session.scalar(select(Partner.id).where(Partner.name == "Northwind"))
    northwind = Actor(partner_id=partner, client_id="northwind", scopes=frozenset({READ_SCOPE}))

    for refused in (alice, northwind):
        with pytest.raises(Forbidden):
            await upcoming_renewals(db, refused, today=TODAY)
    with pytest.raises(NotAuthenticated):
        await upcoming_renewals(db, ANONYMOUS, today=TODAY)


@pytest.mark.parametrize("days", [0, -1, 367, 10_000])
async def test_a_window_outside_one_to_366_days_is_refused(db: Database, days: int) -> None:
    with pytest.raises(Invalid) as refused:
        await _due(db, days=days)
    [problem] = refused.value.problems
    assert problem.field == ("withinDays",)
    assert "between 1 and 366" in problem.message


@pytest.mark.parametrize("days", [1, 366])
async def test_one_and_366_days_are_allowed(db: Database, days: int) -> None:
    due = await _due(db, days=days)
    assert due.through == TODAY + timedelta(days=days)

"""A believable past for the demo accounts, made through the same services the app uses:
carts checked out and quotes negotiated, approved, sent and accepted months ago, billed
every day since and mostly paid, so orders, subscriptions, invoices and payments exist
when the app first opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from recur.core.money import round_money
from recur.core.quotes import DEFAULT_APPROVAL_THRESHOLD
from recur.db.engine import Database
from recur.db.models import Account, Invoice, Order, Price, Product, User
from recur.services import quotes, subscriptions, workflow
from recur.services.billing import run_billing
from recur.services.common import Actor
from recur.services.payments import record_payment

THRESHOLD = DEFAULT_APPROVAL_THRESHOLD


@dataclass
class Cast:
    """The demo's people and prices, looked up once."""

    db: Database
    actors: dict[str, Actor]
    accounts: dict[str, int]
    prices: dict[tuple[str, str, str], int]
    #: The last day the nightly billing run has run for.
    billed_through: date | None = None

    def price(self, sku: str, currency: str, period: str) -> int:
        return self.prices[(sku, currency, period)]

    async def bill_through(self, day: date) -> None:
        """Run billing for every day up to ``day``, as a nightly schedule would have, so
        invoice numbers follow the calendar."""
        current = day if self.billed_through is None else self.billed_through + timedelta(days=1)
        while current <= day:
            await run_billing(self.db, as_of=current, now=at(current))
            current += timedelta(days=1)
        self.billed_through = day


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


async def load_history(db: Database, today: date) -> None:
    """Orders and quotes of the demo accounts, dated in the months before ``today``."""
    cast = await _cast(db)
    # In the order it happened, so document numbers follow the calendar.
    await _globex_negotiates_a_two_year_deal(
        cast, (today - relativedelta(months=8)).replace(day=15)
    )
    await _acme_buys_online(cast, end_of_month(today - relativedelta(months=6)))
    await _initech_gets_an_approved_discount(cast, end_of_month(today - relativedelta(months=3)))
    # Two short terms of Globex's come up for renewal within 90 days: one in about 45 days
    # (it renews automatically), one in about 70 (a pilot that ends unless renewed).
    await _globex_rents_storage_by_the_quarter(cast, today - timedelta(days=45))
    await _globex_pilots_text_messages(cast, today - timedelta(days=20))
    await _quotes_in_flight(cast, today)
    await _bill_and_collect(cast, today=today)


def end_of_month(day: date) -> date:
    return day + relativedelta(day=31)


async def _cast(db: Database) -> Cast:
    async with db.session() as session:
        users = list(await session.scalars(select(User)))
        accounts = {a.name: a.id for a in await session.scalars(select(Account))}
        rows = await session.execute(
            select(Product.sku, Price.currency, Price.billing_period, Price.id).join(Price)
        )
        prices = {(sku, cur, str(period)): pid for sku, cur, period, pid in rows}
    actors = {
        u.email.split("@")[0]: Actor(user_id=u.id, role=u.role, account_id=u.account_id)
        for u in users
    }
    return Cast(db, actors, accounts, prices)


async def _acme_buys_online(cast: Cast, day: date) -> None:
    """Alice bought the platform and 25 seats herself on the last day of a month."""
    alice = cast.actors["alice"]
    for sku, period, quantity in (
        ("PLAT-CORE", "MONTH", 1),
        ("SEAT-STD", "MONTH", 25),
        ("ONBOARD", "ONE_TIME", 1),
    ):
        await quotes.add_to_cart(
            cast.db,
            alice,
            price_id=cast.price(sku, "USD", period),
            quantity=quantity,
            today=day,
            now=at(day),
        )
    await cast.bill_through(day - timedelta(days=1))
    await workflow.checkout(
        cast.db,
        alice,
        quote_id=None,
        start_date=day,
        term_months=12,
        threshold=THRESHOLD,
        today=day,
        now=at(day),
    )


async def _globex_negotiates_a_two_year_deal(cast: Cast, start: date) -> None:
    """Rita sold Globex 40 professional seats and SSO for two years at 15 % off."""
    rita, bob = cast.actors["rita"], cast.actors["bob"]
    quote = await _quote(
        cast,
        rita,
        "Globex GmbH",
        start=start,
        term=24,
        on=start - timedelta(days=13),
        lines=[("SEAT-PRO", "EUR", "YEAR", 40, "15"), ("SSO", "EUR", "YEAR", 1, "15")],
    )
    sent, accepted = start - timedelta(days=12), start - timedelta(days=6)
    await workflow.send_quote(
        cast.db, rita, quote_id=quote, threshold=THRESHOLD, today=sent, now=at(sent)
    )
    await cast.bill_through(accepted - timedelta(days=1))
    await workflow.accept_quote(
        cast.db, bob, quote_id=quote, threshold=THRESHOLD, today=accepted, now=at(accepted)
    )


async def _initech_gets_an_approved_discount(cast: Cast, start: date) -> None:
    """Sam's 25 % on API requests needed Maria's approval; Carol accepted."""
    sam, maria, carol = cast.actors["sam"], cast.actors["maria"], cast.actors["carol"]
    quote = await _quote(
        cast,
        sam,
        "Initech",
        start=start,
        term=12,
        on=start - timedelta(days=21),
        lines=[
            ("PLAT-CORE", "USD", "MONTH", 1, "0"),
            ("API-REQ", "USD", "MONTH", 60, "25"),
            ("TRAINING", "USD", "ONE_TIME", 4, "0"),
        ],
    )
    day = start - timedelta(days=20)
    await workflow.submit_for_approval(
        cast.db, sam, quote_id=quote, threshold=THRESHOLD, now=at(day)
    )
    await workflow.approve_quote(cast.db, maria, quote_id=quote, now=at(day))
    await workflow.send_quote(
        cast.db, sam, quote_id=quote, threshold=THRESHOLD, today=day, now=at(day)
    )
    accepted = start - timedelta(days=11)
    await cast.bill_through(accepted - timedelta(days=1))
    await workflow.accept_quote(
        cast.db, carol, quote_id=quote, threshold=THRESHOLD, today=accepted, now=at(accepted)
    )


async def _globex_rents_storage_by_the_quarter(cast: Cast, start: date) -> None:
    """Rita sold Globex 20 blocks of cloud storage on a three-month term that renews."""
    await _globex_accepts_ritas_quote(
        cast, start=start, term=3, lines=[("STORAGE", "EUR", "MONTH", 20, "0")]
    )


async def _globex_pilots_text_messages(cast: Cast, start: date) -> None:
    """A three-month pilot of 20,000 text messages a month; Bob turned auto-renew off, so
    it ends with its term unless Rita agrees a renewal with him."""
    order = await _globex_accepts_ritas_quote(
        cast, start=start, term=3, lines=[("SMS", "EUR", "MONTH", 20_000, "0")]
    )
    if order.subscription_id is None:
        raise RuntimeError(f"{order.number} started no subscription")
    await subscriptions.set_auto_renew(
        cast.db,
        cast.actors["bob"],
        subscription_id=order.subscription_id,
        auto_renew=False,
        today=start,
        now=at(start),
    )


async def _globex_accepts_ritas_quote(
    cast: Cast, *, start: date, term: int, lines: list[tuple[str, str, str, int, str]]
) -> Order:
    """Rita's quote without discounts, drafted and sent ten days before the start, accepted
    by Bob five days before it."""
    rita, bob = cast.actors["rita"], cast.actors["bob"]
    drafted, accepted = start - timedelta(days=10), start - timedelta(days=5)
    quote = await _quote(cast, rita, "Globex GmbH", start=start, term=term, on=drafted, lines=lines)
    await workflow.send_quote(
        cast.db, rita, quote_id=quote, threshold=THRESHOLD, today=drafted, now=at(drafted)
    )
    await cast.bill_through(accepted - timedelta(days=1))
    return await workflow.accept_quote(
        cast.db, bob, quote_id=quote, threshold=THRESHOLD, today=accepted, now=at(accepted)
    )


async def _quotes_in_flight(cast: Cast, today: date) -> None:
    """A sent quote waiting for Initech, and one waiting for Maria's approval."""
    sam, rita = cast.actors["sam"], cast.actors["rita"]
    drafted, sent_on = today - timedelta(days=8), today - timedelta(days=7)
    sent = await _quote(
        cast,
        sam,
        "Initech",
        start=today + relativedelta(months=1, day=1),
        term=12,
        on=drafted,
        lines=[("SUPPORT-PREM", "USD", "YEAR", 1, "10")],
    )
    await workflow.send_quote(
        cast.db, sam, quote_id=sent, threshold=THRESHOLD, today=sent_on, now=at(sent_on)
    )
    submitted = today - timedelta(days=4)
    pending = await _quote(
        cast,
        rita,
        "Globex GmbH",
        start=today + timedelta(days=21),
        term=12,
        on=submitted,
        lines=[("ANALYTICS", "EUR", "MONTH", 1, "30"), ("SANDBOX", "EUR", "MONTH", 1, "0")],
    )
    await workflow.submit_for_approval(
        cast.db, rita, quote_id=pending, threshold=THRESHOLD, now=at(submitted)
    )


async def _bill_and_collect(cast: Cast, *, today: date) -> None:
    """Bill every remaining day up to today, then record payments:
    most invoices paid ten days after issue, Acme's latest partly paid, and Initech's latest
    past-due invoice not paid at all (overdue)."""
    await cast.bill_through(today)
    async with cast.db.session() as session:
        invoices = list(
            await session.scalars(select(Invoice).order_by(Invoice.issue_date, Invoice.id))
        )
        names = {a.id: a.name for a in await session.scalars(select(Account))}
    latest = {names[i.account_id]: i.id for i in invoices}
    overdue = max(
        (i for i in invoices if names[i.account_id] == "Initech" and i.due_date < today),
        key=lambda i: i.due_date,
        default=None,
    )
    fiona = cast.actors["fiona"]
    for invoice in invoices:
        # Payments settle the oldest invoice first: paying a later Initech invoice would pay
        # the overdue one instead, so Initech has paid nothing since.
        initech = names[invoice.account_id] == "Initech"
        if overdue is not None and initech and invoice.due_date >= overdue.due_date:
            continue
        amount = invoice.balance_due
        if invoice.id == latest["Acme Corp"]:
            amount = round_money(amount / 2, invoice.currency)
        received = min(invoice.issue_date + timedelta(days=10), today)
        if amount <= 0 or received < invoice.issue_date:
            continue
        await record_payment(
            cast.db,
            fiona,
            account_id=invoice.account_id,
            amount=amount,
            currency=None,
            received_on=received,
            reference=f"Bank transfer for {invoice.number}",
            now=at(received),
        )


async def _quote(
    cast: Cast,
    rep: Actor,
    account: str,
    *,
    start: date,
    term: int,
    on: date,
    lines: list[tuple[str, str, str, int, str]],
) -> int:
    quote = await quotes.create_quote(
        cast.db,
        rep,
        account_id=cast.accounts[account],
        start_date=start,
        term_months=term,
        today=on,
        now=at(on),
    )
    for sku, currency, period, quantity, discount in lines:
        await quotes.add_quote_line(
            cast.db,
            rep,
            quote_id=quote.id,
            price_id=cast.price(sku, currency, period),
            quantity=quantity,
            discount=Decimal(discount),
            expected_version=None,
            now=at(on),
        )
    return quote.id

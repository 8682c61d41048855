"""The billing run under a crash and under a second run at the same time: no charge billed
twice, none missed, invoice numbers without gaps."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text, update

from recur.auth.passwords import hash_secret
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Charge, Invoice, InvoiceLine, Price, Product, User
from recur.services import billing, quotes, workflow
from recur.services.billing.run import accounts_to_bill
from recur.services.common import Actor

TODAY = date(2026, 11, 24)
STARTED = TODAY - timedelta(days=100)  # about three monthly periods due per account
BOOK = 40


async def make_book(db: Database, size: int, *, term_months: int = 12) -> None:
    """``size`` accounts that each bought two monthly products on the same day, months ago."""
    async with db.transaction() as session:
        prices = list(
            await session.scalars(
                select(Price.id)
                .join(Product)
                .where(
                    Product.sku.in_(["PLAT-CORE", "SEAT-STD"]),
                    Price.currency == "USD",
                    Price.billing_period == "MONTH",
                )
            )
        )
        password = hash_secret("not used")
        customers = []
        for n in range(size):
            account = Account(name=f"Book {n:04d}", currency="USD", tax_rate_percent=0)
            session.add(account)
            await session.flush()
            user = User(
                email=f"book{n}@example.com",
                name=f"Book {n}",
                role=Role.CUSTOMER,
                account_id=account.id,
                password_hash=password,
            )
            session.add(user)
            customers.append(user)
        await session.flush()
        actors = [Actor(user_id=u.id, role=u.role, account_id=u.account_id) for u in customers]
    when = datetime.combine(STARTED, datetime.min.time(), tzinfo=UTC)
    for actor in actors:
        for price in prices:
            await quotes.add_to_cart(db, actor, price_id=price, quantity=2, today=STARTED, now=when)
        await workflow.checkout(
            db,
            actor,
            quote_id=None,
            start_date=STARTED,
            term_months=term_months,
            threshold=Decimal(20),
            today=STARTED,
            now=when,
        )


async def bill_process(db: Database) -> asyncio.subprocess.Process:
    env = {**os.environ, "RECUR_DATABASE_URL": db.url.render_as_string(hide_password=False)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "recur.cli",
        "bill",
        "--as-of",
        TODAY.isoformat(),
        "--quiet",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def invoice_count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Invoice)) or 0)


async def assert_billed_exactly_once(db: Database) -> None:
    async with db.session() as session:
        due = sorted(await session.scalars(select(Charge.id).where(Charge.period_start <= TODAY)))
        billed = list(
            await session.scalars(
                select(InvoiceLine.charge_id).where(InvoiceLine.charge_id.is_not(None))
            )
        )
        numbers = sorted(await session.scalars(select(Invoice.number)))
        empty = await session.scalar(
            select(func.count())
            .select_from(Invoice)
            .where(~Invoice.id.in_(select(InvoiceLine.invoice_id)))
        )
    assert sorted(billed) == due, "every due charge billed, and only once"
    assert numbers == [f"INV-{n:06d}" for n in range(1, len(numbers) + 1)], "no gaps"
    assert empty == 0, "no invoice without lines"


async def assert_numbers_without_gaps(db: Database) -> None:
    async with db.session() as session:
        numbers = sorted(await session.scalars(select(Invoice.number)))
        lines = list(
            await session.scalars(
                select(InvoiceLine.charge_id).where(InvoiceLine.charge_id.is_not(None))
            )
        )
    assert numbers == [f"INV-{n:06d}" for n in range(1, len(numbers) + 1)], "no gaps"
    assert len(lines) == len(set(lines)), "no charge billed twice"


async def test_a_run_killed_mid_way_is_finished_by_the_next_one(db) -> None:
    await make_book(db, BOOK)
    before = await invoice_count(db)
    process = await bill_process(db)
    deadline = asyncio.get_running_loop().time() + 30
    # The other process's progress is only visible in the database: poll it.
    while await invoice_count(db) < before + 5 and process.returncode is None:
        assert asyncio.get_running_loop().time() < deadline, "the run never started billing"
        await asyncio.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    interrupted = await invoice_count(db)
    assert interrupted < before + BOOK, "the run was cut off before the end"

    rerun = await bill_process(db)
    _, err = await rerun.communicate()
    assert rerun.returncode == 0, err.decode()
    # The demo accounts are billed up to this day already: one invoice per book account.
    assert await invoice_count(db) == before + BOOK
    await assert_billed_exactly_once(db)


async def test_two_runs_at_once_bill_every_charge_exactly_once(db) -> None:
    await make_book(db, BOOK)
    first, second = await bill_process(db), await bill_process(db)
    results = await asyncio.gather(first.communicate(), second.communicate())
    assert (first.returncode, second.returncode) == (0, 0), results
    await assert_billed_exactly_once(db)


async def test_concurrent_runs_leave_nothing_due_unbilled_across_renewals(db) -> None:
    """Runs that renew and invoice the same accounts at once: whichever renews a term, the
    renewed charges are invoiced by one of them, never left between the two."""
    await make_book(db, 12, term_months=1)  # about three renewals due per account
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    for day in range(7):  # each day's runs meet the renewals of that day
        as_of = STARTED + timedelta(days=31 + 10 * day)
        await asyncio.gather(*(billing.run_billing(db, as_of=as_of, now=now) for _ in range(3)))
        left = [due async for due in accounts_to_bill(db, as_of)]
        assert left == [], f"charges due by {as_of} left unbilled"
    await assert_numbers_without_gaps(db)


async def test_a_run_waits_for_an_account_another_run_is_billing(db) -> None:
    """Another run holds an account (it is billing it) while this run finds charges due on
    it that the other did not read, e.g. those of a term this run just renewed: this run
    waits its turn and bills them, instead of passing the account by."""
    await make_book(db, 1)
    async with db.session() as session:
        account_id = await session.scalar(select(Account.id).where(Account.name == "Book 0000"))
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    async with db.transaction() as other_run:
        await other_run.execute(
            select(Account.id).where(Account.id == account_id).with_for_update()
        )
        if db.is_sqlite:  # SQLite locks the whole database for a writer, not a row
            await other_run.execute(
                update(Account).where(Account.id == account_id).values(name=Account.name)
            )
        run = asyncio.create_task(billing.run_billing(db, as_of=TODAY, now=now))
        await until_waiting_or_done(db, run)
    result = await run
    assert result.failed_accounts == []
    assert [due async for due in accounts_to_bill(db, TODAY)] == []
    await assert_billed_exactly_once(db)


async def until_waiting_or_done(db: Database, run: asyncio.Task[object]) -> None:
    """Until ``run`` is done or waits for a lock (PostgreSQL tells; SQLite's wait is
    inside the driver, so it is given a moment to reach it)."""
    if db.is_sqlite:
        await asyncio.sleep(0.5)
        return
    deadline = asyncio.get_running_loop().time() + 30
    while not run.done():
        async with db.session() as session:
            waiting = await session.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
        if waiting:
            return
        assert asyncio.get_running_loop().time() < deadline, "the run neither waited nor ended"
        await asyncio.sleep(0.01)

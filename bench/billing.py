"""A month's billing run over a generated book: invoices per second, peak memory, ceiling.

    python bench/billing.py                        # SQLite in a temporary directory
    python bench/billing.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_bench_billing
    python bench/billing.py --accounts 2500 10000  # book sizes (default), each in a new database

For each size:

1. A fresh database (a SQLite file in a temporary directory, or the PostgreSQL database named
   in ``--database-url``, created for the size and dropped after it; it must not exist yet),
   migrated, with the demo catalog.
2. A book written with SQLAlchemy Core bulk inserts, not through checkouts: ``--accounts``
   accounts × 3 subscriptions of 12 months (the first monthly, the others monthly or yearly),
   started on any day (29th–31st included) of the twelve months before ``--month``. Every
   order is priced and scheduled by the project's own code (``price_quote``,
   ``charge_schedule``, ``charge_row``), and its history is invoiced as checkout and the
   month-end runs would have: each order's first invoice, then one invoice per account and
   month, made like ``issue_invoice`` makes them.
3. The measured run, in a fresh process: ``run_billing(as_of=<last day of --month>)``, the
   service code ``recur bill`` runs. Wall time, invoices per second, RSS high-water. The
   invoices, lines, renewals and expirations it made are checked against the book.
4. The ceiling: the invoice and invoice-line rows the run wrote are deleted and inserted
   again, same rows, same columns, with SQLAlchemy Core in one transaction, timed.

Target: the month's run for 10,000 accounts in under 60 s, and memory flat in the number of
accounts. Results are printed and written to ``bench/results/billing-<database>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_time
from decimal import Decimal
from importlib import metadata
from itertools import count
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from dateutil.relativedelta import relativedelta

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
TARGET_SECONDS = 60.0
DEFAULT_SIZES = (2_500, 10_000)
DEFAULT_MONTH = "2026-11"
SUBSCRIPTIONS_PER_ACCOUNT = 3
TERM_MONTHS = 12
#: Accounts generated and inserted per transaction while the book is written.
CHUNK_ACCOUNTS = 500
SEED = 20261124

#: Quantities bought of each demo product (inclusive range).
QUANTITIES = {
    "PLAT-CORE": (1, 1),
    "PLAT-ENT": (1, 1),
    "SEAT-STD": (5, 250),
    "SEAT-PRO": (3, 120),
    "API-REQ": (1, 90),
    "STORAGE": (1, 70),
    "SMS": (500, 40_000),
    "ANALYTICS": (1, 1),
    "SSO": (1, 1),
    "SANDBOX": (1, 2),
    "SUPPORT-PREM": (1, 1),
}
TAX_RATES = tuple(Decimal(r) for r in ("0", "8.25", "19", "20"))
PAYMENT_TERMS = (14, 30, 30, 45)
#: Sales-negotiated discounts (percent), below the approval threshold; most lines have none.
DISCOUNTS = tuple(Decimal(d) for d in (0, 0, 0, 0, 5, 10, 15))
LINES_PER_ORDER = (1, 2, 2, 3)
AUTO_RENEW_SHARE = 0.9


def main() -> int:
    args = parse_args()
    if args.child_run:
        return child_run(args)
    # Only here: catalog.py imports the whole application, which the measured process must
    # not carry (its memory is part of what is measured).
    sys.path.insert(0, str(BENCH_DIR))
    from catalog import fresh_database, redact

    month = month_of(args.month)
    as_of = month + relativedelta(day=31)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "versions": versions(),
        "month": month.isoformat()[:7],
        "as_of": as_of.isoformat(),
        "target_seconds": TARGET_SECONDS,
        "sizes": [],
    }
    for accounts in args.accounts:
        with (
            tempfile.TemporaryDirectory(prefix="recur-billing-") as tmp,
            fresh_database(args.database_url, Path(tmp)) as database_url,
        ):
            results["database"] = redact(database_url).split(":", 1)[0]
            print(f"{accounts:,} accounts: {redact(database_url)}")
            results["sizes"].append(bench_size(database_url, accounts, month, as_of, args))
    report(results)
    kind = "postgresql" if args.database_url else "sqlite"
    output = args.output or RESULTS_DIR / f"billing-{kind}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {output}")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--accounts",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="book sizes, each billed in its own fresh database (default: 2500 10000)",
    )
    parser.add_argument(
        "--month",
        default=DEFAULT_MONTH,
        metavar="YYYY-MM",
        help="the month the measured run bills; the book starts twelve months before it",
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL to bench against (postgresql+asyncpg://...); the database is "
        "created for each size and dropped after it. Default: SQLite in a temporary directory.",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations during the run (peak of the Python heap); "
        "slows the run down, so its time is not comparable",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the results (default: bench/results/billing-<database>.json)",
    )
    # The measured run, in a process of its own so that its RSS high-water is its own.
    parser.add_argument("--child-run", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.child_run and any(n < 1 for n in args.accounts):
        parser.error("--accounts must be at least 1")
    return args


def month_of(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise SystemExit(f"--month must be YYYY-MM, not {text!r}") from None


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, day_time(hour, 0), tzinfo=UTC)


def bench_size(
    database_url: str, accounts: int, month: date, as_of: date, args: argparse.Namespace
) -> dict[str, Any]:
    started = time.perf_counter()
    book = asyncio.run(write_book(database_url, accounts, month, as_of, args.seed))
    setup_seconds = time.perf_counter() - started
    print(
        f"  book: {book.accounts:,} accounts, {book.subscriptions:,} subscriptions, "
        f"{book.charges:,} charges, {book.history_invoices:,} earlier invoices "
        f"({book.history_lines:,} lines), written in {setup_seconds:.1f} s"
    )
    print(f"  billing run as of {as_of.isoformat()} ...")
    run = measure_run(database_url, as_of, tracemalloc=args.tracemalloc)
    made = asyncio.run(check_run(database_url, book, run))
    print(
        f"  run: {made['invoices']:,} invoices ({made['lines']:,} lines), "
        f"{run['renewed']:,} renewed, {run['expired']:,} expired in {run['seconds']:.1f} s; "
        f"peak RSS {run['peak_rss_mb']:.0f} MB"
    )
    ceiling = asyncio.run(measure_ceiling(database_url, book))
    print(
        f"  ceiling: the same {ceiling['invoices']:,} invoices and {ceiling['lines']:,} lines "
        f"in one Core transaction: {ceiling['seconds']:.2f} s"
    )
    invoices_per_second = made["invoices"] / run["seconds"]
    return {
        "accounts": accounts,
        "book": book.summary(),
        "setup_seconds": round(setup_seconds, 1),
        "run": {
            **run,
            "invoices": made["invoices"],
            "lines": made["lines"],
            "invoices_per_second": round(invoices_per_second, 1),
            "target_met": run["seconds"] < TARGET_SECONDS,
        },
        "ceiling": {
            **ceiling,
            "invoices_per_second": round(ceiling["invoices"] / ceiling["seconds"], 1),
            "rows_per_second": round(
                (ceiling["invoices"] + ceiling["lines"]) / ceiling["seconds"], 1
            ),
        },
        "run_over_ceiling": round(run["seconds"] / ceiling["seconds"], 1),
    }


# --- the book -------------------------------------------------------------------------------


@dataclass
class Book:
    """What was written, and what the measured run must do with it."""

    accounts: int = 0
    subscriptions: int = 0
    items: int = 0
    charges: int = 0
    history_invoices: int = 0
    history_lines: int = 0
    #: Invoice and line ids are below these before the measured run.
    last_invoice_id: int = 0
    last_line_id: int = 0
    expected_invoices: int = 0
    expected_lines: int = 0
    expected_renewals: int = 0
    expected_expirations: int = 0
    start_days: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def summary(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts,
            "subscriptions": self.subscriptions,
            "subscription_items": self.items,
            "charges": self.charges,
            "earlier_invoices": self.history_invoices,
            "earlier_invoice_lines": self.history_lines,
            "expected": {
                "invoices": self.expected_invoices,
                "lines": self.expected_lines,
                "renewals": self.expected_renewals,
                "expirations": self.expected_expirations,
            },
            "start_days_29_to_31": sum(self.start_days[d] for d in (29, 30, 31)),
        }


class Generator:
    """Rows of a book, made by the project's pricing and schedule code, inserted in chunks."""

    def __init__(
        self, prices: dict[tuple[str, str, str], Any], month: date, as_of: date, seed: int
    ) -> None:
        from recur.core.catalog import BillingPeriod

        self.prices = prices
        self.prices_by_id = {price.id: price for price in prices.values()}
        self.month = month
        self.as_of = as_of
        self.first_month = month - relativedelta(months=12)
        self.rng = random.Random(seed)
        self.ids: dict[str, Iterator[int]] = defaultdict(lambda: count(1))
        self.numbers: dict[str, Iterator[int]] = defaultdict(lambda: count(1))
        self.book = Book()
        self.skus = {
            period: sorted(
                {sku for (sku, currency, p) in prices if p == period and currency == "USD"}
            )
            for period in (BillingPeriod.MONTH.value, BillingPeriod.YEAR.value)
        }
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def number(self, sequence: str, prefix: str) -> str:
        return f"{prefix}-{next(self.numbers[sequence]):06d}"

    def start_date(self) -> date:
        first = self.first_month + relativedelta(months=self.rng.randrange(12))
        day = self.rng.randint(1, 31)
        self.book.start_days[day] += 1
        return first + relativedelta(day=day)  # clamped to the month's last day

    def account(self) -> None:
        account_id = next(self.ids["accounts"])
        currency = "USD" if self.rng.random() < 0.7 else "EUR"
        account = SimpleNamespace(
            id=account_id,
            name=f"Bench Customer {account_id:06d}",
            currency=currency,
            owner_id=None,
            partner_id=None,
            payment_terms_days=self.rng.choice(PAYMENT_TERMS),
            tax_rate_percent=self.rng.choice(TAX_RATES),
            notes="",
            created_at=at(self.first_month, 9),
        )
        self.rows["accounts"].append(vars(account).copy())
        self.book.accounts += 1
        charges: list[tuple[Any, Any, Any, Any]] = []  # charge, product, quote, order
        renewals = self.book.expected_renewals
        for index in range(SUBSCRIPTIONS_PER_ACCOUNT):
            period = "MONTH" if index == 0 or self.rng.random() < 0.5 else "YEAR"
            charges += self.order(account, period, self.start_date())
        due_in_month = self.history(account, charges)
        if due_in_month or self.book.expected_renewals > renewals:
            self.book.expected_invoices += 1

    def order(self, account: Any, period: str, start: date) -> list[tuple[Any, Any, Any, Any]]:
        """One checkout's rows, as ``create_order`` writes them."""
        from recur.core.lifecycle import QuoteKind, QuoteStatus, SubscriptionStatus
        from recur.core.periods import term_end
        from recur.core.quotes import DEFAULT_APPROVAL_THRESHOLD
        from recur.core.schedule import charge_schedule
        from recur.db.models import Order, Quote, QuoteLine, SubscriptionItem
        from recur.services.orders import charge_row
        from recur.services.quotes import line_terms, price_quote

        created = at(start)
        quote = Quote(
            id=next(self.ids["quotes"]),
            number=self.number("QUOTE", "Q"),
            account_id=account.id,
            kind=QuoteKind.NEW,
            status=QuoteStatus.ACCEPTED,
            currency=account.currency,
            start_date=start,
            term_months=TERM_MONTHS,
            version=1,
            is_cart=False,
            created_by_id=None,
            note="",
            expires_on=None,
            uplift_percent=Decimal(0),
            subscription_id=None,
            created_at=created,
            updated_at=created,
        )
        skus = self.rng.sample(self.skus[period], self.rng.choice(LINES_PER_ORDER))
        lines = []
        for position, sku in enumerate(skus, start=1):
            price = self.prices[(sku, account.currency, period)]
            low, high = QUANTITIES[sku]
            lines.append(
                QuoteLine(
                    id=next(self.ids["quote_lines"]),
                    quote_id=quote.id,
                    position=position,
                    product_id=price.product_id,
                    price_id=price.id,
                    quantity=self.rng.randint(low, high),
                    discount_percent=self.rng.choice(DISCOUNTS),
                )
            )
        quote.lines = lines
        priced = price_quote(quote, self.prices_by_id, DEFAULT_APPROVAL_THRESHOLD)
        subscription = SimpleNamespace(
            id=next(self.ids["subscriptions"]),
            number=self.number("SUBSCRIPTION", "SUB"),
            account_id=account.id,
            status=SubscriptionStatus.ACTIVE,
            currency=account.currency,
            start_date=start,
            term_months=TERM_MONTHS,
            current_term_end=term_end(start, TERM_MONTHS),
            auto_renew=self.rng.random() < AUTO_RENEW_SHARE,
            uplift_percent=Decimal(0),
            created_at=created,
        )
        order = Order(
            id=next(self.ids["orders"]),
            number=self.number("ORDER", "ORD"),
            quote_id=quote.id,
            account_id=account.id,
            kind=quote.kind,
            currency=quote.currency,
            start_date=start,
            term_months=TERM_MONTHS,
            subscription_id=subscription.id,
            created_at=created,
        )
        items = {
            p.line.id: SubscriptionItem(
                id=next(self.ids["subscription_items"]),
                subscription_id=subscription.id,
                product_id=p.line.product_id,
                price_id=p.price.id,
                quantity=p.line.quantity,
                discount_percent=p.line.discount_percent,
                net_amount=p.amounts.net_amount,
            )
            for p in priced.lines
        }
        schedule = charge_schedule(
            [
                (str(p.line.id), line_terms(p.line, p.price, quote.uplift_percent))
                for p in priced.lines
            ],
            start,
            TERM_MONTHS,
        )
        by_line = {str(p.line.id): p for p in priced.lines}
        charges = []
        for scheduled in schedule:
            charge = charge_row(order, scheduled, by_line[scheduled.line_key], items)
            charge.id = next(self.ids["charges"])
            charges.append(charge)
        self.rows["quotes"].append(columns(quote))
        self.rows["quote_lines"] += [columns(line) for line in lines]
        self.rows["subscriptions"].append(vars(subscription).copy())
        self.rows["orders"].append(columns(order))
        self.rows["subscription_items"] += [columns(item) for item in items.values()]
        self.rows["charges"] += [columns(charge) for charge in charges]
        self.book.subscriptions += 1
        self.book.items += len(items)
        self.book.charges += len(charges)
        if subscription.current_term_end <= self.as_of:
            if subscription.auto_renew:  # the renewal's first period is billed in the run
                self.book.expected_renewals += 1
                self.book.expected_lines += len(items)
            else:
                self.book.expected_expirations += 1
        product_of = {p.line.id: p.price.product for p in priced.lines}
        return [(charge, product_of[charge.quote_line_id], quote, order) for charge in charges]

    def history(self, account: Any, charges: list[tuple[Any, Any, Any, Any]]) -> bool:
        """The invoices checkout and the month-end runs before ``month`` made: each order's
        first periods at checkout, then what started in each month, at its last day.
        Whether any of ``charges`` is due in ``month`` itself."""
        first_invoices: dict[int, list[tuple[Any, Any, Any, Any]]] = defaultdict(list)
        month_ends: dict[date, list[tuple[Any, Any, Any, Any]]] = defaultdict(list)
        due_in_month = False
        for entry in charges:
            charge, _, _, order = entry
            if charge.period_start == order.start_date:
                first_invoices[order.id].append(entry)
            elif charge.period_start < self.month:
                month_ends[charge.period_start + relativedelta(day=31)].append(entry)
            elif charge.period_start <= self.as_of:
                due_in_month = True
                self.book.expected_lines += 1
        for entries in first_invoices.values():
            self.invoice(account, entries, issue_date=entries[0][3].start_date)
        for day in sorted(month_ends):
            self.invoice(account, month_ends[day], issue_date=day)
        return due_in_month

    def invoice(
        self, account: Any, entries: list[tuple[Any, Any, Any, Any]], *, issue_date: date
    ) -> None:
        """One invoice, as ``issue_invoice`` makes it."""
        from recur.core.invoices import due_date, invoice_totals
        from recur.core.lifecycle import InvoiceStatus
        from recur.services.invoicing import describe_charge, explain

        totals = invoice_totals(
            [charge.amount for charge, *_ in entries], account.tax_rate_percent, account.currency
        )
        order_ids = {order.id for *_, order in entries}
        invoice_id = next(self.ids["invoices"])
        self.rows["invoices"].append(
            {
                "id": invoice_id,
                "number": self.number("INVOICE", "INV"),
                "account_id": account.id,
                "order_id": next(iter(order_ids)) if len(order_ids) == 1 else None,
                "status": InvoiceStatus.OPEN if totals.total > 0 else InvoiceStatus.PAID,
                "currency": account.currency,
                "issue_date": issue_date,
                "due_date": due_date(issue_date, account.payment_terms_days),
                "tax_rate_percent": account.tax_rate_percent,
                "subtotal": totals.subtotal,
                "tax": totals.tax,
                "total": totals.total,
                "amount_paid": Decimal(0),
                "created_at": at(issue_date, 2),
            }
        )
        ordered = sorted(
            entries, key=lambda e: (e[0].period_start, e[0].order_id, e[0].quote_line_id)
        )
        for position, (charge, product, quote, order) in enumerate(ordered, start=1):
            self.rows["invoice_lines"].append(
                {
                    "id": next(self.ids["invoice_lines"]),
                    "invoice_id": invoice_id,
                    "position": position,
                    "charge_id": charge.id,
                    "subscription_item_id": charge.subscription_item_id,
                    "description": describe_charge(product, charge),
                    "period_start": charge.period_start,
                    "period_end": charge.period_end,
                    "quantity": charge.quantity,
                    "unit_amount": None,
                    "amount": charge.amount,
                    "explanation": explain(charge, product, quote, order),
                }
            )
        self.book.history_invoices += 1
        self.book.history_lines += len(ordered)

    def take_rows(self) -> dict[str, list[dict[str, Any]]]:
        rows, self.rows = self.rows, defaultdict(list)
        return rows


#: Tables in foreign-key order.
TABLES = (
    "accounts",
    "quotes",
    "quote_lines",
    "subscriptions",
    "orders",
    "subscription_items",
    "charges",
    "invoices",
    "invoice_lines",
)


def columns(instance: Any) -> dict[str, Any]:
    """The column values set on a transient ORM object (what its INSERT would write)."""
    from sqlalchemy import inspect

    state = inspect(instance)
    return {
        attribute.key: state.dict[attribute.key]
        for attribute in state.mapper.column_attrs
        if attribute.key in state.dict
    }


async def write_book(database_url: str, accounts: int, month: date, as_of: date, seed: int) -> Book:
    from sqlalchemy import func, select, update
    from sqlalchemy.orm import selectinload

    from recur.db.base import Base
    from recur.db.engine import Database
    from recur.db.migrate import upgrade
    from recur.db.models import NumberSequence, Price
    from recur.demo import _catalog

    db = Database(database_url)
    try:
        await upgrade(db)
        async with db.transaction() as session:
            _catalog(session)
        async with db.session() as session:
            prices = {
                (price.product.sku, price.currency, price.billing_period.value): price
                for price in await session.scalars(
                    select(Price).options(selectinload(Price.tiers), selectinload(Price.product))
                )
            }
        generator = Generator(prices, month, as_of, seed)
        tables = {name: Base.metadata.tables[name] for name in TABLES}
        for first in range(0, accounts, CHUNK_ACCOUNTS):
            for _ in range(min(CHUNK_ACCOUNTS, accounts - first)):
                generator.account()
            rows = generator.take_rows()
            async with db.begin() as connection:
                for name in TABLES:
                    if rows[name]:
                        await connection.execute(tables[name].insert(), rows[name])
        book = generator.book
        book.last_invoice_id = book.history_invoices
        book.last_line_id = book.history_lines
        async with db.begin() as connection:
            for sequence, counter in generator.numbers.items():
                await connection.execute(
                    update(NumberSequence)
                    .where(NumberSequence.name == sequence)
                    .values(last_value=next(counter) - 1)
                )
            if not db.is_sqlite:  # ids were given explicitly: move the id sequences on
                for name, table in tables.items():
                    last = select(func.max(table.c.id)).scalar_subquery()
                    await connection.execute(
                        select(func.setval(func.pg_get_serial_sequence(name, "id"), last))
                    )
        if not db.is_sqlite:
            await vacuum_analyze(db)
    finally:
        await db.dispose()
    return book


async def vacuum_analyze(db: Any) -> None:
    """What autovacuum would have done to a book this size before the night's run."""
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE")


# --- the measured run -----------------------------------------------------------------------


def measure_run(database_url: str, as_of: date, *, tracemalloc: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child-run",
        database_url,
        "--as-of",
        as_of.isoformat(),
    ]
    if tracemalloc:
        command.append("--tracemalloc")
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    marker = [line for line in completed.stdout.splitlines() if line.startswith("RUN_JSON ")]
    if completed.returncode != 0 or not marker:
        sys.stderr.write(completed.stdout + completed.stderr[-5000:])
        raise SystemExit("the billing run failed")
    result: dict[str, Any] = json.loads(marker[-1].removeprefix("RUN_JSON "))
    return result


def child_run(args: argparse.Namespace) -> int:
    """Runs in its own process: ``run_billing`` for ``--as-of``, timed, with its RSS."""
    import tracemalloc

    from recur.db.engine import Database
    from recur.services.billing import run as billing

    if args.tracemalloc:
        tracemalloc.start()
    # The run's first phase (renewals and expirations) is timed apart when the service still
    # has it as ``_term_ends``; the run itself is ``run_billing``, unchanged.
    phases: dict[str, float] = {}
    term_ends = getattr(billing, "_term_ends", None)
    if term_ends is not None:

        async def timed_term_ends(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await term_ends(*args, **kwargs)
            finally:
                phases["term_ends_seconds"] = round(time.perf_counter() - started, 2)

        billing._term_ends = timed_term_ends  # type: ignore[attr-defined]

    async def measure() -> dict[str, Any]:
        db = Database(args.child_run)
        try:
            async with db.engine.connect():  # a connection ready, as in a running service
                pass
            rss_before = max_rss_mb()
            started = time.perf_counter()
            result = await billing.run_billing(db, as_of=args.as_of, now=at(args.as_of, 2))
            seconds = time.perf_counter() - started
        finally:
            await db.dispose()
        return {
            "seconds": round(seconds, 2),
            **phases,
            "invoices_created": result.invoices_created,
            "renewed": result.renewed,
            "expired": result.expired,
            "failed_accounts": len(result.failed_accounts),
            "failures": [f"{f.name}: {f.error}" for f in result.failed_accounts[:5]],
            "rss_before_run_mb": round(rss_before, 1),
            "peak_rss_mb": round(max_rss_mb(), 1),
        }

    measured = asyncio.run(measure())
    if args.tracemalloc:
        measured["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    print("RUN_JSON " + json.dumps(measured))
    return 0


def max_rss_mb() -> float:
    """This process's resident set high-water mark, in MB.

    ``VmHWM`` from ``/proc/self/status`` where there is one: on Linux ``getrusage``'s
    ``ru_maxrss`` survives ``exec`` and so starts at the parent's peak (the book generator's);
    ``VmHWM`` belongs to this process image only.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


async def check_run(database_url: str, book: Book, run: dict[str, Any]) -> dict[str, int]:
    """The run must have made exactly what the book says was due."""
    from sqlalchemy import func, select

    from recur.db.engine import Database
    from recur.db.models import Invoice, InvoiceLine

    db = Database(database_url)
    try:
        async with db.session() as session:
            invoices = await session.scalar(
                select(func.count()).where(Invoice.id > book.last_invoice_id)
            )
            lines = await session.scalar(
                select(func.count()).where(InvoiceLine.id > book.last_line_id)
            )
    finally:
        await db.dispose()
    made = {"invoices": int(invoices or 0), "lines": int(lines or 0)}
    expected = {
        "invoices": book.expected_invoices,
        "lines": book.expected_lines,
        "renewed": book.expected_renewals,
        "expired": book.expected_expirations,
        "failed": 0,
        "invoices_created": book.expected_invoices,
    }
    actual = {
        **made,
        "renewed": run["renewed"],
        "expired": run["expired"],
        "failed": run["failed_accounts"],
        "invoices_created": run["invoices_created"],
    }
    if actual != expected:
        raise SystemExit(
            f"the run did not bill the book as expected:\n  expected {expected}\n  "
            f"got      {actual}\n  failures: {run['failures']}"
        )
    return made


# --- the ceiling ----------------------------------------------------------------------------


async def measure_ceiling(database_url: str, book: Book) -> dict[str, Any]:
    """The run's invoice and line rows, deleted and bulk-inserted again in one transaction."""
    from sqlalchemy import delete, select

    from recur.db.base import Base
    from recur.db.engine import Database

    invoices = Base.metadata.tables["invoices"]
    lines = Base.metadata.tables["invoice_lines"]
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            invoice_rows = [
                dict(row._mapping)
                for row in await connection.execute(
                    select(invoices).where(invoices.c.id > book.last_invoice_id)
                )
            ]
            line_rows = [
                dict(row._mapping)
                for row in await connection.execute(
                    select(lines).where(lines.c.id > book.last_line_id)
                )
            ]
        async with db.begin() as connection:
            await connection.execute(delete(lines).where(lines.c.id > book.last_line_id))
            await connection.execute(delete(invoices).where(invoices.c.id > book.last_invoice_id))
        if not db.is_sqlite:
            await vacuum_analyze(db)
        started = time.perf_counter()
        async with db.begin() as connection:
            await connection.execute(invoices.insert(), invoice_rows)
            await connection.execute(lines.insert(), line_rows)
        seconds = time.perf_counter() - started
    finally:
        await db.dispose()
    return {
        "invoices": len(invoice_rows),
        "lines": len(line_rows),
        "seconds": round(seconds, 3),
    }


# --- report ---------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {}
    for name in ("recur", "sqlalchemy", "aiosqlite", "asyncpg"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def report(results: dict[str, Any]) -> None:
    print()
    print(f"database: {results['database']}   month billed: {results['month']}")
    header = (
        f"{'accounts':>9}{'invoices':>10}{'lines':>8}{'renewed':>9}{'run s':>8}"
        f"{'renewing s':>12}{'inv/s':>7}{'ceiling s':>11}{'ceil rows/s':>13}"
        f"{'RSS MB':>8}{'peak':>6}"
    )
    print(header)
    print("-" * len(header))
    for size in results["sizes"]:
        run, ceiling = size["run"], size["ceiling"]
        print(
            f"{size['accounts']:>9,}{run['invoices']:>10,}{run['lines']:>8,}{run['renewed']:>9,}"
            f"{run['seconds']:>8.1f}{run.get('term_ends_seconds', float('nan')):>12.1f}"
            f"{run['invoices_per_second']:>7.0f}{ceiling['seconds']:>11.2f}"
            f"{ceiling['rows_per_second']:>13,.0f}{run['rss_before_run_mb']:>8.0f}"
            f"{run['peak_rss_mb']:>6.0f}"
        )
    print(
        "renewing s: the run's first phase (renewals and expirations); RSS MB: the measured "
        "process before the run, and its peak"
    )
    largest = max(results["sizes"], key=lambda s: s["accounts"])
    verdict = "met" if largest["run"]["target_met"] else "NOT met"
    print(
        f"{largest['accounts']:,} accounts in {largest['run']['seconds']:.1f} s "
        f"(target < {results['target_seconds']:.0f} s: {verdict}); the ceiling is "
        f"{largest['run_over_ceiling']:.0f} times faster"
    )


if __name__ == "__main__":
    raise SystemExit(main())

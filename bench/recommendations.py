"""Next best offers: an account's offers, and the nightly refresh of a large book.

    python bench/recommendations.py                   # SQLite in a temporary directory
    python bench/recommendations.py --requests 100 --accounts 2500,5000,10000

1. A fresh SQLite database in a temporary directory, migrated, with the demo data.
2. **Offers**: Acme Corp's three offers with their previews (``account(id) {
   recommendations(first: 3) { … preview { … } } }``, as the account page asks for them)
   sent ``--requests`` times by its rep to the application in the same process
   (``httpx.ASGITransport``): server time without a network. Median, p95, the median CPU
   time of the process, and the load average.
3. **Nightly refresh**: the generated book (``services/recommendations/generated_book.py``)
   written into the same database as accounts, accepted quotes and their orders, up to each
   size of ``--accounts``; at each size the model is learned from the database as the nightly
   refresh does it (``recommendations.refresh_model``), timed; then learned again under
   ``tracemalloc`` for the peak of memory Python allocated meanwhile (flat in the number of
   accounts is the target).

Results are printed and written to ``bench/results/recommendations-sqlite.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))

from recur.app import create_app  # noqa: E402
from recur.clock import FixedClock  # noqa: E402
from recur.core.catalog import BillingPeriod  # noqa: E402
from recur.core.lifecycle import QuoteKind, QuoteStatus  # noqa: E402
from recur.db.engine import Database  # noqa: E402
from recur.db.migrate import upgrade  # noqa: E402
from recur.db.models import Account, Order, Price, Product, Quote, QuoteLine  # noqa: E402
from recur.demo import load_demo  # noqa: E402
from recur.services import recommendations  # noqa: E402
from recur.settings import Settings  # noqa: E402

TODAY = date(2026, 12, 1)
LOGIN = """mutation { login(input: {email: "rita@recur.example", password: "recur-demo"}) {
  token } }"""
ACCOUNTS = "{ accounts(first: 10) { edges { node { id name } } } }"
OFFERS = """query($id: ID!) { account(id: $id) { recommendations(first: 3) {
  id kind title reason evidence score quantity product { name } price { id }
  preview { amountDueNow { amount currency } newMonthlyRecurringRevenue { amount } } } } }"""


async def offers(db: Database, directory: Path, requests: int) -> dict[str, float]:
    settings = Settings(
        database_url=str(db.url), secret_key="bench-" + "x" * 40, frontend_dir=directory
    )
    clock = FixedClock(datetime(2026, 12, 1, 10, tzinfo=UTC))
    app = create_app(settings, database=db, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        token = (await http.post("/graphql", json={"query": LOGIN})).json()["data"]["login"][
            "token"
        ]
        headers = {"authorization": f"Bearer {token}"}
        edges = (await http.post("/graphql", json={"query": ACCOUNTS}, headers=headers)).json()
        acme = next(
            e["node"]["id"]
            for e in edges["data"]["accounts"]["edges"]
            if e["node"]["name"] == "Acme Corp"
        )
        body = {"query": OFFERS, "variables": {"id": acme}}
        first = (await http.post("/graphql", json=body, headers=headers)).json()
        assert len(first["data"]["account"]["recommendations"]) == 3, first
        walls, cpus = [], []
        for _ in range(requests):
            wall, cpu = time.perf_counter(), time.process_time()
            response = await http.post("/graphql", json=body, headers=headers)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200
    walls.sort()
    return {
        "median_ms": round(statistics.median(walls), 1),
        "p95_ms": round(walls[int(0.95 * (len(walls) - 1))], 1),
        "cpu_median_ms": round(statistics.median(cpus), 1),
        "load_average": round(os.getloadavg()[0], 1),
    }


async def write_book(db: Database, histories: list, offset: int) -> None:
    """Each purchase day of each generated account as an accepted quote and its order."""
    async with db.session() as session:
        products = {p.sku: p.id for p in await session.scalars(select(Product))}
        prices = {}
        for price in await session.scalars(select(Price).order_by(Price.id)):
            prices.setdefault((price.product_id, price.currency), price.id)
            if price.billing_period is BillingPeriod.MONTH:
                prices[(price.product_id, price.currency)] = price.id
    async with db.transaction() as session:
        for history in histories:
            account = Account(
                name=f"Generated {offset + history.account_id:05d}",
                currency=history.currency,
                billing_country=history.country,
            )
            session.add(account)
            await session.flush()
            by_day: dict[date, list] = {}
            for purchase in history.purchases:
                by_day.setdefault(purchase.day, []).append(purchase)
            for day, purchases in sorted(by_day.items()):
                number = f"G{account.id:06d}{day:%y%m%d}"
                quote = Quote(
                    number="Q" + number,
                    account_id=account.id,
                    kind=QuoteKind.NEW,
                    status=QuoteStatus.ACCEPTED,
                    currency=history.currency,
                    start_date=day,
                    term_months=12,
                )
                quote.lines = [
                    QuoteLine(
                        position=position,
                        product_id=products[p.product],
                        price_id=prices[(products[p.product], history.currency)],
                        quantity=p.quantity,
                    )
                    for position, p in enumerate(purchases, start=1)
                ]
                session.add(quote)
                await session.flush()
                session.add(
                    Order(
                        number="O" + number,
                        quote_id=quote.id,
                        account_id=account.id,
                        kind=QuoteKind.NEW,
                        currency=history.currency,
                        start_date=day,
                        term_months=12,
                    )
                )


async def refresh(db: Database, sizes: list[int]) -> list[dict[str, float]]:
    book = recommendations.generated_book(max(sizes), seed=7)
    written, rows = 0, []
    for size in sizes:
        await write_book(db, book[written:size], written)
        written = size
        started = time.perf_counter()
        model = await recommendations.refresh_model(db, TODAY)
        seconds = time.perf_counter() - started
        # Again under tracemalloc, which slows allocation down: for the memory only.
        tracemalloc.start()
        await recommendations.refresh_model(db, TODAY)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            {
                "accounts": size,
                "learned_accounts": model.accounts,
                "seconds": round(seconds, 2),
                "peak_mb": round(peak / 1e6, 1),
                "model_pairs": len(model.pairs),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
        print(rows[-1], flush=True)
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--accounts", default="2500,5000,10000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "index.html").write_text("<!doctype html><title>Recur</title>")
        url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        db = Database(url)
        await upgrade(db)
        await load_demo(db, TODAY)
        result = {"offers": await offers(db, directory, args.requests)}
        print(result, flush=True)
        result["refresh"] = await refresh(db, [int(n) for n in args.accounts.split(",")])
        await db.dispose()
    out = ROOT / "bench" / "results" / "recommendations-sqlite.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())

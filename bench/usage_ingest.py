"""Usage ingestion through ``POST /api/usage`` (NDJSON): records per second.

    python bench/usage_ingest.py                   # SQLite in a temporary directory
    python bench/usage_ingest.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_bench_usage

1. A fresh database (as bench/catalog.py makes it), migrated, with the demo data; an admin
   adds ``--items`` metered prices (graduated, per 1,000 units) and Acme Corp buys each one
   (a subscription with one metered item apiece), through the services.
2. The application (``create_app``) serves the requests in this process through httpx's
   ASGI transport, so what is measured is the endpoint (authentication, parsing, checks,
   the bulk insert) and the database, not a socket. Finance's bearer token authenticates.
3. ``--records`` records spread over the items and the month, in bodies of ``--lines``
   lines (under the 1 MiB body limit), ``--concurrency`` requests in flight (PostgreSQL: 4,
   SQLite: 1, one writer at a time). Wall time and records per second; then the records in
   the database are counted and one period's usage is aggregated in SQL, timed.

Targets (docs/performance.md): at least 5,000 records/s on SQLite, 20,000/s on PostgreSQL.
Results are printed and written to ``bench/results/usage-<database>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
TARGETS = {"sqlite": 5_000, "postgresql": 20_000}
START = date(2026, 12, 1)
NOW = datetime(2026, 12, 20, 12, tzinfo=UTC)
SECRET = "bench-secret-key-0123456789abcdef0123456789"  # noqa: S105  (a throwaway key)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL (postgresql+asyncpg://...)")
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=6_000, help="records per request")
    parser.add_argument("--concurrency", type=int, help="requests in flight")
    parser.add_argument("--output", type=Path)
    return parser.parse_args()


async def prepare(database_url: str, items: int) -> list[int]:
    """The demo data and ``items`` metered subscription items of Acme Corp; their ids."""
    from decimal import Decimal

    from sqlalchemy import select

    from recur.core.catalog import BillingPeriod, ProductKind
    from recur.core.pricing import PricingModel, Tier
    from recur.core.usage import Aggregation, UsageType
    from recur.db.engine import Database
    from recur.db.migrate import upgrade
    from recur.db.models import SubscriptionItem, User
    from recur.demo import load_demo
    from recur.services import catalog, quotes, workflow
    from recur.services.common import Actor

    db = Database(database_url)
    today = date(2026, 11, 24)
    created = datetime(2026, 11, 24, 10, tzinfo=UTC)
    try:
        await upgrade(db)
        await load_demo(db, today)
        async with db.session() as session:
            users = {
                u.email: Actor(user_id=u.id, role=u.role, account_id=u.account_id)
                for u in await session.scalars(select(User))
            }
        adam, alice = users["adam@recur.example"], users["alice@acme.example"]
        item_ids = []
        tiers = (Tier(10, Decimal("2")), Tier(None, Decimal("1.5")))
        for n in range(items):
            product = await catalog.create_product(
                db,
                adam,
                sku=f"BENCH-METER-{n}",
                kind=ProductKind.SUBSCRIPTION,
                fields=catalog.ProductFields(name=f"Meter {n}", category="Bench"),
                now=created,
            )
            new = catalog.NewPrice(
                "USD",
                BillingPeriod.MONTH,
                PricingModel.TIERED,
                None,
                tiers,
                UsageType.METERED,
                Aggregation.SUM,
                1000,
            )
            price = await catalog.add_price(db, adam, product.id, new, now=created)
            cart = await quotes.add_to_cart(
                db, alice, price_id=price.id, quantity=1, today=today, now=created
            )
            order = await workflow.checkout(
                db,
                alice,
                quote_id=cart.id,
                start_date=START,
                term_months=12,
                threshold=Decimal(20),
                today=today,
                now=created,
            )
            async with db.session() as session:
                item_ids.append(
                    await session.scalar(
                        select(SubscriptionItem.id).where(
                            SubscriptionItem.subscription_id == order.subscription_id
                        )
                    )
                )
    finally:
        await db.dispose()
    return item_ids


def bodies(item_ids: list[int], records: int, lines: int) -> list[bytes]:
    from recur.graphql.core.ids import to_global_id

    ids = [to_global_id("SubscriptionItem", item) for item in item_ids]
    span = int((NOW - datetime(START.year, START.month, START.day, tzinfo=UTC)).total_seconds())
    first = datetime(START.year, START.month, START.day, tzinfo=UTC)
    out = []
    for start in range(0, records, lines):
        chunk = []
        for n in range(start, min(records, start + lines)):
            chunk.append(
                json.dumps(
                    {
                        "subscriptionItemId": ids[n % len(ids)],
                        "quantity": 1 + n % 997,
                        "occurredAt": (first + timedelta(seconds=n * 7919 % span)).isoformat(),
                        "idempotencyKey": f"evt-{n}",
                    }
                )
            )
        out.append("\n".join(chunk).encode())
    return out


async def ingest(database_url: str, payloads: list[bytes], concurrency: int) -> dict[str, Any]:
    import httpx
    from sqlalchemy import func, select

    from recur.app import create_app
    from recur.clock import FixedClock
    from recur.core.usage import Aggregation
    from recur.db.engine import Database
    from recur.db.models import UsageRecord
    from recur.services.usage import aggregate_usage
    from recur.settings import Settings

    db = Database(database_url)
    with tempfile.TemporaryDirectory() as frontend:
        settings = Settings(database_url=database_url, secret_key=SECRET, frontend_dir=frontend)
        app = create_app(settings, database=db, clock=FixedClock(NOW))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            login = await client.post(
                "/graphql",
                json={
                    "query": 'mutation { login(input: {email: "fiona@recur.example", '
                    'password: "recur-demo"}) { token } }'
                },
            )
            token = login.json()["data"]["login"]["token"]
            headers = {"authorization": f"Bearer {token}", "content-type": "application/x-ndjson"}
            pending = iter(payloads)
            answers: list[dict[str, Any]] = []

            async def worker() -> None:
                for body in pending:
                    response = await client.post("/api/usage", content=body, headers=headers)
                    assert response.status_code == 200, response.text[:500]
                    answers.append(response.json())

            began, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            seconds = time.perf_counter() - began
            cpu_seconds = time.process_time() - cpu
    recorded = sum(a["recorded"] for a in answers)
    errors = sum(len(a["errors"]) for a in answers)
    async with db.session() as session:
        stored = await session.scalar(select(func.count()).select_from(UsageRecord))
        items = list(await session.scalars(select(UsageRecord.subscription_item_id).distinct()))
        began = time.perf_counter()
        usage = await aggregate_usage(
            session,
            [(item, Aggregation.SUM) for item in items],
            datetime(2026, 12, 1, tzinfo=UTC),
            datetime(2027, 1, 1, tzinfo=UTC),
        )
        aggregate_ms = (time.perf_counter() - began) * 1000
    await db.dispose()
    return {
        "seconds": round(seconds, 3),
        "recorded": recorded,
        "errors": errors,
        "stored": stored,
        "records_per_second": round(recorded / seconds),
        # The application's own CPU (this process), without the database server's: on a
        # shared machine, wall time says as much about the neighbours as about the code.
        "app_cpu_seconds": round(cpu_seconds, 3),
        "records_per_app_cpu_second": round(recorded / cpu_seconds),
        "load_average": os.getloadavg()[0],
        "aggregate_period_ms": round(aggregate_ms, 1),
        "aggregated_units": sum(usage.values()),
    }


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(BENCH_DIR))
    from catalog import fresh_database, redact

    kind = "postgresql" if args.database_url else "sqlite"
    concurrency = args.concurrency or (4 if args.database_url else 1)
    with (
        tempfile.TemporaryDirectory(prefix="recur-usage-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as database_url,
    ):
        print(f"preparing {args.items} metered items on {redact(database_url)}")
        item_ids = asyncio.run(prepare(database_url, args.items))
        payloads = bodies(item_ids, args.records, args.lines)
        largest = max(len(body) for body in payloads)
        print(f"{args.records:,} records in {len(payloads)} requests (largest {largest:,} B)")
        measured = asyncio.run(ingest(database_url, payloads, concurrency))
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "database": kind,
        "items": args.items,
        "records": args.records,
        "lines_per_request": args.lines,
        "concurrency": concurrency,
        "target_records_per_second": TARGETS[kind],
        **measured,
    }
    print(json.dumps(results, indent=2))
    output = args.output or RESULTS_DIR / f"usage-{kind}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    ok = measured["records_per_second"] >= TARGETS[kind] and measured["stored"] == args.records
    print(("meets" if ok else "MISSES") + f" the target of {TARGETS[kind]:,} records/s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

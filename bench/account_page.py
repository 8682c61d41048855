"""The account page of a five-year customer: server time of its one GraphQL request.

    python bench/account_page.py                   # SQLite in a temporary directory
    python bench/account_page.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_bench_account
    python bench/account_page.py --requests 300

1. A fresh database (a SQLite file in a temporary directory, or the PostgreSQL database named
   in ``--database-url``, created for the run and dropped after it; it must not exist yet),
   migrated, with the demo data.
2. An account with five years of history written straight into the tables
   (``backend/tests/history.py``, the same builder the statement-count test uses): 60 monthly
   invoices, each paid, 176 subscription changes — 300 timeline entries.
3. The measured requests: the account page's query (figures, MRR by month, the first page of
   the timeline with each entry's subject, the orders; ``ACCOUNT_PAGE`` of
   ``backend/tests/graphql/test_account_360.py``) sent ``--requests`` times, one after the
   other, to the application in the same process (``httpx.ASGITransport``): the time is the
   server's — authentication, GraphQL, the SQL — without a network. Median, p95 and max of
   the wall time, the median CPU time of the process (what a request costs, whatever else
   the machine runs), and the load average the run saw.

Target: under 50 ms at the median. Results are printed and written to
``bench/results/account-page-<database>.json``.
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
from datetime import UTC, date, datetime
from datetime import time as day_time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))

from recur.app import create_app  # noqa: E402
from recur.clock import FixedClock  # noqa: E402
from recur.db.engine import Database  # noqa: E402
from recur.db.migrate import upgrade  # noqa: E402
from recur.demo import load_demo  # noqa: E402
from recur.graphql.core.ids import to_global_id  # noqa: E402
from recur.settings import Settings  # noqa: E402
from tests.graphql.test_account_360 import ACCOUNT_PAGE  # noqa: E402
from tests.history import add_long_history  # noqa: E402

TODAY = date(2026, 11, 24)
LOGIN = """mutation { login(input: {email: "maria@recur.example", password: "recur-demo"}) {
  token } }"""


async def _postgres(url: str, create: bool) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgresql+asyncpg", "postgresql") + "/postgres"
    connection = await asyncpg.connect(admin)
    try:
        if create:
            await connection.execute(f'CREATE DATABASE "{name}"')
        else:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def run(url: str, requests: int) -> dict[str, object]:
    db = Database(url)
    await upgrade(db)
    await load_demo(db, today=TODAY)
    account = await add_long_history(db, today=TODAY)
    clock = FixedClock(datetime.combine(TODAY, day_time(10, 0), tzinfo=UTC))
    settings = Settings(database_url=url, secret_key="bench-" + "x" * 40)
    app = create_app(settings, database=db, clock=clock)
    transport = httpx.ASGITransport(app=app)
    timings: list[float] = []
    cpu: list[float] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        token = (await client.post("/graphql", json={"query": LOGIN})).json()["data"]["login"][
            "token"
        ]
        headers = {"authorization": f"Bearer {token}"}
        body = {"query": ACCOUNT_PAGE, "variables": {"id": to_global_id("Account", account)}}
        for index in range(requests + 20):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = await client.post("/graphql", json=body, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            used = (time.process_time() - started_cpu) * 1000
            data = response.json()
            if response.status_code != 200 or "errors" in data:
                raise SystemExit(f"the account page failed: {data}")
            if index >= 20:  # the first ones warm the caches
                timings.append(elapsed)
                cpu.append(used)
        entries = data["data"]["account"]["timeline"]["totalCount"]
    await db.dispose()
    timings.sort()
    return {
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "requests": requests,
        "timeline_entries": entries,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        # CPU time of the process (every thread, the database driver's too): what the request
        # costs the server, whatever else the machine is running.
        "median_cpu_ms": round(statistics.median(cpu), 2),
        "load_average": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database that does not exist yet")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{directory}/bench.sqlite3"
        postgres = url.startswith("postgresql")
        if postgres:
            asyncio.run(_postgres(url, create=True))
        try:
            result = asyncio.run(run(url, args.requests))
        finally:
            if postgres:
                asyncio.run(_postgres(url, create=False))
    print(json.dumps(result, indent=2))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"account-page-{result['database']}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Webhook delivery: how fast one delivery worker empties the outbox into a local receiver,
and what recording an event adds to the transaction that makes it.

    python bench/webhooks.py                       # SQLite in a temporary directory
    python bench/webhooks.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_bench
    python bench/webhooks.py --events 1000 --endpoints 2

Figures go to docs/performance.md ("Webhooks").
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalog import fresh_database

from recur.db.engine import Database
from recur.db.migrate import upgrade
from recur.db.models import WebhookEndpoint
from recur.services import integrations
from recur.services.common import record_event


class Receiver:
    """Answers 200 to every POST on 127.0.0.1, counting them."""

    def __init__(self) -> None:
        self.count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["content-length"]))
                receiver.count += 1
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


async def run(database_url: str, events: int, endpoints: int) -> dict[str, float]:
    db = Database(database_url)
    await upgrade(db)
    receiver = Receiver()
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add_all(
            WebhookEndpoint(
                url=receiver.url,
                event_types=["invoice.issued"],
                secret="whsec_bench",  # noqa: S106 - a bench endpoint's key
                enabled=True,
                disabled_reason="",
                deleted=False,
                created_at=now,
            )
            for _ in range(endpoints)
        )
    data = {"invoice": {"number": "INV-000001", "total": "1200.00", "currency": "USD"}}
    timings = []
    for _ in range(events):
        started = time.perf_counter()
        async with db.transaction() as session:
            await record_event(session, "invoice.issued", None, data, now=now)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    async with httpx.AsyncClient() as client:
        while await integrations.deliver_due(
            db, client, now=lambda: datetime.now(UTC), allow_private=True, limit=50
        ):
            pass
    elapsed = time.perf_counter() - started
    await db.dispose()
    receiver.server.shutdown()
    delivered = events * endpoints
    assert receiver.count == delivered, (receiver.count, delivered)
    return {
        "record_ms_median": statistics.median(timings) * 1000,
        "deliveries": delivered,
        "deliveries_per_s": delivered / elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--endpoints", type=int, default=2)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="recur-webhooks-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
    ):
        result = asyncio.run(run(url, args.events, args.endpoints))
    print(
        f"record an event (transaction included), median: {result['record_ms_median']:.2f} ms\n"
        f"delivered {result['deliveries']:.0f} by one worker: "
        f"{result['deliveries_per_s']:.0f} deliveries/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A normal client reading the catalog while a hostile one loops the worst requests it can.

    python bench/hostile.py                          # SQLite in a temporary directory
    python bench/hostile.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_bench_hostile

1. Writes a book of ``--accounts`` accounts (300 by default; three subscriptions each, all
   reaching their term end within the year) with ``bench/billing.py``'s generator, and one
   manager to log in as.
2. Starts ``recur serve`` on it (one worker, the catalog result cache as deployed).
3. The normal client (this process) reads the catalog, ``products(first: 50)`` with prices
   and tiers, one request at a time, ``--rate`` requests a second: alone first (the
   baseline), then while a hostile client (a process of its own) loops these, one request
   at a time, each in turn:
   - **fields**: ~185 repeated fields in 4.5 KB, and 90 (within the token limit), new text
     every time, so no cache helps;
   - **body**: a POST that says it brings 100 MB, and one that streams megabytes unannounced;
   - **deep**: JSON nested 100,000 deep in the variables;
   - **reports**: 30 aliases of ``renewals`` over the whole book with a manager's token,
     and the heaviest such report the limits let through (as many aliases of a page of 100
     entries as the budget allows).
4. Prints the normal client's p50 and p99 (target: p99 under 100 ms while under attack), and
   what the hostile requests got back.

Results are printed and written to ``bench/results/hostile.json`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
P99_TARGET_MS = 100.0
MANAGER = ("bench-manager@recur.example", "recur-bench")

sys.path.insert(0, str(BENCH_DIR))
from billing import write_book  # noqa: E402
from catalog import (  # noqa: E402
    bench_environment,
    free_port,
    fresh_database,
    recur_command,
    redact,
    wait_until_healthy,
)
from server import CATALOG_QUERY  # noqa: E402

FIELDS = "{ " + " ".join(["products { edges { node { sku } } }"] * 185) + " }"
#: As many repeated fields as fit under the token limit.
FEWER_FIELDS = "{ " + " ".join(["products { edges { node { sku } } }"] * 90) + " }"
REPORT = (
    "renewals(withinDays: 366, first: 100) { entries { renewalStatus subscription { number "
    "currentTermEnd account { name } items { quantity } } renewalQuote { number } } "
    "totals { currency count } }"
)
#: A smaller report, aliased as often as the limits allow (``heaviest_allowed``).
ALLOWED_REPORT = "renewals(withinDays: 366, first: 100) { entries { subscription { number } } }"
DEEP = b'{"query": "{ currencies }", "variables": {"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="recur-hostile-") as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database_url, workdir) as database_url:
            env = bench_environment(database_url, workdir, keep_app_cache=True)
            env["RECUR_BILLING_TIME"] = "off"
            print(f"database: {redact(database_url)}; writing {args.accounts} accounts ...")
            asyncio.run(prepare(database_url, args.accounts))
            results = measure(args, env, workdir)
            results["database"] = redact(database_url)
    report(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {args.output}")
    return 0 if results["under_attack"]["p99_ms"] < P99_TARGET_MS else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--duration", type=int, default=20, help="seconds per phase")
    parser.add_argument("--rate", type=float, default=20, help="normal requests a second")
    parser.add_argument("--database-url", help="PostgreSQL (created and dropped for the run)")
    parser.add_argument(
        "--only", action="append", help="run only the hostile loops whose name starts so"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "hostile.json")
    return parser.parse_args()


async def prepare(database_url: str, accounts: int) -> None:
    """The book, its terms ending over the next twelve months, and a manager."""
    from recur.auth.passwords import hash_secret
    from recur.core.roles import Role
    from recur.db.engine import Database
    from recur.db.models import User

    month = date.today().replace(day=1)
    await write_book(database_url, accounts, month, month, seed=7)
    db = Database(database_url)
    try:
        async with db.session() as session, session.begin():
            session.add(
                User(
                    email=MANAGER[0],
                    name="Bench Manager",
                    role=Role.MANAGER,
                    password_hash=hash_secret(MANAGER[1]),
                )
            )
    finally:
        await db.dispose()


def measure(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    port = free_port()
    log = workdir / "server.log"
    command = [*recur_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, cwd=workdir, stdout=output, stderr=output)
    try:
        wait_until_healthy(server, port, timeout=30, log=log)
        base = f"http://127.0.0.1:{port}"
        token = asyncio.run(login(base))
        print(f"baseline: the catalog alone for {args.duration} s ...")
        alone = asyncio.run(normal_client(base, args.duration, args.rate))
        stop = multiprocessing.Event()
        tallies: Any = multiprocessing.Queue()
        hostile = multiprocessing.Process(
            target=hostile_process, args=(port, token, args.only, stop, tallies)
        )
        hostile.start()
        time.sleep(2)  # every hostile loop under way
        print(f"under attack: the catalog for {args.duration} s while the hostile loops run ...")
        attacked = asyncio.run(normal_client(base, args.duration, args.rate))
        stop.set()
        hostile.join(timeout=120)
        tally = tallies.get(timeout=10) if not tallies.empty() else {}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "alone": alone,
        "under_attack": attacked,
        "hostile": tally,
        "load_average": os.getloadavg(),
        "args": vars(args) | {"output": str(args.output)},
    }


async def login(base: str) -> str:
    mutation = (
        "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"
    )
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        body = (
            await http.post(
                "/graphql",
                json={"query": mutation, "variables": {"e": MANAGER[0], "p": MANAGER[1]}},
            )
        ).json()
    token: str = body["data"]["login"]["token"]
    return token


async def normal_client(base: str, seconds: float, rate: float) -> dict[str, Any]:
    """Catalog reads at ``rate`` a second, each timed from send to the whole answer read."""
    latencies, failures = [], 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": CATALOG_QUERY})
            latencies.append((time.perf_counter() - started) * 1000)
            ok = response.status_code == 200 and "errors" not in response.json()
            failures += not ok
            await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "failures": failures,
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max_ms": round(ordered[-1], 1),
    }


# --- the hostile client, in a process of its own so that it never delays the normal one -------


def hostile_process(port: int, token: str, only: list[str] | None, stop: Any, tallies: Any) -> None:
    tallies.put(asyncio.run(hostile(port, token, only, stop)))


async def hostile(port: int, token: str, only: list[str] | None, stop: Any) -> dict[str, Any]:
    # One client, its connections kept open, as a determined client would.
    http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120)
    staff = {"authorization": f"Bearer {token}"}
    aliased = "{ " + " ".join(f"r{i}: {REPORT}" for i in range(30)) + " }"
    aliases, allowed = heaviest_allowed()
    kinds = {
        "fields (185 repeated)": lambda n: post(http, {"query": f"# {n}\n{FIELDS}"}),
        "fields (90 repeated)": lambda n: post(http, {"query": f"# {n}\n{FEWER_FIELDS}"}),
        "deep JSON (100,000)": lambda n: post(http, DEEP),
        "aliased reports (30 x renewals)": lambda n: post(http, {"query": aliased}, staff),
        f"allowed reports ({aliases} x renewals)": lambda n: post(http, {"query": allowed}, staff),
        "body announced 100 MB": lambda n: big_body(port, announced=True),
        "body streamed unannounced": lambda n: big_body(port, announced=False),
    }
    chosen = {
        name: send
        for name, send in kinds.items()
        if not only or any(name.startswith(prefix) for prefix in only)
    }
    async with http:
        return await loop(chosen, stop)


def heaviest_allowed() -> tuple[int, str]:
    """The most aliases of ``ALLOWED_REPORT`` the query limits let through, and the query."""
    from graphql import parse

    from recur.graphql.core.query_cost import over_budget
    from recur.graphql.schema import MAX_ALIASES, MAX_DEPTH, schema

    def aliased(n: int) -> str:
        return "{ " + " ".join(f"r{i}: {ALLOWED_REPORT}" for i in range(n)) + " }"

    fits = [
        n
        for n in range(1, MAX_ALIASES + 1)
        if over_budget(schema._schema, parse(aliased(n)), {}, max_depth=MAX_DEPTH) is None
    ]
    return max(fits), aliased(max(fits))


async def loop(kinds: dict[str, Any], stop: Any) -> dict[str, Any]:
    """One request at a time, each kind in turn, until told to stop."""
    outcomes: dict[str, Counter[str]] = {name: Counter() for name in kinds}
    seconds: dict[str, list[float]] = {name: [] for name in kinds}
    n = 0
    while not stop.is_set():
        for name, send in kinds.items():
            n += 1
            started = time.perf_counter()
            try:
                outcomes[name][await send(n)] += 1
            except (httpx.HTTPError, OSError) as error:
                outcomes[name][type(error).__name__] += 1
            seconds[name].append(time.perf_counter() - started)
    return {
        name: {
            "requests": len(seconds[name]),
            "answers": dict(outcomes[name]),
            "mean_ms": round(statistics.mean(seconds[name]) * 1000, 1) if seconds[name] else None,
        }
        for name in kinds
    }


async def post(
    http: httpx.AsyncClient, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None
) -> str:
    """Sends one request; names its answer: the status and the error code if any."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = await http.post(
        "/graphql",
        content=content,
        headers={"content-type": "application/json", **(headers or {})},
    )
    if response.status_code != 200:
        return str(response.status_code)
    errors = response.json().get("errors") or []
    codes = {str((e.get("extensions") or {}).get("code", "error")) for e in errors}
    return "200 " + (",".join(sorted(codes)) if codes else "data")


async def big_body(port: int, *, announced: bool) -> str:
    """A POST of 100 MB, written a megabyte at a time until the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    length = f"content-length: {100 * 1024 * 1024}" if announced else "transfer-encoding: chunked"
    writer.write(
        f"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"{length}\r\n\r\n".encode()
    )
    megabyte = b" " * (1024 * 1024)
    chunk = megabyte if announced else b"100000\r\n" + megabyte + b"\r\n"
    status = b""
    try:
        for _ in range(100):
            writer.write(chunk)
            await writer.drain()
            try:
                status = await asyncio.wait_for(reader.readline(), 0.01)
            except TimeoutError:
                continue
            break
        if not status:
            status = await asyncio.wait_for(reader.readline(), 30)
    except (ConnectionError, TimeoutError):
        status = status or b"HTTP/1.1 reset"
    finally:
        writer.close()
    return status.decode(errors="replace").split(" ", 2)[1] if status else "no answer"


def report(results: dict[str, Any]) -> None:
    alone, attacked = results["alone"], results["under_attack"]
    print(
        f"\n{'normal catalog reads':<32} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for label, row in (("alone", alone), ("under attack", attacked)):
        print(
            f"{label:<32} {row['requests']:>9} {row['p50_ms']:>8} {row['p99_ms']:>8} "
            f"{row['max_ms']:>8}" + (f"  ({row['failures']} failed)" if row["failures"] else "")
        )
    print(f"\n{'hostile loop':<34} {'requests':>9} {'mean ms':>8}  answers")
    for name, row in results["hostile"].items():
        print(f"{name:<34} {row['requests']:>9} {row['mean_ms']!s:>8}  {row['answers']}")
    load = ", ".join(f"{x:.1f}" for x in results["load_average"])
    print(f"\nthe machine's load average at the end: {load}")
    met = "met" if attacked["p99_ms"] < P99_TARGET_MS else "NOT met"
    print(f"\ntarget: p99 under {P99_TARGET_MS:.0f} ms while under attack: {met}")


if __name__ == "__main__":
    sys.exit(main())

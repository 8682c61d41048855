"""GraphQL against its plain-Starlette ceiling: anonymous catalog reads, and cold start.

    python bench/catalog.py                      # SQLite in a temporary directory
    python bench/catalog.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_bench

1. Loads the demo data (``recur demo``) into a fresh database: a SQLite file in a temporary
   directory, or the PostgreSQL database named in ``--database-url``, created for the run and
   dropped after it (it must not exist yet).
2. Starts ``bench/server.py`` (the application plus the ``/bench/catalog`` ceiling route) with
   uvicorn, one worker, on a free loopback port, and checks once that ``POST /graphql`` with
   ``products(first: 50)`` and ``GET /bench/catalog`` answer exactly the same data.
3. Warms both up, then loads each with wrk (``-t1 -c8 -d10s``, two rounds in alternating
   order, by default) and reports requests per second, latency and the GraphQL / ceiling
   ratio (target: at least 50 %).
4. Times the cold start of ``recur serve``: process start to the first 200 from ``/healthz``,
   five runs, the median (target: under 2 s).

Results are printed and written to ``bench/results/latest.json``. Needs wrk
(``apt-get install -y wrk``); everything else comes with the project.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SERVER = BENCH_DIR / "server.py"
HOST = "127.0.0.1"

GRAPHQL_TARGET_RATIO = 0.50
COLD_START_TARGET_SECONDS = 2.0

# The query bench/server.py's ceiling mirrors; kept in one place (server.py) so they agree.
sys.path.insert(0, str(BENCH_DIR))
from server import CATALOG_QUERY  # noqa: E402

WRK_REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d," ..
    "\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d}," ..
    "\"latency_us\":{\"mean\":%.1f,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d}}\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
"""


def main() -> int:
    args = parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="recur-bench-") as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database_url, workdir) as database_url:
            env = bench_environment(database_url, workdir, keep_app_cache=args.app_cache)
            print(f"database: {redact(database_url)}")
            run([*recur_command(), "demo"], env=env, cwd=workdir)
            results = benchmark(args, wrk, env, workdir)
            results["database"] = redact(database_url)
            if not args.skip_cold_start:
                results["cold_start"] = cold_start(env, workdir, runs=args.cold_start_runs)
    report(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {args.output}")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per endpoint")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per endpoint")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL to bench against (postgresql+asyncpg://...); the database is "
        "created for the run and dropped after it. Default: SQLite in a temporary directory.",
    )
    parser.add_argument(
        "--app-cache",
        action="store_true",
        help="keep the application's catalog result cache (RECUR_CATALOG_CACHE_SECONDS) as "
        "configured; by default it is set to 0 so that both endpoints query the database on "
        "every request",
    )
    parser.add_argument("--cold-start-runs", type=int, default=5)
    parser.add_argument("--skip-cold-start", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60:
        parser.error("--duration must be between 1 and 60 seconds")
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be between 1 and 10")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    return args


# --- database -------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(database_url: str | None, workdir: Path) -> Iterator[str]:
    """A new, empty database for the run: SQLite under ``workdir``, or a PostgreSQL one."""
    if database_url is None:
        yield f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
        return
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql" or not url.database:
        raise SystemExit("--database-url must be postgresql+asyncpg://user@host:port/database")
    asyncio.run(_create_database(url))
    try:
        yield database_url
    finally:
        asyncio.run(_drop_database(url))


def _maintenance_dsn(url: Any) -> str:
    dsn: str = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    return dsn


async def _create_database(url: Any) -> None:
    import asyncpg

    connection = await asyncpg.connect(_maintenance_dsn(url))
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", url.database
        )
        if exists:
            raise SystemExit(
                f"database {url.database!r} already exists; the benchmark creates and drops its "
                "own database, so name one that does not exist (or drop it first)"
            )
        await connection.execute(f'CREATE DATABASE "{_identifier(url.database)}"')
    finally:
        await connection.close()


async def _drop_database(url: Any) -> None:
    import asyncpg

    connection = await asyncpg.connect(_maintenance_dsn(url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{_identifier(url.database)}"')
    finally:
        await connection.close()


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"use a plain database name (letters, digits, _), not {name!r}")
    return name


def redact(database_url: str) -> str:
    from sqlalchemy.engine import make_url

    rendered: str = make_url(database_url).render_as_string(hide_password=True)
    return rendered


# --- processes ------------------------------------------------------------------------------


def bench_environment(database_url: str, workdir: Path, *, keep_app_cache: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RECUR_DATABASE_URL=database_url,
        RECUR_VAR_DIR=str(workdir / "var"),
        RECUR_SECRET_KEY=secrets.token_urlsafe(32),
        PYTHONUNBUFFERED="1",
        # The benches send from this machine's one address: the request limits (meant for one
        # client each) would otherwise be what they measure.
        RECUR_REQUESTS_PER_ACTOR="10000000 per minute",
        RECUR_REQUESTS_PER_ADDRESS="10000000 per minute",
        RECUR_QUERY_COST_PER_MINUTE="1000000000",
        RECUR_DELIVERY_WORKER="false",
    )
    if not keep_app_cache:
        env["RECUR_CATALOG_CACHE_SECONDS"] = "0"
    return env


def recur_command() -> list[str]:
    """The ``recur`` script of this interpreter's environment (or the module behind it)."""
    script = Path(sys.executable).parent / "recur"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "recur.cli"]


def run(command: list[str], *, env: dict[str, str], cwd: Path) -> None:
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"failed: {' '.join(command)}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def healthz_ok(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=1)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def wait_until_healthy(
    process: subprocess.Popen[bytes], port: int, timeout: float, log: Path
) -> float:
    """Seconds until ``/healthz`` answered 200; fails if the process exits or times out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-25:])
            raise SystemExit(f"{tail}the server exited with status {process.returncode}")
        if healthz_ok(port):
            return time.perf_counter() - started
        time.sleep(0.005)
    raise SystemExit(f"no 200 from /healthz within {timeout} s (see {log})")


@contextlib.contextmanager
def serving(env: dict[str, str], workdir: Path, *extra: str) -> Iterator[int]:
    """``recur serve`` (with ``extra`` arguments) on a free loopback port, its output in
    ``workdir/server.log``, until the block ends; the port."""
    port = free_port()
    log = workdir / "server.log"
    command = [*recur_command(), "serve", "--host", HOST, "--port", str(port), *extra]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(process, port, 30, log)
            yield port
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- HTTP -----------------------------------------------------------------------------------


def fetch(port: int, method: str, path: str, body: bytes | None = None) -> tuple[Any, int]:
    """The JSON answer of one request and its size in bytes (no compression asked for)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"content-type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise SystemExit(f"{method} {path}: HTTP {response.status}: {payload[:500]!r}")
        return json.loads(payload), len(payload)
    finally:
        connection.close()


def graphql_body() -> bytes:
    return json.dumps({"query": CATALOG_QUERY}).encode()


def check_same_answer(port: int) -> dict[str, int]:
    """Both endpoints must answer the same data, or the comparison means nothing."""
    graphql, graphql_bytes = fetch(port, "POST", "/graphql", graphql_body())
    ceiling, ceiling_bytes = fetch(port, "GET", "/bench/catalog")
    if graphql.get("errors"):
        raise SystemExit(f"GraphQL answered errors: {graphql['errors']}")
    if graphql != ceiling:
        raise SystemExit(
            "GraphQL and /bench/catalog disagree; fix bench/server.py before timing anything.\n"
            f"graphql: {json.dumps(graphql)[:2000]}\nceiling: {json.dumps(ceiling)[:2000]}"
        )
    nodes = [edge["node"] for edge in graphql["data"]["products"]["edges"]]
    prices = [price for node in nodes for price in node["prices"]]
    if not nodes or not prices:
        raise SystemExit("the catalog is empty: did the demo data load?")
    return {
        "products": len(nodes),
        "prices": len(prices),
        "tiers": sum(len(price["tiers"]) for price in prices),
        "graphql_response_bytes": graphql_bytes,
        "ceiling_response_bytes": ceiling_bytes,
    }


# --- load -----------------------------------------------------------------------------------


def wrk_script(workdir: Path, *, post_body: bytes | None) -> Path:
    lines = []
    if post_body is not None:
        body = post_body.decode()
        if "]==]" in body:
            raise ValueError("the body cannot be written as a Lua long string")
        lines += [
            'wrk.method = "POST"',
            'wrk.headers["Content-Type"] = "application/json"',
            f"wrk.body = [==[{body}]==]",
        ]
    path = workdir / ("post.lua" if post_body is not None else "get.lua")
    path.write_text("\n".join(lines) + WRK_REPORT)
    return path


def run_wrk(
    wrk: str, url: str, script: Path, *, threads: int, connections: int, seconds: int
) -> dict[str, Any]:
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    marker = [line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if completed.returncode != 0 or not marker:
        raise SystemExit(f"wrk failed:\n{completed.stdout}{completed.stderr}")
    raw = json.loads(marker[-1].removeprefix("WRK_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 3),
        "requests_per_second": round(raw["requests"] / seconds_run, 1),
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
        "errors": errors,
        "error_count": sum(errors.values()),
        "command": " ".join([Path(wrk).name, *command[1:]]),
    }


def benchmark(
    args: argparse.Namespace, wrk: str, env: dict[str, str], workdir: Path
) -> dict[str, Any]:
    port = free_port()
    log = workdir / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, str(SERVER), "--host", HOST, "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(server, port, timeout=30, log=log)
        answer = check_same_answer(port)
        print(
            f"same answer from both: {answer['products']} products, {answer['prices']} prices, "
            f"{answer['tiers']} tiers ({answer['graphql_response_bytes']} bytes)"
        )
        base = f"http://{HOST}:{port}"
        targets = {
            "graphql": (f"{base}/graphql", wrk_script(workdir, post_body=graphql_body())),
            "ceiling": (f"{base}/bench/catalog", wrk_script(workdir, post_body=None)),
        }
        load = {"threads": args.threads, "connections": args.connections}
        if args.warmup:
            for url, script in targets.values():
                run_wrk(wrk, url, script, seconds=args.warmup, **load)
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for number in range(args.rounds):
            # Alternate the order (G C, C G, ...) so that drift hits both endpoints alike.
            order = list(targets) if number % 2 == 0 else list(reversed(targets))
            for name in order:
                url, script = targets[name]
                print(f"round {number + 1}/{args.rounds}: {name}, {args.duration} s ...")
                rounds[name].append(run_wrk(wrk, url, script, seconds=args.duration, **load))
        check_same_answer(port)  # still right after the load
    finally:
        stop(server)
    for name, runs in rounds.items():
        for result in runs:
            if result["error_count"]:
                raise SystemExit(f"{name}: wrk counted errors {result['errors']}; invalid run")
    measured = {name: combine(runs) for name, runs in rounds.items()}
    ratio = measured["graphql"]["requests_per_second"] / measured["ceiling"]["requests_per_second"]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "versions": versions(wrk),
        "load": {
            **load,
            "duration_seconds": args.duration,
            "rounds": args.rounds,
            "warmup_seconds": args.warmup,
        },
        "catalog_cache_seconds": env.get("RECUR_CATALOG_CACHE_SECONDS", "application default"),
        "answer": answer,
        "graphql": measured["graphql"],
        "ceiling": measured["ceiling"],
        "ratio": round(ratio, 3),
        "ratio_per_round": [
            round(g["requests_per_second"] / c["requests_per_second"], 3)
            for g, c in zip(rounds["graphql"], rounds["ceiling"], strict=True)
        ],
        "ratio_target": GRAPHQL_TARGET_RATIO,
        "ratio_met": ratio >= GRAPHQL_TARGET_RATIO,
    }


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """All rounds of one endpoint: requests over seconds, latency of every round."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["seconds"] for run in runs)
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "requests_per_second": round(requests / seconds, 1),
        "p50_ms_mean": round(statistics.mean(run["latency_ms"]["p50"] for run in runs), 2),
        "p99_ms_max": max(run["latency_ms"]["p99"] for run in runs),
        "rounds": runs,
    }


def versions(wrk: str) -> dict[str, str]:
    found = {}
    for name in ("recur", "strawberry-graphql", "starlette", "uvicorn", "sqlalchemy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    banner = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False).stdout
    found["wrk"] = banner.split()[1] if banner.startswith("wrk ") else "unknown"
    return found


# --- cold start -----------------------------------------------------------------------------


def cold_start(env: dict[str, str], workdir: Path, *, runs: int) -> dict[str, Any]:
    """``recur serve`` from process start to the first 200 from /healthz."""
    timings = []
    for _ in range(runs):
        port = free_port()
        log = workdir / "serve.log"
        with log.open("wb") as output:
            started = time.perf_counter()
            process = subprocess.Popen(
                [*recur_command(), "serve", "--host", HOST, "--port", str(port)],
                env=env,
                cwd=workdir,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(process, port, timeout=30, log=log)
            timings.append(time.perf_counter() - started)
        finally:
            stop(process)
    median = statistics.median(timings)
    print(f"cold start: {', '.join(f'{t:.2f}' for t in timings)} s")
    return {
        "command": "recur serve --host 127.0.0.1 --port <free port>",
        "runs_seconds": [round(t, 3) for t in timings],
        "median_seconds": round(median, 3),
        "target_seconds": COLD_START_TARGET_SECONDS,
        "target_met": median < COLD_START_TARGET_SECONDS,
    }


# --- report ---------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> None:
    print()
    print(f"database: {results['database']}   load: {results['load']}")
    header = f"{'endpoint':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}"
    # p50: mean over the rounds; p99: the worst round.
    print(header)
    print("-" * len(header))
    rows = (("POST /graphql", results["graphql"]), ("GET /bench/catalog", results["ceiling"]))
    for label, row in rows:
        print(
            f"{label:<24}{row['requests_per_second']:>10.1f}{row['p50_ms_mean']:>10.2f}"
            f"{row['p99_ms_max']:>10.2f}{row['requests']:>10}"
        )
    verdict = "met" if results["ratio_met"] else "NOT met"
    per_round = ", ".join(f"{r:.1%}" for r in results["ratio_per_round"])
    print(
        f"GraphQL / ceiling: {results['ratio']:.1%} "
        f"(target >= {results['ratio_target']:.0%}: {verdict}; per round: {per_round})"
    )
    if "cold_start" in results:
        cold = results["cold_start"]
        verdict = "met" if cold["target_met"] else "NOT met"
        print(
            f"cold start of recur serve: median {cold['median_seconds']:.2f} s over "
            f"{len(cold['runs_seconds'])} runs (target < {cold['target_seconds']:.0f} s: "
            f"{verdict})"
        )


if __name__ == "__main__":
    raise SystemExit(main())

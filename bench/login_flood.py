"""A real login while eight clients flood ``login`` with wrong passwords: its latency.

    python bench/login_flood.py [--flooders 8] [--logins 8]

Loads the demo data into a fresh SQLite database, starts ``recur serve`` on a free loopback
port and times a demo user's login alone, then while ``--flooders`` clients send wrong
passwords for made-up emails as fast as they are answered, twice: all from one address
(the throttle refuses the address after 30 checks a minute) and each guess from another
address (``X-Forwarded-For``, which ``recur serve`` trusts from 127.0.0.1: every guess is
hashed, and only the bound on hashes at once protects the server). Medians and maxima are
printed and written to ``bench/results/login_flood.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog import (
    HOST,
    RESULTS_DIR,
    bench_environment,
    fresh_database,
    recur_command,
    run,
    serving,
)

LOGIN = """mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token userErrors { code } } }"""
#: The real user's address, apart from the flooders'.
REAL_USER = {"x-forwarded-for": "192.0.2.1"}


async def log_in(client: httpx.AsyncClient, email: str, password: str, headers: Any) -> Any:
    variables = {"email": email, "password": password}
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": variables}, headers=headers
    )
    return response.json()["data"]["login"]


async def timed_logins(client: httpx.AsyncClient, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        payload = await log_in(client, "bob@globex.example", "recur-demo", REAL_USER)
        timings.append(time.perf_counter() - started)
        if not payload["token"]:
            raise SystemExit(f"the real login was refused: {payload}")
        await asyncio.sleep(0.5)
    return timings


async def flood(
    client: httpx.AsyncClient,
    spread: bool,
    guesses: itertools.count[int],
    stop_flood: asyncio.Event,
    answers: dict[str, int],
) -> None:
    while not stop_flood.is_set():
        n = next(guesses)
        address = f"198.51.{n // 250 % 250}.{n % 250 + 1}" if spread else "203.0.113.9"
        payload = await log_in(
            client, f"guess{n}@acme.example", "guess", {"x-forwarded-for": address}
        )
        code = payload["userErrors"][0]["code"]
        answers[code] = answers.get(code, 0) + 1


async def measure(port: int, flooders: int, logins: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=60) as client:
        results["alone"] = {"seconds": await timed_logins(client, logins)}
        for name, spread in (("one_address", False), ("spread_addresses", True)):
            stop_flood, answers, guesses = asyncio.Event(), {}, itertools.count()
            tasks = [
                asyncio.create_task(flood(client, spread, guesses, stop_flood, answers))
                for _ in range(flooders)
            ]
            await asyncio.sleep(3)
            seconds = await timed_logins(client, logins)
            stop_flood.set()
            await asyncio.gather(*tasks)
            results[name] = {"seconds": seconds, "flood_answers": answers}
    for result in results.values():
        timings = result.pop("seconds")
        result["median_s"] = round(statistics.median(timings), 2)
        result["max_s"] = round(max(timings), 2)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--logins", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recur-login-flood-") as tmp:
        workdir = Path(tmp)
        with fresh_database(None, workdir) as database_url:
            env = bench_environment(database_url, workdir, keep_app_cache=True)
            run([*recur_command(), "demo"], env=env, cwd=workdir)
            with serving(env, workdir) as port:
                results = asyncio.run(measure(port, args.flooders, args.logins))
    for name, result in results.items():
        print(f"{name}: median {result['median_s']} s, max {result['max_s']} s", end="")
        print(f"  (flood answers: {result['flood_answers']})" if "flood_answers" in result else "")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "login_flood.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

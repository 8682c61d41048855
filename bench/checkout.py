"""Checkout of a 10-line cart, end to end over HTTP: latency of the checkout request.

    python bench/checkout.py [--runs 60]

Loads the demo data into a fresh SQLite database (or ``--database-url`` PostgreSQL), starts
``recur serve`` on a free loopback port and, as a demo customer, fills a cart with ten
different prices and checks it out, ``--runs`` times. Only the ``checkout`` request is
timed: it prices the cart, accepts it, and writes the order, its charge schedule, the
subscription and the first invoice in one transaction. Median and p99 are printed and
written to ``bench/results/checkout.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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

CART_LINES = 10
LOGIN = """mutation { login(input: {email: "alice@acme.example", password: "recur-demo"}) {
  token userErrors { message } } }"""
PRICES = """{ products(first: 50) { edges { node { prices(currency: "USD") {
  id billingPeriod } } } } }"""
ADD = """mutation($price: ID!) { addToCart(input: {priceId: $price, quantity: 3}) {
  cart { id lines { id } } userErrors { message } } }"""
CHECKOUT = """mutation($quote: ID!) { checkout(input: {quoteId: $quote, termMonths: 12}) {
  order { number invoice { number total { amount } } } userErrors { message } } }"""


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.token: str | None = None

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        body = json.dumps({"query": query, "variables": variables or {}})
        self.connection.request("POST", "/graphql", body=body, headers=headers)
        response = self.connection.getresponse()
        data: dict[str, Any] = json.loads(response.read())
        if response.status != 200 or data.get("errors"):
            raise SystemExit(f"request failed: {response.status} {data}")
        return data["data"]


def ten_prices(client: Client) -> list[str]:
    edges = client.graphql(PRICES)["products"]["edges"]
    prices = [p["id"] for e in edges for p in e["node"]["prices"]]
    if len(prices) < CART_LINES:
        raise SystemExit("the demo catalog has fewer than ten USD prices")
    return prices[:CART_LINES]


def measure(port: int, runs: int) -> list[float]:
    client = Client(port)
    client.token = client.graphql(LOGIN)["login"]["token"]
    prices = ten_prices(client)
    timings: list[float] = []
    for _ in range(runs):
        cart: dict[str, Any] = {}
        for price in prices:
            cart = client.graphql(ADD, {"price": price})["addToCart"]["cart"]
        if len(cart["lines"]) != CART_LINES:
            raise SystemExit(f"expected {CART_LINES} cart lines, got {len(cart['lines'])}")
        started = time.perf_counter()
        payload = client.graphql(CHECKOUT, {"quote": cart["id"]})["checkout"]
        timings.append((time.perf_counter() - started) * 1000)
        if payload["userErrors"] or not payload["order"]:
            raise SystemExit(f"checkout refused: {payload}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recur-checkout-") as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database_url, workdir) as database_url:
            env = bench_environment(database_url, workdir, keep_app_cache=True)
            run([*recur_command(), "demo"], env=env, cwd=workdir)
            with serving(env, workdir) as port:
                timings = measure(port, args.runs)
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    results = {
        "runs": args.runs,
        "cart_lines": CART_LINES,
        "database": "postgresql" if args.database_url else "sqlite",
        "median_ms": round(statistics.median(timings), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(ordered[-1], 1),
    }
    print(
        f"checkout of a {CART_LINES}-line cart over HTTP ({results['database']}, "
        f"{args.runs} runs): median {results['median_ms']} ms, p99 {results['p99_ms']} ms"
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "checkout.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

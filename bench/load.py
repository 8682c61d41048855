"""Many clients at once for a minute, then the books are checked: nothing fails, nothing adds up
wrong.

    python bench/load.py                     # SQLite, 50 clients, 60 s
    python bench/load.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_load
    python bench/load.py --clients 10 --duration 10
    python bench/load.py --instances 2 --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/recur_load

Loads the demo data into a fresh database, gives every client a customer account of its own
(USD or EUR, with a login), starts ``recur serve`` on a free loopback port and lets each
client do what shoppers do, chosen at random, for ``--duration`` seconds: read the catalog,
add to the cart, change a cart line, look at the cart and at their invoices, check out
(sometimes twice, as a double click would), pay an invoice by card, log in again. Two more
clients are staff: a finance user who runs the billing run every few seconds and lists
invoices, and a rep who reads the accounts and quotes. Any HTTP error, GraphQL error or
unexpected user error counts as a failure. **Target: 0 failures**, on SQLite and on
PostgreSQL.

Afterwards, with the server stopped, the database is checked: document numbers of every kind
without gaps or duplicates, one order per checked-out cart and the order every checkout
answered with, at most one open cart per account, no charge billed twice, every invoice's
total equal to its lines. Results go to ``bench/results/load-<database>.json``.

``--instances 2`` starts two ``recur serve`` on the one database, sharing their limits'
counts in Redis (``--redis-url``), as docs/operations.md ("Several instances") deploys them:
the shoppers are spread over the instances, and each instance has a finance user running the
billing run, so that runs on different instances overlap. The books must still add up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
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

PASSWORD = "load-test-password"  # noqa: S105 - the load customers' own, made for the run
LOGIN = """mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token userErrors { code message } } }"""
CATALOG = """query($currency: String!) { products(first: 20) { edges { node { sku
  prices(currency: $currency) { id billingPeriod model unitAmount
    tiers { upTo unitAmount flatAmount } } } } } }"""
ADD = """mutation($price: ID!, $quantity: Int!) {
  addToCart(input: {priceId: $price, quantity: $quantity}) {
    cart { id lines { id quantity } } userErrors { code message } } }"""
UPDATE_LINE = """mutation($line: ID!, $quantity: Int!) {
  updateCartLine(input: {lineId: $line, quantity: $quantity}) {
    cart { id } userErrors { code message } } }"""
CART = "{ cart { id lines { id quantity } totalContractValue { amount } } }"
CHECKOUT = """mutation($quote: ID!) { checkout(input: {quoteId: $quote, termMonths: 12}) {
  order { id number invoice { id number total { amount } } } userErrors { code message } } }"""
INVOICES = """{ invoices(first: 10) { edges { node { id number status
  balanceDue { amount } } } } }"""
PAY = """mutation($invoice: ID!, $attempt: String!) {
  payInvoice(input: {invoiceId: $invoice, token: "sandbox_visa", attempt: $attempt}) {
    payment { number } userErrors { code message } } }"""
RUN_BILLING = "mutation { runBilling { run { invoicesCreated } userErrors { code message } } }"
ACCOUNTS = "{ accounts(first: 20) { edges { node { name } } totalCount } }"
QUOTES = "{ quotes(first: 20) { edges { node { number status } } } }"

#: What a shopper does next, and how often.
SHOPPER_STEPS = {
    "catalog": 25,
    "add_to_cart": 30,
    "update_line": 10,
    "view_cart": 10,
    "checkout": 8,
    "invoices": 10,
    "pay": 4,
    "relogin": 3,
}


@dataclass
class Tally:
    """Latencies and failures of every kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Checked-out cart (quote id) → the order numbers its checkouts answered with.
    orders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def failed(self, step: str, what: str) -> None:
        self.failures[step].append(what[:300])


class Client:
    """One person's HTTP connection and session."""

    def __init__(self, http: httpx.AsyncClient, tally: Tally, email: str, password: str) -> None:
        self.http = http
        self.tally = tally
        self.email = email
        self.password = password
        self.token: str | None = None

    async def graphql(
        self, step: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The ``data`` of one request, or ``None`` (counted as a failure) if it failed."""
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        started = time.perf_counter()
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        except httpx.HTTPError as error:
            self.tally.failed(step, f"{type(error).__name__}: {error}")
            return None
        self.tally.latencies[step].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            self.tally.failed(step, f"HTTP {response.status_code}: {response.text}")
            return None
        body = response.json()
        if body.get("errors"):
            self.tally.failed(step, json.dumps(body["errors"]))
            return None
        data: dict[str, Any] = body["data"]
        payload = next(iter(data.values()), None)
        if isinstance(payload, dict) and payload.get("userErrors"):
            self.tally.failed(step, json.dumps(payload["userErrors"]))
            return None
        return data

    async def login(self) -> bool:
        self.token = None
        data = await self.graphql("login", LOGIN, {"email": self.email, "password": self.password})
        if data is not None:
            self.token = data["login"]["token"]
        return self.token is not None


class Shopper(Client):
    def __init__(self, *args: Any, currency: str, rng: random.Random) -> None:
        super().__init__(*args)
        self.currency = currency
        self.rng = rng
        self.prices: list[str] = []
        self.cart: dict[str, Any] | None = None
        self.attempts = 0

    async def start(self) -> bool:
        if not await self.login():
            return False
        data = await self.graphql("catalog", CATALOG, {"currency": self.currency})
        if data is None:
            return False
        self.prices = [
            price["id"] for edge in data["products"]["edges"] for price in edge["node"]["prices"]
        ]
        return bool(self.prices)

    async def catalog(self) -> None:
        await self.graphql("catalog", CATALOG, {"currency": self.currency})

    async def add_to_cart(self) -> None:
        price = self.rng.choice(self.prices)
        data = await self.graphql(
            "add_to_cart", ADD, {"price": price, "quantity": self.rng.randint(1, 5)}
        )
        if data is not None:
            self.cart = data["addToCart"]["cart"]

    async def update_line(self) -> None:
        if not self.cart or not self.cart["lines"]:
            return await self.add_to_cart()
        line = self.rng.choice(self.cart["lines"])
        quantity = self.rng.randint(1, 40)
        data = await self.graphql(
            "update_line", UPDATE_LINE, {"line": line["id"], "quantity": quantity}
        )
        if data is not None:
            line["quantity"] = quantity

    async def view_cart(self) -> None:
        data = await self.graphql("cart", CART)
        if data is not None:
            self.cart = data["cart"]

    async def checkout(self) -> None:
        if not self.cart or not self.cart["lines"]:
            return await self.add_to_cart()
        quote = self.cart["id"]
        # Now and then a double click: both answer with the same order.
        times = 2 if self.rng.random() < 0.2 else 1
        answers = await asyncio.gather(
            *(self.graphql("checkout", CHECKOUT, {"quote": quote}) for _ in range(times))
        )
        for data in answers:
            if data is not None:
                self.tally.orders[quote].add(data["checkout"]["order"]["number"])
        self.cart = None

    async def invoices(self) -> None:
        await self.graphql("invoices", INVOICES)

    async def pay(self) -> None:
        data = await self.graphql("invoices", INVOICES)
        if data is None:
            return
        open_invoices = [
            edge["node"]
            for edge in data["invoices"]["edges"]
            if edge["node"]["status"] == "OPEN" and edge["node"]["balanceDue"]["amount"] != "0.00"
        ]
        if open_invoices:
            self.attempts += 1
            invoice = self.rng.choice(open_invoices)
            await self.graphql(
                "pay", PAY, {"invoice": invoice["id"], "attempt": f"{self.email}-{self.attempts}"}
            )

    async def relogin(self) -> None:
        await self.login()


async def shop(shopper: Shopper, deadline: float) -> None:
    if not await shopper.start():
        return
    while time.monotonic() < deadline:
        name = shopper.rng.choices(list(SHOPPER_STEPS), weights=list(SHOPPER_STEPS.values()))[0]
        await getattr(shopper, name)()


async def finance(client: Client, deadline: float) -> None:
    if not await client.login():
        return
    while time.monotonic() < deadline:
        await client.graphql("run_billing", RUN_BILLING)
        await client.graphql("staff_invoices", INVOICES)
        await asyncio.sleep(3)


async def rep(client: Client, deadline: float) -> None:
    if not await client.login():
        return
    while time.monotonic() < deadline:
        await client.graphql("staff_accounts", ACCOUNTS)
        await client.graphql("staff_quotes", QUOTES)
        await asyncio.sleep(0.5)


async def drive(
    ports: list[int], accounts: list[tuple[str, str]], duration: float, seed: int
) -> Tally:
    """The shoppers spread over the instances at ``ports``; a finance user on each, a rep on
    the first."""
    tally = Tally()
    limits = httpx.Limits(max_connections=len(accounts) + 2)
    timeout = httpx.Timeout(60)
    async with contextlib.AsyncExitStack() as stack:
        https = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits, timeout=timeout)
            )
            for port in ports
        ]
        deadline = time.monotonic() + duration
        shoppers = [
            shop(
                Shopper(
                    https[n % len(https)],
                    tally,
                    email,
                    PASSWORD,
                    currency=currency,
                    rng=random.Random(seed + n),
                ),
                deadline,
            )
            for n, (email, currency) in enumerate(accounts)
        ]
        staff = [
            *(
                finance(Client(http, tally, "fiona@recur.example", "recur-demo"), deadline)
                for http in https
            ),
            rep(Client(https[0], tally, "maria@recur.example", "recur-demo"), deadline),
        ]
        await asyncio.gather(*shoppers, *staff)
    return tally


# --- the book -------------------------------------------------------------------------------


async def make_customers(database_url: str, count: int) -> list[tuple[str, str]]:
    """``count`` customer accounts with a user each: (email, currency)."""
    from recur.auth.passwords import hash_secret
    from recur.core.roles import Role
    from recur.db.engine import Database
    from recur.db.models import Account, User

    db = Database(database_url)
    password = hash_secret(PASSWORD)
    customers = []
    try:
        async with db.transaction() as session:
            for n in range(count):
                currency = "EUR" if n % 4 == 3 else "USD"
                account = Account(name=f"Load {n:03d}", currency=currency, tax_rate_percent=8)
                session.add(account)
                await session.flush()
                email = f"load{n:03d}@load.example"
                session.add(
                    User(
                        email=email,
                        name=f"Load {n:03d}",
                        role=Role.CUSTOMER,
                        account_id=account.id,
                        password_hash=password,
                    )
                )
                customers.append((email, currency))
    finally:
        await db.dispose()
    return customers


async def check_integrity(database_url: str, tally: Tally) -> list[str]:
    """What is wrong with the books after the load: nothing, or each problem in words."""
    from sqlalchemy import func, select

    from recur.core.lifecycle import InvoiceStatus, QuoteStatus
    from recur.db.engine import Database
    from recur.db.models import (
        CreditNote,
        Invoice,
        InvoiceLine,
        Order,
        Payment,
        Quote,
        Subscription,
    )
    from recur.graphql.core.ids import from_global_id

    problems: list[str] = []
    db = Database(database_url)
    try:
        async with db.session() as session:
            for model in (Quote, Order, Subscription, Invoice, Payment, CreditNote):
                numbers = sorted(await session.scalars(select(model.number)))
                values = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
                if values != list(range(1, len(values) + 1)):
                    problems.append(f"{model.__tablename__}: numbers with gaps or duplicates")
            order_of = dict(
                (await session.execute(select(Quote.id, Order.number).join(Order))).all()
            )
            for quote, answered in tally.orders.items():
                made = order_of.get(int(from_global_id(quote)[1]))
                if answered != {made}:
                    problems.append(f"checkout of {quote} answered {answered}, made {made}")
            carts = (
                await session.execute(
                    select(Quote.account_id, func.count())
                    .where(Quote.is_cart, Quote.status == QuoteStatus.DRAFT)
                    .group_by(Quote.account_id)
                    .having(func.count() > 1)
                )
            ).all()
            if carts:
                problems.append(f"{len(carts)} accounts with more than one open cart")
            billed = (
                await session.execute(
                    select(InvoiceLine.charge_id, func.count())
                    .join(Invoice)
                    .where(InvoiceLine.charge_id.is_not(None), Invoice.status != InvoiceStatus.VOID)
                    .group_by(InvoiceLine.charge_id)
                    .having(func.count() > 1)
                )
            ).all()
            if billed:
                problems.append(f"{len(billed)} charges billed more than once")
            sums = (
                await session.execute(
                    select(Invoice.number, Invoice.subtotal, func.sum(InvoiceLine.amount))
                    .join(InvoiceLine)
                    .group_by(Invoice.id, Invoice.number, Invoice.subtotal)
                )
            ).all()
            wrong = [number for number, subtotal, lines in sums if subtotal != lines]
            if wrong:
                problems.append(f"invoices whose lines do not add up: {wrong[:5]}")
    finally:
        await db.dispose()
    return problems


# --- the report -----------------------------------------------------------------------------


def summary(tally: Tally, duration: float) -> dict[str, Any]:
    steps = {}
    for step in sorted(set(tally.latencies) | set(tally.failures)):
        times = sorted(tally.latencies.get(step, []))
        steps[step] = {
            "requests": len(times),
            "failures": len(tally.failures.get(step, [])),
            "p50_ms": round(statistics.median(times), 1) if times else None,
            "p99_ms": round(times[min(len(times) - 1, round(0.99 * (len(times) - 1)))], 1)
            if times
            else None,
        }
    requests = sum(len(times) for times in tally.latencies.values())
    return {
        "requests": requests,
        "requests_per_second": round(requests / duration, 1),
        "failures": sum(len(f) for f in tally.failures.values()),
        "checkouts": len(tally.orders),
        "steps": steps,
        "failure_examples": {step: f[:3] for step, f in tally.failures.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=1, help="recur serve --workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instances", type=int, default=1, help="recur serve processes")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="where several instances share their limits' counts",
    )
    args = parser.parse_args()
    if args.instances > 1 and not args.database_url:
        parser.error("several instances share a PostgreSQL database: give --database-url")
    database = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory(prefix="recur-load-") as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database_url, workdir) as database_url:
            env = bench_environment(database_url, workdir, keep_app_cache=True)
            env["RECUR_BILLING_TIME"] = "off"
            # Every client comes from this machine's one address: the per-address login limit
            # (meant for one attacker) would otherwise refuse the shoppers' own logins.
            env["RECUR_LOGIN_ATTEMPTS_PER_ADDRESS"] = "100000 per minute"
            run([*recur_command(), "demo"], env=env, cwd=workdir)
            accounts = asyncio.run(make_customers(database_url, args.clients))
            if args.instances > 1:
                env["RECUR_RATE_LIMIT_STORAGE"] = args.redis_url
            workers = ("--workers", str(args.workers)) if args.workers > 1 else ()
            with contextlib.ExitStack() as instances:
                ports = []
                for n in range(args.instances):
                    home = workdir / f"instance-{n}"
                    home.mkdir()
                    ports.append(instances.enter_context(serving(env, home, *workers)))
                tally = asyncio.run(drive(ports, accounts, args.duration, args.seed))
            problems = asyncio.run(check_integrity(database_url, tally))
    results = {
        "database": database,
        "clients": args.clients,
        "instances": args.instances,
        "workers": args.workers,
        "duration_s": args.duration,
        **summary(tally, args.duration),
        "integrity_problems": problems,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    name = f"load-{database}" + (f"-{args.instances}-instances" if args.instances > 1 else "")
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"{database}, {args.instances} instance(s) × {args.workers} worker(s): "
        f"{args.clients} clients for {args.duration:.0f} s: {results['requests']} "
        f"requests ({results['requests_per_second']}/s), {results['failures']} failures, "
        f"{results['checkouts']} checkouts, integrity: {problems or 'ok'}"
    )
    for step, figures in results["steps"].items():
        print(
            f"  {step:<16} {figures['requests']:>6} requests  {figures['failures']:>4} failures  "
            f"p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms"
        )
    for step, examples in results["failure_examples"].items():
        print(f"  {step} failed, e.g.: {examples[0]}")
    return 0 if results["failures"] == 0 and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())

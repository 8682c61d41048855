"""No N+1: a list costs the same number of SQL statements whatever its length."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select

from recur.db.engine import Database
from recur.db.models import Price, Product, User
from recur.services import quotes
from recur.services.common import Actor

CATALOG_PAGE = """
query($first: Int!) {
  products(first: $first) {
    totalCount
    edges { node {
      id sku name kind
      prices { id currency billingPeriod model unitAmount
               tiers { upTo unitAmount flatAmount } amount(quantity: 7) { amount } }
    } }
  }
}"""


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Transaction control is not a query (SQLite's BEGIN is issued explicitly).
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_fifty_products_cost_the_same_statements_as_five(gql, db) -> None:
    with counting_statements(db) as small:
        five = await gql(CATALOG_PAGE, {"first": 5})
    with counting_statements(db) as large:
        fifty = await gql(CATALOG_PAGE, {"first": 50})

    assert len(five["data"]["products"]["edges"]) == 5
    assert len(fifty["data"]["products"]["edges"]) > 5
    assert len(large) == len(small), large
    # page, count, prices, tiers
    assert len(large) == 4, large


async def test_upgrade_paths_cost_constant_statements(gql, db) -> None:
    query = (
        "query($first: Int!) { products(first: $first) { edges { node { upgradesTo { sku } } } } }"
    )
    with counting_statements(db) as statements:
        body = await gql(query, {"first": 50})
    upgrades = [e["node"]["upgradesTo"] for e in body["data"]["products"]["edges"]]
    assert [{"sku": "PLAT-ENT"}] in upgrades
    # page, upgrade links; the upgrade products are on the page already (primed loader)
    assert len(statements) <= 3, statements


async def test_an_account_list_with_owners_costs_constant_statements(gql, login, db) -> None:
    token = await login("maria@recur.example")
    query = "{ accounts(first: 50) { edges { node { name owner { name } } } } }"
    with counting_statements(db) as statements:
        body = await gql(query, token=token)
    assert len(body["data"]["accounts"]["edges"]) == 3
    # the actor's session, the page, the owners
    assert len(statements) == 3, statements


QUOTE_LIST = """query($first: Int!) { quotes(first: $first) { edges { node {
  number status account { name } totalContractValue { amount } approvalRequired
  lines { quantity product { name } price { billingPeriod tiers { upTo } }
          netAmount { amount } } order { number } } } } }"""


async def _make_quotes(db: Database, count: int) -> None:
    """``count`` quotes of two lines each for Acme, made by its rep through the services."""
    async with db.session() as session:
        rita = await session.scalar(select(User).where(User.email == "rita@recur.example"))
        acme = await session.scalar(
            select(User.account_id).where(User.email == "alice@acme.example")
        )
        prices = list(
            await session.scalars(
                select(Price.id)
                .join(Product)
                .where(Product.sku.in_(["SEAT-STD", "API-REQ"]), Price.currency == "USD")
                .where(Price.billing_period == "MONTH")
            )
        )
    assert rita is not None and acme is not None
    actor = Actor(user_id=rita.id, role=rita.role)
    now = datetime(2026, 11, 24, tzinfo=UTC)
    for _ in range(count):
        quote = await quotes.create_quote(
            db, actor, account_id=acme, start_date=None, term_months=12, today=now.date(), now=now
        )
        for price in prices:
            await quotes.add_quote_line(
                db,
                actor,
                quote_id=quote.id,
                price_id=price,
                quantity=3,
                discount=Decimal("5"),
                expected_version=None,
                now=now,
            )


async def test_a_hundred_quotes_with_lines_cost_the_same_statements_as_five(gql, login, db) -> None:
    await _make_quotes(db, 100)
    token = await login("maria@recur.example")
    with counting_statements(db) as small:
        five = await gql(QUOTE_LIST, {"first": 5}, token=token)
    with counting_statements(db) as large:
        hundred = await gql(QUOTE_LIST, {"first": 100}, token=token)
    assert len(five["data"]["quotes"]["edges"]) == 5
    assert len(hundred["data"]["quotes"]["edges"]) == 100
    assert all(len(e["node"]["lines"]) == 2 for e in hundred["data"]["quotes"]["edges"][:50])
    assert len(large) == len(small), large

"""No N+1: a list costs the same number of SQL statements whatever its length."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from recur.db.engine import Database

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

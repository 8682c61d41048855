"""Receivables aging and overdue invoices, on the demo's billed history."""

from __future__ import annotations

from decimal import Decimal

import pytest

AGING = """query($asOf: Date) { receivablesAging(asOf: $asOf) { asOf
  accounts { account { name } buckets { current { amount currency } days1To30 { amount }
             days31To60 { amount } days61To90 { amount } over90 { amount } overdue { amount }
             total { amount } } }
  totals { currency total { amount } overdue { amount } } } }"""


async def test_aging_puts_each_open_balance_in_its_bucket(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    body = await gql(AGING, {"asOf": "2026-11-24"}, token=fiona)
    aging = body["data"]["receivablesAging"]
    rows = {row["account"]["name"]: row["buckets"] for row in aging["accounts"]}
    # Initech's invoice due 2026-11-14 is 10 days overdue; its newer one is not due yet.
    assert Decimal(rows["Initech"]["days1To30"]["amount"]) > 0
    assert Decimal(rows["Initech"]["current"]["amount"]) > 0
    # Acme's partly paid invoice is not due yet.
    assert rows["Acme Corp"]["overdue"]["amount"] == "0.00"
    assert "Globex GmbH" not in rows  # all paid
    for buckets in rows.values():
        parts = ("current", "days1To30", "days31To60", "days61To90", "over90")
        assert sum(Decimal(buckets[p]["amount"]) for p in parts) == Decimal(
            buckets["total"]["amount"]
        )
    [usd] = aging["totals"]
    assert usd["currency"] == "USD"
    assert Decimal(usd["total"]["amount"]) == sum(
        Decimal(b["total"]["amount"]) for b in rows.values()
    )

    later = await gql(AGING, {"asOf": "2027-03-01"}, token=fiona)
    initech = next(
        r["buckets"]
        for r in later["data"]["receivablesAging"]["accounts"]
        if r["account"]["name"] == "Initech"
    )
    assert Decimal(initech["over90"]["amount"]) > 0


async def test_overdue_invoices_are_listed_on_their_own(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    body = await gql(
        "{ invoices(overdue: true) { edges { node { status dueDate account { name } } } } }",
        token=fiona,
    )
    nodes = [e["node"] for e in body["data"]["invoices"]["edges"]]
    assert nodes and all(n["status"] == "OPEN" and n["dueDate"] < "2026-11-24" for n in nodes)
    assert {n["account"]["name"] for n in nodes} == {"Initech"}


@pytest.mark.parametrize("email", ["alice@acme.example", "rita@recur.example"])
async def test_customers_and_reps_do_not_see_aging(gql, login, email) -> None:
    body = await gql(AGING, token=await login(email))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


PAGE = """query($first: Int, $after: String) {
  receivablesAging(asOf: "2026-11-24", first: $first, after: $after) {
    accounts { account { name } buckets { overdue { amount } } }
    totals { currency total { amount } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""


async def test_aging_comes_a_page_at_a_time_with_every_accounts_totals(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    everything = (await gql(PAGE, token=fiona))["data"]["receivablesAging"]
    names = [row["account"]["name"] for row in everything["accounts"]]
    assert len(names) >= 2 and not everything["pageInfo"]["hasNextPage"]
    overdue = [Decimal(row["buckets"]["overdue"]["amount"]) for row in everything["accounts"]]
    assert overdue == sorted(overdue, reverse=True)  # most overdue first

    paged, after = [], None
    while True:
        aging = (await gql(PAGE, {"first": 1, "after": after}, token=fiona))["data"][
            "receivablesAging"
        ]
        assert aging["totals"] == everything["totals"]
        assert aging["pageInfo"]["hasPreviousPage"] is (after is not None)
        paged += [row["account"]["name"] for row in aging["accounts"]]
        after = aging["pageInfo"]["endCursor"]
        if not aging["pageInfo"]["hasNextPage"]:
            break
    assert paged == names


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "first must be between 0 and 100."),
        ({"after": "bm90IGEgY3Vyc29y"}, "after is not a cursor from this list."),
        ({"after": "WyJ4IiwgIkFjbWUiLCAxXQ=="}, "after is not a cursor from this list."),
    ],
)
async def test_a_bad_aging_page_is_an_error_naming_it(gql, login, variables, message) -> None:
    body = await gql(PAGE, variables, token=await login("fiona@recur.example"))

    [error] = body["errors"]
    assert error["message"] == message
    assert error["extensions"]["code"] == "INVALID"

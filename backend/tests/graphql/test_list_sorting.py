"""Staff lists sorted and filtered: every order of quotes, subscriptions, invoices and orders
pages through without skipping or repeating a row, filters by account and dates narrow
them, and bad dates or cursors are refused naming the argument (docs/api.md, "Sorting and
filtering lists")."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.graphql.test_statement_count import counting_statements

#: Per list: its query, the node fields it reads, and for each order the key it sorts by
#: (a function of the node) and whether it is descending. Ties fall back to the number,
#: which follows creation order, in the same direction.
LISTS: dict[str, dict[str, Any]] = {
    "invoices": {
        "fields": "number issueDate dueDate total { amount } balanceDue { amount }",
        "orders": {
            "NEWEST": (lambda n: (), True),
            "OLDEST": (lambda n: (), False),
            "DUE_DATE": (lambda n: (n["dueDate"],), False),
            "TOTAL_DESC": (lambda n: (Decimal(n["total"]["amount"]),), True),
            "BALANCE_DESC": (lambda n: (Decimal(n["balanceDue"]["amount"]),), True),
        },
    },
    "quotes": {
        "fields": "number startDate updatedAt",
        "orders": {
            "NEWEST": (lambda n: (), True),
            "OLDEST": (lambda n: (), False),
            "RECENTLY_UPDATED": (lambda n: (n["updatedAt"],), True),
            "START_DATE": (lambda n: (n["startDate"],), False),
        },
    },
    "subscriptions": {
        "fields": "number startDate currentTermEnd",
        "orders": {
            "NEWEST": (lambda n: (), True),
            "OLDEST": (lambda n: (), False),
            "START_DATE": (lambda n: (n["startDate"],), False),
            "TERM_END": (lambda n: (n["currentTermEnd"],), False),
        },
    },
    "orders": {
        "fields": "number startDate",
        "orders": {
            "NEWEST": (lambda n: (), True),
            "OLDEST": (lambda n: (), False),
            "START_DATE": (lambda n: (n["startDate"],), False),
        },
    },
}
SORT_TYPE = {
    "invoices": "InvoiceSort",
    "quotes": "QuoteSort",
    "subscriptions": "SubscriptionSort",
    "orders": "OrderSort",
}
CASES = [(name, order) for name, spec in LISTS.items() for order in spec["orders"]]


def list_query(name: str) -> str:
    return f"""query($first: Int, $after: String, $orderBy: {SORT_TYPE[name]}! = NEWEST,
      $accountId: ID, $from: Date, $to: Date) {{
      {name}(first: $first, after: $after, orderBy: $orderBy, accountId: $accountId,
             from: $from, to: $to) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor node {{ {LISTS[name]["fields"]} account {{ id name }} }} }} }} }}"""


async def read_all(gql: GraphQL, token: str, name: str, **variables: Any) -> list[dict[str, Any]]:
    body = await gql(list_query(name), {"first": 100, **variables}, token=token)
    assert "errors" not in body, body
    connection = body["data"][name]
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"] for edge in connection["edges"]]


async def read_paged(
    gql: GraphQL, token: str, name: str, size: int, **variables: Any
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gql(
            list_query(name), {"first": size, "after": after, **variables}, token=token
        )
        assert "errors" not in body, body
        connection = body["data"][name]
        assert len(connection["edges"]) <= size
        nodes += [edge["node"] for edge in connection["edges"]]
        after = connection["pageInfo"]["endCursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes


def in_order(name: str, order: str, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    key, descending = LISTS[name]["orders"][order]
    return sorted(nodes, key=lambda n: (*key(n), n["number"]), reverse=descending)


async def account_ids(gql: GraphQL, token: str) -> dict[str, str]:
    body = await gql("{ accounts(first: 100) { edges { node { id name } } } }", token=token)
    return {e["node"]["name"]: e["node"]["id"] for e in body["data"]["accounts"]["edges"]}


@pytest.mark.parametrize(("name", "order"), CASES)
async def test_every_order_pages_through_without_skipping_or_repeating(
    gql, login, name, order
) -> None:
    fiona = await login("fiona@recur.example")

    everything = await read_all(gql, fiona, name, orderBy=order)
    paged = await read_paged(gql, fiona, name, 2, orderBy=order)

    assert len(everything) >= 4
    expected = in_order(name, order, everything)
    assert [n["number"] for n in everything] == [n["number"] for n in expected]
    assert paged == everything


async def test_the_default_order_is_newest_first_as_before(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    for name in LISTS:
        plain = await gql(
            f"{{ {name}(first: 100) {{ edges {{ node {{ number }} }} }} }}", token=fiona
        )
        numbers = [e["node"]["number"] for e in plain["data"][name]["edges"]]
        assert numbers == sorted(numbers, reverse=True)
        newest = await read_all(gql, fiona, name, orderBy="NEWEST")
        assert [n["number"] for n in newest] == numbers


async def test_ties_on_an_amount_keep_one_place_each(gql, login) -> None:
    """The demo's monthly invoices repeat totals: the id settles their order, so a page
    boundary inside a run of equal totals neither skips nor repeats."""
    fiona = await login("fiona@recur.example")
    everything = await read_all(gql, fiona, "invoices", orderBy="TOTAL_DESC")
    totals = [n["total"]["amount"] for n in everything]
    assert len(set(totals)) < len(totals)  # there are ties to settle
    for size in (1, 3):
        paged = await read_paged(gql, fiona, "invoices", size, orderBy="TOTAL_DESC")
        assert paged == everything


async def test_a_finance_user_filters_invoices_by_account_and_issue_dates(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    ids = await account_ids(gql, fiona)
    everything = await read_all(gql, fiona, "invoices")
    expected = [
        n
        for n in in_order("invoices", "TOTAL_DESC", everything)
        if n["account"]["name"] == "Acme Corp" and "2026-06-01" <= n["issueDate"] <= "2026-09-30"
    ]
    assert 1 < len(expected) < len([n for n in everything if n["account"]["name"] == "Acme Corp"])
    filters = {"accountId": ids["Acme Corp"], "from": "2026-06-01", "to": "2026-09-30"}

    found = await read_all(gql, fiona, "invoices", orderBy="TOTAL_DESC", **filters)
    paged = await read_paged(gql, fiona, "invoices", 1, orderBy="TOTAL_DESC", **filters)

    assert found == expected
    assert paged == expected


@pytest.mark.parametrize(
    ("name", "day_of"),
    [
        ("invoices", lambda n: n["issueDate"]),
        ("quotes", lambda n: n["updatedAt"][:10]),
        ("subscriptions", lambda n: n["startDate"]),
        ("orders", lambda n: n["startDate"]),
    ],
)
async def test_from_and_to_are_inclusive_on_the_lists_date(gql, login, name, day_of) -> None:
    fiona = await login("fiona@recur.example")
    everything = await read_all(gql, fiona, name)
    days = sorted({day_of(n) for n in everything})
    assert len(days) >= 3
    start, end = days[1], days[-2]  # both ends fall on a day with rows

    found = await read_all(gql, fiona, name, **{"from": start, "to": end})
    only_from = await read_all(gql, fiona, name, **{"from": end})
    only_to = await read_all(gql, fiona, name, to=start)
    one_day = await read_all(gql, fiona, name, **{"from": start, "to": start})

    assert found == [n for n in everything if start <= day_of(n) <= end]
    assert only_from == [n for n in everything if day_of(n) >= end]
    assert only_to == [n for n in everything if day_of(n) <= start]
    assert one_day and all(day_of(n) == start for n in one_day)


async def test_the_filters_never_widen_what_a_rep_or_a_customer_sees(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    ids = await account_ids(gql, fiona)
    rita = await login("rita@recur.example")  # owns Acme and Globex, not Initech
    bob = await login("bob@globex.example")  # Globex's customer
    for name in LISTS:
        for order in LISTS[name]["orders"]:
            seen = await read_all(gql, rita, name, orderBy=order)
            assert {n["account"]["name"] for n in seen} <= {"Acme Corp", "Globex GmbH"}
            assert seen
            initech = await read_all(gql, rita, name, orderBy=order, accountId=ids["Initech"])
            assert initech == []
        if name == "orders":
            continue  # the orders list is the staff's
        own = await read_all(gql, bob, name, orderBy="OLDEST", **{"from": "2000-01-01"})
        assert own and {n["account"]["name"] for n in own} == {"Globex GmbH"}
        other = await read_all(gql, bob, name, accountId=ids["Acme Corp"])
        assert other == []


def cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


async def test_a_cursor_of_another_order_or_a_doctored_one_is_refused_naming_after(
    gql, login
) -> None:
    fiona = await login("fiona@recur.example")
    first = await gql(list_query("invoices"), {"first": 1, "orderBy": "TOTAL_DESC"}, token=fiona)
    by_total = first["data"]["invoices"]["pageInfo"]["endCursor"]
    newest = await gql(list_query("invoices"), {"first": 1}, token=fiona)
    by_id = newest["data"]["invoices"]["pageInfo"]["endCursor"]
    [name, total, pk] = json.loads(base64.urlsafe_b64decode(by_total))
    assert name == "TOTAL_DESC" and isinstance(total, str) and isinstance(pk, int)

    refused = [
        ("BALANCE_DESC", by_total),  # same shape, another order
        ("NEWEST", by_total),
        ("TOTAL_DESC", by_id),
        ("TOTAL_DESC", cursor(["TOTAL_DESC", "NaN", pk])),
        ("TOTAL_DESC", cursor(["TOTAL_DESC", "Infinity", pk])),
        ("TOTAL_DESC", cursor(["TOTAL_DESC", "1e30", pk])),
        ("TOTAL_DESC", cursor(["TOTAL_DESC", "1.0000001", pk])),
        ("TOTAL_DESC", cursor(["TOTAL_DESC", 12.5, pk])),
        ("TOTAL_DESC", cursor(["TOTAL_DESC", "twelve", pk])),
        ("DUE_DATE", cursor(["DUE_DATE", "2026-02-30", pk])),
        ("DUE_DATE", cursor(["DUE_DATE", "20261124", pk])),
        ("DUE_DATE", cursor(["DUE_DATE", "2026-11-24", 2**63])),
        ("NEWEST", "bm90IGEgY3Vyc29y"),
    ]
    for order, after in refused:
        body = await gql(list_query("invoices"), {"orderBy": order, "after": after}, token=fiona)
        [error] = body["errors"]
        assert error["message"] == "after is not a cursor from this list.", (order, after)
        assert error["extensions"]["code"] == "INVALID"

    doctored_instant = cursor(["RECENTLY_UPDATED", "2026-11-20T10:00:00", 3])  # no zone
    variables = {"orderBy": "RECENTLY_UPDATED", "after": doctored_instant}
    body = await gql(list_query("quotes"), variables, token=fiona)
    assert body["errors"][0]["message"] == "after is not a cursor from this list."
    # An amount with fewer places than it was written with is the same amount.
    short = cursor(["TOTAL_DESC", str(Decimal(total).normalize()), pk])
    body = await gql(list_query("invoices"), {"orderBy": "TOTAL_DESC", "after": short}, token=fiona)
    assert "errors" not in body, body


@pytest.mark.parametrize("name", list(LISTS))
async def test_from_after_to_or_a_date_that_is_none_is_refused_naming_it(gql, login, name) -> None:
    fiona = await login("fiona@recur.example")

    backwards = await gql(list_query(name), {"from": "2026-10-02", "to": "2026-10-01"}, token=fiona)
    bad_day = await gql(list_query(name), {"from": "2026-02-30"}, token=fiona)
    inline = await gql(f'{{ {name}(to: "someday") {{ totalCount }} }}', token=fiona)
    extremes = await gql(list_query(name), {"from": "0001-01-01", "to": "9999-12-31"}, token=fiona)

    [error] = backwards["errors"]
    assert error["message"] == "from must be on or before to."
    assert error["extensions"]["code"] == "INVALID"
    assert "$from" in bad_day["errors"][0]["message"]
    assert "someday" in inline["errors"][0]["message"]  # the literal's own words, Date's
    assert "Unexpected error" not in json.dumps([bad_day, inline])
    assert "errors" not in extremes, extremes
    assert extremes["data"][name]["totalCount"] == len(await read_all(gql, fiona, name))


async def test_a_sorted_and_filtered_page_costs_what_a_plain_one_does(gql, login, db) -> None:
    fiona = await login("fiona@recur.example")
    ids = await account_ids(gql, fiona)
    plain = "{ invoices(first: 2) { edges { node { number } } } }"
    sorted_filtered = (
        f'{{ invoices(first: 2, orderBy: BALANCE_DESC, accountId: "{ids["Acme Corp"]}", '
        'from: "2026-01-01", to: "2026-12-31", status: OPEN) { edges { node { number } } } }'
    )
    with counting_statements(db) as before:
        assert "errors" not in await gql(plain, token=fiona)
    with counting_statements(db) as after:
        assert "errors" not in await gql(sorted_filtered, token=fiona)
    assert len(after) == len(before)

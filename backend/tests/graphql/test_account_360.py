"""The account page: its figures against the documents they come from, the timeline's
pages and filters, bad arguments, and its cost in SQL statements whatever the history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from recur.db.engine import Database
from tests.conftest import GraphQL
from tests.databases import DEMO_TODAY
from tests.graphql.test_access import ALL_ACCOUNTS, Login, account_ids, global_id
from tests.graphql.test_statement_count import counting_statements
from tests.history import MONTHLY, add_long_history

__all__ = ["account_ids"]

#: Everything the account page asks for, in one request.
ACCOUNT_PAGE = """query($id: ID!) { account(id: $id) { id name currency
  owner { name } creditBalance { amount }
  monthlyRecurringRevenue { amount currency } annualRecurringRevenue { amount }
  metrics { lifetimeBilled { amount } openBalance { amount } overdueBalance { amount }
            averageDaysToPay onTimePaymentRate nextRenewalDate }
  mrrByMonth(months: 12) { month mrr { amount } }
  timeline(first: 25) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id occurredAt kind summary actor amount { amount }
      subject { __typename id } } } }
  orders(first: 10) { edges { node { number startDate } } } } }"""

DOCUMENTS = """query($id: ID!) {
  invoices(accountId: $id, first: 100) { edges { node { status dueDate total { amount }
    balanceDue { amount } } } }
  subscriptions(accountId: $id, first: 100, status: ACTIVE) {
    edges { node { monthlyRecurringRevenue { amount } } } } }"""


def amount(value: dict[str, Any]) -> Decimal:
    return Decimal(value["amount"])


async def test_the_figures_add_up_to_the_accounts_documents(
    gql: GraphQL, login: Login, account_ids: dict[str, str]
) -> None:
    token = await login("maria@recur.example")
    for name in ALL_ACCOUNTS:
        page = await gql(ACCOUNT_PAGE, {"id": account_ids[name]}, token=token)
        docs = await gql(DOCUMENTS, {"id": account_ids[name]}, token=token)
        assert "errors" not in page and "errors" not in docs, (page, docs)
        account, metrics = page["data"]["account"], page["data"]["account"]["metrics"]
        invoices = [e["node"] for e in docs["data"]["invoices"]["edges"]]
        subscriptions = [e["node"] for e in docs["data"]["subscriptions"]["edges"]]

        billed = sum(amount(i["total"]) for i in invoices if i["status"] != "VOID")
        owed = sum((amount(i["balanceDue"]) for i in invoices), Decimal(0))
        overdue = sum(
            (amount(i["balanceDue"]) for i in invoices if i["dueDate"] < DEMO_TODAY.isoformat()),
            Decimal(0),
        )
        mrr = sum((amount(s["monthlyRecurringRevenue"]) for s in subscriptions), Decimal(0))
        assert amount(metrics["lifetimeBilled"]) == billed, name
        assert amount(metrics["openBalance"]) == owed, name
        assert amount(metrics["overdueBalance"]) == overdue, name
        assert amount(account["monthlyRecurringRevenue"]) == mrr, name
        assert amount(account["annualRecurringRevenue"]) == mrr * 12, name
        assert account["mrrByMonth"][-1]["month"] == DEMO_TODAY.replace(day=1).isoformat()
        assert len(account["mrrByMonth"]) == 12


async def test_a_five_year_account_pays_in_ten_days_and_its_timeline_pages_through(
    gql: GraphQL, login: Login, db: Database
) -> None:
    pk = await add_long_history(db, today=DEMO_TODAY)
    token = await login("rita@recur.example")  # Rita owns it
    page = await gql(ACCOUNT_PAGE, {"id": global_id("Account", pk)}, token=token)
    assert "errors" not in page, page
    account = page["data"]["account"]
    assert account["metrics"]["averageDaysToPay"] == "10.0"
    assert account["metrics"]["onTimePaymentRate"] == "1.0000"
    assert amount(account["metrics"]["lifetimeBilled"]) == MONTHLY * 60
    assert amount(account["metrics"]["openBalance"]) == 0
    assert {amount(m["mrr"]) for m in account["mrrByMonth"]} == {MONTHLY}
    assert account["timeline"]["totalCount"] == 300

    seen: list[dict[str, Any]] = []
    after = None
    query = """query($id: ID!, $after: String) { account(id: $id) {
      timeline(first: 70, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { id occurredAt kind } } } } }"""
    while True:
        body = await gql(query, {"id": global_id("Account", pk), "after": after}, token=token)
        timeline = body["data"]["account"]["timeline"]
        seen += [edge["node"] for edge in timeline["edges"]]
        if not timeline["pageInfo"]["hasNextPage"]:
            break
        after = timeline["pageInfo"]["endCursor"]
    assert len(seen) == 300
    assert len({entry["id"] for entry in seen}) == 300
    keys = [(entry["occurredAt"], entry["kind"]) for entry in seen]
    assert keys == sorted(keys, reverse=True)

    invoices = await gql(
        """query($id: ID!) { account(id: $id) { timeline(first: 100, kinds: [INVOICE, PAYMENT]) {
          totalCount edges { node { kind amount { amount } } } } } }""",
        {"id": global_id("Account", pk)},
        token=token,
    )
    filtered = invoices["data"]["account"]["timeline"]
    assert filtered["totalCount"] == 120
    assert {edge["node"]["kind"] for edge in filtered["edges"]} == {"INVOICE", "PAYMENT"}


async def test_the_account_page_costs_the_same_statements_for_five_years_of_history(
    gql: GraphQL, login: Login, db: Database
) -> None:
    newcomer = await add_long_history(
        db, today=DEMO_TODAY, months=13, events=8, name="Newcomer Inc"
    )
    veteran = await add_long_history(db, today=DEMO_TODAY)
    token = await login("maria@recur.example")
    with counting_statements(db) as small:
        young = await gql(ACCOUNT_PAGE, {"id": global_id("Account", newcomer)}, token=token)
    with counting_statements(db) as large:
        old = await gql(ACCOUNT_PAGE, {"id": global_id("Account", veteran)}, token=token)
    assert "errors" not in young and "errors" not in old, (young, old)
    assert young["data"]["account"]["timeline"]["totalCount"] == 2 * 13 + 8 + 4
    assert old["data"]["account"]["timeline"]["totalCount"] == 300
    assert len(large) == len(small), large
    # the actor's session, the account, its owner, credit (2), MRR, metrics (3), MRR by
    # month, the timeline page and its count, the orders page, and one statement per kind
    # of subject on the page
    assert len(large) <= 16, large


async def test_bad_arguments_name_the_argument(
    gql: GraphQL, login: Login, account_ids: dict[str, str]
) -> None:
    token = await login("maria@recur.example")
    acme = account_ids["Acme Corp"]
    cases = {
        "months": "query($id: ID!) { account(id: $id) { mrrByMonth(months: 0) { month } } }",
        "after": """query($id: ID!) { account(id: $id) {
          timeline(after: "bm90IGEgY3Vyc29y") { totalCount } } }""",
        "first": "query($id: ID!) { account(id: $id) { timeline(first: 500) { totalCount } } }",
    }
    for argument, query in cases.items():
        body = await gql(query, {"id": acme}, token=token)
        assert body["errors"][0]["message"] != "Unexpected error.", body
        assert argument in body["errors"][0]["message"], body
    bad_kind = await gql(
        "query($id: ID!) { account(id: $id) { timeline(kinds: [LUNCH]) { totalCount } } }",
        {"id": acme},
        token=token,
    )
    assert "LUNCH" in bad_kind["errors"][0]["message"]
    search = await gql('{ search(query: "acme", first: 0) { __typename } }', token=token)
    assert "first" in search["errors"][0]["message"]
    blank = await gql('{ search(query: "   ") { __typename } }', token=token)
    assert blank["data"]["search"] == []
    orders = await gql('{ orders(accountId: "nonsense") { totalCount } }', token=token)
    assert "accountId" in orders["errors"][0]["message"]


async def test_an_exact_number_comes_first_in_the_search(gql: GraphQL, login: Login) -> None:
    token = await login("fiona@recur.example")
    listed = await gql("{ invoices(first: 1) { edges { node { number } } } }", token=token)
    number = listed["data"]["invoices"]["edges"][0]["node"]["number"]
    body = await gql(
        "query($q: String!) { search(query: $q) { __typename ... on Invoice { number } } }",
        {"q": number.lower()},
        token=token,
    )
    assert body["data"]["search"][0] == {"__typename": "Invoice", "number": number}

"""The dashboards' figures agree with the quotes and invoices the API lists one by one."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from recur.clock import FixedClock
from tests.conftest import GraphQL

SALES = """{ salesDashboard { since approvalsWaiting
  pipeline { status count contractValue { amount currency } }
  renewalsDue { withinDays count monthlyRecurringRevenue { amount currency } }
  discountsGiven { quotes listValue { amount } contractValue { amount } discount { amount }
                   discountPercent } } }"""
QUOTES = """query($after: String) { quotes(first: 100, after: $after) {
  edges { node { status kind totalContractValue { amount currency } } }
  pageInfo { hasNextPage endCursor } } }"""
RENEWALS = """query($days: Int) { renewals(withinDays: $days) {
  totals { currency count monthlyRecurringRevenue { amount } } } }"""
FINANCE = """{ receivablesSummary { currency open { amount } overdue { amount }
  billedLast90Days { amount } daysSalesOutstanding trend { month billed { amount }
  collected { amount } } } }"""
INVOICES = """query($after: String) { invoices(first: 100, after: $after) {
  edges { node { status currency issueDate dueDate total { amount } balanceDue { amount } } }
  pageInfo { hasNextPage endCursor } } }"""
OPEN = {"DRAFT", "IN_REVIEW", "PENDING_APPROVAL", "APPROVED", "SENT"}


async def every(gql: GraphQL, query: str, field: str, token: str) -> list[dict]:
    nodes, after = [], None
    while True:
        page = (await gql(query, {"after": after}, token=token))["data"][field]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_the_pipeline_and_renewals_add_up_the_quotes_and_renewals_listed(
    gql: GraphQL, login
) -> None:
    for email in ("rita@recur.example", "maria@recur.example"):
        token = await login(email)
        body = await gql(SALES, token=token)
        assert "errors" not in body, body
        board = body["data"]["salesDashboard"]
        expected: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        for quote in await every(gql, QUOTES, "quotes", token):
            if quote["status"] in OPEN and quote["kind"] in ("NEW", "RENEWAL"):
                value = quote["totalContractValue"]
                expected[quote["status"], value["currency"]].append(Decimal(value["amount"]))
        assert {
            (s["status"], s["contractValue"]["currency"]): (
                s["count"],
                Decimal(s["contractValue"]["amount"]),
            )
            for s in board["pipeline"]
        } == {key: (len(values), sum(values)) for key, values in expected.items()}
        assert expected, "the demo has open quotes"
        for days in (30, 60, 90):
            totals = (await gql(RENEWALS, {"days": days}, token=token))["data"]["renewals"]
            assert sorted(
                (r["monthlyRecurringRevenue"]["currency"], r["count"])
                for r in board["renewalsDue"]
                if r["withinDays"] == days
            ) == sorted((t["currency"], t["count"]) for t in totals["totals"])
        waiting = [q for q in await every(gql, QUOTES, "quotes", token)]
        assert board["approvalsWaiting"] == sum(
            1 for q in waiting if q["status"] == "PENDING_APPROVAL"
        )
        for given in board["discountsGiven"]:
            listed, net = (
                Decimal(given["listValue"]["amount"]),
                Decimal(given["contractValue"]["amount"]),
            )
            assert Decimal(given["discount"]["amount"]) == listed - net >= 0


async def test_receivables_add_up_the_invoices_listed(
    gql: GraphQL, login, clock: FixedClock
) -> None:
    token = await login("fiona@recur.example")
    body = await gql(FINANCE, token=token)
    assert "errors" not in body, body
    today = clock.today()
    invoices = await every(gql, INVOICES, "invoices", token)
    for summary in body["data"]["receivablesSummary"]:
        mine = [i for i in invoices if i["currency"] == summary["currency"]]
        live = [i for i in mine if i["status"] != "VOID"]
        open_ = sum((Decimal(i["balanceDue"]["amount"]) for i in live), Decimal(0))
        overdue = sum(
            (Decimal(i["balanceDue"]["amount"]) for i in live if i["dueDate"] < today.isoformat()),
            Decimal(0),
        )
        billed = sum(
            (
                Decimal(i["total"]["amount"])
                for i in live
                if i["issueDate"] > (today - timedelta(days=90)).isoformat()
            ),
            Decimal(0),
        )
        assert Decimal(summary["open"]["amount"]) == open_
        assert Decimal(summary["overdue"]["amount"]) == overdue
        assert Decimal(summary["billedLast90Days"]["amount"]) == billed
        if billed:
            dso = (open_ / billed * 90).quantize(Decimal("0.1"))
            assert Decimal(summary["daysSalesOutstanding"]) == dso
        trend = summary["trend"]
        assert len(trend) == 12 and trend[-1]["month"] == today.replace(day=1).isoformat()
        assert sum(Decimal(m["billed"]["amount"]) for m in trend) == sum(
            (
                Decimal(i["total"]["amount"])
                for i in live
                if i["issueDate"] >= trend[0]["month"] and i["issueDate"] <= today.isoformat()
            ),
            Decimal(0),
        )

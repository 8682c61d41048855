"""runBilling: finance and admins only; the answer says what the run did."""

from __future__ import annotations

import pytest

RUN = """mutation($asOf: Date) { runBilling(input: {asOf: $asOf}) {
  run { asOf invoicesCreated renewed expired invoiceNumbers failedAccounts { name error }
        invoices { number } }
  userErrors { message } } }"""


async def test_finance_runs_billing_and_a_second_run_creates_nothing(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    # The demo is billed up to today; a month on, the monthly plans are due again.
    first = await gql(RUN, {"asOf": "2026-12-31"}, token=fiona)
    run = first["data"]["runBilling"]["run"]
    assert run["asOf"] == "2026-12-31"
    assert run["invoicesCreated"] == len(run["invoiceNumbers"]) >= 1
    assert run["failedAccounts"] == []
    assert [i["number"] for i in run["invoices"]] == run["invoiceNumbers"]
    again = await gql(RUN, {"asOf": "2026-12-31"}, token=fiona)
    assert again["data"]["runBilling"]["run"]["invoicesCreated"] == 0

    invoices = await gql(
        "{ invoices(first: 50) { edges { node { number issueDate lines { explanation } } } } }",
        token=fiona,
    )
    numbers = {e["node"]["number"] for e in invoices["data"]["invoices"]["edges"]}
    assert set(run["invoiceNumbers"]) <= numbers


@pytest.mark.parametrize(
    ("email", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("alice@acme.example", "FORBIDDEN"),
        ("rita@recur.example", "FORBIDDEN"),
        ("maria@recur.example", "FORBIDDEN"),
    ],
)
async def test_only_finance_and_admins_may_run_billing(gql, login, email, code) -> None:
    token = await login(email) if email else None
    body = await gql(RUN, {"asOf": "2026-11-24"}, token=token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code


async def test_a_run_more_than_a_year_ahead_is_refused_and_bills_nothing(gql, login) -> None:
    fiona = await login("fiona@recur.example")  # today is 2026-11-24
    body = await gql(RUN, {"asOf": "2027-11-25"}, token=fiona)
    payload = body["data"]["runBilling"]
    assert payload["run"] is None
    [error] = payload["userErrors"]
    assert "2027-11-24" in error["message"]
    assert (await gql(RUN, {"asOf": "2026-11-24"}, token=fiona))["data"]["runBilling"]["run"][
        "invoicesCreated"
    ] == 0
    last_day = await gql(RUN, {"asOf": "2027-11-24"}, token=fiona)
    assert last_day["data"]["runBilling"]["run"]["invoicesCreated"] >= 1

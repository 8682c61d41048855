"""billingRuns: finance and admins read every recorded run, newest first."""

from __future__ import annotations

import pytest

RUN = """mutation($asOf: Date) { runBilling(input: {asOf: $asOf}) {
  run { invoicesCreated } userErrors { message } } }"""

RUNS = """query Runs($first: Int, $after: String) { billingRuns(first: $first, after: $after) {
  edges { cursor node { id asOf trigger startedBy startedAt finishedAt status accounts
                        invoicesCreated creditNotesCreated failures error } }
  pageInfo { hasNextPage endCursor } } }"""


async def test_a_run_from_the_app_is_recorded_with_who_started_it(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    created = (await gql(RUN, {"asOf": "2026-12-31"}, token=fiona))["data"]["runBilling"]
    await gql(RUN, {"asOf": "2026-12-31"}, token=fiona)

    body = await gql(RUNS, {"first": 1}, token=fiona)
    connection = body["data"]["billingRuns"]
    [edge] = connection["edges"]
    newest = edge["node"]
    assert newest["trigger"] == "USER" and newest["startedBy"].startswith("Fiona")
    assert (newest["asOf"], newest["status"], newest["invoicesCreated"]) == (
        "2026-12-31",
        "SUCCEEDED",
        0,
    )
    assert newest["finishedAt"] is not None and newest["error"] is None
    assert connection["pageInfo"]["hasNextPage"] is True

    rest = await gql(RUNS, {"first": 5, "after": edge["cursor"]}, token=fiona)
    [older] = [e["node"] for e in rest["data"]["billingRuns"]["edges"]]
    assert older["invoicesCreated"] == created["run"]["invoicesCreated"] >= 1
    assert older["accounts"] >= 1


@pytest.mark.parametrize(
    ("email", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("alice@acme.example", "FORBIDDEN"),
        ("rita@recur.example", "FORBIDDEN"),
        ("maria@recur.example", "FORBIDDEN"),
    ],
)
async def test_only_finance_and_admins_read_the_runs(gql, login, email, code) -> None:
    token = await login(email) if email else None
    body = await gql(RUNS, token=token)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_admins_read_the_runs_too(gql, login) -> None:
    body = await gql(RUNS, token=await login("adam@recur.example"))
    assert body["data"]["billingRuns"]["edges"] == []

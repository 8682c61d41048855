"""CSV exports: what the caller may see through the API, streamed in batches, with the
same filters, and clear refusals."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable

import httpx
import pytest

from recur.auth.cookies import SESSION_COOKIE
from recur.db.engine import Database
from recur.services.insights import exports
from tests.conftest import GraphQL
from tests.databases import DEMO_TODAY
from tests.graphql.test_access import ACTORS, ANONYMOUS, PARTNER, VISIBLE, global_id, partner_token
from tests.history import add_long_history

Login = Callable[[str], Awaitable[str]]
INVOICES = "{ invoices(first: 100) { totalCount edges { node { number account { name } } } } }"


def rows(response: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


async def bearer(client: httpx.AsyncClient, login: Login, actor: str) -> dict[str, str]:
    if actor == ANONYMOUS:
        return {}
    token = await partner_token(client) if actor == PARTNER else await login(actor)
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_invoice_export_lists_what_the_api_lists(
    client: httpx.AsyncClient, gql: GraphQL, login: Login, actor: str
) -> None:
    headers = await bearer(client, login, actor)
    response = await client.get("/exports/invoices.csv", headers=headers)
    if VISIBLE[actor] is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    token = headers["authorization"].removeprefix("Bearer ")
    listed = await gql(INVOICES, token=token)
    expected = {
        (e["node"]["number"], e["node"]["account"]["name"])
        for e in listed["data"]["invoices"]["edges"]
    }
    assert {(r["number"], r["account"]) for r in rows(response)} == expected
    assert {r["account"] for r in rows(response)} <= set(VISIBLE[actor] or [])


async def test_filters_and_the_session_cookie(client: httpx.AsyncClient, login: Login) -> None:
    await client.post(
        "/graphql",
        json={
            "query": 'mutation { login(input: {email: "fiona@recur.example", '
            'password: "recur-demo"}) { userErrors { message } } }'
        },
    )
    assert client.cookies.get(SESSION_COOKIE)
    paid = await client.get("/exports/invoices.csv?status=PAID")
    assert paid.status_code == 200
    assert rows(paid) and {r["status"] for r in rows(paid)} == {"PAID"}
    acme = await client.get(f"/exports/payments.csv?accountId={global_id('Account', 1)}")
    assert rows(acme) and {r["account"] for r in rows(acme)} == {"Acme Corp"}
    running = await client.get("/exports/subscriptions.csv?status=ACTIVE")
    assert rows(running) and all(r["mrr"] for r in rows(running))

    bad_status = await client.get("/exports/invoices.csv?status=LATE")
    assert bad_status.status_code == 400
    assert bad_status.json()["field"] == "status"
    bad_account = await client.get("/exports/invoices.csv?accountId=%00")
    assert bad_account.status_code == 400
    assert bad_account.json()["field"] == "accountId"
    unknown = await client.get("/exports/recipes.csv")
    assert unknown.status_code == 404


async def test_the_date_filters_match_the_lists(
    client: httpx.AsyncClient, gql: GraphQL, login: Login
) -> None:
    fiona = await login("fiona@recur.example")
    headers = {"authorization": f"Bearer {fiona}"}
    acme = global_id("Account", 1)
    query = """query($accountId: ID, $from: Date, $to: Date) {
      invoices(first: 100, accountId: $accountId, from: $from, to: $to) {
        edges { node { number } } }
      subscriptions(first: 100, from: $from, to: $to) { edges { node { number } } } }"""
    dates = {"from": "2026-06-01", "to": "2026-09-30"}
    listed = (await gql(query, {"accountId": acme, **dates}, token=fiona))["data"]

    invoices = await client.get(
        f"/exports/invoices.csv?accountId={acme}&from=2026-06-01&to=2026-09-30", headers=headers
    )
    subscriptions = await client.get(
        "/exports/subscriptions.csv?from=2026-06-01&to=2026-09-30", headers=headers
    )

    numbers = sorted(e["node"]["number"] for e in listed["invoices"]["edges"])
    assert numbers and sorted(r["number"] for r in rows(invoices)) == numbers
    assert all("2026-06-01" <= r["issue_date"] <= "2026-09-30" for r in rows(invoices))
    numbers = sorted(e["node"]["number"] for e in listed["subscriptions"]["edges"])
    assert numbers and sorted(r["number"] for r in rows(subscriptions)) == numbers
    for bad, field in [
        ("from=2026-10-02&to=2026-10-01", "from"),
        ("from=2026-02-30", "from"),
        ("to=20261124", "to"),
        ("to=%00", "to"),
    ]:
        refused = await client.get(f"/exports/invoices.csv?{bad}", headers=headers)
        assert refused.status_code == 400, bad
        assert refused.json()["field"] == field
        assert refused.json()["code"] == "INVALID"


async def test_a_timeline_of_five_years_streams_in_batches(
    client: httpx.AsyncClient, login: Login, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pk = await add_long_history(db, today=DEMO_TODAY, name="=cmd|' /C calc'!A0")
    monkeypatch.setattr(exports, "BATCH", 7)  # many batches for the invoices below
    rita = {"authorization": f"Bearer {await login('rita@recur.example')}"}
    path = f"/exports/accounts/{global_id('Account', pk)}/timeline.csv"
    timeline = await client.get(path, headers=rita)
    assert timeline.status_code == 200, timeline.text
    entries = rows(timeline)
    assert len(entries) == 300
    assert entries[0]["occurred_at"] >= entries[-1]["occurred_at"]
    kinds = {"QUOTE", "ORDER", "INVOICE", "PAYMENT", "SUBSCRIPTION"}
    assert {e["kind"] for e in entries} == kinds

    invoices = await client.get(
        f"/exports/invoices.csv?accountId={global_id('Account', pk)}", headers=rita
    )
    listed = rows(invoices)
    assert len(listed) == 60
    assert len({r["number"] for r in listed}) == 60
    # a name a spreadsheet would run as a formula is written as text
    assert {r["account"] for r in listed} == {"'=cmd|' /C calc'!A0"}

    sam = {"authorization": f"Bearer {await login('sam@recur.example')}"}
    hidden = await client.get(path, headers=sam)
    assert hidden.status_code == 404
    client.cookies.clear()  # logging in through the API set the session cookie too
    nobody = await client.get(path)
    assert nobody.status_code == 401

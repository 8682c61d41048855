"""Usage over HTTP: ``POST /api/usage`` (NDJSON) for partners with usage:write and staff,
``recordUsage``, and the subscription's usage and upcoming invoice in the API."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from recur.auth.passwords import hash_secret
from recur.clock import FixedClock
from recur.db.engine import Database
from recur.db.models import Account, PartnerClient
from recur.graphql.core.ids import to_global_id
from tests.conftest import GraphQL
from tests.services.test_usage import START, at, metered_price, subscribe


async def partner_client(db: Database, scopes: str) -> tuple[str, str]:
    """A client of Northwind (Globex's partner) with ``scopes``: its id and secret."""
    async with db.transaction() as session:
        globex = await session.scalar(select(Account).where(Account.name == "Globex GmbH"))
        assert globex is not None and globex.partner_id is not None
        client_id = f"usage-{scopes.replace(' ', '-').replace(':', '')}"
        session.add(
            PartnerClient(
                partner_id=globex.partner_id,
                client_id=client_id,
                secret_hash=hash_secret("usage-secret"),
                scopes=scopes,
            )
        )
    return client_id, "usage-secret"


async def token(client: httpx.AsyncClient, client_id: str, secret: str) -> str:
    response = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def ndjson(*lines: object) -> str:
    return "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)


async def test_a_partner_posts_usage_for_its_customer_line_by_line(
    db: Database, client: httpx.AsyncClient, clock: FixedClock
) -> None:
    price = await metered_price(db, currency="EUR")
    _, item = await subscribe(db, price, "bob@globex.example")
    _, other = await subscribe(db, await metered_price(db))  # Acme: not Northwind's
    clock.advance(at(START + timedelta(days=2)) - clock.now())
    writer = await token(client, *await partner_client(db, "read usage:write"))
    item_id = to_global_id("SubscriptionItem", item)

    def line(quantity: object, key: str, day: int = 0, item: str = item_id) -> dict[str, object]:
        when = at(START + timedelta(days=day)).isoformat()
        return {
            "subscriptionItemId": item,
            "quantity": quantity,
            "occurredAt": when,
            "idempotencyKey": key,
        }

    body = ndjson(
        line(1200, "a"),
        "not json",
        line(-5, "b"),
        "",
        line(300, "c", day=1),
        line(1, "d", item=to_global_id("SubscriptionItem", other)),
        line(1200, "a"),
    )
    headers = {"authorization": f"Bearer {writer}", "content-type": "application/x-ndjson"}
    response = await client.post("/api/usage", content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["recorded"], answer["duplicates"]) == (2, 1)
    assert [(e["line"], e["field"], e["code"]) for e in answer["errors"]] == [
        (2, None, "INVALID_JSON"),
        (3, "quantity", "INVALID_QUANTITY"),
        (6, "subscriptionItemId", "UNKNOWN_ITEM"),
    ]
    again = await client.post("/api/usage", content=body, headers=headers)
    assert (again.json()["recorded"], again.json()["duplicates"]) == (0, 3)

    reader = await token(client, *await partner_client(db, "read"))
    refused = await client.post(
        "/api/usage", content=ndjson(line(1, "z")), headers={"authorization": f"Bearer {reader}"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
    anonymous = await client.post("/api/usage", content=ndjson(line(1, "z")))
    assert anonymous.status_code == 401
    empty = await client.post("/api/usage", content="\n\n", headers=headers)
    assert empty.status_code == 400 and empty.json()["code"] == "EMPTY_BODY"


RECORD = """mutation($i: RecordUsageInput!) { recordUsage(input: $i) {
  usageRecord { quantity idempotencyKey } userErrors { field message code } } }"""
SEE = """query($id: ID!) { node(id: $id) { ... on Subscription {
  usage { productName usage quantity amount { amount currency } invoiced }
  upcomingInvoice { issueDate lines { description quantity metered usage amount { amount } }
    subtotal { amount } tax { amount } total { amount } } } } }"""


async def test_finance_records_usage_and_the_customer_sees_it_and_the_upcoming_invoice(
    db: Database, gql: GraphQL, login, clock: FixedClock
) -> None:
    subscription, item = await subscribe(db, await metered_price(db))
    clock.advance(at(START + timedelta(days=5)) - clock.now())
    fiona = await login("fiona@recur.example")
    variables = {
        "i": {
            "subscriptionItemId": to_global_id("SubscriptionItem", item),
            "quantity": 15_500,
            "occurredAt": at(START + timedelta(days=4)).isoformat(),
            "idempotencyKey": "day-4",
        }
    }
    recorded = (await gql(RECORD, variables, token=fiona))["data"]["recordUsage"]
    assert recorded == {
        "usageRecord": {"quantity": 15500, "idempotencyKey": "day-4"},
        "userErrors": [],
    }
    variables["i"]["quantity"] = -1
    refused = (await gql(RECORD, variables, token=fiona))["data"]["recordUsage"]
    assert refused["usageRecord"] is None
    assert refused["userErrors"][0]["field"] == ["input", "quantity"]
    alice = await login("alice@acme.example")
    forbidden = await gql(RECORD, variables, token=alice)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    seen = await gql(SEE, {"id": to_global_id("Subscription", subscription)}, token=alice)
    node = seen["data"]["node"]
    # 15,500 units = 16 packages of 1,000: 10 × 2.00 + 6 × 1.50 = 29.00.
    assert node["usage"] == [
        {
            "productName": "Events processed",
            "usage": 15500,
            "quantity": 16,
            "amount": {"amount": "29.00", "currency": "USD"},
            "invoiced": False,
        }
    ]
    upcoming = node["upcomingInvoice"]
    assert upcoming["issueDate"] == "2027-01-01"
    metered = [line for line in upcoming["lines"] if line["metered"]]
    assert [(m["quantity"], m["usage"], m["amount"]["amount"]) for m in metered] == [
        (16, 15500, "29.00")
    ]
    # Acme's tax rate, 8.25%, on the subtotal.
    assert upcoming["subtotal"]["amount"] == "29.00"
    assert (upcoming["tax"]["amount"], upcoming["total"]["amount"]) == ("2.39", "31.39")


@pytest.mark.parametrize(
    ("email", "outcome"),
    [
        (None, "UNAUTHENTICATED"),
        ("alice@acme.example", "FORBIDDEN"),
        ("rita@recur.example", "FORBIDDEN"),
        ("maria@recur.example", "FORBIDDEN"),
        ("fiona@recur.example", "RECORDED"),
        ("adam@recur.example", "RECORDED"),
    ],
)
async def test_who_may_record_usage_through_the_api(
    db: Database, gql: GraphQL, login, clock: FixedClock, email: str | None, outcome: str
) -> None:
    _, item = await subscribe(db, await metered_price(db))
    clock.advance(at(START + timedelta(days=1)) - clock.now())
    variables = {
        "i": {
            "subscriptionItemId": to_global_id("SubscriptionItem", item),
            "quantity": 1,
            "occurredAt": at(START).isoformat(),
            "idempotencyKey": "matrix",
        }
    }
    body = await gql(RECORD, variables, token=await login(email) if email else None)
    if outcome == "RECORDED":
        assert body["data"]["recordUsage"]["usageRecord"]["quantity"] == 1
    else:
        assert body["errors"][0]["extensions"]["code"] == outcome

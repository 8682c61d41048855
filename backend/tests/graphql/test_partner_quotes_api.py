"""A partner with ``quotes:write`` quotes its customer over the API, with a real token from
/oauth/token: it creates and edits the quote, submits it, a manager approves, the partner
sends it, the customer accepts. Approving is FORBIDDEN to it; so is everything without the
scope; another partner's account answers as an unknown one (docs/partners.md, "Quoting")."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import GraphQL
from tests.graphql.test_access import partner_token
from tests.graphql.test_partners_api import ISSUE, account_id, token_of

QUOTE = "id number status version createdByPartner lines { id quantity discountPercent }"
CREATE = f"""mutation($a: ID!, $k: String) {{ createQuote(input: {{accountId: $a, clientKey: $k}})
  {{ quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
ADD = f"""mutation($q: ID!, $p: ID!, $n: Int!, $d: Decimal!, $v: Int) {{ addQuoteLine(input:
  {{quoteId: $q, priceId: $p, quantity: $n, discountPercent: $d, expectedVersion: $v}})
  {{ quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
UPDATE = f"""mutation($l: ID!, $n: Int, $d: Decimal, $v: Int!) {{ updateQuoteLine(input:
  {{lineId: $l, quantity: $n, discountPercent: $d, expectedVersion: $v}})
  {{ quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
STEP = """mutation($q: ID!) {{ {name}(input: {{quoteId: $q}})
  {{ quote {{ status }} userErrors {{ field message code }} }} }}"""
ACCEPT = """mutation($q: ID!) { acceptQuote(input: {quoteId: $q}) { order { number }
  userErrors { code } } }"""
HISTORY = """query($q: ID!) { node(id: $q) { ... on Quote { status createdByPartner
  history { action actorName actor { name } } } } }"""
TIMELINE = """query($a: ID!) { account(id: $a) { timeline(first: 20, kinds: [QUOTE]) {
  edges { node { summary actor } } } } }"""
PARTNERS = "{ partners(first: 10) { edges { node { id name } } } }"
PRICES = "{ products(first: 50) { edges { node { sku prices { id currency billingPeriod } } } } }"


async def _writer_token(gql: GraphQL, client: httpx.AsyncClient, adam: str) -> str:
    """A Northwind client issued with read and quotes:write, and its token."""
    edges = (await gql(PARTNERS, token=adam))["data"]["partners"]["edges"]
    northwind = next(e["node"]["id"] for e in edges if e["node"]["name"] == "Northwind")
    issued = (await gql(ISSUE, {"p": northwind, "s": ["read", "quotes:write"]}, token=adam))[
        "data"
    ]["createPartnerClient"]
    assert issued["userErrors"] == []
    granted = await token_of(client, issued["client"]["clientId"], issued["clientSecret"])
    assert granted.status_code == 200, granted.text
    assert set(granted.json()["scope"].split()) == {"read", "quotes:write"}
    return str(granted.json()["access_token"])


async def _seat_price(gql: GraphQL, token: str) -> str:
    edges = (await gql(PRICES, token=token))["data"]["products"]["edges"]
    seat = next(e["node"] for e in edges if e["node"]["sku"] == "SEAT-STD")
    return str(
        next(
            p["id"]
            for p in seat["prices"]
            if p["currency"] == "EUR" and p["billingPeriod"] == "MONTH"
        )
    )


def _payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert body.get("errors") is None, body
    payload: dict[str, Any] = body["data"][name]
    assert payload["userErrors"] == [], payload
    return payload


def _code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def test_a_partner_with_quotes_write_quotes_its_customer_through_to_acceptance(
    gql: GraphQL, login, client: httpx.AsyncClient
) -> None:
    adam = await login("adam@recur.example")
    partner = await _writer_token(gql, client, adam)
    globex = await account_id(gql, partner, "Globex GmbH")
    seats = await _seat_price(gql, partner)

    quote = _payload(await gql(CREATE, {"a": globex, "k": "deal-42"}, token=partner), "createQuote")
    quote = quote["quote"]
    assert quote["status"] == "DRAFT" and quote["createdByPartner"] == "Northwind"
    again = await gql(CREATE, {"a": globex, "k": "deal-42"}, token=partner)
    assert _payload(again, "createQuote")["quote"]["id"] == quote["id"]

    added = await gql(
        ADD,
        {"q": quote["id"], "p": seats, "n": 10, "d": "10", "v": quote["version"]},
        token=partner,
    )
    quote = _payload(added, "addQuoteLine")["quote"]
    line = quote["lines"][0]
    updated = await gql(
        UPDATE, {"l": line["id"], "n": 12, "d": "30", "v": quote["version"]}, token=partner
    )
    quote = _payload(updated, "updateQuoteLine")["quote"]
    assert quote["lines"][0]["quantity"] == 12 and quote["lines"][0]["discountPercent"] == "30.00"

    submit = await gql(
        STEP.format(name="submitQuoteForApproval"), {"q": quote["id"]}, token=partner
    )
    assert _payload(submit, "submitQuoteForApproval")["quote"]["status"] == "PENDING_APPROVAL"
    for step in ("approveQuote", "rejectQuote"):
        refused = await gql(STEP.format(name=step), {"q": quote["id"]}, token=partner)
        assert _code(refused) == "FORBIDDEN", refused

    maria = await login("maria@recur.example")
    approved = await gql(STEP.format(name="approveQuote"), {"q": quote["id"]}, token=maria)
    assert _payload(approved, "approveQuote")["quote"]["status"] == "APPROVED"
    sent = await gql(STEP.format(name="sendQuote"), {"q": quote["id"]}, token=partner)
    assert _payload(sent, "sendQuote")["quote"]["status"] == "SENT"

    bob = await login("bob@globex.example")
    seen = (await gql(HISTORY, {"q": quote["id"]}, token=bob))["data"]["node"]
    assert seen["createdByPartner"] == "Northwind"
    # The customer sees who quoted them; the approval is the seller's internal business.
    assert [(e["action"], e["actorName"]) for e in seen["history"]] == [
        ("CREATE", "Northwind (partner)"),
        ("SEND", "Northwind (partner)"),
    ]
    assert all(e["actor"] is None for e in seen["history"])
    accepted = await gql(ACCEPT, {"q": quote["id"]}, token=bob)
    assert accepted["data"]["acceptQuote"]["order"]["number"].startswith("ORD-")

    staff_view = (await gql(HISTORY, {"q": quote["id"]}, token=maria))["data"]["node"]
    assert staff_view["status"] == "ACCEPTED"
    assert [(e["action"], e["actorName"]) for e in staff_view["history"]] == [
        ("CREATE", "Northwind (partner)"),
        ("SUBMIT", "Northwind (partner)"),
        ("APPROVE", "Maria Lindqvist"),
        ("SEND", "Northwind (partner)"),
        ("ACCEPT", "Bob Keller"),
    ]
    # The account's timeline names the partner too.
    timeline = (await gql(TIMELINE, {"a": globex}, token=maria))["data"]["account"]["timeline"]
    actors = [e["node"]["actor"] for e in timeline["edges"]]
    assert actors.count("Northwind (partner)") == 3 and "Maria Lindqvist" in actors


async def test_without_quotes_write_a_partner_is_forbidden_naming_the_scope(
    gql: GraphQL, login, client: httpx.AsyncClient
) -> None:
    reader = await partner_token(client)  # the demo client: read only
    globex = await account_id(gql, reader, "Globex GmbH")
    refused = await gql(CREATE, {"a": globex, "k": None}, token=reader)
    assert _code(refused) == "FORBIDDEN"
    assert "quotes:write" in refused["errors"][0]["message"]


async def test_another_partners_account_answers_as_unknown(
    gql: GraphQL, login, client: httpx.AsyncClient
) -> None:
    adam = await login("adam@recur.example")
    partner = await _writer_token(gql, client, adam)
    acme = await account_id(gql, adam, "Acme Corp")  # not linked to Northwind
    body = await gql(CREATE, {"a": acme, "k": None}, token=partner)
    assert body["data"]["createQuote"]["userErrors"][0]["code"] == "UNKNOWN_ACCOUNT"

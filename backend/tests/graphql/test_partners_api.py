"""Partners over the API: an admin creates one, links accounts, issues credentials whose
secret is shown once; the partner's token sees exactly its linked accounts; rotating ends
the old secret and revoking ends the client's tokens at once."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import AuditEntry, PartnerClient
from tests.conftest import GraphQL
from tests.graphql.test_access import global_id, partner_token

CREATE_PARTNER = """mutation($name: String!) { createPartner(input: {name: $name}) {
  partner { id name } userErrors { field message code } } }"""
LINK = """mutation($a: ID!, $p: ID) { setAccountPartner(input: {accountId: $a, partnerId: $p}) {
  account { name } userErrors { field message code } } }"""
ISSUE = """mutation($p: ID!, $s: [String!]!) { createPartnerClient(input: {partnerId: $p,
  scopes: $s}) { client { clientId scopes active } clientSecret
  userErrors { field message code } } }"""
ROTATE = """mutation($c: String!) { rotatePartnerClientSecret(input: {clientId: $c}) {
  client { clientId active } clientSecret userErrors { field message code } } }"""
REVOKE = """mutation($c: String!) { revokePartnerClient(input: {clientId: $c}) {
  client { clientId active } userErrors { field message code } } }"""
PARTNERS = """{ partners(first: 10) { edges { node { name accounts { name }
  clients { clientId scopes active } } } } }"""
ACCOUNTS = "{ accounts { edges { node { name } } } }"


async def token_of(client: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )


async def account_id(gql: GraphQL, token: str, name: str) -> str:
    body = await gql("{ accounts { edges { node { id name } } } }", token=token)
    return next(
        e["node"]["id"] for e in body["data"]["accounts"]["edges"] if e["node"]["name"] == name
    )


def account_names(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["accounts"]["edges"]]


async def test_an_admin_issues_credentials_and_the_partner_sees_only_its_accounts(
    gql: GraphQL, login, client: httpx.AsyncClient, db: Database
) -> None:
    adam = await login("adam@recur.example")
    partner = (await gql(CREATE_PARTNER, {"name": "  Contoso   Resellers "}, token=adam))["data"][
        "createPartner"
    ]["partner"]
    assert partner["name"] == "Contoso Resellers"
    for name in ("Acme Corp", "Initech"):
        linked = await gql(
            LINK, {"a": await account_id(gql, adam, name), "p": partner["id"]}, token=adam
        )
        assert linked["data"]["setAccountPartner"]["userErrors"] == []
    issued = (await gql(ISSUE, {"p": partner["id"], "s": ["read"]}, token=adam))["data"][
        "createPartnerClient"
    ]
    assert issued["userErrors"] == [] and issued["client"]["scopes"] == ["read"]
    client_id, secret = issued["client"]["clientId"], issued["clientSecret"]
    assert client_id.startswith("contoso-resellers-") and len(secret) >= 40

    granted = await token_of(client, client_id, secret)
    assert granted.status_code == 200, granted.text
    token = granted.json()["access_token"]
    assert account_names(await gql(ACCOUNTS, token=token)) == ["Acme Corp", "Initech"]
    # The demo partner keeps seeing its own account only, with its own secret.
    assert account_names(await gql(ACCOUNTS, token=await partner_token(client))) == ["Globex GmbH"]

    listed = (await gql(PARTNERS, token=adam))["data"]["partners"]["edges"]
    contoso = next(e["node"] for e in listed if e["node"]["name"] == "Contoso Resellers")
    assert [a["name"] for a in contoso["accounts"]] == ["Acme Corp", "Initech"]
    assert contoso["clients"] == [{"clientId": client_id, "scopes": ["read"], "active": True}]

    async with db.session() as session:
        stored = await session.scalar(
            select(PartnerClient).where(PartnerClient.client_id == client_id)
        )
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert stored is not None and secret not in stored.secret_hash
    assert [e.action for e in entries] == [
        "partner.create",
        "account.set_partner",
        "account.set_partner",
        "partner_client.create",
    ]
    assert all(secret not in str((e.summary, e.before, e.after)) for e in entries)
    assert entries[1].after == {"partner": "Contoso Resellers"}


async def test_rotating_ends_the_old_secret_and_revoking_ends_the_tokens(
    gql: GraphQL, login, client: httpx.AsyncClient
) -> None:
    adam = await login("adam@recur.example")
    partner = (await gql(CREATE_PARTNER, {"name": "Fabrikam"}, token=adam))["data"][
        "createPartner"
    ]["partner"]
    await gql(LINK, {"a": await account_id(gql, adam, "Acme Corp"), "p": partner["id"]}, token=adam)
    issued = (await gql(ISSUE, {"p": partner["id"], "s": ["read"]}, token=adam))["data"][
        "createPartnerClient"
    ]
    client_id, old_secret = issued["client"]["clientId"], issued["clientSecret"]

    rotated = (await gql(ROTATE, {"c": client_id}, token=adam))["data"]["rotatePartnerClientSecret"]
    new_secret = rotated["clientSecret"]
    assert rotated["userErrors"] == [] and new_secret != old_secret
    assert (await token_of(client, client_id, old_secret)).status_code == 401
    fresh = await token_of(client, client_id, new_secret)
    assert fresh.status_code == 200
    token = fresh.json()["access_token"]
    assert account_names(await gql(ACCOUNTS, token=token)) == ["Acme Corp"]

    revoked = (await gql(REVOKE, {"c": client_id}, token=adam))["data"]["revokePartnerClient"]
    assert revoked == {"client": {"clientId": client_id, "active": False}, "userErrors": []}
    after = await gql(ACCOUNTS, token=token)
    assert after["data"] is None
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await token_of(client, client_id, new_secret)).status_code == 401
    again = (await gql(ROTATE, {"c": client_id}, token=adam))["data"]["rotatePartnerClientSecret"]
    assert again["clientSecret"] is None
    assert again["userErrors"] == [
        {"field": ["input", "clientId"], "message": "This client is revoked.", "code": "REVOKED"}
    ]


async def test_bad_input_names_the_field_and_writes_nothing(
    gql: GraphQL, login, db: Database
) -> None:
    adam = await login("adam@recur.example")
    partner = (await gql(CREATE_PARTNER, {"name": "Tailspin"}, token=adam))["data"][
        "createPartner"
    ]["partner"]
    acme = await account_id(gql, adam, "Acme Corp")
    cases: list[tuple[str, dict[str, Any], str, str, str]] = [
        (CREATE_PARTNER, {"name": "   "}, "createPartner", "name", "REQUIRED"),
        (CREATE_PARTNER, {"name": "x" * 201}, "createPartner", "name", "TOO_LONG"),
        (CREATE_PARTNER, {"name": "TAILSPIN"}, "createPartner", "name", "TAKEN"),
        (ISSUE, {"p": partner["id"], "s": []}, "createPartnerClient", "scopes", "REQUIRED"),
        (
            ISSUE,
            {"p": partner["id"], "s": ["write"]},
            "createPartnerClient",
            "scopes",
            "UNKNOWN_SCOPE",
        ),
        (
            ISSUE,
            {"p": global_id("Partner", 9999), "s": ["read"]},
            "createPartnerClient",
            "partnerId",
            "NOT_FOUND",
        ),
        (ISSUE, {"p": "garbage", "s": ["read"]}, "createPartnerClient", "partnerId", "INVALID_ID"),
        (
            LINK,
            {"a": acme, "p": global_id("Partner", 9999)},
            "setAccountPartner",
            "partnerId",
            "NOT_FOUND",
        ),
        (
            LINK,
            {"a": global_id("Account", 9999), "p": partner["id"]},
            "setAccountPartner",
            "accountId",
            "NOT_FOUND",
        ),
        (ROTATE, {"c": "nobody"}, "rotatePartnerClientSecret", "clientId", "NOT_FOUND"),
        (REVOKE, {"c": "nobody"}, "revokePartnerClient", "clientId", "NOT_FOUND"),
    ]
    for query, variables, name, field, code in cases:
        body = await gql(query, variables, token=adam)
        assert "errors" not in body, body
        [error] = body["data"][name]["userErrors"]
        assert (error["field"], error["code"]) == (["input", field], code), (name, variables)
    async with db.session() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
        clients = list(await session.scalars(select(PartnerClient.client_id)))
    assert actions == ["partner.create"]
    assert clients == ["northwind"]


async def test_unlinking_an_account_hides_it_from_the_partner(
    gql: GraphQL, login, client: httpx.AsyncClient
) -> None:
    adam = await login("adam@recur.example")
    partner = await partner_token(client)
    globex = await account_id(gql, adam, "Globex GmbH")
    unlinked = await gql(LINK, {"a": globex, "p": None}, token=adam)
    assert unlinked["data"]["setAccountPartner"] == {
        "account": {"name": "Globex GmbH"},
        "userErrors": [],
    }
    assert account_names(await gql(ACCOUNTS, token=partner)) == []

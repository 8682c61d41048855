"""Customers and partners see the sales team by name only; staff still see emails
(docs/domain.md, "Who may do what")."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import GraphQL
from tests.graphql.test_access import CUSTOMERS, STAFF, Login, partner_token

OWNERS = "{ accounts { edges { node { name owner { name email role } } } } }"
HISTORY = """{ quotes(first: 50) { edges { node { number
  history { action actor { name email role } } } } } }"""
OWN_ACCOUNT = "{ viewer { account { owner { name email } } } }"


def owners(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"]["owner"] for edge in body["data"]["accounts"]["edges"]]


def actors(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        event["actor"]
        for edge in body["data"]["quotes"]["edges"]
        for event in edge["node"]["history"]
        if event["actor"] is not None
    ]


@pytest.mark.parametrize("customer", CUSTOMERS)
async def test_a_customer_sees_their_rep_by_name_only(
    gql: GraphQL, login: Login, customer: str
) -> None:
    body = await gql(OWN_ACCOUNT, token=await login(customer))

    owner = body["data"]["viewer"]["account"]["owner"]
    assert owner["name"]
    assert owner["email"] is None


async def test_a_partner_sees_owners_by_name_only(gql: GraphQL, client: httpx.AsyncClient) -> None:
    body = await gql(OWNERS, token=await partner_token(client))

    seen = owners(body)
    assert seen and all(owner["name"] for owner in seen)
    assert [owner["email"] for owner in seen] == [None] * len(seen)


@pytest.mark.parametrize("staff", STAFF)
async def test_staff_still_see_the_owners_emails(gql: GraphQL, login: Login, staff: str) -> None:
    body = await gql(OWNERS, token=await login(staff))

    seen = owners(body)
    assert seen
    assert all(owner["email"].endswith("@recur.example") for owner in seen), seen


@pytest.mark.parametrize("actor", ["bob@globex.example", "northwind"])
async def test_quote_history_shows_staff_by_name_only_to_customers_and_partners(
    gql: GraphQL, login: Login, client: httpx.AsyncClient, actor: str
) -> None:
    token = await partner_token(client) if actor == "northwind" else await login(actor)
    body = await gql(HISTORY, token=token)

    seen = actors(body)
    staff = [actor for actor in seen if actor["role"] != "CUSTOMER"]
    customers = [actor for actor in seen if actor["role"] == "CUSTOMER"]
    assert staff and customers, "Globex's quotes were sent by Rita and accepted by Bob"
    assert [actor["email"] for actor in staff] == [None] * len(staff)
    assert {actor["email"] for actor in customers} == {"bob@globex.example"}


async def test_quote_history_shows_staff_every_email(gql: GraphQL, login: Login) -> None:
    body = await gql(HISTORY, token=await login("maria@recur.example"))

    seen = actors(body)
    assert seen
    assert all(actor["email"] and "@" in actor["email"] for actor in seen), seen

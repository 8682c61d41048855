"""The customer 360 through the access matrix of docs/domain.md: each actor reads the
account page, the orders list and the search of exactly the accounts it may see, and
customers and partners never see internal timeline entries."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import GraphQL
from tests.graphql.test_access import (
    ACME,
    ACTORS,
    ALL_ACCOUNTS,
    ANONYMOUS,
    CUSTOMERS,
    PARTNER,
    STAFF,
    VISIBLE,
    Login,
    account_ids,
    error_codes,
    partner_token,
)

__all__ = ["account_ids"]  # the fixture, shared with the access matrix

PAGE = """query($id: ID!) { account(id: $id) { name
  monthlyRecurringRevenue { amount } metrics { lifetimeBilled { amount } }
  timeline(first: 100) { edges { node { kind summary } } }
  orders(first: 100) { edges { node { number account { name } } } } } }"""
ORDERS = "{ orders(first: 100) { edges { node { account { name } } } } }"
SEARCH = """query($q: String!) { search(query: $q, first: 50) {
  __typename ... on Account { name } ... on Invoice { account { name } }
  ... on Quote { account { name } } ... on Order { account { name } }
  ... on Subscription { account { name } } } }"""


async def _token(client: httpx.AsyncClient, login: Login, actor: str) -> str | None:
    if actor == ANONYMOUS:
        return None
    if actor == PARTNER:
        return await partner_token(client)
    return await login(actor)


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_account_page_answers_only_for_visible_accounts(
    gql: GraphQL,
    client: httpx.AsyncClient,
    login: Login,
    account_ids: dict[str, str],
    actor: str,
) -> None:
    token = await _token(client, login, actor)
    visible = VISIBLE[actor]
    for name in ALL_ACCOUNTS:
        body = await gql(PAGE, {"id": account_ids[name]}, token=token)
        if visible is None:
            assert error_codes(body) == ["UNAUTHENTICATED"]
            continue
        assert "errors" not in body, body
        account = body["data"]["account"]
        if name not in visible:
            assert account is None
            continue
        assert account["name"] == name
        kinds = {edge["node"]["kind"] for edge in account["timeline"]["edges"]}
        assert {"INVOICE", "ORDER"} <= kinds
        owners = {edge["node"]["account"]["name"] for edge in account["orders"]["edges"]}
        assert owners == {name}
        if actor in CUSTOMERS or actor == PARTNER:
            assert "ADMIN" not in kinds
            steps = " ".join(edge["node"]["summary"] for edge in account["timeline"]["edges"])
            assert "submitted for approval" not in steps
            assert " approved" not in steps


@pytest.mark.parametrize("actor", ACTORS)
async def test_orders_and_search_list_only_visible_accounts(
    gql: GraphQL, client: httpx.AsyncClient, login: Login, actor: str
) -> None:
    token = await _token(client, login, actor)
    visible = VISIBLE[actor]
    orders = await gql(ORDERS, token=token)
    found: set[str] = set()
    for name in ALL_ACCOUNTS:
        hits = await gql(SEARCH, {"q": name.split()[0]}, token=token)
        if visible is None:
            assert error_codes(hits) == ["UNAUTHENTICATED"]
            continue
        found |= {_account_of(hit) for hit in hits["data"]["search"]}
    if visible is None:
        assert error_codes(orders) == ["UNAUTHENTICATED"]
        return
    owners = {edge["node"]["account"]["name"] for edge in orders["data"]["orders"]["edges"]}
    assert owners <= set(visible)
    assert found == set(visible)


def _account_of(hit: dict[str, Any]) -> str:
    return str(hit["name"] if hit["__typename"] == "Account" else hit["account"]["name"])


async def test_staff_see_administrative_changes_in_the_timeline(
    gql: GraphQL, login: Login, account_ids: dict[str, str]
) -> None:
    admin = await login("adam@recur.example")
    update = """mutation($id: ID!) { updateAccount(input: {accountId: $id, paymentTermsDays: 45}) {
      userErrors { message } } }"""
    changed = await gql(update, {"id": account_ids[ACME]}, token=admin)
    assert changed["data"]["updateAccount"]["userErrors"] == [], changed
    query = """query($id: ID!) { account(id: $id) { timeline(first: 5, kinds: [ADMIN]) {
      edges { node { kind actor summary subject { id } } } } } }"""
    for actor in STAFF:
        if actor == "sam@recur.example":
            continue  # Acme is not Sam's
        body = await gql(query, {"id": account_ids[ACME]}, token=await login(actor))
        edges = body["data"]["account"]["timeline"]["edges"]
        assert edges and edges[0]["node"]["kind"] == "ADMIN", (actor, body)
        assert edges[0]["node"]["actor"] == "Adam Novak"
        assert edges[0]["node"]["subject"]["id"] == account_ids[ACME]
    alice = await gql(query, {"id": account_ids[ACME]}, token=await login("alice@acme.example"))
    assert alice["data"]["account"]["timeline"]["edges"] == []

"""Events and webhooks through the API: the feed follows the access matrix, webhooks are for
admins and partner clients with the ``webhooks`` scope, a partner's write answers FORBIDDEN,
and bad input is a ``userError`` naming the field."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQL
from tests.graphql import test_access
from tests.graphql.test_access import (
    ACTORS,
    ANONYMOUS,
    PARTNER,
    VISIBLE,
    TokenFor,
    error_codes,
)

#: The access matrix's tokens, one per actor.
token_for = test_access.token_for

EVENTS = """query($types: [String!]) { events(first: 100, types: $types) {
  edges { node { id type occurredAt data account { name } } } pageInfo { endCursor } } }"""
ENDPOINTS = "{ webhookEndpoints { id url eventTypes enabled deliveries(first: 5) { id status } } }"
CREATE = """mutation($url: String!, $types: [String!]!) {
  createWebhookEndpoint(input: {url: $url, eventTypes: $types}) {
    endpoint { id url eventTypes enabled } secret userErrors { field message code } } }"""


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_feed_shows_the_events_of_the_accounts_the_actor_sees(
    gql: GraphQL, token_for: TokenFor, actor: str
) -> None:
    body = await gql(EVENTS, {"types": ["invoice.issued"]}, token=await token_for(actor))
    visible = VISIBLE[actor]
    if visible is None:
        assert error_codes(body) == ["UNAUTHENTICATED"]
        return
    assert "errors" not in body, body
    edges = body["data"]["events"]["edges"]
    seen = {edge["node"]["account"]["name"] for edge in edges}
    assert seen and seen <= set(visible)
    for edge in edges:
        assert edge["node"]["id"].startswith("evt_")
        assert edge["node"]["data"]["invoice"]["number"].startswith("INV")


async def test_an_unknown_event_type_is_refused_naming_types(
    gql: GraphQL, token_for: TokenFor
) -> None:
    body = await gql(EVENTS, {"types": ["invoice.eaten"]}, token=await token_for(PARTNER))
    assert "invoice.eaten" in body["errors"][0]["message"]
    assert body["data"] is None


@pytest.mark.parametrize("actor", ACTORS)
async def test_only_admins_manage_webhooks(gql: GraphQL, token_for: TokenFor, actor: str) -> None:
    token = await token_for(actor)
    body = await gql(ENDPOINTS, token=token)
    created = await gql(
        CREATE, {"url": "https://8.8.8.8/hooks", "types": ["invoice.issued"]}, token=token
    )
    if actor == "adam@recur.example":
        assert body["data"]["webhookEndpoints"] == []
        payload = created["data"]["createWebhookEndpoint"]
        assert payload["userErrors"] == [] and payload["secret"].startswith("whsec_")
        assert payload["endpoint"]["enabled"] is True
        return
    expected = "UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"
    assert error_codes(body) == [expected]
    assert error_codes(created) == [expected]


async def test_bad_endpoints_are_user_errors(gql: GraphQL, token_for: TokenFor) -> None:
    token = await token_for("adam@recur.example")
    body = await gql(CREATE, {"url": "https://127.0.0.1/x", "types": ["nope"]}, token=token)
    errors = body["data"]["createWebhookEndpoint"]["userErrors"]
    assert [error["field"] for error in errors] == [["input", "url"], ["input", "eventTypes"]]
    assert body["data"]["createWebhookEndpoint"]["secret"] is None
    listed = await gql(ENDPOINTS, token=token)
    assert listed["data"]["webhookEndpoints"] == []
    redeliver = await gql(
        'mutation { redeliverWebhook(input: {deliveryId: "bm9wZQ=="}) '
        "{ userErrors { field code } } }",
        token=token,
    )
    assert redeliver["data"]["redeliverWebhook"]["userErrors"] == [
        {"field": ["input", "deliveryId"], "code": "INVALID_ID"}
    ]


async def test_a_partners_write_is_forbidden_not_unauthenticated(
    gql: GraphQL, token_for: TokenFor
) -> None:
    body = await gql(
        'mutation { createQuote(input: {accountId: "QWNjb3VudDox"}) { userErrors { code } } }',
        token=await token_for(PARTNER),
    )
    assert error_codes(body) == ["FORBIDDEN"]

"""A customer with a live subscription checks a cart out into it: the items join it,
co-terminated and prorated, exactly as the same change made directly would bill."""

from __future__ import annotations

from tests.graphql.test_quote_to_order_api import ADD, price_of

SUBSCRIPTION = """{ subscriptions(first: 5, status: ACTIVE) { edges { node { id number
  currentTermEnd items { id quantity product { sku } } } } } }"""
CHECKOUT = """mutation($quote: ID, $into: ID) {
  checkout(input: {quoteId: $quote, addToSubscriptionId: $into}) {
    order { number startDate subscription { number items { quantity product { sku } } }
            invoice { total { amount } } }
    userErrors { field message code } } }"""
PREVIEW = """query($input: SubscriptionChangeInput!) { previewSubscriptionChange(input: $input) {
  amountDueNow { amount } userErrors { code } } }"""


async def _acme(gql, token: str) -> dict:
    edges = (await gql(SUBSCRIPTION, token=token))["data"]["subscriptions"]["edges"]
    return next(e["node"] for e in edges if e["node"]["number"] == "SUB-000002")


async def test_a_cart_joins_a_live_subscription_as_the_same_change_would(gql, login) -> None:
    alice = await login("alice@acme.example")
    sub = await _acme(gql, alice)
    seats_item = next(i for i in sub["items"] if i["product"]["sku"] == "SEAT-STD")
    seats, support = await price_of(gql, "SEAT-STD"), await price_of(gql, "SUPPORT-PREM", "YEAR")
    await gql(ADD, {"price": seats, "q": 5}, token=alice)
    cart = (await gql(ADD, {"price": support, "q": 1}, token=alice))["data"]["addToCart"]["cart"]

    same_change = {
        "subscriptionId": sub["id"],
        "changes": [
            {"itemId": seats_item["id"], "quantity": seats_item["quantity"] + 5},
            {"priceId": support, "quantity": 1},
        ],
    }
    preview = (await gql(PREVIEW, {"input": same_change}, token=alice))["data"][
        "previewSubscriptionChange"
    ]
    assert preview["userErrors"] == []

    body = await gql(CHECKOUT, {"quote": cart["id"], "into": sub["id"]}, token=alice)
    payload = body["data"]["checkout"]
    assert payload["userErrors"] == []
    order = payload["order"]
    assert order["subscription"]["number"] == "SUB-000002"  # no new subscription
    quantities = {i["product"]["sku"]: i["quantity"] for i in order["subscription"]["items"]}
    assert quantities["SEAT-STD"] == seats_item["quantity"] + 5
    assert quantities["SUPPORT-PREM"] == 1
    assert order["invoice"]["total"] == preview["amountDueNow"]
    # A retry answers with the same order; the customer's next add starts a new cart.
    retry = await gql(CHECKOUT, {"quote": cart["id"], "into": sub["id"]}, token=alice)
    assert retry["data"]["checkout"]["order"]["number"] == order["number"]
    assert (await gql("{ cart { id } }", token=alice))["data"]["cart"] is None


async def test_a_cart_cannot_join_a_subscription_it_does_not_fit(gql, login) -> None:
    alice, bob = await login("alice@acme.example"), await login("bob@globex.example")
    acme = await _acme(gql, alice)
    prices = await gql('{ product(sku: "SEAT-STD") { prices(currency: "EUR") { id } } }')
    euro_seats = prices["data"]["product"]["prices"][0]["id"]
    cart = (await gql(ADD, {"price": euro_seats, "q": 1}, token=bob))["data"]["addToCart"]["cart"]
    # Another account's subscription is as unknown as a missing one; nothing is bought.
    body = await gql(CHECKOUT, {"quote": cart["id"], "into": acme["id"]}, token=bob)
    assert body["data"]["checkout"]["order"] is None
    assert [(e["field"], e["code"]) for e in body["data"]["checkout"]["userErrors"]] == [
        (["input", "addToSubscriptionId"], "UNKNOWN_SUBSCRIPTION")
    ]
    left = (await gql("{ cart { id lines { quantity } } }", token=bob))["data"]["cart"]
    assert left["id"] == cart["id"] and [line["quantity"] for line in left["lines"]] == [1]

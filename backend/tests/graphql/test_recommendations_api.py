"""Next best offers over GraphQL: a rep sees three offers with reasons and exact amounts,
prepares a quote whose amount is the offer's; a customer sees no internal evidence and takes
an offer for exactly its preview; overdue accounts get none; managers see how offers fare."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import GraphQL
from tests.graphql.test_access import partner_token

ACCOUNTS = "{ accounts(first: 10) { edges { node { id name } } } }"
OFFERS = """query($id: ID!, $first: Int) { account(id: $id) { recommendations(first: $first) {
  id kind title reason evidence score quantity product { sku } price { id billingPeriod }
  preview { amountDueNow { amount currency } newMonthlyRecurringRevenue { amount }
    monthlyRecurringRevenueBefore { amount } userErrors { code } } } } }"""
PREPARE = """mutation($id: ID!) { prepareRecommendation(input: {recommendationId: $id}) {
  quote { id number kind status preparedFromOffer
    changePreview { amountDueNow { amount } newMonthlyRecurringRevenue { amount } } }
  userErrors { field message code } } }"""
ACCEPT = """mutation($id: ID!) { acceptRecommendation(input: {recommendationId: $id}) {
  amountDueNow { amount } invoice { number total { amount } }
  quote { number status } userErrors { field message code } } }"""
STATS = "{ recommendationStats { kind shown prepared accepted acceptanceRate } }"
PREVIEW_CHANGE = """query($input: SubscriptionChangeInput!) { previewSubscriptionChange(
  input: $input) { amountDueNow { amount } newMonthlyRecurringRevenue { amount } } }"""
SUBSCRIPTION_ITEMS = """{ subscriptions(first: 10) { edges { node { id number
  items { id product { sku } } } } } }"""


async def _account_id(gql: GraphQL, token: str, name: str) -> str:
    body = await gql(ACCOUNTS, token=token)
    return next(
        e["node"]["id"] for e in body["data"]["accounts"]["edges"] if e["node"]["name"] == name
    )


async def _offers(gql: GraphQL, token: str, account: str, first: int = 3) -> list[dict[str, Any]]:
    body = await gql(OFFERS, {"id": account, "first": first}, token=token)
    assert "errors" not in body, body
    offers: list[dict[str, Any]] = body["data"]["account"]["recommendations"]
    return offers


async def test_a_rep_sees_three_offers_and_prepares_a_quote_for_exactly_their_amount(
    gql: GraphQL, login
) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    offers = await _offers(gql, rita, acme)

    assert len(offers) == 3
    assert len({o["id"] for o in offers}) == 3
    assert [o["score"] for o in offers] == sorted((o["score"] for o in offers), reverse=True)
    for offer in offers:
        assert offer["title"] and offer["reason"] and offer["evidence"]
        assert offer["kind"] in {"ADD_ON", "UPGRADE", "YEARLY", "NEXT_TIER"}
        assert offer["preview"]["userErrors"] == []
        assert offer["preview"]["amountDueNow"]["currency"] == "USD"
    kinds = {o["kind"] for o in offers}
    assert {"UPGRADE", "YEARLY"} <= kinds  # Standard Seats upgrade; monthly items go yearly

    upgrade = next(o for o in offers if o["kind"] == "UPGRADE")
    prepared = (await gql(PREPARE, {"id": upgrade["id"]}, token=rita))["data"][
        "prepareRecommendation"
    ]
    assert prepared["userErrors"] == []
    quote = prepared["quote"]
    assert (quote["kind"], quote["status"]) == ("AMENDMENT", "DRAFT")
    assert quote["preparedFromOffer"] == upgrade["title"]
    assert quote["changePreview"]["amountDueNow"] == {
        "amount": upgrade["preview"]["amountDueNow"]["amount"]
    }
    assert (
        quote["changePreview"]["newMonthlyRecurringRevenue"]
        == upgrade["preview"]["newMonthlyRecurringRevenue"]
    )


async def test_an_offer_preview_is_the_change_preview_of_the_same_change(
    gql: GraphQL, login
) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    yearly = next(o for o in await _offers(gql, rita, acme) if o["kind"] == "YEARLY")
    subscriptions = (await gql(SUBSCRIPTION_ITEMS, token=rita))["data"]["subscriptions"]["edges"]
    acme_subscription = next(
        e["node"] for e in subscriptions if e["node"]["number"] == "SUB-000002"
    )
    item = next(
        i for i in acme_subscription["items"] if i["product"]["sku"] == yearly["product"]["sku"]
    )
    change = {
        "subscriptionId": acme_subscription["id"],
        "changes": [
            {"itemId": item["id"], "priceId": yearly["price"]["id"], "quantity": yearly["quantity"]}
        ],
    }
    preview = (await gql(PREVIEW_CHANGE, {"input": change}, token=rita))["data"][
        "previewSubscriptionChange"
    ]
    assert preview["amountDueNow"]["amount"] == yearly["preview"]["amountDueNow"]["amount"]
    assert preview["newMonthlyRecurringRevenue"] == yearly["preview"]["newMonthlyRecurringRevenue"]


async def test_a_customer_sees_reasons_without_evidence_and_takes_an_offer_at_its_preview(
    gql: GraphQL, login
) -> None:
    alice = await login("alice@acme.example")
    acme = await _account_id(gql, alice, "Acme Corp")
    offers = await _offers(gql, alice, acme)
    assert offers and all(o["evidence"] == [] and o["reason"] for o in offers)
    assert not {"Globex", "Initech", "accounts"} & set(str(offers).replace(",", " ").split())
    upgrade = next(o for o in offers if o["kind"] == "UPGRADE")

    taken = (await gql(ACCEPT, {"id": upgrade["id"]}, token=alice))["data"]["acceptRecommendation"]
    assert taken["userErrors"] == []
    due = upgrade["preview"]["amountDueNow"]["amount"]
    assert taken["amountDueNow"] == {"amount": due}
    assert taken["invoice"]["total"] == {"amount": due}
    assert taken["quote"]["status"] == "ACCEPTED"

    # Taken, it is no longer offered, and taking it again is refused.
    assert upgrade["id"] not in {o["id"] for o in await _offers(gql, alice, acme)}
    again = (await gql(ACCEPT, {"id": upgrade["id"]}, token=alice))["data"]["acceptRecommendation"]
    assert [e["code"] for e in again["userErrors"]] == ["OFFER_GONE"]

    maria = await login("maria@recur.example")
    stats = {
        row["kind"]: row for row in (await gql(STATS, token=maria))["data"]["recommendationStats"]
    }
    assert stats["UPGRADE"]["accepted"] == 1
    assert stats["UPGRADE"]["shown"] >= 1
    assert 0 < stats["UPGRADE"]["acceptanceRate"] <= 1


async def test_a_prepared_quote_accepted_counts_for_its_kind(gql: GraphQL, login) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    yearly = next(o for o in await _offers(gql, rita, acme) if o["kind"] == "YEARLY")
    quote = (await gql(PREPARE, {"id": yearly["id"]}, token=rita))["data"]["prepareRecommendation"][
        "quote"
    ]
    sent = await gql(
        "mutation($id: ID!) { sendQuote(input: {quoteId: $id}) { userErrors { code } } }",
        {"id": quote["id"]},
        token=rita,
    )
    assert sent["data"]["sendQuote"]["userErrors"] == []
    alice = await login("alice@acme.example")
    accepted = await gql(
        "mutation($id: ID!) { acceptQuote(input: {quoteId: $id}) { userErrors { code } } }",
        {"id": quote["id"]},
        token=alice,
    )
    assert accepted["data"]["acceptQuote"]["userErrors"] == []
    maria = await login("maria@recur.example")
    stats = {
        row["kind"]: row for row in (await gql(STATS, token=maria))["data"]["recommendationStats"]
    }
    assert (stats["YEARLY"]["prepared"], stats["YEARLY"]["accepted"]) == (1, 1)


async def test_no_offers_while_an_account_is_overdue(gql: GraphQL, login) -> None:
    sam = await login("sam@recur.example")
    initech = await _account_id(gql, sam, "Initech")
    assert await _offers(gql, sam, initech) == []


async def test_offers_are_for_those_who_see_the_account(gql: GraphQL, login) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    offer = (await _offers(gql, rita, acme))[0]

    sam = await login("sam@recur.example")  # not Acme's rep: the offer is as good as unknown
    body = await gql(PREPARE, {"id": offer["id"]}, token=sam)
    assert [e["code"] for e in body["data"]["prepareRecommendation"]["userErrors"]] == [
        "OFFER_GONE"
    ]
    alice = await login("alice@acme.example")  # customers take offers; quotes are for sales
    body = await gql(PREPARE, {"id": offer["id"]}, token=alice)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(STATS, token=rita)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_partner_clients_are_refused_offers(
    gql: GraphQL, client: httpx.AsyncClient, login
) -> None:
    rita = await login("rita@recur.example")
    globex = await _account_id(gql, rita, "Globex GmbH")  # linked to the partner
    body = await gql(OFFERS, {"id": globex, "first": 3}, token=await partner_token(client))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_input_is_refused_naming_the_field(gql: GraphQL, login) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    body = await gql(PREPARE, {"id": "bm9wZQ=="}, token=rita)
    assert body["data"]["prepareRecommendation"]["userErrors"] == [
        {
            "field": ["input", "recommendationId"],
            "message": "This is not an offer's id.",
            "code": "INVALID_ID",
        }
    ]
    body = await gql(OFFERS, {"id": acme, "first": 11}, token=rita)
    assert "first" in body["errors"][0]["message"]
    assert body["errors"][0]["message"] != "Unexpected error."


async def test_nothing_is_pitched_on_a_subscription_that_will_not_renew(
    gql: GraphQL, login
) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    assert await _offers(gql, rita, acme)
    subscriptions = (await gql(SUBSCRIPTION_ITEMS, token=rita))["data"]["subscriptions"]["edges"]
    acme_subscription = next(
        e["node"]["id"] for e in subscriptions if e["node"]["number"] == "SUB-000002"
    )
    body = await gql(
        """mutation($id: ID!) { setAutoRenew(input: {subscriptionId: $id, autoRenew: false}) {
        userErrors { code } } }""",
        {"id": acme_subscription},
        token=rita,
    )
    assert body["data"]["setAutoRenew"]["userErrors"] == []
    assert await _offers(gql, rita, acme) == []


async def test_an_offer_shown_again_is_still_one_offer(gql: GraphQL, login) -> None:
    rita = await login("rita@recur.example")
    acme = await _account_id(gql, rita, "Acme Corp")
    first = await _offers(gql, rita, acme)
    again = await _offers(gql, rita, acme)
    assert [o["id"] for o in first] == [o["id"] for o in again]
    maria = await login("maria@recur.example")
    stats = (await gql(STATS, token=maria))["data"]["recommendationStats"]
    assert sum(row["shown"] for row in stats) == 3
    assert all(row["acceptanceRate"] in (None, 0) for row in stats)

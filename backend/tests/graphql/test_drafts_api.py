"""Drafts over GraphQL: creates made once per client key, deleting drafts, recalling a quote
sent for approval or to the customer, and quantities that must be whole units."""

from __future__ import annotations

import asyncio

QUOTE = """id number kind status version expiresOn history { action toStatus comment }"""
AMEND = f"""mutation($id: ID!, $key: String) {{
  createAmendmentQuote(input: {{subscriptionId: $id, clientKey: $key}}) {{
    quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
RENEW = f"""mutation($id: ID!, $key: String) {{
  createRenewalQuote(input: {{subscriptionId: $id, clientKey: $key}}) {{
    quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
CREATE = f"""mutation($account: ID!, $key: String) {{
  createQuote(input: {{accountId: $account, clientKey: $key}}) {{
    quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
ADD_LINE = f"""mutation($quote: ID!, $price: ID!) {{
  addQuoteLine(input: {{quoteId: $quote, priceId: $price, quantity: 5}}) {{
    quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
SEND = f"""mutation($id: ID!) {{ sendQuote(input: {{quoteId: $id}}) {{
  quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
RECALL = f"""mutation($id: ID!, $reason: String!) {{
  recallQuote(input: {{quoteId: $id, reason: $reason}}) {{
    quote {{ {QUOTE} }} userErrors {{ field message code }} }} }}"""
DELETE = """mutation($id: ID!, $version: Int) {
  deleteQuote(input: {quoteId: $id, expectedVersion: $version}) {
    deletedQuoteId userErrors { field message code } } }"""
ACCEPT = """mutation($id: ID!) { acceptQuote(input: {quoteId: $id}) {
  order { id } userErrors { field message code } } }"""
READ = f"""query($id: ID!) {{ quote(id: $id) {{ {QUOTE} }} }}"""
SUBSCRIPTIONS = "{ subscriptions(first: 10) { edges { node { id number } } } }"
ACCOUNTS = "{ accounts(first: 20) { edges { node { id name } } } }"
SEATS = '{ product(sku: "SEAT-STD") { prices(currency: "USD") { id billingPeriod } } }'
ADD_TO_CART = """mutation($price: ID!, $q: Int!) {
  addToCart(input: {priceId: $price, quantity: $q}) {
  cart { lines { quantity } } userErrors { field message code } } }"""
CART = "{ cart { lines { quantity } } }"


async def _subscription(gql, token: str, number: str = "SUB-000002") -> str:
    edges = (await gql(SUBSCRIPTIONS, token=token))["data"]["subscriptions"]["edges"]
    return next(e["node"]["id"] for e in edges if e["node"]["number"] == number)


async def _acme(gql, token: str) -> str:
    edges = (await gql(ACCOUNTS, token=token))["data"]["accounts"]["edges"]
    return next(e["node"]["id"] for e in edges if e["node"]["name"] == "Acme Corp")


async def _monthly_seats(gql) -> str:
    prices = (await gql(SEATS))["data"]["product"]["prices"]
    return next(p["id"] for p in prices if p["billingPeriod"] == "MONTH")


async def _sent_quote(gql, rita: str) -> dict:
    quote = (await gql(CREATE, {"account": await _acme(gql, rita)}, token=rita))["data"][
        "createQuote"
    ]["quote"]
    added = await gql(
        ADD_LINE, {"quote": quote["id"], "price": await _monthly_seats(gql)}, token=rita
    )
    assert added["data"]["addQuoteLine"]["userErrors"] == []
    sent = (await gql(SEND, {"id": quote["id"]}, token=rita))["data"]["sendQuote"]
    assert sent["userErrors"] == []
    return dict(sent["quote"])


async def test_a_double_click_on_prepare_amendment_makes_one_draft(gql, login) -> None:
    rita = await login("rita@recur.example")
    subscription = await _subscription(gql, rita)
    variables = {"id": subscription, "key": "8c0e8d5e-1f55-4f0e-9d43-0a4c3e1b7a10"}

    # Two clicks racing, then a retry after the answer was lost.
    racing = await asyncio.gather(*(gql(AMEND, variables, token=rita) for _ in range(2)))
    retry = await gql(AMEND, variables, token=rita)

    ids = {body["data"]["createAmendmentQuote"]["quote"]["id"] for body in [*racing, retry]}
    assert len(ids) == 1
    other = await gql(AMEND, {"id": subscription, "key": "another-click"}, token=rita)
    assert other["data"]["createAmendmentQuote"]["quote"]["id"] not in ids


async def test_creates_without_a_key_make_a_quote_each(gql, login) -> None:
    rita = await login("rita@recur.example")
    account = await _acme(gql, rita)
    first = await gql(CREATE, {"account": account}, token=rita)
    second = await gql(CREATE, {"account": account}, token=rita)
    keyed = [await gql(CREATE, {"account": account, "key": "k-1"}, token=rita) for _ in range(2)]

    numbers = {b["data"]["createQuote"]["quote"]["number"] for b in (first, second, *keyed)}
    assert len(numbers) == 3


async def test_a_client_key_is_refused_when_too_long_or_used_for_another_quote(gql, login) -> None:
    rita = await login("rita@recur.example")
    subscription = await _subscription(gql, rita)
    await gql(AMEND, {"id": subscription, "key": "used"}, token=rita)

    reused = (await gql(RENEW, {"id": subscription, "key": "used"}, token=rita))["data"]
    long = (await gql(AMEND, {"id": subscription, "key": "x" * 65}, token=rita))["data"]

    assert reused["createRenewalQuote"]["quote"] is None
    assert reused["createRenewalQuote"]["userErrors"][0]["field"] == ["input", "clientKey"]
    assert reused["createRenewalQuote"]["userErrors"][0]["code"] == "CLIENT_KEY_REUSED"
    assert long["createAmendmentQuote"]["userErrors"][0]["code"] == "INVALID_CLIENT_KEY"


async def test_a_rep_deletes_a_draft_but_not_a_sent_quote(gql, login) -> None:
    rita = await login("rita@recur.example")
    draft = (await gql(AMEND, {"id": await _subscription(gql, rita)}, token=rita))["data"][
        "createAmendmentQuote"
    ]["quote"]
    sent = await _sent_quote(gql, rita)

    stale = await gql(DELETE, {"id": draft["id"], "version": draft["version"] - 1}, token=rita)
    deleted = await gql(DELETE, {"id": draft["id"], "version": draft["version"]}, token=rita)
    kept = await gql(DELETE, {"id": sent["id"]}, token=rita)

    assert stale["data"]["deleteQuote"]["userErrors"][0]["code"] == "STALE_VERSION"
    assert deleted["data"]["deleteQuote"] == {"deletedQuoteId": draft["id"], "userErrors": []}
    assert (await gql(READ, {"id": draft["id"]}, token=rita))["data"]["quote"] is None
    assert kept["data"]["deleteQuote"]["userErrors"][0]["code"] == "NOT_DRAFT"
    assert (await gql(READ, {"id": sent["id"]}, token=rita))["data"]["quote"]["status"] == "SENT"


async def test_only_whoever_may_edit_a_draft_deletes_it(gql, login) -> None:
    rita = await login("rita@recur.example")
    draft = (await gql(CREATE, {"account": await _acme(gql, rita)}, token=rita))["data"][
        "createQuote"
    ]["quote"]

    sam = await login("sam@recur.example")
    other_rep = (await gql(DELETE, {"id": draft["id"]}, token=sam))["data"]["deleteQuote"]
    alice = await login("alice@acme.example")
    customer = await gql(DELETE, {"id": draft["id"]}, token=alice)

    assert other_rep["userErrors"][0]["code"] == "UNKNOWN_QUOTE"
    assert customer["data"]["deleteQuote"]["userErrors"][0]["code"] == "UNKNOWN_QUOTE"
    assert (await gql(READ, {"id": draft["id"]}, token=rita))["data"]["quote"] is not None


async def test_a_rep_recalls_a_sent_quote_into_draft_with_its_reason(gql, login) -> None:
    rita = await login("rita@recur.example")
    sent = await _sent_quote(gql, rita)

    recalled = (await gql(RECALL, {"id": sent["id"], "reason": "Wrong seat count"}, token=rita))[
        "data"
    ]["recallQuote"]
    again = (await gql(RECALL, {"id": sent["id"], "reason": ""}, token=rita))["data"]["recallQuote"]

    assert recalled["userErrors"] == []
    quote = recalled["quote"]
    assert (quote["status"], quote["expiresOn"]) == ("DRAFT", None)
    assert quote["history"][-1] == {
        "action": "RECALL",
        "toStatus": "DRAFT",
        "comment": "Wrong seat count",
    }
    assert again["userErrors"][0]["code"] == "INVALID_STATUS"
    alice = await login("alice@acme.example")
    accepted = (await gql(ACCEPT, {"id": sent["id"]}, token=alice))["data"]["acceptQuote"]
    assert accepted["order"] is None and accepted["userErrors"][0]["code"] == "UNKNOWN_QUOTE"
    # Back in draft, it can be deleted.
    deleted = (await gql(DELETE, {"id": sent["id"]}, token=rita))["data"]["deleteQuote"]
    assert deleted["userErrors"] == []


async def test_customers_cannot_recall(gql, login) -> None:
    rita = await login("rita@recur.example")
    sent = await _sent_quote(gql, rita)
    alice = await login("alice@acme.example")

    refused = await gql(RECALL, {"id": sent["id"], "reason": ""}, token=alice)

    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_adding_less_than_one_unit_to_the_cart_is_refused(gql, login) -> None:
    alice = await login("alice@acme.example")
    seats = await _monthly_seats(gql)
    await gql(ADD_TO_CART, {"price": seats, "q": 5}, token=alice)

    for quantity in (0, -2):
        refused = (await gql(ADD_TO_CART, {"price": seats, "q": quantity}, token=alice))["data"][
            "addToCart"
        ]
        assert refused["cart"] is None
        assert refused["userErrors"][0]["field"] == ["input", "quantity"]
        assert refused["userErrors"][0]["code"] == "INVALID_QUANTITY"

    assert (await gql(CART, token=alice))["data"]["cart"]["lines"] == [{"quantity": 5}]


async def test_a_customer_deletes_their_cart_and_staff_cannot(gql, login) -> None:
    alice = await login("alice@acme.example")
    seats = await _monthly_seats(gql)
    await gql(ADD_TO_CART, {"price": seats, "q": 5}, token=alice)
    cart = (await gql("{ cart { id } }", token=alice))["data"]["cart"]
    maria = await login("maria@recur.example")

    by_staff = (await gql(DELETE, {"id": cart["id"]}, token=maria))["data"]["deleteQuote"]
    by_owner = (await gql(DELETE, {"id": cart["id"]}, token=alice))["data"]["deleteQuote"]

    assert by_staff["userErrors"][0]["code"] == "CUSTOMERS_CART"
    assert by_owner["userErrors"] == []
    assert (await gql("{ cart { id } }", token=alice))["data"]["cart"] is None


async def test_staff_read_a_customers_cart_but_never_change_it(gql, login) -> None:
    alice = await login("alice@acme.example")
    seats = await _monthly_seats(gql)
    await gql(ADD_TO_CART, {"price": seats, "q": 5}, token=alice)
    cart = (await gql("{ cart { id version } }", token=alice))["data"]["cart"]
    rita = await login("rita@recur.example")
    terms = """mutation($id: ID!) { updateQuote(input: {quoteId: $id, termMonths: 24}) {
      quote { id } userErrors { field code } } }"""

    seen = await gql(READ, {"id": cart["id"]}, token=rita)
    attempts = {
        "addQuoteLine": await gql(ADD_LINE, {"quote": cart["id"], "price": seats}, token=rita),
        "updateQuote": await gql(terms, {"id": cart["id"]}, token=rita),
        "sendQuote": await gql(SEND, {"id": cart["id"]}, token=rita),
    }

    assert seen["data"]["quote"]["status"] == "DRAFT"
    for name, body in attempts.items():
        errors = body["data"][name]["userErrors"]
        assert [e["code"] for e in errors] == ["CUSTOMERS_CART"], (name, body)
    after = (await gql("{ cart { version lines { quantity } } }", token=alice))["data"]["cart"]
    assert after == {"version": cart["version"], "lines": [{"quantity": 5}]}

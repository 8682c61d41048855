"""The quote-to-order journeys through GraphQL, as the app and partners drive them."""

from __future__ import annotations

from decimal import Decimal

from recur.graphql.core.ids import to_global_id

PRICES = """query($sku: String!) { product(sku: $sku) { prices(currency: "USD") {
  id billingPeriod } } }"""
ADD = """mutation($price: ID!, $q: Int!) { addToCart(input: {priceId: $price, quantity: $q}) {
  cart { id version lines { id quantity netAmount { amount } } oneTimeTotal { amount }
         monthlyRecurringTotal { amount } totalContractValue { amount currency } }
  userErrors { field message code } } }"""
CHECKOUT = """mutation($quote: ID) { checkout(input: {quoteId: $quote, termMonths: 12}) {
  order { id number subscription { number status items { quantity netAmount { amount } } }
          invoice { number status subtotal { amount } tax { amount } total { amount }
                    balanceDue { amount } lines { description quantity unitAmount { amount }
                                          amount { amount } explanation } } }
  userErrors { field message code } } }"""
QUOTE_FIELDS = """id number status version approvalRequired expiresOn
  lines { id quantity discountPercent listAmount { amount } netAmount { amount }
          totalAmount { amount } }
  totalContractValue { amount } history { action toStatus comment }"""


async def price_of(gql, sku: str, period: str = "MONTH") -> str:
    body = await gql(PRICES, {"sku": sku})
    return next(p["id"] for p in body["data"]["product"]["prices"] if p["billingPeriod"] == period)


async def test_a_customer_fills_a_cart_and_checks_out_once(gql, login) -> None:
    alice = await login("alice@acme.example")
    seats = await price_of(gql, "SEAT-STD")
    onboarding = await price_of(gql, "ONBOARD", "ONE_TIME")
    await gql(ADD, {"price": seats, "q": 10}, token=alice)
    body = await gql(ADD, {"price": onboarding, "q": 1}, token=alice)
    cart = body["data"]["addToCart"]["cart"]
    assert cart["oneTimeTotal"]["amount"] == "2500.00"
    assert cart["monthlyRecurringTotal"]["amount"] == "250.00"
    assert cart["totalContractValue"] == {"amount": "5500.00", "currency": "USD"}

    first = await gql(CHECKOUT, {"quote": cart["id"]}, token=alice)
    retry = await gql(CHECKOUT, {"quote": cart["id"]}, token=alice)
    order = first["data"]["checkout"]["order"]
    assert first["data"]["checkout"]["userErrors"] == []
    assert retry["data"]["checkout"]["order"]["id"] == order["id"]
    invoice = order["invoice"]
    assert invoice["subtotal"]["amount"] == "2750.00"
    assert invoice["tax"]["amount"] == "226.88"
    assert invoice["total"]["amount"] == invoice["balanceDue"]["amount"] == "2976.88"
    assert order["subscription"]["status"] == "ACTIVE"
    assert order["subscription"]["items"] == [{"quantity": 10, "netAmount": {"amount": "250.00"}}]
    assert all(order["number"] in line["explanation"] for line in invoice["lines"])
    # Ten seats at $25 and the onboarding at $2,500: each line says its price per unit.
    units = sorted((line["quantity"], line["unitAmount"]["amount"]) for line in invoice["lines"])
    assert units == [(1, "2500.00"), (10, "25.00")]
    assert (await gql("{ cart { id } }", token=alice))["data"]["cart"] is None


async def test_bad_cart_input_names_the_field_and_writes_nothing(gql, login) -> None:
    alice = await login("alice@acme.example")
    euro_price = (await gql('{ product(sku: "SEAT-STD") { prices(currency: "EUR") { id } } }'))[
        "data"
    ]["product"]["prices"][0]["id"]
    for variables, field in (
        ({"price": euro_price, "q": 1}, "priceId"),
        ({"price": await price_of(gql, "SEAT-STD"), "q": 0}, "quantity"),
        ({"price": await price_of(gql, "SEAT-STD"), "q": 1_000_001}, "quantity"),
        ({"price": to_global_id("Price", 999_999), "q": 1}, "priceId"),
        ({"price": "garbage", "q": 1}, "priceId"),
    ):
        body = await gql(ADD, variables, token=alice)
        payload = body["data"]["addToCart"]
        assert payload["cart"] is None
        assert payload["userErrors"][0]["field"] == ["input", field], payload
    assert (await gql("{ cart { id } }", token=alice))["data"]["cart"] is None


async def test_a_discounted_quote_needs_a_manager_before_the_customer_accepts(gql, login) -> None:
    rita, maria, alice = (
        await login("rita@recur.example"),
        await login("maria@recur.example"),
        await login("alice@acme.example"),
    )
    acme = (await gql("{ viewer { account { id } } }", token=alice))["data"]["viewer"]["account"][
        "id"
    ]
    created = await gql(
        f"""mutation($a: ID!) {{ createQuote(input: {{accountId: $a, termMonths: 12}}) {{
            quote {{ {QUOTE_FIELDS} }} userErrors {{ message }} }} }}""",
        {"a": acme},
        token=rita,
    )
    quote = created["data"]["createQuote"]["quote"]
    added = await gql(
        f"""mutation($q: ID!, $p: ID!, $v: Int) {{ addQuoteLine(input: {{quoteId: $q,
            priceId: $p, quantity: 10, discountPercent: "30", expectedVersion: $v}}) {{
            quote {{ {QUOTE_FIELDS} }}
            userErrors {{ field message code }} }} }}""",
        {"q": quote["id"], "p": await price_of(gql, "SEAT-PRO"), "v": quote["version"]},
        token=rita,
    )
    quote = added["data"]["addQuoteLine"]["quote"]
    line = quote["lines"][0]
    assert quote["approvalRequired"] is True
    assert (line["listAmount"]["amount"], line["netAmount"]["amount"]) == ("450.00", "315.00")
    assert quote["totalContractValue"]["amount"] == "3780.00"

    def step(name: str, extra: str = "") -> str:
        return f"""mutation($q: ID!) {{ {name}(input: {{quoteId: $q{extra}}}) {{
            quote {{ {QUOTE_FIELDS} }} userErrors {{ field message code }} }} }}"""

    refused = await gql(step("sendQuote"), {"q": quote["id"]}, token=rita)
    assert refused["data"]["sendQuote"]["userErrors"][0]["code"] == "APPROVAL_REQUIRED"
    await gql(step("submitQuoteForApproval"), {"q": quote["id"]}, token=rita)
    not_rita = await gql(step("approveQuote"), {"q": quote["id"]}, token=rita)
    assert not_rita["data"]["approveQuote"]["userErrors"][0]["code"] == "NOT_ALLOWED"
    await gql(step("approveQuote"), {"q": quote["id"]}, token=maria)
    sent = await gql(step("sendQuote"), {"q": quote["id"]}, token=rita)
    assert sent["data"]["sendQuote"]["quote"]["status"] == "SENT"

    seen = await gql(
        f"query($q: ID!) {{ quote(id: $q) {{ {QUOTE_FIELDS} }} }}", {"q": quote["id"]}, token=alice
    )
    assert [h["action"] for h in seen["data"]["quote"]["history"]] == ["CREATE", "SEND"]

    accepted = await gql(
        """mutation($q: ID!) { acceptQuote(input: {quoteId: $q}) { order {
            invoice { subtotal { amount } lines { amount { amount } } } quote { status } }
            userErrors { message } } }""",
        {"q": quote["id"]},
        token=alice,
    )
    order = accepted["data"]["acceptQuote"]["order"]
    assert order["quote"]["status"] == "ACCEPTED"
    # The invoice's first period equals the quote's net line amount, to the cent.
    assert order["invoice"]["lines"] == [{"amount": {"amount": line["netAmount"]["amount"]}}]
    assert Decimal(order["invoice"]["subtotal"]["amount"]) == Decimal("315.00")


async def test_customers_cannot_build_quotes_and_reps_cannot_check_out(gql, login) -> None:
    alice, rita = await login("alice@acme.example"), await login("rita@recur.example")
    acme = (await gql("{ viewer { account { id } } }", token=alice))["data"]["viewer"]["account"][
        "id"
    ]
    body = await gql(
        "mutation($a: ID!) { createQuote(input: {accountId: $a}) { quote { id } } }",
        {"a": acme},
        token=alice,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql("mutation { checkout { order { id } } }", token=rita)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql("mutation { checkout { order { id } } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_another_accounts_quote_answers_like_an_unknown_one(gql, login) -> None:
    rita, carol = await login("rita@recur.example"), await login("carol@initech.example")
    accounts = await gql("{ accounts { edges { node { id name } } } }", token=rita)
    acme = next(
        e["node"]["id"]
        for e in accounts["data"]["accounts"]["edges"]
        if e["node"]["name"] == "Acme Corp"
    )
    created = await gql(
        "mutation($a: ID!) { createQuote(input: {accountId: $a}) { quote { id } } }",
        {"a": acme},
        token=rita,
    )
    quote_id = created["data"]["createQuote"]["quote"]["id"]
    mine = await gql(
        "query($q: ID!) { quote(id: $q) { id } node(id: $q) { id } }", {"q": quote_id}, token=carol
    )
    unknown = await gql(
        "query($q: ID!) { quote(id: $q) { id } node(id: $q) { id } }",
        {"q": to_global_id("Quote", 999_999)},
        token=carol,
    )
    assert mine == unknown == {"data": {"quote": None, "node": None}}


async def test_a_partner_reads_its_customers_sent_quotes_but_not_sales_drafts(
    gql, login, client
) -> None:
    token = (
        await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("northwind", "northwind-demo-secret"),
        )
    ).json()["access_token"]
    body = await gql(
        "{ quotes { edges { node { number status account { name } } } } }", token=token
    )
    quotes = [edge["node"] for edge in body["data"]["quotes"]["edges"]]
    # Globex's accepted deal is there; the one waiting for approval is internal.
    assert {q["status"] for q in quotes} == {"ACCEPTED"}
    assert {q["account"]["name"] for q in quotes} == {"Globex GmbH"}


UPDATE = """mutation($q: ID!, $term: Int, $start: Date, $v: Int) {
  updateQuote(input: {quoteId: $q, termMonths: $term, startDate: $start, expectedVersion: $v}) {
    quote { termMonths startDate version totalContractValue { amount } }
    userErrors { field message code } } }"""


async def test_a_customer_sets_the_carts_term_and_the_totals_follow(gql, login) -> None:
    alice = await login("alice@acme.example")
    body = await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 10}, token=alice)
    cart = body["data"]["addToCart"]["cart"]
    assert cart["totalContractValue"]["amount"] == "3000.00"

    longer = await gql(UPDATE, {"q": cart["id"], "term": 24, "v": cart["version"]}, token=alice)
    updated = longer["data"]["updateQuote"]["quote"]
    assert (updated["termMonths"], updated["totalContractValue"]["amount"]) == (24, "6000.00")

    stale = await gql(UPDATE, {"q": cart["id"], "term": 36, "v": cart["version"]}, token=alice)
    assert stale["data"]["updateQuote"]["userErrors"][0]["code"] == "STALE_VERSION"
    past = await gql(UPDATE, {"q": cart["id"], "start": "2020-01-01"}, token=alice)
    assert past["data"]["updateQuote"]["userErrors"][0]["field"] == ["input", "startDate"]

    await gql(ADD, {"price": await price_of(gql, "SEAT-STD", "YEAR"), "q": 1}, token=alice)
    odd = await gql(UPDATE, {"q": cart["id"], "term": 18}, token=alice)
    assert odd["data"]["updateQuote"]["userErrors"][0]["field"] == ["input", "termMonths"]


async def test_carts_are_listed_only_when_asked_for_and_the_threshold_is_published(
    gql, login
) -> None:
    alice = await login("alice@acme.example")
    await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 1}, token=alice)
    listed = await gql("{ quotes { edges { node { isCart } } } }", token=alice)
    assert all(not e["node"]["isCart"] for e in listed["data"]["quotes"]["edges"])
    with_cart = await gql(
        "{ quotes(includeCarts: true) { edges { node { isCart } } } }", token=alice
    )
    assert any(e["node"]["isCart"] for e in with_cart["data"]["quotes"]["edges"])
    threshold = await gql("{ approvalThresholdPercent }")
    assert threshold["data"]["approvalThresholdPercent"] == "20"

"""Amendment and renewal quotes over GraphQL: who may prepare them, the amendment's preview
on the quote, the renewal's terms, and refusals as userErrors."""

from __future__ import annotations

SUBSCRIPTIONS = """{ subscriptions(first: 10) { edges { node { id number
  account { name } } } } }"""
QUOTE_FIELDS = """quote { id number kind status startDate termMonths upliftPercent version
  subscription { number }
  lines { id quantity discountPercent product { sku } netAmount { amount }
    subscriptionItem { quantity } }
  changePreview { amountDueNow { amount } newMonthlyRecurringRevenue { amount } summary
    userErrors { code } } }"""
AMEND = f"""mutation($id: ID!) {{ createAmendmentQuote(input: {{subscriptionId: $id}}) {{
  {QUOTE_FIELDS} userErrors {{ field message code }} }} }}"""
RENEW = f"""mutation($id: ID!, $term: Int, $uplift: Decimal) {{ createRenewalQuote(input: {{
  subscriptionId: $id, termMonths: $term, upliftPercent: $uplift}}) {{
  {QUOTE_FIELDS} userErrors {{ field message code }} }} }}"""
UPDATE_LINE = f"""mutation($line: ID!, $version: Int!, $quantity: Int) {{ updateQuoteLine(input: {{
  lineId: $line, expectedVersion: $version, quantity: $quantity}}) {{
  {QUOTE_FIELDS} userErrors {{ field message code }} }} }}"""
UPDATE_QUOTE = f"""mutation($id: ID!, $uplift: Decimal, $term: Int) {{ updateQuote(input: {{
  quoteId: $id, upliftPercent: $uplift, termMonths: $term}}) {{
  {QUOTE_FIELDS} userErrors {{ field message code }} }} }}"""


async def _acme_subscription(gql, token: str) -> str:
    body = await gql(SUBSCRIPTIONS, token=token)
    return next(
        e["node"]["id"]
        for e in body["data"]["subscriptions"]["edges"]
        if e["node"]["number"] == "SUB-000002"
    )


async def test_an_amendment_quote_previews_what_accepting_it_bills(gql, login) -> None:
    rita = await login("rita@recur.example")
    created = (await gql(AMEND, {"id": await _acme_subscription(gql, rita)}, token=rita))["data"][
        "createAmendmentQuote"
    ]
    quote = created["quote"]
    assert created["userErrors"] == []
    assert (quote["kind"], quote["status"], quote["subscription"]) == (
        "AMENDMENT",
        "DRAFT",
        {"number": "SUB-000002"},
    )
    # Nothing changed yet: the preview says so instead of a number.
    assert quote["changePreview"]["userErrors"] == [{"code": "NO_CHANGES"}]
    seats = next(line for line in quote["lines"] if line["product"]["sku"] == "SEAT-STD")
    assert seats["subscriptionItem"] == {"quantity": 25}

    edited = (
        await gql(
            UPDATE_LINE,
            {"line": seats["id"], "version": quote["version"], "quantity": 30},
            token=rita,
        )
    )["data"]["updateQuoteLine"]["quote"]

    assert edited["changePreview"] == {
        "amountDueNow": {"amount": "27.06"},
        "newMonthlyRecurringRevenue": {"amount": "1240.00"},
        "summary": "Standard Seats 25 → 30.",
        "userErrors": [],
    }


async def test_a_renewal_quote_carries_its_term_and_uplift(gql, login) -> None:
    rita = await login("rita@recur.example")
    subscription = await _acme_subscription(gql, rita)
    body = await gql(RENEW, {"id": subscription, "term": 24, "uplift": "5"}, token=rita)
    quote = body["data"]["createRenewalQuote"]["quote"]

    assert (quote["kind"], quote["startDate"], quote["termMonths"], quote["upliftPercent"]) == (
        "RENEWAL",
        "2027-05-31",
        24,
        "5.00",
    )
    assert quote["changePreview"] is None
    nets = {line["product"]["sku"]: line["netAmount"]["amount"] for line in quote["lines"]}
    assert nets == {"PLAT-CORE": "514.50", "SEAT-STD": "656.25"}

    raised = (await gql(UPDATE_QUOTE, {"id": quote["id"], "uplift": "3"}, token=rita))["data"][
        "updateQuote"
    ]["quote"]
    assert raised["upliftPercent"] == "3.00"
    bad = (await gql(UPDATE_QUOTE, {"id": quote["id"], "uplift": "101"}, token=rita))["data"][
        "updateQuote"
    ]
    assert bad["userErrors"][0]["code"] == "INVALID_UPLIFT" and bad["quote"] is None


async def test_customers_and_other_reps_cannot_prepare_them(gql, login) -> None:
    alice = await login("alice@acme.example")
    subscription = await _acme_subscription(gql, alice)
    for mutation in (AMEND, RENEW):
        refused = await gql(mutation, {"id": subscription}, token=alice)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    sam = await login("sam@recur.example")
    unknown = (await gql(RENEW, {"id": subscription}, token=sam))["data"]["createRenewalQuote"]
    assert unknown["quote"] is None
    assert unknown["userErrors"][0]["code"] == "UNKNOWN_SUBSCRIPTION"


VALUES = """query($id: ID!) { quote(id: $id) { status totalContractValue { amount }
  changePreview { contractValueChange { amount } } order { number } } }"""
SEND = """mutation($id: ID!) { sendQuote(input: {quoteId: $id}) { userErrors { code } } }"""
ACCEPT = """mutation($id: ID!) { acceptQuote(input: {quoteId: $id}) {
  order { number } userErrors { code } } }"""


async def test_an_amendment_quotes_contract_value_is_what_its_order_schedules(gql, login) -> None:
    rita = await login("rita@recur.example")
    quote = (await gql(AMEND, {"id": await _acme_subscription(gql, rita)}, token=rita))["data"][
        "createAmendmentQuote"
    ]["quote"]
    seats = next(line for line in quote["lines"] if line["product"]["sku"] == "SEAT-STD")
    await gql(
        UPDATE_LINE, {"line": seats["id"], "version": quote["version"], "quantity": 30}, token=rita
    )
    open_quote = (await gql(VALUES, {"id": quote["id"]}, token=rita))["data"]["quote"]
    change = open_quote["changePreview"]["contractValueChange"]["amount"]
    # Five more seats at $25 for the six days left of November and the six months after.
    assert change == "775.00"
    assert open_quote["totalContractValue"]["amount"] == change

    assert (await gql(SEND, {"id": quote["id"]}, token=rita))["data"]["sendQuote"][
        "userErrors"
    ] == []
    alice = await login("alice@acme.example")
    accepted = (await gql(ACCEPT, {"id": quote["id"]}, token=alice))["data"]["acceptQuote"]
    assert accepted["userErrors"] == []
    done = (await gql(VALUES, {"id": quote["id"]}, token=alice))["data"]["quote"]
    assert done["order"] == accepted["order"]
    assert done["changePreview"] is None
    assert done["totalContractValue"]["amount"] == change

"""The business settings: the environment's threshold until an admin changes it in the app;
the stored threshold decides quote approvals, and new subscriptions get the default uplift."""

from __future__ import annotations

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import AuditEntry
from tests.conftest import GraphQL
from tests.graphql.test_quote_to_order_api import ADD, price_of

SETTINGS = "{ settings { approvalThresholdPercent defaultRenewalUpliftPercent updatedAt } }"
UPDATE = """mutation($t: Decimal, $u: Decimal) { updateSettings(input: {
  approvalThresholdPercent: $t, defaultRenewalUpliftPercent: $u}) {
  settings { approvalThresholdPercent defaultRenewalUpliftPercent }
  userErrors { field message code } } }"""
QUOTE = """mutation($a: ID!) { createQuote(input: {accountId: $a, termMonths: 12}) {
  quote { id version } } }"""
LINE = """mutation($q: ID!, $p: ID!, $v: Int) { addQuoteLine(input: {quoteId: $q, priceId: $p,
  quantity: 10, discountPercent: "15", expectedVersion: $v}) { quote { id } } }"""
APPROVAL = "query($id: ID!) { quote(id: $id) { approvalRequired } }"


async def test_staff_read_the_defaults_and_an_admin_changes_them(
    gql: GraphQL, login, db: Database
) -> None:
    adam, rita = await login("adam@recur.example"), await login("rita@recur.example")
    before = (await gql(SETTINGS, token=rita))["data"]["settings"]
    assert before == {
        "approvalThresholdPercent": "20.00",
        "defaultRenewalUpliftPercent": "0.00",
        "updatedAt": None,
    }

    changed = (await gql(UPDATE, {"t": "12.5"}, token=adam))["data"]["updateSettings"]
    assert changed["userErrors"] == []
    assert changed["settings"] == {
        "approvalThresholdPercent": "12.50",
        "defaultRenewalUpliftPercent": "0.00",
    }
    assert (await gql("{ approvalThresholdPercent }", token=rita))["data"] == {
        "approvalThresholdPercent": "12.5"
    }
    again = (await gql(UPDATE, {"t": "12.50"}, token=adam))["data"]["updateSettings"]
    assert again["userErrors"] == []
    async with db.session() as session:
        entries = list(await session.scalars(select(AuditEntry)))
    assert [(e.action, e.before, e.after) for e in entries] == [
        (
            "settings.update",
            {"approvalThresholdPercent": "20"},
            {"approvalThresholdPercent": "12.5"},
        )
    ]


async def test_bad_percentages_name_the_field_and_change_nothing(gql: GraphQL, login) -> None:
    adam = await login("adam@recur.example")
    for variables, field, code in (
        ({"t": "100.01"}, "approvalThresholdPercent", "OUT_OF_RANGE"),
        ({"t": "-1"}, "approvalThresholdPercent", "OUT_OF_RANGE"),
        ({"u": "5.125"}, "defaultRenewalUpliftPercent", "TOO_PRECISE"),
        ({"t": "NaN"}, "approvalThresholdPercent", "OUT_OF_RANGE"),
        ({"u": "Infinity"}, "defaultRenewalUpliftPercent", "OUT_OF_RANGE"),
    ):
        body = await gql(UPDATE, variables, token=adam)
        assert "errors" not in body, body
        payload = body["data"]["updateSettings"]
        assert payload["settings"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", field], code)
        ]
    current = (await gql(SETTINGS, token=adam))["data"]["settings"]
    assert current["updatedAt"] is None


async def test_a_quotes_approval_need_follows_the_stored_threshold(gql: GraphQL, login) -> None:
    adam, rita = await login("adam@recur.example"), await login("rita@recur.example")
    accounts = (await gql("{ accounts { edges { node { id name } } } }", token=rita))["data"]
    acme = next(
        e["node"]["id"] for e in accounts["accounts"]["edges"] if e["node"]["name"] == "Acme Corp"
    )
    quote = (await gql(QUOTE, {"a": acme}, token=rita))["data"]["createQuote"]["quote"]
    price = await price_of(gql, "SEAT-PRO")
    await gql(LINE, {"q": quote["id"], "p": price, "v": quote["version"]}, token=rita)
    assert (await gql(APPROVAL, {"id": quote["id"]}, token=rita))["data"]["quote"] == {
        "approvalRequired": False
    }

    await gql(UPDATE, {"t": "10"}, token=adam)

    assert (await gql(APPROVAL, {"id": quote["id"]}, token=rita))["data"]["quote"] == {
        "approvalRequired": True
    }
    sent = await gql(
        "mutation($q: ID!) { sendQuote(input: {quoteId: $q}) { userErrors { code } } }",
        {"q": quote["id"]},
        token=rita,
    )
    assert sent["data"]["sendQuote"]["userErrors"] == [{"code": "APPROVAL_REQUIRED"}]


async def test_new_subscriptions_get_the_default_renewal_uplift(gql: GraphQL, login) -> None:
    adam, alice = await login("adam@recur.example"), await login("alice@acme.example")
    await gql(UPDATE, {"u": "4.5"}, token=adam)
    cart = (await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 3}, token=alice))[
        "data"
    ]["addToCart"]["cart"]
    body = await gql(
        """mutation($q: ID) { checkout(input: {quoteId: $q, termMonths: 12}) {
          order { subscription { renewalUpliftPercent } } userErrors { code } } }""",
        {"q": cart["id"]},
        token=alice,
    )
    assert body["data"]["checkout"]["order"]["subscription"] == {"renewalUpliftPercent": "4.50"}

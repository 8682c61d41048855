"""Administering the catalog: products and prices by admins, refused to everyone else,
every refusal naming its field, every change in the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.graphql.test_access import ANONYMOUS, PARTNER, global_id, partner_token

CREATE = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
  product { id sku name category kind active upgradesTo { sku } }
  userErrors { field message code } } }"""
UPDATE = """mutation($input: UpdateProductInput!) { updateProduct(input: $input) {
  product { id name description active upgradesTo { sku } }
  userErrors { field message code } } }"""
ADD_PRICE = """mutation($input: AddPriceInput!) { addPrice(input: $input) {
  price { id currency billingPeriod model tiers { upTo unitAmount flatAmount }
          amount(quantity: 12) { amount currency } volumeCliffs { quantity } }
  userErrors { field message code } } }"""
ARCHIVE = """mutation($id: ID!) { archivePrice(input: {priceId: $id}) {
  price { id active } userErrors { field message code } } }"""
PREVIEW = """query($input: PriceSpecInput!, $quantity: Int!) {
  pricePreview(input: $input, quantity: $quantity) {
    amount { amount currency } breakdown { tier quantity amount { amount } }
    volumeCliffs { quantity amount { amount } fewer fewerAmount { amount } }
    userErrors { field message code } } }"""
ANONYMOUS_PRODUCT = """query($sku: String!) { product(sku: $sku) { sku
  prices { currency model amount(quantity: 12) { amount } } } }"""
AUDIT = "{ auditLog(first: 10) { edges { node { action subjectType summary before after } } } }"
CART = """mutation($id: ID!) { addToCart(input: {priceId: $id, quantity: 1}) {
  userErrors { field code } } }"""

ROBOT = {"sku": "ROBOT", "name": "Robot Arms", "category": "Hardware", "kind": "SUBSCRIPTION"}
TIERS_USD = [
    {"upTo": 10, "unitAmount": "5"},
    {"upTo": None, "unitAmount": "4", "flatAmount": "2.5"},
]


@pytest.fixture
async def adam(login) -> str:
    return str(await login("adam@recur.example"))


async def create(gql: GraphQL, token: str, **fields: Any) -> dict[str, Any]:
    body = await gql(CREATE, {"input": {**ROBOT, **fields}}, token=token)
    return dict(body["data"]["createProduct"])


async def add_price(gql: GraphQL, token: str, product_id: str, **fields: Any) -> dict[str, Any]:
    price = {"currency": "USD", "billingPeriod": "MONTH", "model": "TIERED", "tiers": TIERS_USD}
    body = await gql(
        ADD_PRICE, {"input": {"productId": product_id, **price, **fields}}, token=token
    )
    return dict(body["data"]["addPrice"])


def error_fields(payload: dict[str, Any]) -> list[list[str]]:
    return [error["field"] for error in payload["userErrors"]]


async def test_an_admin_puts_a_product_on_sale_with_tiered_prices(gql, adam) -> None:
    created = await create(gql, adam, upgradesTo=[global_id("Product", 1)])
    assert created["userErrors"] == []
    product = created["product"]
    assert (product["sku"], product["active"], product["upgradesTo"]) == (
        "ROBOT",
        True,
        [{"sku": "PLAT-CORE"}],
    )
    usd = await add_price(gql, adam, product["id"])
    eur = await add_price(gql, adam, product["id"], currency="eur")
    assert usd["userErrors"] == eur["userErrors"] == []
    # 10 × 5.00 + 2 × 4.00 + the second band's 2.50
    assert usd["price"]["amount"] == {"amount": "60.50", "currency": "USD"}
    assert eur["price"]["currency"] == "EUR"
    seen = (await gql(ANONYMOUS_PRODUCT, {"sku": "ROBOT"}))["data"]["product"]
    assert [p["currency"] for p in seen["prices"]] == ["EUR", "USD"]
    log = (await gql(AUDIT, token=adam))["data"]["auditLog"]["edges"]
    actions = [edge["node"]["action"] for edge in log]
    assert actions[:3] == ["price.add", "price.add", "product.create"]
    assert log[2]["node"]["after"]["sku"] == "ROBOT"
    assert log[0]["node"]["after"]["tiers"][1] == {
        "upTo": None,
        "unitAmount": "4",
        "flatAmount": "2.5",
    }


async def test_every_refusal_names_its_field(gql, adam) -> None:
    product_id = (await create(gql, adam))["product"]["id"]
    again = await create(gql, adam, sku="robot", name=" ", upgradesTo=[global_id("Product", 999)])
    assert error_fields(again) == [["input", "name"], ["input", "sku"], ["input", "upgradesTo"]]
    bad_tiers = [
        {"upTo": 10, "unitAmount": "5"},
        {"upTo": 5, "unitAmount": "4.1234567"},
        {"upTo": 20, "unitAmount": "-1"},
    ]
    refused = await add_price(gql, adam, product_id, currency="ABC", tiers=bad_tiers)
    assert refused["price"] is None
    assert error_fields(refused) == [
        ["input", "currency"],
        ["input", "tiers", "1", "unitAmount"],
        ["input", "tiers", "1", "upTo"],
        ["input", "tiers", "2", "unitAmount"],
        ["input", "tiers", "2", "upTo"],
    ]
    once = await add_price(gql, adam, product_id, billingPeriod="ONE_TIME")
    assert error_fields(once) == [["input", "billingPeriod"]]
    flat = await add_price(gql, adam, product_id, model="FLAT", tiers=[])
    assert error_fields(flat) == [["input", "unitAmount"]]
    unknown = await add_price(gql, adam, global_id("Product", 999))
    assert error_fields(unknown) == [["input", "productId"]]
    assert (await gql(ANONYMOUS_PRODUCT, {"sku": "ROBOT"}))["data"]["product"]["prices"] == []


async def test_a_price_is_archived_never_edited_and_a_retired_product_is_not_sold(
    gql, adam, login
) -> None:
    product_id = (await create(gql, adam))["product"]["id"]
    price_id = (await add_price(gql, adam, product_id, model="PER_UNIT", unitAmount="3", tiers=[]))[
        "price"
    ]["id"]
    archived = (await gql(ARCHIVE, {"id": price_id}, token=adam))["data"]["archivePrice"]
    assert archived == {"price": {"id": price_id, "active": False}, "userErrors": []}
    twice = (await gql(ARCHIVE, {"id": price_id}, token=adam))["data"]["archivePrice"]
    assert error_fields(twice) == [["input", "priceId"]]
    alice = await login("alice@acme.example")
    assert (await gql(CART, {"id": price_id}, token=alice))["data"]["addToCart"]["userErrors"][0][
        "code"
    ] == "ARCHIVED_PRICE"

    current = (await add_price(gql, adam, product_id, model="FLAT", unitAmount="9", tiers=[]))[
        "price"
    ]["id"]
    retired = await gql(UPDATE, {"input": {"productId": product_id, "active": False}}, token=adam)
    assert retired["data"]["updateProduct"]["product"]["active"] is False
    assert (await gql(ANONYMOUS_PRODUCT, {"sku": "ROBOT"}))["data"]["product"] is None
    refused = (await gql(CART, {"id": current}, token=alice))["data"]["addToCart"]
    assert refused["userErrors"][0]["code"] == "UNKNOWN_PRICE"
    back = await gql(UPDATE, {"input": {"productId": product_id, "active": True}}, token=adam)
    assert back["data"]["updateProduct"]["product"]["active"] is True
    log = (await gql(AUDIT, token=adam))["data"]["auditLog"]["edges"]
    assert [edge["node"]["action"] for edge in log[:3]] == [
        "product.reactivate",
        "product.retire",
        "price.add",
    ]
    assert (log[1]["node"]["before"], log[1]["node"]["after"]) == (
        {"active": True},
        {"active": False},
    )


async def test_an_admin_edits_descriptions_and_upgrade_paths(gql, adam) -> None:
    product_id = (await create(gql, adam))["product"]["id"]
    changes = {
        "productId": product_id,
        "description": "Six axes.",
        "upgradesTo": [global_id("Product", 2)],
    }
    body = await gql(UPDATE, {"input": changes}, token=adam)
    product = body["data"]["updateProduct"]["product"]
    assert (product["description"], product["upgradesTo"]) == ("Six axes.", [{"sku": "PLAT-ENT"}])
    itself = await gql(
        UPDATE, {"input": {"productId": product_id, "upgradesTo": [product_id]}}, token=adam
    )
    assert error_fields(itself["data"]["updateProduct"]) == [["input", "upgradesTo"]]
    blank = await gql(UPDATE, {"input": {"productId": product_id, "name": ""}}, token=adam)
    assert error_fields(blank["data"]["updateProduct"]) == [["input", "name"]]
    [entry] = [
        edge["node"]
        for edge in (await gql(AUDIT, token=adam))["data"]["auditLog"]["edges"]
        if edge["node"]["action"] == "product.update"
    ]
    assert entry["before"] == {"description": "", "upgradesTo": []}
    assert entry["after"] == {"description": "Six axes.", "upgradesTo": [2]}


async def test_the_price_form_calculator_prices_and_warns_about_cliffs(gql, adam) -> None:
    cliff = {
        "currency": "USD",
        "model": "VOLUME",
        "tiers": [{"upTo": 50, "unitAmount": "9"}, {"upTo": None, "unitAmount": "6"}],
    }
    preview = (await gql(PREVIEW, {"input": cliff, "quantity": 51}, token=adam))["data"][
        "pricePreview"
    ]
    assert preview["amount"] == {"amount": "306.00", "currency": "USD"}
    assert preview["breakdown"] == [{"tier": 2, "quantity": 51, "amount": {"amount": "306.00"}}]
    assert preview["volumeCliffs"] == [
        {
            "quantity": 51,
            "amount": {"amount": "306.00"},
            "fewer": 50,
            "fewerAmount": {"amount": "450.00"},
        }
    ]
    invalid = {**cliff, "tiers": [{"upTo": 50, "unitAmount": "9"}]}
    refused = (await gql(PREVIEW, {"input": invalid, "quantity": 1}, token=adam))["data"][
        "pricePreview"
    ]
    assert (refused["amount"], error_fields(refused)) == (None, [["input", "tiers", "0", "upTo"]])
    too_many = (await gql(PREVIEW, {"input": cliff, "quantity": 10**7}, token=adam))["data"][
        "pricePreview"
    ]
    assert error_fields(too_many) == [["quantity"]]


NOT_ADMINS = [
    "alice@acme.example",
    "rita@recur.example",
    "maria@recur.example",
    "fiona@recur.example",
    PARTNER,
]


@pytest.mark.parametrize("actor", [*NOT_ADMINS, ANONYMOUS])
async def test_nobody_but_admins_changes_the_catalog(gql, client, login, actor: str) -> None:
    if actor == ANONYMOUS:
        token = None
    else:
        token = await (partner_token(client) if actor == PARTNER else login(actor))
    plat_core = global_id("Product", 1)
    calls = [
        (CREATE, {"input": ROBOT}),
        (UPDATE, {"input": {"productId": plat_core, "active": False}}),
        (
            ADD_PRICE,
            {
                "input": {
                    "productId": plat_core,
                    "currency": "USD",
                    "billingPeriod": "MONTH",
                    "model": "FLAT",
                    "unitAmount": "1",
                }
            },
        ),
        (ARCHIVE, {"id": global_id("Price", 1)}),
        (
            PREVIEW,
            {"input": {"currency": "USD", "model": "FLAT", "unitAmount": "1"}, "quantity": 1},
        ),
    ]
    expected = "UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"
    for query, variables in calls:
        body = await gql(query, variables, token=token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == expected
    untouched = (await gql(ANONYMOUS_PRODUCT, {"sku": "PLAT-CORE"}))["data"]["product"]
    assert len(untouched["prices"]) == 4

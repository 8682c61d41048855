"""Browsing the catalog: anonymous visitors and logged-in users alike."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from recur.db.engine import Database
from recur.db.models import Price, Product
from recur.demo import CATALOG

PRODUCTS = """
query($first: Int, $after: String, $search: String, $category: String, $kind: ProductKind) {
  products(first: $first, after: $after, search: $search, category: $category, kind: $kind) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id sku name category kind } }
  }
}"""

PRODUCT = """
query($sku: String, $id: ID, $currency: String, $quantity: Int!, $archived: Boolean! = false) {
  product(sku: $sku, id: $id) {
    id sku name
    prices(currency: $currency, includeArchived: $archived) {
      id currency billingPeriod model unitAmount active
      tiers { upTo unitAmount flatAmount }
      amount(quantity: $quantity) { amount currency }
    }
    upgradesTo { sku }
  }
}"""


def skus(body: dict) -> list[str]:
    return [edge["node"]["sku"] for edge in body["data"]["products"]["edges"]]


async def test_anonymous_visitor_sees_the_whole_catalog_by_name(gql) -> None:
    body = await gql(PRODUCTS, {"first": 50})
    products = body["data"]["products"]
    names = [edge["node"]["name"] for edge in products["edges"]]
    assert products["totalCount"] == len(CATALOG) == len(names)
    assert names == sorted(names)
    assert products["pageInfo"]["hasNextPage"] is False


async def test_paging_through_the_catalog_visits_every_product_once(gql) -> None:
    seen: list[str] = []
    after = None
    while True:
        body = await gql(PRODUCTS, {"first": 4, "after": after})
        page = body["data"]["products"]
        seen += [edge["node"]["sku"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(item.sku for item in CATALOG)
    assert len(seen) == len(set(seen))


async def test_search_looks_in_names_skus_and_descriptions(gql) -> None:
    assert skus(await gql(PRODUCTS, {"search": "seats"})) == ["SEAT-PRO", "SEAT-STD"]
    assert skus(await gql(PRODUCTS, {"search": "sso"})) == ["SSO"]
    assert skus(await gql(PRODUCTS, {"search": "workshop"})) == ["TRAINING"]
    # LIKE wildcards are searched for literally: only the uptime promises contain a "%".
    assert skus(await gql(PRODUCTS, {"search": "%"})) == ["PLAT-CORE", "PLAT-ENT"]
    assert skus(await gql(PRODUCTS, {"search": "_"})) == []


async def test_filters_by_category_and_kind(gql) -> None:
    usage = await gql(PRODUCTS, {"category": "Usage"})
    assert sorted(skus(usage)) == ["API-REQ", "SMS", "STORAGE"]
    one_time = await gql(PRODUCTS, {"kind": "ONE_TIME"})
    assert sorted(skus(one_time)) == ["MIGRATION", "ONBOARD", "TRAINING"]
    both = await gql(PRODUCTS, {"kind": "ONE_TIME", "category": "Usage"})
    assert both["data"]["products"]["totalCount"] == 0


async def test_categories_list_the_catalogs_categories(gql) -> None:
    body = await gql("{ categories }")
    assert body["data"]["categories"] == sorted({item.category for item in CATALOG})


async def test_a_product_by_sku_and_by_id_is_the_same(gql) -> None:
    by_sku = await gql(PRODUCT, {"sku": "SEAT-STD", "quantity": 1})
    product_id = by_sku["data"]["product"]["id"]
    by_id = await gql(PRODUCT, {"id": product_id, "quantity": 1})
    assert by_id == by_sku
    assert by_sku["data"]["product"]["upgradesTo"] == [{"sku": "SEAT-PRO"}]


async def test_prices_show_exact_unit_amounts_in_their_currency(gql) -> None:
    body = await gql(PRODUCT, {"sku": "SMS", "currency": "USD", "quantity": 3})
    [price] = body["data"]["product"]["prices"]
    assert price["unitAmount"] == "0.0125"
    # 3 × 0.0125 = 0.0375, rounded once, half-up.
    assert price["amount"] == {"amount": "0.04", "currency": "USD"}


async def test_the_calculator_prices_graduated_tiers(gql) -> None:
    body = await gql(PRODUCT, {"sku": "API-REQ", "currency": "USD", "quantity": 12})
    [price] = body["data"]["product"]["prices"]
    assert price["model"] == "TIERED"
    assert price["tiers"] == [
        {"upTo": 10, "unitAmount": "20.00", "flatAmount": None},
        {"upTo": 50, "unitAmount": "15.00", "flatAmount": None},
        {"upTo": None, "unitAmount": "10.00", "flatAmount": None},
    ]
    # 10 blocks at 20.00 and 2 at 15.00.
    assert price["amount"]["amount"] == "230.00"


async def test_the_calculator_prices_volume_tiers_at_the_boundary(gql) -> None:
    async def amount(quantity: int) -> str:
        body = await gql(PRODUCT, {"sku": "STORAGE", "currency": "EUR", "quantity": quantity})
        return str(body["data"]["product"]["prices"][0]["amount"]["amount"])

    assert await amount(10) == "110.00"  # 10 × 11.00, still the first band
    assert await amount(11) == "118.00"  # 11 × 8.00 + 30.00: the whole volume at the second band
    assert await amount(0) == "0.00"


async def test_graduated_tiers_add_each_reached_tiers_flat_fee(gql) -> None:
    body = await gql(PRODUCT, {"sku": "MIGRATION", "currency": "USD", "quantity": 12})
    [price] = body["data"]["product"]["prices"]
    assert price["billingPeriod"] == "ONE_TIME"
    # 500.00 set-up fee + 10 × 40.00 + 2 × 25.00
    assert price["amount"]["amount"] == "950.00"


async def _archive_first_usd_price(db: Database, sku: str) -> None:
    async with db.transaction() as session:
        price_id = await session.scalar(
            select(Price.id)
            .join(Product)
            .where(Product.sku == sku, Price.currency == "USD")
            .order_by(Price.id)
        )
        await session.execute(
            update(Price).where(Price.id == price_id).values(archived_at=datetime.now(UTC))
        )


async def test_archived_prices_are_history_for_staff_only(gql, login, db) -> None:
    await _archive_first_usd_price(db, "SEAT-STD")
    variables = {"sku": "SEAT-STD", "currency": "USD", "quantity": 1, "archived": True}

    anonymous = await gql(PRODUCT, variables)
    assert [p["active"] for p in anonymous["data"]["product"]["prices"]] == [True]

    customer = await gql(PRODUCT, variables, token=await login("alice@acme.example"))
    assert [p["active"] for p in customer["data"]["product"]["prices"]] == [True]

    rep = await gql(PRODUCT, variables, token=await login("rita@recur.example"))
    assert sorted(p["active"] for p in rep["data"]["product"]["prices"]) == [False, True]


async def test_retired_products_are_hidden_except_from_admins(gql, login, db) -> None:
    async with db.transaction() as session:
        await session.execute(update(Product).where(Product.sku == "SANDBOX").values(active=False))

    anonymous = await gql(PRODUCTS, {"first": 50})
    assert "SANDBOX" not in skus(anonymous)
    assert (await gql(PRODUCT, {"sku": "SANDBOX", "quantity": 1}))["data"]["product"] is None

    admin = await gql(PRODUCTS, {"first": 50}, token=await login("adam@recur.example"))
    assert "SANDBOX" in skus(admin)


async def test_the_catalog_lists_its_currencies(gql) -> None:
    assert (await gql("{ currencies }"))["data"]["currencies"] == ["EUR", "USD"]


async def test_a_breakdown_explains_graduated_amounts_tier_by_tier(gql) -> None:
    query = """query($sku: String!, $q: Int!) { product(sku: $sku) { prices(currency: "USD") {
      amount(quantity: $q) { amount }
      breakdown(quantity: $q) { tier quantity unitAmount flatAmount amount { amount } } } } }"""
    body = await gql(query, {"sku": "MIGRATION", "q": 12})
    [price] = body["data"]["product"]["prices"]
    assert price["breakdown"] == [
        {
            "tier": 1,
            "quantity": 10,
            "unitAmount": "40.00",
            "flatAmount": "500.00",
            "amount": {"amount": "900.00"},
        },
        {
            "tier": 2,
            "quantity": 2,
            "unitAmount": "25.00",
            "flatAmount": "0.00",
            "amount": {"amount": "50.00"},
        },
    ]
    assert price["amount"]["amount"] == "950.00"

    flat = await gql(query, {"sku": "PLAT-CORE", "q": 3})
    assert all(p["breakdown"] == [] for p in flat["data"]["product"]["prices"])

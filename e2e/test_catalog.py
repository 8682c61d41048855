"""The catalog and the product page, as a visitor who is not logged in uses them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect

ARTIFACTS = Path(__file__).parent / "artifacts"
PRICE = re.compile(r"[$€][\d,]+\.\d{2}")


def cards(page: Page):
    """The product cards of the catalog: the links in the page's main region."""
    return page.get_by_role("main").get_by_role("link")


def card(page: Page, name: str):
    return cards(page).filter(has=page.get_by_role("heading", name=name, exact=True))


def card_names(page: Page):
    return page.get_by_role("main").get_by_role("heading", level=3)


def calculator(page: Page):
    return page.get_by_role("region", name="Price calculator")


def open_product(page: Page, server_url: str, sku: str) -> None:
    page.goto(f"{server_url}/products/{sku}")
    expect(calculator(page)).to_be_visible()


def test_a_visitor_searches_and_filters_the_catalog(page: Page, server_url: str, screenshot):
    page.goto(server_url)
    expect(page).to_have_url(f"{server_url}/products")
    expect(page.get_by_text("14 products")).to_be_visible()
    expect(cards(page)).to_have_count(14)
    for product in cards(page).all():
        expect(product).to_contain_text(PRICE)
    screenshot("catalog-all-products")

    page.get_by_label("Search products").fill("seats")
    expect(card_names(page)).to_have_text(["Professional Seats", "Standard Seats"])
    expect(page).to_have_url(f"{server_url}/products?q=seats")
    expect(page.get_by_text("2 products")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Search products")).to_have_value("seats")
    expect(card_names(page)).to_have_text(["Professional Seats", "Standard Seats"])

    page.get_by_label("Search products").fill("")
    expect(cards(page)).to_have_count(14)
    page.get_by_label("Kind").select_option(label="Subscriptions")
    expect(page.get_by_text("11 products")).to_be_visible()
    page.get_by_label("Category").select_option("Usage")
    expect(card_names(page)).to_have_text(["API Requests", "Cloud Storage", "Transactional SMS"])
    expect(page).to_have_url(f"{server_url}/products?kind=SUBSCRIPTION&category=Usage")
    screenshot("catalog-usage-subscriptions")

    page.get_by_label("Search products").fill("no such thing")
    expect(page.get_by_role("heading", name="No products match")).to_be_visible()
    expect(cards(page)).to_have_count(0)
    screenshot("catalog-no-match")
    page.get_by_role("button", name="Clear filters").click()
    expect(cards(page)).to_have_count(14)
    expect(page.get_by_label("Search products")).to_have_value("")
    expect(page.get_by_label("Category")).to_have_value("")
    expect(page.get_by_label("Kind")).to_have_value("")
    expect(page).to_have_url(f"{server_url}/products")


def test_the_currency_switch_reprices_the_catalog_and_is_remembered(
    page: Page, server_url: str, screenshot
):
    page.goto(f"{server_url}/products")
    expect(card(page, "Standard Seats")).to_contain_text("$25.00")

    page.get_by_label("Currency").select_option("EUR")
    expect(card(page, "Standard Seats")).to_contain_text("€23.00")
    expect(page.get_by_text("prices in EUR")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Currency")).to_have_value("EUR")
    expect(card(page, "Standard Seats")).to_contain_text("€23.00")
    screenshot("catalog-in-euros")


def test_a_product_page_is_a_deep_link(page: Page, server_url: str, screenshot):
    page.goto(f"{server_url}/products")
    card(page, "Standard Seats").click()
    expect(page).to_have_url(f"{server_url}/products/SEAT-STD")
    expect(page.get_by_role("heading", name="Standard Seats", level=1)).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Standard Seats", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Pricing in USD")).to_be_visible()
    screenshot("product-standard-seats")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Catalog").click()
    expect(page).to_have_url(f"{server_url}/products")
    expect(cards(page)).to_have_count(14)


def test_the_tier_table_reads_as_ranges(page: Page, server_url: str, screenshot):
    open_product(page, server_url, "API-REQ")
    tiers = page.get_by_role("table", name="Tiers of the monthly price")
    expect(tiers.get_by_role("row")).to_have_count(4)
    for units, per_unit in [("1–10", "$20.00"), ("11–50", "$15.00"), ("51 and up", "$10.00")]:
        row = tiers.get_by_role("row").filter(has=page.get_by_role("cell", name=units, exact=True))
        expect(row.get_by_role("cell")).to_have_text([units, per_unit])
    screenshot("product-api-requests-tiers")


def test_the_price_calculator_quotes_graduated_tiers(page: Page, server_url: str, screenshot):
    open_product(page, server_url, "API-REQ")
    quantity = page.get_by_label("Quantity")

    quantity.fill("12")
    expect(calculator(page).get_by_text("$230.00", exact=True)).to_be_visible()
    expect(calculator(page)).to_contain_text("10 × $20.00 (tier 1) + 2 × $15.00 (tier 2)")
    screenshot("calculator-api-requests-12")

    quantity.fill("0")
    expect(calculator(page).get_by_text("$0.00", exact=True)).to_be_visible()
    expect(calculator(page)).to_contain_text("Nothing for zero units.")


@pytest.mark.parametrize("typed", ["-3", "2.5"])
def test_the_calculator_refuses_a_quantity_that_is_not_a_whole_number(
    page: Page, server_url: str, screenshot, typed: str
):
    open_product(page, server_url, "API-REQ")
    expect(calculator(page).get_by_text("$200.00", exact=True)).to_be_visible()
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))

    page.get_by_label("Quantity").fill(typed)
    expect(page.get_by_role("alert")).to_have_text(
        "Enter a whole number of units from 0 to 1,000,000."
    )
    assert requests == []
    screenshot(f"calculator-refuses-{typed}")


def test_the_calculator_rounds_a_per_unit_price_once(page: Page, server_url: str, screenshot):
    open_product(page, server_url, "SMS")
    page.get_by_label("Quantity").fill("3")
    expect(calculator(page).get_by_text("$0.04", exact=True)).to_be_visible()
    expect(calculator(page)).to_contain_text("3 × $0.0125, rounded once to the cent.")
    screenshot("calculator-sms-3")


def test_the_calculator_adds_a_set_up_fee_in_the_first_tier(
    page: Page, server_url: str, screenshot
):
    open_product(page, server_url, "MIGRATION")
    page.get_by_label("Quantity").fill("12")
    expect(calculator(page).get_by_text("$950.00", exact=True)).to_be_visible()
    expect(calculator(page)).to_contain_text("+ $500.00 fee (tier 1)")
    screenshot("calculator-migration-12")


def test_unknown_products_and_pages_say_so(page: Page, server_url: str, screenshot):
    page.goto(f"{server_url}/products/NO-SUCH-SKU")
    expect(page.get_by_role("heading", name="Product not found")).to_be_visible()
    expect(page.get_by_text("There is no product with the SKU NO-SUCH-SKU")).to_be_visible()
    screenshot("product-not-found")

    page.goto(f"{server_url}/no/such/page")
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    expect(page.get_by_role("link", name="Browse the catalog")).to_be_visible()
    screenshot("page-not-found")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def assert_no_horizontal_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_phone_needs_no_horizontal_scrolling(phone: Page, server_url: str):
    phone.goto(f"{server_url}/products")
    expect(cards(phone)).to_have_count(14)
    assert_no_horizontal_scrolling(phone)
    phone.screenshot(path=ARTIFACTS / "phone-catalog.png", full_page=True)

    card(phone, "Data Migration").click()
    expect(calculator(phone).get_by_text("$900.00", exact=True)).to_be_visible()
    assert_no_horizontal_scrolling(phone)
    phone.screenshot(path=ARTIFACTS / "phone-product.png", full_page=True)


def test_the_catalog_and_a_product_load_cleanly_from_their_own_server(
    page: Page, server_url: str, screenshot
):
    errors: list[str] = []
    failed: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on("request", lambda r: None if r.url.startswith(server_url) else elsewhere.append(r.url))

    page.goto(f"{server_url}/products")
    expect(cards(page)).to_have_count(14)
    card(page, "API Requests").click()
    expect(calculator(page).get_by_text("$200.00", exact=True)).to_be_visible()
    screenshot("product-api-requests")

    assert errors == []
    assert failed == []
    assert elsewhere == []

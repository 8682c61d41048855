"""Admin → Catalog: an admin creates a product with graduated USD and EUR prices, the price
form's calculator warns about a volume cliff, visitors see the product, a customer buys it
and her invoice says what the calculator said; then the product is retired."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.people import log_in, person, shot, watch_console
from e2e.test_quote_to_order import add_to_cart, assert_fits, nav, summary

SKU, NAME = "ROBOT-ARM", "Robot Arms"


def tier(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=f"Tier {number}")


def fill_tiers(page: Page, rows: list[tuple[str, str, str]]) -> None:
    """Fill the tier rows in order (the last row's "up to" is open)."""
    for number, (up_to, unit, flat) in enumerate(rows, start=1):
        row = tier(page, number)
        if up_to:
            row.get_by_label("Up to").fill(up_to)
        row.get_by_label("Unit amount").fill(unit)
        row.get_by_label("Flat fee").fill(flat)


def calculator(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Calculator")


def add_price(page: Page, currency: str, rows: list[tuple[str, str, str]]) -> None:
    page.get_by_role("link", name="Add price").click()
    expect(page.get_by_role("heading", level=1, name=f"New price: {NAME}")).to_be_visible()
    page.get_by_role("textbox", name="Currency").fill(currency)
    page.get_by_label("Model").select_option(label="Graduated tiers")
    fill_tiers(page, rows)


def test_an_admin_sells_a_new_product_and_the_invoice_matches_the_calculator(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    nav(page, "Admin").click()
    expect(page.get_by_role("heading", level=1, name="Catalog")).to_be_visible()
    products = page.get_by_role("table", name="Products, retired ones included")
    expect(products.get_by_role("row").filter(has_text="Platform Core")).to_be_visible()
    screenshot("admin-catalog")

    page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog", name="New product")
    dialog.get_by_label("SKU").fill("PLAT-CORE")  # taken: refused under its field
    dialog.get_by_label("Name").fill(NAME)
    dialog.get_by_label("Category").fill("Robotics")
    dialog.get_by_role("button", name="Create product").click()
    expect(dialog.get_by_text("Another product has this SKU.")).to_be_visible()
    dialog.get_by_label("SKU").fill(SKU)
    dialog.get_by_label("Description").fill("Six-axis arms for the packing line, per arm.")
    dialog.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("heading", level=1, name=NAME)).to_be_visible()
    expect(page.get_by_text("No prices yet")).to_be_visible()
    page.get_by_role("button", name="Edit").click()
    editor = page.get_by_role("dialog", name=f"Edit {SKU}")
    editor.get_by_role("checkbox", name="Platform Enterprise").check()
    screenshot("admin-product-edit")
    editor.get_by_role("button", name="Save").click()
    expect(page.get_by_role("definition").filter(has_text="Platform Enterprise")).to_be_visible()

    # The calculator prices what is typed, and warns about a volume cliff.
    add_price(page, "USD", [("10", "5", "0"), ("", "4", "0")])
    page.get_by_label("Model").select_option(label="Volume tiers")
    calculator(page).get_by_label("Quantity").fill("11")
    expect(calculator(page).get_by_test_id("calculator-total")).to_have_text("$44.00")
    cliff = calculator(page).get_by_role("alert")
    expect(cliff).to_contain_text("Volume cliff: 11 cost $44.00, less than 10 ($50.00).")
    screenshot("admin-price-form-volume-cliff")
    page.get_by_label("Model").select_option(label="Graduated tiers")
    tier(page, 2).get_by_label("Flat fee").fill("2.5")
    calculator(page).get_by_label("Quantity").fill("12")
    # 10 × 5.00 + 2 × 4.00 + the second band's 2.50, from the server's pricing core
    expect(calculator(page).get_by_test_id("calculator-total")).to_have_text("$60.50")
    expect(cliff).to_have_count(0)
    calculator_says = calculator(page).get_by_test_id("calculator-total").inner_text()
    screenshot("admin-price-form")

    # A bad tier is refused under its field; fixed, the price is added.
    tier(page, 1).get_by_label("Up to").fill("0")
    page.get_by_role("button", name="Add price").click()
    expect(tier(page, 1).get_by_text("Tiers ascend: this one must end above 0.")).to_be_visible()
    tier(page, 1).get_by_label("Up to").fill("10")
    page.get_by_role("button", name="Add price").click()
    expect(page.get_by_role("heading", level=1, name=NAME)).to_be_visible()
    add_price(page, "EUR", [("10", "4.5", "0"), ("", "3.5", "2")])
    page.get_by_role("button", name="Add price").click()
    prices = page.get_by_role("table", name="Prices, archived ones included")
    expect(prices.get_by_role("row")).to_have_count(3)
    expect(prices).to_contain_text("EUR")
    screenshot("admin-product")

    # Anyone sees it in the catalog; a customer buys 12 and is invoiced what the calculator said.
    visitor = browser.new_context(viewport={"width": 1280, "height": 800})
    anonymous = visitor.new_page()
    anonymous.goto(f"{server_url}/products?q=Robot")
    expect(anonymous.get_by_role("link", name=NAME)).to_be_visible()
    visitor.close()
    with person(browser, server_url, "alice@acme.example") as alice:
        add_to_cart(alice, server_url, SKU, "12")
        nav(alice, "Cart").click()
        summary(alice).get_by_role("radio", name=re.compile("^Start a new subscription")).check()
        alice.get_by_role("button", name="Check out").click()
        expect(alice.get_by_role("heading", level=1, name=re.compile(r"^Order"))).to_be_visible()
        alice.get_by_role("region", name="First invoice").get_by_role(
            "link", name=re.compile(r"^View invoice")
        ).click()
        line = alice.get_by_role("row").filter(has_text=f"{NAME} (monthly)")
        expect(line.get_by_role("cell").last).to_have_text(calculator_says)
        shot(alice, "admin-catalog-invoice")

    # Retired: off sale for new buyers, gone from the public catalog.
    page.get_by_role("button", name="Retire").click()
    page.get_by_role("dialog").get_by_role("button", name="Retire product").click()
    expect(page.get_by_text("Retired: not sold to anyone new.")).to_be_visible()
    assert errors == []


def test_anonymous_visitors_see_a_new_product_until_it_is_retired(
    page: Page, server_url: str
) -> None:
    page.goto(f"{server_url}/products?q=Robot")
    expect(page.get_by_role("heading", name="No products match")).to_be_visible()


def test_the_catalog_screens_fit_a_phone(browser: Browser, server_url: str) -> None:
    with person(browser, server_url, "adam@recur.example", width=390) as adam:
        adam.goto(f"{server_url}/admin/catalog")
        expect(adam.get_by_role("heading", level=1, name="Catalog")).to_be_visible()
        assert_fits(adam)
        shot(adam, "phone-admin-catalog")
        adam.get_by_role("link", name="Platform Core").click()
        expect(adam.get_by_role("heading", level=1, name="Platform Core")).to_be_visible()
        assert_fits(adam)
        shot(adam, "phone-admin-product")
        adam.get_by_role("link", name="Add price").click()
        calc = calculator(adam)
        expect(calc).to_be_visible()
        assert_fits(adam)
        shot(adam, "phone-admin-price-form")

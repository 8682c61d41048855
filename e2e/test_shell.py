"""The app is served at / and answers client-side routes with the app itself."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_the_front_page_opens_the_catalog_without_console_errors(
    page: Page, server_url: str, screenshot
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(server_url)
    expect(page).to_have_url(f"{server_url}/products")
    expect(page.get_by_role("link", name="Recur")).to_have_attribute("href", "/")
    expect(page.get_by_role("heading", name="Catalog", level=1)).to_be_visible()
    expect(page.get_by_text("14 products")).to_be_visible()
    screenshot("front-page")
    assert errors == []


def test_a_deep_link_survives_a_reload(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/products/PLAT-CORE")
    expect(page.get_by_role("heading", name="Platform Core", level=1)).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Platform Core", level=1)).to_be_visible()
    expect(page).to_have_title("Platform Core · Recur")

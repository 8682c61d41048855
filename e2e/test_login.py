"""Logging in and out: customers land on their account, staff on the accounts they may see."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

PASSWORD = "recur-demo"


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill the login form and send it with the keyboard, as a person would."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")


def go_and_log_in(page: Page, server_url: str, email: str) -> None:
    page.goto(f"{server_url}/login")
    log_in(page, email)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def nav(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role("link")


def standard_seats(page: Page):
    return (
        page.get_by_role("main")
        .get_by_role("link")
        .filter(has=page.get_by_role("heading", name="Standard Seats", exact=True))
    )


def test_a_wrong_password_is_refused_with_a_readable_error(page: Page, server_url: str, screenshot):
    page.goto(f"{server_url}/login")
    expect(page.get_by_label("Email")).to_be_focused()

    log_in(page, "alice@acme.example", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect.")
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()
    expect(page).to_have_url(f"{server_url}/login")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    screenshot("login-wrong-password")


def test_a_customer_lands_on_their_account_and_stays_logged_in(
    page: Page, server_url: str, screenshot
):
    go_and_log_in(page, server_url, "alice@acme.example")
    expect(page).to_have_url(f"{server_url}/account")
    expect(page.get_by_role("heading", name="Acme Corp", level=1)).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Alice Moreau")
    expect(page.get_by_role("region", name="Acme Corp")).to_contain_text("Rita Reyes")
    expect(nav(page)).to_have_text(
        ["Catalog", "Cart", "Quotes", "Subscriptions", "Invoices", "My account"]
    )
    screenshot("account-alice")

    page.reload()
    expect(page.get_by_role("heading", name="Acme Corp", level=1)).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Alice Moreau")

    nav(page).get_by_text("Catalog").click()
    expect(standard_seats(page)).to_contain_text("$25.00")
    expect(page.get_by_text("prices in USD")).to_be_visible()
    expect(page.get_by_label("Currency")).to_have_count(0)
    screenshot("catalog-alice")


def test_a_customer_abroad_sees_prices_in_their_currency(page: Page, server_url: str, screenshot):
    go_and_log_in(page, server_url, "bob@globex.example")
    nav(page).get_by_text("Catalog").click()
    expect(standard_seats(page)).to_be_visible()
    screenshot("catalog-bob")
    expect(page.get_by_role("banner")).to_contain_text("Globex GmbH")
    expect(page.get_by_label("Currency")).to_have_count(0)
    expect(standard_seats(page)).to_contain_text("€23.00")
    expect(page.get_by_text("prices in EUR")).to_be_visible()


@pytest.mark.parametrize(
    ("email", "summary", "accounts", "links"),
    [
        (
            "rita@recur.example",
            "Accounts you own: 2",
            ["Acme Corp", "Globex GmbH"],
            ["Quotes", "Renewals"],
        ),
        ("sam@recur.example", "Accounts you own: 1", ["Initech"], ["Quotes", "Renewals"]),
        (
            "maria@recur.example",
            "All accounts: 3",
            ["Acme Corp", "Globex GmbH", "Initech"],
            ["Quotes", "Renewals", "Approvals", "Admin"],
        ),
    ],
)
def test_staff_see_the_accounts_they_may_see(
    page: Page,
    server_url: str,
    screenshot,
    email: str,
    summary: str,
    accounts: list[str],
    links: list[str],
):
    go_and_log_in(page, server_url, email)
    expect(page).to_have_url(f"{server_url}/accounts")
    expect(page.get_by_text(summary)).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(len(accounts) + 1)
    for name in accounts:
        expect(table.get_by_role("row", name=name)).to_be_visible()
    expect(nav(page)).to_have_text(
        ["Dashboard", "Catalog", "Accounts", "Orders", "Subscriptions", *links]
    )
    screenshot(f"accounts-{email.split('@')[0]}")


def test_logging_out_ends_the_session(page: Page, server_url: str, screenshot):
    go_and_log_in(page, server_url, "alice@acme.example")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    screenshot("logged-out")

    page.goto(f"{server_url}/account")
    expect(page).to_have_url(f"{server_url}/login?next=%2Faccount")
    page.reload()
    expect(page.get_by_role("heading", name="Log in to Recur")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_each_visitor_is_sent_where_they_belong(page: Page, server_url: str, screenshot):
    page.goto(f"{server_url}/account")
    expect(page).to_have_url(f"{server_url}/login?next=%2Faccount")
    screenshot("login-for-account")
    log_in(page, "carol@initech.example")
    expect(page).to_have_url(f"{server_url}/account")
    expect(page.get_by_role("heading", name="Initech", level=1)).to_be_visible()
    expect(page.get_by_text("Sam Okafor", exact=True)).to_be_visible()  # the sales rep

    page.goto(f"{server_url}/accounts")
    expect(page).to_have_url(f"{server_url}/account")
    expect(page.get_by_role("heading", name="Initech", level=1)).to_be_visible()


def test_scripts_cannot_read_the_session_cookie(page: Page, server_url: str):
    go_and_log_in(page, server_url, "alice@acme.example")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["recur_session"]["httpOnly"] is True
    readable = page.evaluate("document.cookie")
    assert "recur_session" not in readable
    assert "recur_csrf=" in readable

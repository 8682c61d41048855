"""Administering people: an admin invites a rep who sets a password and logs in; a buyer
signs up and checks out; a manager edits an account."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, watch_console
from e2e.server import running_server
from e2e.test_quote_to_order import add_to_cart, nav

REP_PASSWORD = "nina-sets-this-1"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of these journeys' own: they add users and accounts, which the journeys
    counting the demo accounts must not see."""
    with running_server(tmp_path_factory.mktemp("people")) as url:
        yield url


def test_an_admin_invites_a_rep_who_sets_a_password_and_logs_in(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    nav(page, "Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1, name="Users")).to_be_visible()

    page.get_by_role("button", name="Invite user").click()
    dialog = page.get_by_role("dialog", name="Invite a user")
    dialog.get_by_label("Name").fill("Nina Novak")
    dialog.get_by_label("Email").fill("not-an-email")
    dialog.get_by_label("Role").select_option("REP")
    dialog.get_by_role("button", name="Invite").click()
    expect(dialog.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Email").fill("nina@recur.example")
    dialog.get_by_role("button", name="Invite").click()

    shown = page.get_by_role("dialog", name="Invitation for Nina Novak")
    link = shown.get_by_label("One-time link")
    expect(link).to_have_value(re.compile(r"/invite/[\w-]+$"))
    invite_url = link.input_value()
    screenshot("admin-users-invite-link")
    shown.get_by_role("button", name="Done").click()
    row = page.get_by_role("row").filter(has_text="nina@recur.example")
    expect(row).to_contain_text("Invited")

    newcomer = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        nina = newcomer.new_page()
        nina.goto(invite_url)
        expect(nina.get_by_role("heading", level=1, name="Welcome to Recur")).to_be_visible()
        nina.get_by_label("New password").fill("short")
        nina.get_by_role("button", name="Set password and log in").click()
        expect(nina.get_by_label("New password")).to_have_attribute("aria-invalid", "true")
        nina.get_by_label("New password").fill(REP_PASSWORD)
        nina.get_by_role("button", name="Set password and log in").click()
        expect(nina.get_by_role("heading", level=1, name="Accounts")).to_be_visible()
        expect(nina.get_by_text("Nina Novak")).to_be_visible()
        nina.get_by_role("button", name="Log out").click()
        # Logged out for good before leaving: a navigation would cut the logout short.
        expect(nina.get_by_role("button", name="Log out")).to_have_count(0)

        nina.goto(f"{server_url}/login")
        nina.get_by_label("Email").fill("nina@recur.example")
        nina.get_by_label("Password").fill(REP_PASSWORD)
        nina.get_by_label("Password").press("Enter")
        expect(nina.get_by_role("button", name="Log out")).to_be_visible()

        nina.goto(invite_url)  # the link worked once
        nina.get_by_label("New password").fill("another-password")
        nina.get_by_role("button", name="Set password and log in").click()
        expect(nina.get_by_role("alert")).to_contain_text("invalid, used or expired")
    finally:
        newcomer.close()

    page.reload()
    expect(page.get_by_role("row").filter(has_text="nina@recur.example")).to_contain_text("Active")
    assert errors == []


def test_a_buyer_signs_up_and_checks_out(page: Page, server_url: str, screenshot) -> None:
    errors = watch_console(page)
    page.goto(f"{server_url}/login")
    page.get_by_role("link", name="Sign up your business").click()
    expect(page.get_by_role("heading", level=1, name="Sign up for Recur")).to_be_visible()
    page.get_by_label("Company (legal name)").fill("Pied Piper Inc.")
    page.get_by_label("Your name").fill("Richard")
    page.get_by_label("Work email").fill("richard@piedpiper.example")
    page.get_by_label("Password").fill("middle-out-compression")
    page.get_by_label("Billing currency").select_option("USD")
    page.get_by_label("Country").fill("ZZ")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_label("Country")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Country").fill("US")
    screenshot("signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Pied Piper Inc.")).to_be_visible()

    add_to_cart(page, server_url, "SEAT-STD", "3")
    nav(page, "Cart").click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    page.get_by_role("button", name="Check out").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Order ORD-\d+ confirmed$"))
    ).to_be_visible()
    nav(page, "My account").click()
    expect(page.get_by_role("heading", level=1, name="Pied Piper Inc.")).to_be_visible()
    expect(page.get_by_text("richard@piedpiper.example").first).to_be_visible()
    expect(page.get_by_text("No rep is assigned yet.")).to_be_visible()
    assert errors == []


def test_a_manager_assigns_a_rep_to_an_account_without_one(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "maria@recur.example")
    nav(page, "Admin").click()
    expect(page.get_by_role("heading", level=1, name="Accounts")).to_be_visible()
    subnav = page.get_by_role("navigation", name="Admin")
    expect(subnav.get_by_role("link")).to_have_text(["Accounts"])

    page.get_by_role("button", name="New account").click()
    dialog = page.get_by_role("dialog", name="New account")
    dialog.get_by_label("Legal name").fill("Hooli XYZ")
    dialog.get_by_label("Country").fill("DE")
    dialog.get_by_label("Tax id").fill("DE000000000")
    dialog.get_by_role("button", name="Create account").click()
    expect(dialog.get_by_label("Tax id")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Tax id").fill("DE136695976")
    dialog.get_by_role("button", name="Create account").click()
    expect(dialog).to_have_count(0)

    page.get_by_label("Only accounts without a rep").check()
    row = page.get_by_role("row").filter(has_text="Hooli XYZ")
    expect(row).to_contain_text("No rep")
    row.get_by_role("button", name="Edit Hooli XYZ").click()
    dialog = page.get_by_role("dialog", name="Edit Hooli XYZ")
    dialog.get_by_label("Owner (rep)").select_option(label="Rita Reyes")
    dialog.get_by_label("Partner").select_option(label="Northwind")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Hooli XYZ")).to_have_count(0)
    page.get_by_label("Only accounts without a rep").uncheck()
    expect(page.get_by_role("row").filter(has_text="Hooli XYZ")).to_contain_text("Northwind")
    assert errors == []


def test_a_user_changes_their_password_and_a_deactivated_user_is_logged_out(
    page: Page, browser: Browser, server_url: str
) -> None:
    errors = watch_console(page)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        sam = context.new_page()
        log_in(sam, server_url, "sam@recur.example")
        sam.get_by_role("button", name="Change password").click()
        dialog = sam.get_by_role("dialog", name="Change password")
        dialog.get_by_label("Current password").fill("wrong-password")
        dialog.get_by_label("New password").fill("sams-new-password")
        dialog.get_by_role("button", name="Change password").click()
        expect(dialog.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
        dialog.get_by_label("Current password").fill("recur-demo")
        dialog.get_by_role("button", name="Change password").click()
        expect(sam.get_by_role("status")).to_contain_text("Your password is changed.")

        log_in(page, server_url, "adam@recur.example")
        page.goto(f"{server_url}/admin/users")
        page.get_by_role("button", name="Reset link for Sam Okafor").click()
        shown = page.get_by_role("dialog", name="Password reset link for Sam Okafor")
        expect(shown.get_by_label("One-time link")).to_have_value(re.compile(r"/reset/[\w-]+$"))
        shown.get_by_role("button", name="Done").click()

        page.get_by_role("button", name="Deactivate Sam Okafor").click()
        page.get_by_role("dialog", name="Deactivate Sam Okafor?").get_by_role(
            "button", name="Deactivate"
        ).click()
        row = page.get_by_role("row").filter(has_text="sam@recur.example")
        expect(row).to_contain_text("Deactivated")

        sam.reload()
        expect(sam.get_by_role("heading", level=1, name="Log in to Recur")).to_be_visible()
    finally:
        context.close()
    assert errors == []

"""The Admin area: its place in the navigation, its sub-navigation (managers see its
Accounts page only), and the audit log."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.people import log_in, watch_console
from e2e.test_quote_to_order import nav


def test_an_admin_opens_the_admin_area_and_reads_the_audit_log(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    nav(page, "Admin").click()
    subnav = page.get_by_role("navigation", name="Admin")
    expect(subnav.get_by_role("link")).to_have_text(
        [
            "Catalog",
            "Accounts",
            "Users",
            "Partners",
            "Webhooks",
            "Outbox",
            "Tax rates",
            "Settings",
            "Audit log",
        ]
    )
    subnav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    expect(subnav.get_by_role("link", name="Audit log")).to_have_attribute("aria-current", "page")
    expect(nav(page, "Admin")).to_have_attribute("aria-current", "page")
    expect(
        page.get_by_role("table", name="Administrative changes, newest first").or_(
            page.get_by_text("Nothing recorded yet")
        )
    ).to_be_visible()
    screenshot("admin-audit-log")
    assert errors == []


def test_the_admin_area_gives_managers_accounts_only(page: Page, server_url: str) -> None:
    log_in(page, server_url, "maria@recur.example")
    nav(page, "Admin").click()
    subnav = page.get_by_role("navigation", name="Admin")
    expect(subnav.get_by_role("link")).to_have_text(["Accounts"])
    page.goto(f"{server_url}/admin/audit")
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_have_count(0)

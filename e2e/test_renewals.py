"""The renewals view: a rep sees the renewals due on the accounts she owns, how each one
renews and the revenue at stake, and looks 30, 60 or 90 days ahead.

The demo gives Rita's Globex two three-month terms ending in about 47 and 72 days: cloud
storage that renews automatically and a text-message pilot that expires."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.people import log_in, shot, watch_console


def test_a_rep_sees_the_renewals_due_and_what_is_at_stake(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Renewals").click()
    expect(page.get_by_role("heading", name="Renewals", level=1)).to_be_visible()
    expect(page.get_by_text("Subscriptions of the accounts you own")).to_be_visible()

    table = page.get_by_role("table", name="Renewals due in the next 90 days")
    storage = table.get_by_role("row").filter(has_text="Renews automatically")
    pilot = table.get_by_role("row").filter(has_text="Expires")
    total = table.get_by_role("row").filter(has_text="At stake in EUR")
    expect(table.get_by_role("row")).to_have_count(4)  # the header, two renewals, the total
    expect(storage).to_contain_text("Globex GmbH")
    expect(storage).to_contain_text(re.compile(r"in \d+ days"))
    prepare = storage.get_by_role("button", name=re.compile(r"^Prepare a renewal quote for SUB-"))
    expect(prepare).to_be_visible()  # no renewal quote yet
    expect(storage).to_contain_text("€190.00")
    expect(pilot).to_contain_text("Globex GmbH")
    expect(pilot).to_contain_text("Auto-renew is off")
    expect(pilot).to_contain_text("€230.00")
    expect(total).to_contain_text("2 subscriptions")
    expect(total).to_contain_text("€420.00")
    expect(
        page.get_by_text(re.compile(r"^2 subscriptions · 1 ends unless renewed · as of "))
    ).to_be_visible()
    shot(page, "renewals-rep")

    # 60 days ahead: the storage term alone; 30 days: nothing, and a way back.
    window = page.get_by_label("Due within")
    window.select_option("60")
    expect(page).to_have_url(f"{server_url}/renewals?within=60")
    sixty = page.get_by_role("table", name="Renewals due in the next 60 days")
    expect(sixty.get_by_role("row")).to_have_count(3)
    expect(sixty.get_by_role("row").filter(has_text="At stake in EUR")).to_contain_text("€190.00")
    window.select_option("30")
    expect(page.get_by_role("heading", name="No renewals in the next 30 days")).to_be_visible()
    shot(page, "renewals-none-soon")
    page.reload()
    expect(page.get_by_label("Due within")).to_have_value("30")
    page.get_by_role("button", name="Show the next 90 days").click()
    expect(page).to_have_url(f"{server_url}/renewals")
    expect(table.get_by_role("row")).to_have_count(4)

    # The number opens the subscription.
    number = pilot.get_by_role("link", name=re.compile(r"^SUB-\d+$"))
    name = number.inner_text()
    number.click()
    expect(page.get_by_role("heading", name=f"Subscription {name}", level=1)).to_be_visible()

    # The storage term, quoted: the renewal quote opens, and the row says it is quoted.
    page.go_back()
    prepare.click()
    page.get_by_role("dialog").get_by_label("Uplift %").fill("4")
    page.get_by_role("dialog").get_by_role("button", name="Prepare renewal quote").click()
    expect(
        page.get_by_text(re.compile(r"renews SUB-\d+ for \d+ months from .* prices up 4 %"))
    ).to_be_visible()
    quote = page.get_by_role("heading", level=1).inner_text().removeprefix("Quote ")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Renewals").click()
    quoted = table.get_by_role("row").filter(has_text="Quoted")
    expect(quoted).to_contain_text(quote)
    expect(quoted.get_by_role("link", name=f"Open {quote}")).to_be_visible()
    assert errors == []


def test_customers_have_no_renewals_view(page: Page, server_url: str) -> None:
    log_in(page, server_url, "alice@acme.example")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Renewals")
    ).to_have_count(0)
    page.goto(f"{server_url}/renewals")
    expect(page).to_have_url(f"{server_url}/account")

"""Changing a subscription in the app: the customer adds seats, sees exactly what it costs,
confirms, and the invoice made is the preview; the history says what happened."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, person, shot, watch_console


def test_a_customer_adds_seats_and_is_invoiced_exactly_the_preview(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "alice@acme.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Subscriptions").click()
    # Newest first: the last is the demo's, with its standard seats (other journeys buy more).
    page.get_by_role("link", name=re.compile(r"^SUB-\d+$")).last.click()
    expect(page.get_by_role("heading", name="Change this subscription")).to_be_visible()

    seats = page.get_by_label("New quantity of Standard Seats")
    before = int(seats.input_value())
    seats.fill(str(before + 5))
    preview = page.locator(".preview")
    expect(preview.get_by_role("heading")).to_have_text(f"Standard Seats {before} → {before + 5}.")
    due = preview.locator(".totals__row").filter(has_text="Due now").locator("dd")
    expect(due).to_have_text(re.compile(r"^\$[\d,]+\.\d{2}$"))
    amount = due.inner_text()
    expect(preview.get_by_text(re.compile(r"quantity \d+ → \d+"))).to_be_visible()
    screenshot("change-preview")

    page.get_by_role("button", name="Confirm change").click()
    toast = page.get_by_role("status").filter(has_text=re.compile(r"INV-\d+ bills"))
    expect(toast).to_contain_text(amount)
    number = re.search(r"INV-\d+", toast.inner_text()).group(0)  # type: ignore[union-attr]
    history = page.get_by_role("table", name=re.compile("^History of"))
    expect(history.get_by_role("row").nth(1)).to_contain_text(
        f"Standard Seats {before} → {before + 5}."
    )
    expect(page.get_by_label("New quantity of Standard Seats")).to_have_value(str(before + 5))
    shot(page, "subscription-history")

    # The invoice is the preview, to the cent.
    history.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {number}")
    total = page.locator(".totals__row", has=page.get_by_text("Total", exact=True)).locator("dd")
    expect(total).to_have_text(amount)
    assert errors == []


def test_a_customers_decrease_waits_for_the_renewal_and_a_rep_reduces_at_once(
    page: Page, browser: Browser, server_url: str
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "alice@acme.example")
    page.goto(f"{server_url}/subscriptions")
    page.get_by_role("link", name=re.compile(r"^SUB-\d+$")).last.click()
    seats = page.get_by_label("New quantity of Standard Seats")
    before = int(seats.input_value())
    seats.fill("2")
    preview = page.locator(".preview")
    expect(preview.get_by_text("You lose:")).to_be_visible()
    expect(preview).to_contain_text("Decreases take effect at the renewal on")
    expect(preview.locator(".totals__row").filter(has_text="Credited now")).to_have_count(0)
    shot(page, "change-downgrade-preview")
    page.get_by_role("button", name="Confirm change").click()
    waiting = page.get_by_role("region", name="Scheduled changes")
    expect(waiting).to_contain_text(f"Standard Seats {before} → 2")
    expect(page.get_by_label("New quantity of Standard Seats")).to_have_value(str(before))
    waiting.get_by_role("button", name="Call off").click()
    page.get_by_role("dialog").get_by_role("button", name="Call it off").click()
    expect(page.get_by_role("region", name="Scheduled changes")).to_have_count(0)

    # Sales may reduce mid-term: the unused days are credited at once.
    with person(browser, server_url, "rita@recur.example") as rita:
        rita.goto(page.url)
        rita.get_by_label("New quantity of Standard Seats").fill(str(before - 1))
        credit = rita.locator(".preview .totals__row").filter(has_text="Credited now")
        expect(credit.locator("dd")).to_have_text(re.compile(r"^\$[\d,]+\.\d{2}$"))
        expect(rita.locator(".preview")).to_contain_text("A credit note of")
    assert errors == []


def test_a_change_for_a_later_day_waits_for_it_and_can_be_called_off(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "alice@acme.example")
    page.goto(f"{server_url}/subscriptions")
    page.get_by_role("link", name=re.compile(r"^SUB-\d+$")).last.click()
    seats = page.get_by_label("New quantity of Standard Seats")
    before = int(seats.input_value())
    later = date.today() + timedelta(days=10)
    page.get_by_label("Effective").fill(later.isoformat())
    seats.fill(str(before + 3))
    preview = page.locator(".preview")
    expect(preview).to_contain_text("nothing is billed now and your items stay as they are")
    page.get_by_role("button", name="Confirm change").click()

    waiting = page.get_by_role("region", name="Scheduled changes")
    expect(waiting).to_contain_text(f"Standard Seats {before} → {before + 3}")
    # What is in effect today is unchanged.
    expect(page.get_by_label("New quantity of Standard Seats")).to_have_value(str(before))
    screenshot("scheduled-change")

    waiting.get_by_role("button", name="Call off").click()
    page.get_by_role("dialog").get_by_role("button", name="Call it off").click()
    expect(page.get_by_role("region", name="Scheduled changes")).to_have_count(0)
    history = page.get_by_role("table", name=re.compile("^History of"))
    expect(history.get_by_role("row").nth(1)).to_contain_text("is called off")
    assert errors == []

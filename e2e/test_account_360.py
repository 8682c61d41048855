"""The customer 360: a rep opens an account from the list, reads its figures, MRR by month
and timeline, filters the timeline and jumps to a renewal; the header search finds an
invoice by its number; the timeline exports as CSV; a customer sees their own account page
without the sales team's internal entries."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from e2e.people import log_in, shot, watch_console
from e2e.server import running_server


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of these journeys' own: they read the demo accounts' exact figures, which
    the journeys that buy, change and pay (in whatever order they run) must not move."""
    with running_server(tmp_path_factory.mktemp("account-360")) as url:
        yield url


def test_a_rep_opens_an_account_reads_its_timeline_and_jumps_to_a_renewal(
    page: Page, server_url: str
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Acme Corp").click()

    expect(page.get_by_role("heading", name="Acme Corp", level=1)).to_be_visible()
    figures = page.get_by_label("Account figures")
    expect(figures).to_contain_text("MRR")
    expect(figures).to_contain_text("$1,115.00")
    expect(figures).to_contain_text("$13,380.00")  # ARR
    expect(figures).to_contain_text("Paid on time")
    # The MRR chart, with its figures as a table behind "Show the figures".
    chart = page.locator("#account-mrr-chart")
    expect(chart.get_by_role("heading", name="MRR by month")).to_be_visible()
    chart.get_by_text("Show the figures").click()
    expect(chart.get_by_role("row")).to_have_count(13)  # the header and twelve months
    expect(page.get_by_role("table", name="Products owned")).to_contain_text("Standard Seats")

    timeline = page.get_by_role("list", name="Timeline, newest first")
    expect(timeline.get_by_role("listitem").first).to_be_visible()
    expect(timeline).to_contain_text(re.compile(r"Invoice INV-\d+ issued"))
    expect(timeline).to_contain_text(re.compile(r"Payment PAY-\d+ received"))
    expect(timeline).to_contain_text(re.compile(r"Quote Q-\d+ checked out"))
    shot(page, "account-360-rep")

    page.get_by_label("Show").select_option("PAYMENT")
    expect(timeline.get_by_role("listitem").first).to_contain_text("Payment")
    expect(timeline).not_to_contain_text("issued")

    # The timeline as CSV: the same entries, newest first.
    with page.expect_download() as download:
        page.get_by_role("link", name="Timeline CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert rows and {"PAYMENT", "INVOICE", "QUOTE", "ORDER"} <= {r["kind"] for r in rows}

    page.get_by_role("link", name=re.compile(r"^Renewal of SUB-")).first.click()
    heading = page.get_by_role("heading", name=re.compile(r"^Subscription SUB-\d+"), level=1)
    expect(heading).to_be_visible()
    expect(page.get_by_role("button", name="Prepare renewal quote")).to_be_visible()
    assert errors == []


def test_the_header_search_finds_an_invoice_by_number(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    page.keyboard.press("/")
    search = page.get_by_role("combobox", name=re.compile("Search accounts"))
    expect(search).to_be_focused()
    search.fill("inv-000002")
    option = page.get_by_role("option", name=re.compile(r"INV-000002"))
    expect(option.first).to_be_visible()
    shot(page, "search")
    search.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"INV-000002"), level=1)).to_be_visible()
    assert errors == []


def test_a_customer_sees_their_own_account_page(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "alice@acme.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", name="Acme Corp", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Your account at a glance")).to_be_visible()
    expect(page.get_by_label("Account figures")).to_contain_text("$1,115.00")
    timeline = page.get_by_role("list", name="Timeline, newest first")
    expect(timeline).to_contain_text(re.compile(r"Invoice INV-\d+ issued"))
    # No administrative entries for customers, not even as a filter.
    expect(page.get_by_label("Show").locator("option", has_text="Administrative")).to_have_count(0)
    shot(page, "account-360-customer")
    assert errors == []

"""The staff lists' toolbar: a finance user filters the invoices by account and issue dates
and sorts them by total; the address keeps it all across a reload; clearing brings the
whole list back. The other lists take the same toolbar; customers get it without the
account picker.

The server is shared with the other browser tests, so the expected rows are read from the
API at the time of the test rather than written down.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Browser, Locator, Page, expect

from e2e.people import PASSWORD, log_in, person, shot, watch_console

LOGIN = """mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token } }"""
INVOICES = """{ invoices(first: 100) { edges { node {
  number issueDate total { amount } account { id name } } } } }"""


def api(server_url: str, email: str, query: str) -> dict[str, Any]:
    """Ask the API as ``email``, with a bearer token of its own (not the browser's)."""
    variables = {"email": email, "password": PASSWORD}
    answer = httpx.post(f"{server_url}/graphql", json={"query": LOGIN, "variables": variables})
    token = answer.json()["data"]["login"]["token"]
    body = httpx.post(
        f"{server_url}/graphql",
        json={"query": query},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    assert "errors" not in body, body
    return dict(body["data"])


def rows(page: Page) -> Locator:
    return page.get_by_role("table", name="Invoices").locator("tbody tr")


def numbers_shown(page: Page) -> list[str]:
    table = page.get_by_role("table", name="Invoices")
    expect(table).to_be_visible()
    return [text.strip() for text in table.locator("tbody tr td:first-child").all_inner_texts()]


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def choose_account(page: Page, name: str) -> None:
    box = page.get_by_role("combobox", name="Account", exact=True)
    box.fill(name[:4])
    box.fill(name)
    box.press("Enter")
    box.blur()


def test_finance_filters_invoices_by_account_and_dates_sorts_by_total_and_clears(
    page: Page, server_url: str
) -> None:
    errors = watch_console(page)
    invoices = [
        e["node"] for e in api(server_url, "fiona@recur.example", INVOICES)["invoices"]["edges"]
    ]
    acme = [i for i in invoices if i["account"]["name"] == "Acme Corp"]
    days = sorted({i["issueDate"] for i in acme})
    assert len(days) >= 4
    start, end = days[1], days[-2]
    expected = sorted(
        (i for i in acme if start <= i["issueDate"] <= end),
        key=lambda i: (Decimal(i["total"]["amount"]), i["number"]),
        reverse=True,
    )
    log_in(page, server_url, "fiona@recur.example")
    page.goto(f"{server_url}/invoices")
    expect(page.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
    everything = numbers_shown(page)
    expect(page.get_by_role("button", name="Clear filters")).to_be_hidden()

    choose_account(page, "Acme Corp")
    expect(page.get_by_text(re.compile(r"^Showing invoices for Acme Corp"))).to_be_visible()
    page.get_by_label("From", exact=True).fill(start)
    page.get_by_label("To", exact=True).fill(end)
    page.get_by_label("Sort", exact=True).select_option(label="Largest total")

    expect(page.get_by_role("table", name="Invoices").locator("tbody tr")).to_have_count(
        len(expected)
    )
    assert numbers_shown(page) == [i["number"] for i in expected]
    params = query_of(page)
    assert params["account"] == [acme[0]["account"]["id"]]
    assert (params["from"], params["to"], params["sort"]) == ([start], [end], ["TOTAL_DESC"])
    summary = page.get_by_text(
        re.compile(r"^Showing invoices for Acme Corp, issued .+, largest total first$")
    )
    expect(summary).to_be_visible()
    export = page.get_by_role("link", name="Export CSV")
    assert parse_qs(urlparse(export.get_attribute("href") or "").query) == {
        "accountId": params["account"],
        "from": [start],
        "to": [end],
    }
    shot(page, "lists-invoices-filtered-1280")

    page.reload()
    expect(page.get_by_role("combobox", name="Account", exact=True)).to_have_value("Acme Corp")
    expect(page.get_by_label("From", exact=True)).to_have_value(start)
    expect(page.get_by_label("To", exact=True)).to_have_value(end)
    expect(page.get_by_label("Sort", exact=True)).to_have_value("TOTAL_DESC")
    expect(page.get_by_role("table", name="Invoices").locator("tbody tr")).to_have_count(
        len(expected)
    )
    assert numbers_shown(page) == [i["number"] for i in expected]

    # Out to an invoice and back: the list is as it was left.
    page.get_by_role("link", name=expected[0]["number"]).click()
    expect(page.get_by_role("heading", name=expected[0]["number"], level=1)).to_be_visible()
    page.go_back()
    expect(page.get_by_label("Sort", exact=True)).to_have_value("TOTAL_DESC")
    expect(page.get_by_role("combobox", name="Account", exact=True)).to_have_value("Acme Corp")
    expect(rows(page)).to_have_count(len(expected))
    assert numbers_shown(page) == [i["number"] for i in expected]

    # A range that ends before it starts is said under From, and the list stays as it was.
    page.get_by_label("From", exact=True).fill(days[-1])
    expect(page.get_by_text("From must be on or before To.")).to_be_visible()
    assert query_of(page)["from"] == [start]

    page.get_by_role("button", name="Clear filters").first.click()
    expect(page.get_by_role("combobox", name="Account", exact=True)).to_have_value("")
    expect(page.get_by_label("From", exact=True)).to_have_value("")
    expect(page.get_by_text("From must be on or before To.")).to_be_hidden()
    assert set(query_of(page)) == {"sort"}  # the order stays: it is no filter
    page.get_by_label("Sort", exact=True).select_option(label="Newest first")
    expect(page.get_by_role("table", name="Invoices").locator("tbody tr")).to_have_count(
        len(everything)
    )
    assert numbers_shown(page) == everything
    assert query_of(page) == {}
    assert errors == []


def test_an_empty_filtered_list_says_which_filters_are_on(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    page.goto(f"{server_url}/invoices?status=VOID&from=2001-01-01&to=2001-01-31")
    expect(page.get_by_role("heading", name="No invoices match these filters")).to_be_visible()
    words = r"^Showing invoices with status Void, issued (Jan 1, 2001|1 Jan 2001) – .*2001\.$"
    expect(page.get_by_text(re.compile(words))).to_be_visible()
    shot(page, "lists-invoices-empty-1280")
    page.get_by_role("button", name="Clear filters").last.click()
    expect(page.get_by_role("table", name="Invoices")).to_be_visible()
    expect(page.get_by_label("Status", exact=True)).to_have_value("")
    assert errors == []


def test_the_account_page_link_and_the_other_lists_keep_their_filters(
    page: Page, server_url: str
) -> None:
    errors = watch_console(page)
    data = api(
        server_url,
        "maria@recur.example",
        '{ accounts(search: "Globex") { edges { node { id } } } }',
    )
    globex = data["accounts"]["edges"][0]["node"]["id"]
    log_in(page, server_url, "maria@recur.example")

    page.goto(f"{server_url}/orders?account={globex}")
    expect(page.get_by_role("combobox", name="Account", exact=True)).to_have_value("Globex GmbH")
    expect(page.get_by_text(re.compile(r"^Showing orders for Globex GmbH$"))).to_be_visible()
    accounts = page.get_by_role("table", name="Orders").locator("tbody tr td:nth-child(2)")
    expect(accounts.first).to_be_visible()
    assert set(accounts.all_inner_texts()) == {"Globex GmbH"}

    page.goto(f"{server_url}/subscriptions?sort=TERM_END&status=ACTIVE")
    expect(page.get_by_label("Sort", exact=True)).to_have_value("TERM_END")
    expect(page.get_by_label("Status", exact=True)).to_have_value("ACTIVE")
    expect(page.get_by_role("table", name="Subscriptions")).to_be_visible()

    page.goto(f"{server_url}/quotes?sort=RECENTLY_UPDATED")
    expect(page.get_by_role("columnheader", name="Updated")).to_be_visible()
    choose_account(page, "Globex GmbH")
    expect(page).to_have_url(re.compile(r"account="))
    shot(page, "lists-quotes-1280")
    assert errors == []


def test_the_toolbar_wraps_on_a_phone_and_customers_have_no_account_picker(
    browser: Browser, server_url: str
) -> None:
    with person(browser, server_url, "fiona@recur.example", width=390) as phone:
        errors = watch_console(phone)
        phone.goto(f"{server_url}/invoices?sort=TOTAL_DESC&from=2000-01-01")
        expect(phone.get_by_role("combobox", name="Account", exact=True)).to_be_visible()
        expect(phone.get_by_role("button", name="Clear filters")).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        shot(phone, "lists-invoices-390")
        assert errors == []
    with person(browser, server_url, "alice@acme.example", width=390) as alice:
        alice.goto(f"{server_url}/invoices")
        expect(alice.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
        expect(alice.get_by_label("Status", exact=True)).to_be_visible()
        expect(alice.get_by_role("combobox", name="Account", exact=True)).to_have_count(0)
        shot(alice, "lists-invoices-customer-390")

"""Finance: the receivables aging, overdue invoices, billing runs and payments; managers read
the receivables; customers see their credit and never the billing page.

The server is shared with the other browser tests, so these assert relations (a bucket is
not zero, a run made as many links as invoices) rather than absolute counts.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.people import log_in, person, shot, watch_console

MONEY = re.compile(r"^[$€][\d,]+\.\d{2}$")


# ---- helpers ----------------------------------------------------------------------------


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link")


def row(page: Page, table: str, text: str) -> Locator:
    return page.get_by_role("table", name=table).get_by_role("row").filter(has_text=text)


def aging_row(page: Page, name: str) -> Locator:
    return row(page, "Receivables aging", name)


def cell(row: Locator, column: int) -> Locator:
    """Aging columns: Account, Current, 1–30, 31–60, 61–90, 90+, Total."""
    return row.get_by_role("cell").nth(column)


def amount(text: str) -> Decimal:
    """The amount of a formatted sum: $1,165.00 is 1165.00."""
    return Decimal(re.sub(r"[^\d.]", "", text))


def open_billing(page: Page) -> None:
    nav(page).filter(has_text="Billing").click()
    expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Receivables aging")).to_be_visible()


# ---- the receivables -----------------------------------------------------------------------


def test_finance_sees_the_receivables_aging_and_overdue_invoices(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    expect(nav(page)).to_have_text(
        [
            "Dashboard",
            "Catalog",
            "Accounts",
            "Orders",
            "Subscriptions",
            "Renewals",
            "Invoices",
            "Payments",
            "Billing",
        ]
    )
    open_billing(page)
    expect(page.get_by_text(re.compile(r"as of \w"))).to_be_visible()

    # Initech's invoice due about ten days ago sits in the 1–30 column, highlighted.
    initech = aging_row(page, "Initech")
    expect(cell(initech, 2)).to_have_text(MONEY)
    assert amount(cell(initech, 2).inner_text()) > 0
    expect(cell(initech, 2).locator(".money--overdue")).to_have_count(1)
    assert amount(cell(initech, 6).inner_text()) >= amount(cell(initech, 2).inner_text())

    # Totals per currency: USD always; EUR only while a euro account owes something.
    expect(aging_row(page, "Total USD")).to_be_visible()
    euro_owed = aging_row(page, "Globex GmbH").count() > 0
    expect(aging_row(page, "Total EUR")).to_have_count(1 if euro_owed else 0)

    late = row(page, "Overdue invoices", "Initech")
    expect(late).to_contain_text(re.compile(r"\d+ days?"))
    expect(late.get_by_role("link", name=re.compile(r"^INV-\d+$"))).to_be_visible()
    screenshot("billing")
    assert errors == []

    with person(browser, server_url, "fiona@recur.example", width=390) as phone:
        phone_errors = watch_console(phone)
        phone.goto(f"{server_url}/billing")
        expect(cell(aging_row(phone, "Initech"), 2)).to_contain_text("$")
        expect(phone.get_by_role("button", name="Run billing")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shot(phone, "phone-billing")
        assert phone_errors == []


def test_managers_read_the_receivables_and_customers_never_reach_billing(
    browser: Browser, server_url: str
) -> None:
    with person(browser, server_url, "maria@recur.example") as maria:
        expect(nav(maria).filter(has_text="Billing")).to_have_count(0)
        maria.get_by_role("link", name="Receivables").click()
        expect(maria.get_by_role("heading", name="Receivables", level=1)).to_be_visible()
        expect(aging_row(maria, "Total USD")).to_be_visible()
        expect(maria.get_by_role("region", name="Overdue invoices")).to_be_visible()
        expect(maria.get_by_role("region", name="Run billing")).to_have_count(0)
        expect(maria.get_by_role("region", name="Record a payment")).to_have_count(0)
        expect(maria.get_by_role("region", name="Billing runs")).to_have_count(0)
        shot(maria, "receivables-manager")

    with person(browser, server_url, "alice@acme.example") as alice:
        expect(nav(alice).filter(has_text="Billing")).to_have_count(0)
        expect(nav(alice).filter(has_text="Receivables")).to_have_count(0)
        alice.goto(f"{server_url}/billing")
        expect(alice).to_have_url(f"{server_url}/account")
        expect(alice.get_by_role("heading", name="Acme Corp", level=1)).to_be_visible()


# ---- billing runs ----------------------------------------------------------------------------


def test_finance_bills_ahead_and_a_second_run_for_the_date_creates_nothing(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    open_billing(page)
    run = page.get_by_role("region", name="Run billing")
    as_of = run.get_by_label("Bill charges due by")
    expect(as_of).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    ahead = (date.today() + timedelta(days=40)).isoformat()
    as_of.fill(ahead)
    run.get_by_role("button", name="Run billing").click()
    confirm = page.get_by_role("dialog", name=re.compile(r"^Bill ahead to "))
    expect(confirm).to_contain_text("40 days from today")
    confirm.get_by_role("button", name="Run billing").click()

    created = run.get_by_text(re.compile(r"^\d+ invoices? created, dated "))
    expect(created).to_be_visible()
    count = int(created.inner_text().split()[0])
    assert count > 0
    links = run.get_by_role("list", name="Invoices created").get_by_role("link")
    expect(links).to_have_count(count)
    screenshot("billing-run")

    # The run is recorded at once, newest first, with who started it and what it made.
    recorded = page.get_by_role("table", name="Billing runs").get_by_role("row").nth(1)
    expect(recorded).to_contain_text("Succeeded")
    expect(recorded).to_contain_text("Fiona")
    expect(recorded.get_by_role("cell").nth(5)).to_have_text(str(count))

    number = links.first.inner_text()
    links.first.click()
    expect(page.get_by_role("heading", name=f"Invoice {number}", level=1)).to_be_visible()
    expect(page.get_by_role("complementary", name="Details")).to_contain_text("Open")

    page.go_back()
    run.get_by_label("Bill charges due by").fill(ahead)
    run.get_by_role("button", name="Run billing").click()
    page.get_by_role("dialog").get_by_role("button", name="Run billing").click()
    expect(run.get_by_text(re.compile(r"^Nothing new to invoice as of "))).to_be_visible()
    expect(run.get_by_role("list", name="Invoices created")).to_have_count(0)
    assert errors == []


# ---- payments --------------------------------------------------------------------------------


def test_finance_records_a_payment_that_pays_the_overdue_invoice(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    open_billing(page)
    pay = page.get_by_role("region", name="Record a payment")
    field = pay.get_by_label("Amount")

    # Amounts the server refuses are said under the field.
    pay.get_by_label("Account").select_option(label="Initech (USD)")
    field.fill("0")
    pay.get_by_role("button", name="Record payment").click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("more than zero"))
    expect(field).to_be_focused()
    field.fill("10.001")
    pay.get_by_role("button", name="Record payment").click()
    expect(field).to_have_accessible_description(re.compile("at most 2 decimal places"))
    screenshot("billing-payment-error")

    # The overdue invoice's row fills the form with its account and balance.
    late = row(page, "Overdue invoices", "Initech")
    number = late.get_by_role("link").first.inner_text()
    balance = amount(late.get_by_role("cell").nth(4).inner_text())
    late.get_by_role("button", name=f"Record a payment for {number}").click()
    expect(field).to_be_focused()
    expect(field).to_have_value(str(balance))
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(pay.get_by_label("Account")).to_have_value(re.compile(r".+"))
    pay.get_by_label("Reference (optional)").fill("Wire 4471")
    pay.get_by_role("button", name="Record payment").click()

    result = pay.locator(".payment-result")
    expect(result).to_contain_text(re.compile(r"PAY-\d+: \$[\d,.]+ from Initech recorded\."))
    paid = result.get_by_role("listitem").filter(has=page.get_by_role("link", name=number))
    expect(paid).to_contain_text("Paid")
    paid_link = (paid.get_by_role("link").get_attribute("href") or "").rsplit("/", 1)[-1]

    # Both lists follow at once, and after a reload.
    expect(cell(aging_row(page, "Initech"), 2)).to_have_text("$0.00")
    overdue = page.get_by_role("region", name="Overdue invoices")
    expect(overdue.get_by_role("link", name=number)).to_have_count(0)
    screenshot("billing-payment")
    page.reload()
    expect(cell(aging_row(page, "Initech"), 2)).to_have_text("$0.00")

    page.goto(f"{server_url}/invoices/{paid_link}")
    expect(page.get_by_role("complementary", name="Details")).to_contain_text("Paid")
    expect(row(page, f"Payments applied to {number}", "Wire 4471")).to_contain_text(f"${balance:,}")
    screenshot("invoice-paid")
    assert errors == []


def test_a_payment_beyond_the_balances_becomes_credit_the_customer_sees(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    open_billing(page)
    owed = amount(cell(aging_row(page, "Initech"), 6).inner_text())

    # From an open invoice: the shortcut opens a dialog with its balance due.
    page.goto(f"{server_url}/invoices?status=OPEN")
    row(page, "Invoices", "Initech").get_by_role("link").first.click()
    details = page.get_by_role("complementary", name="Details")
    due = details.get_by_text(MONEY).last.inner_text()
    details.get_by_role("button", name="Record a payment").click()
    dialog = page.get_by_role("dialog", name="Record a payment from Initech")
    expect(dialog.get_by_label("Amount")).to_have_value(str(amount(due)))
    dialog.get_by_label("Amount").fill("-5")
    dialog.get_by_role("button", name="Record payment").click()
    expect(dialog.get_by_label("Amount")).to_have_accessible_description(re.compile("like 1250.00"))
    shot(page, "invoice-payment-dialog")
    dialog.get_by_label("Amount").fill(str(owed + Decimal("100.00")))
    dialog.get_by_role("button", name="Record payment").click()
    expect(dialog).to_have_count(0)

    expect(details).to_contain_text("Paid")
    expect(details).to_contain_text("$100.00 was left over and is kept as account credit")
    payments = page.get_by_role("table", name=re.compile(r"^Payments applied to INV-"))
    expect(payments).to_contain_text(re.compile(r"PAY-\d+"))
    screenshot("invoice-paid-with-credit")
    assert errors == []

    with person(browser, server_url, "carol@initech.example") as carol:
        carol.goto(f"{server_url}/account")
        expect(carol.get_by_text("Account credit")).to_be_visible()
        expect(carol.locator("dt:text-is('Account credit') + dd")).to_have_text("$100.00")
        expect(carol.get_by_label("Account figures")).to_contain_text("Credit$100.00")
        carol.goto(f"{server_url}/invoices")
        expect(carol.get_by_text("You have $100.00 of account credit")).to_be_visible()
        shot(carol, "invoices-credit")


def test_a_customer_pays_an_invoice_now_and_a_declined_card_says_why(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "alice@acme.example")  # Acme always has an invoice open
    page.goto(f"{server_url}/invoices")
    page.get_by_role("row").filter(has_text="Open").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Pay now")).to_be_visible()

    page.get_by_label("Card (sandbox)").select_option("sandbox_declined")
    page.get_by_role("button", name=re.compile(r"^Pay .* now$")).click()
    expect(page.get_by_role("alert")).to_contain_text("declined")
    screenshot("pay-now-declined")

    page.get_by_label("Card (sandbox)").select_option("sandbox_visa")
    page.get_by_role("button", name=re.compile(r"^Pay .* now$")).click()
    expect(page.get_by_text("Paid in full. Thank you.")).to_be_visible()
    expect(page.get_by_role("heading", name="Pay now")).to_have_count(0)
    expect(page.get_by_role("region", name="Payments")).to_contain_text("PAY-")
    screenshot("pay-now-paid")
    assert errors == []


def test_an_unexpected_error_shows_the_reference_support_asks_for(
    page: Page, server_url: str
) -> None:
    """The server masks a fault as "Unexpected error." with the request's id; the app shows
    the id beside it (the server's side: backend/tests/web/test_request_log.py)."""
    log_in(page, server_url, "fiona@recur.example")

    def fault(route) -> None:  # type: ignore[no-untyped-def]
        if "BillingRuns" not in (route.request.post_data or ""):
            route.continue_()
            return
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"x-request-id": "9f2c4e1a"},
            body='{"data": null, "errors": [{"message": "Unexpected error.", '
            '"extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "9f2c4e1a"}}]}',
        )

    page.route("**/graphql", fault)
    open_billing(page)
    runs = page.get_by_role("region", name="Billing runs")
    expect(runs).to_contain_text("Unexpected error. Reference: 9f2c4e1a")

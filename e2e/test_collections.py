"""Collections (docs/collections.md): a customer saves a card and turns autopay on, and the
next billing run's invoice is paid by itself; a declining card is retried and the customer
pays from the reminder's link; finance refunds half a payment and the invoice opens again
for that amount.

These journeys bill ahead and charge cards, so they run on a server of their own: the other
journeys keep the demo accounts as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, person, shot, watch_console
from e2e.server import running_server

EVENTS = """query { events(first: 100, types: ["payment.failed"]) {
  edges { node { data } } } }"""


@pytest.fixture(scope="module")
def collections_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(Path(tmp_path_factory.mktemp("collections"))) as url:
        yield url


def save_card_and_turn_on_autopay(page: Page, url: str, card: str) -> None:
    """Add the sandbox test card ``card`` (its token) as the default, then autopay on."""
    page.goto(f"{url}/account")
    methods = page.get_by_role("region", name="Payment methods")
    methods.get_by_role("button", name="Add a card").click()
    dialog = page.get_by_role("dialog", name="Add a card")
    dialog.get_by_label("Card", exact=True).select_option(card)
    dialog.get_by_role("button", name="Save card").click()
    expect(methods.get_by_role("list", name="Saved cards")).to_contain_text("Default")
    methods.get_by_role("switch", name=re.compile("Autopay")).check()
    expect(page.get_by_role("status").filter(has_text="Autopay is on")).to_be_visible()
    expect(methods.get_by_role("switch", name=re.compile("Autopay"))).to_be_checked()


def bill_ahead(page: Page, url: str, days: int) -> str:
    """Finance runs billing ``days`` ahead; returns the run's summary."""
    page.goto(f"{url}/billing")
    run = page.get_by_role("region", name="Run billing")
    run.get_by_label("Bill charges due by").fill((date.today() + timedelta(days=days)).isoformat())
    run.get_by_role("button", name="Run billing").click()
    page.get_by_role("dialog", name=re.compile(r"^Bill ahead to ")).get_by_role(
        "button", name="Run billing"
    ).click()
    summary = run.locator(".notice").first
    expect(summary).to_be_visible()
    return run.inner_text()


def test_autopay_pays_the_next_runs_invoice_by_itself(
    page: Page, browser: Browser, collections_url: str
) -> None:
    errors = watch_console(page)
    log_in(page, collections_url, "bob@globex.example")
    save_card_and_turn_on_autopay(page, collections_url, "sandbox_visa")
    shot(page, "collections-autopay-on")

    with person(browser, collections_url, "fiona@recur.example") as fiona:
        said = bill_ahead(fiona, collections_url, 35)
        assert re.search(r"Autopay: \d+ invoices? paid", said), said
        shot(fiona, "collections-run-with-autopay")

    page.goto(f"{collections_url}/invoices")
    newest = page.get_by_role("table", name="Invoices").get_by_role("row").nth(1)
    expect(newest).to_contain_text("Paid")
    newest.get_by_role("link").click()
    attempts = page.get_by_role("region", name="Payment attempts")
    expect(attempts).to_contain_text("Autopay")
    expect(attempts).to_contain_text("Paid with Visa ending 4242.")
    expect(page.get_by_text("Paid in full. Thank you.")).to_be_visible()
    shot(page, "collections-autopaid-invoice")
    assert errors == []


def test_a_declined_card_is_retried_and_the_customer_pays_from_the_link(
    page: Page, browser: Browser, collections_url: str
) -> None:
    errors = watch_console(page)
    log_in(page, collections_url, "carol@initech.example")
    save_card_and_turn_on_autopay(page, collections_url, "sandbox_insufficient_funds")

    with person(browser, collections_url, "fiona@recur.example") as fiona:
        first = bill_ahead(fiona, collections_url, 36)
        assert re.search(r"charges? declined", first), first
        again = bill_ahead(fiona, collections_url, 37)  # the first retry's day
        assert re.search(r"charges? declined", again), again

    # The reminder's link, as the email carries it: from the payment.failed event.
    body = page.evaluate(
        """async (query) => {
          const csrf = document.cookie.split("; ").find((c) => c.startsWith("recur_csrf="));
          const response = await fetch("/graphql", { method: "POST", credentials: "same-origin",
            headers: { "content-type": "application/json",
                       "x-csrf-token": decodeURIComponent(csrf.split("=")[1]) },
            body: JSON.stringify({ query, operationName: null }) });
          return response.json();
        }""",
        EVENTS,
    )
    failures = [edge["node"]["data"] for edge in body["data"]["events"]["edges"]]
    retried = [data for data in failures if data["attempt"] >= 2]
    assert retried, failures
    latest = retried[-1]
    assert latest["automatic"] and "insufficient funds" in latest["reason"]
    assert latest["nextRetryOn"]  # the schedule goes on

    page.goto(f"{collections_url}{latest['payLink']}")
    number = latest["invoice"]["number"]
    expect(page.get_by_role("heading", name=f"Invoice {number}", level=1)).to_be_visible()
    attempts = page.get_by_role("region", name="Payment attempts")
    expect(attempts.get_by_text("Declined")).to_have_count(2)
    expect(attempts).to_contain_text("The card has insufficient funds.")
    expect(attempts).to_contain_text("Tried again on")
    pay = page.locator("#pay-now")
    # The saved (declining) card is offered first; the customer pays with another card.
    expect(pay.get_by_label("Pay with")).to_be_focused()
    expect(pay.get_by_label("Pay with")).to_have_value(re.compile(r"\S"))
    expect(pay.get_by_label("Card (sandbox)")).to_be_hidden()
    shot(page, "collections-pay-link")
    pay.get_by_label("Pay with").select_option(label="Another card")
    pay.get_by_label("Card (sandbox)").select_option("sandbox_visa")
    pay.get_by_role("button", name=re.compile(r"^Pay .* now$")).click()
    expect(page.get_by_role("status").filter(has_text="Paid:")).to_be_visible()
    expect(page.locator(".badges")).to_contain_text("Paid")
    assert errors == []


def test_finance_refunds_half_a_payment_and_the_invoice_reopens_for_that_amount(
    page: Page, browser: Browser, collections_url: str
) -> None:
    errors = watch_console(page)
    # Alice pays Acme's open invoice by card.
    with person(browser, collections_url, "alice@acme.example") as alice:
        alice.goto(f"{collections_url}/invoices?status=OPEN")
        alice.get_by_role("table", name="Invoices").get_by_role("link").first.click()
        heading = alice.get_by_role("heading", level=1)
        expect(heading).to_have_text(re.compile(r"^Invoice INV-\d+$"))
        number = heading.inner_text().removeprefix("Invoice ")
        alice.locator("#pay-now").get_by_role("button", name=re.compile(r"^Pay .* now$")).click()
        expect(alice.get_by_role("status").filter(has_text="Paid:")).to_be_visible()

    log_in(page, collections_url, "fiona@recur.example")
    page.goto(f"{collections_url}/invoices?status=PAID")
    page.get_by_role("table", name="Invoices").get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=f"Invoice {number}", level=1)).to_be_visible()
    payments = page.get_by_role("region", name=re.compile("^Payments"))
    payments.get_by_role("button", name=re.compile(r"^Refund PAY-")).last.click()
    dialog = page.get_by_role("dialog", name=re.compile(r"^Refund PAY-"))
    amount = dialog.get_by_label("Amount")
    whole = Decimal(amount.input_value())
    half = (whole / 2).quantize(Decimal("0.01"))
    amount.fill(str(half))
    expect(dialog.get_by_label("Refund to")).to_have_value("PROVIDER")
    dialog.get_by_role("button", name="Refund").click()
    expect(dialog.get_by_text("Say why the money is refunded.")).to_be_visible()
    dialog.get_by_label("Reason").fill("Half the seats were never used")
    shot(page, "collections-refund-dialog")
    dialog.get_by_role("button", name="Refund").click()

    expect(page.get_by_role("status").filter(has_text=re.compile(r"RF-\d+"))).to_be_visible()
    expect(page.locator(".badges")).to_contain_text("Open")
    balance = page.locator(".totals__row", has=page.get_by_text("Balance due", exact=True))
    expect(balance.locator("dd")).to_contain_text(f"{half:,}")
    expect(payments).to_contain_text("Refunded")
    shot(page, "collections-reopened")

    # The payments list shows it refunded.
    page.goto(f"{collections_url}/payments?refunded=yes")
    rows = page.get_by_role("table", name="Payments").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(f"{half:,}")
    shot(page, "collections-payments")
    assert errors == []

"""Email: a customer checks out, and the invoice email arrives at a real SMTP server on
127.0.0.1 with its PDF attached; the admin finds it in Admin → Outbox, opens it and reads it
as the customer does, formatted (in a sandboxed frame) and as plain text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from backend.tests.mail_server import Inbox, Received, smtp_server
from playwright.sync_api import Page, expect

from e2e.people import log_in, shot, watch_console
from e2e.server import running_server
from e2e.test_admin_partners import api, token_of
from e2e.test_quote_to_order import nav

PRICES = """query { product(sku: "SEAT-STD") { prices { id currency billingPeriod } } }"""
ADD = """mutation($p: ID!) { addToCart(input: {priceId: $p, quantity: 4}) {
  userErrors { message } } }"""
CHECKOUT = """mutation { checkout(input: {}) { order { invoice { id number } }
  userErrors { message } } }"""


@pytest.fixture(scope="module")
def mail_server() -> Iterator[Inbox]:
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture(scope="module")
def mailing_server(tmp_path_factory: pytest.TempPathFactory, mail_server: Inbox) -> Iterator[str]:
    """A Recur of its own that sends email to the journey's SMTP server."""
    settings = {
        "RECUR_SMTP_URL": mail_server.url,
        "RECUR_MAIL_FROM": "Recur Billing <billing@recur.example>",
    }
    with running_server(tmp_path_factory.mktemp("mailing"), settings) as url:
        yield url


def _checkout(server_url: str) -> dict[str, Any]:
    """Alice buys four seats: the invoice is issued at once, and its email queued."""
    alice = token_of(server_url, "alice@acme.example")
    prices = api(server_url, PRICES, token=alice)["data"]["product"]["prices"]
    price = next(p for p in prices if p["currency"] == "USD" and p["billingPeriod"] == "MONTH")
    assert api(server_url, ADD, {"p": price["id"]}, alice)["data"]["addToCart"]["userErrors"] == []
    checkout = api(server_url, CHECKOUT, token=alice)["data"]["checkout"]
    assert checkout["userErrors"] == []
    invoice: dict[str, Any] = checkout["order"]["invoice"]
    return invoice


def _arrived(inbox: Inbox, subject_start: str, timeout: float = 20) -> Received:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in inbox.received:
            if str(received.message["Subject"]).startswith(subject_start):
                return received
        time.sleep(0.2)
    raise AssertionError(f"no email {subject_start!r} arrived within {timeout} s")


def test_the_invoice_email_arrives_with_its_pdf_and_the_outbox_shows_it(
    page: Page, mailing_server: str, mail_server: Inbox
) -> None:
    errors = watch_console(page)
    invoice = _checkout(mailing_server)
    number = invoice["number"]

    received = _arrived(mail_server, f"Invoice {number} for ")
    assert received.recipients == ["alice@acme.example"]
    assert received.message["From"] == "Recur Billing <billing@recur.example>"
    [pdf] = list(received.message.iter_attachments())
    assert pdf.get_filename() == f"{number}.pdf"
    assert pdf.get_content().startswith(b"%PDF-")

    # The admin sees the invoice, then its email in the Outbox, sent.
    log_in(page, mailing_server, "adam@recur.example")
    nav(page, "Invoices").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.goto(f"{mailing_server}/admin/catalog")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"Invoice {number} for")
    expect(row).to_contain_text("alice@acme.example")
    expect(row).to_contain_text("Sent")
    expect(row).to_contain_text(f"{number}.pdf")
    shot(page, "email-outbox")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "email-outbox-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"Invoice {number} for")).to_be_visible()
    preview = page.frame_locator("iframe.outbox__frame")
    expect(preview.get_by_role("heading", name=f"Invoice {number}")).to_be_visible()
    expect(preview.get_by_role("link", name="View invoice")).to_be_visible()
    assert page.locator("iframe.outbox__frame").get_attribute("sandbox") == ""
    shot(page, "email-message")
    page.get_by_role("button", name="Plain text").click()
    expect(page.locator("pre.outbox__text")).to_contain_text(f"Your invoice {number} for USD")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "email-message-phone")
    assert errors == []


def test_without_smtp_the_outbox_keeps_the_demos_email(page: Page, server_url: str) -> None:
    """The shared server has no mail server: its email is kept for admins to read."""
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    page.goto(f"{server_url}/admin/outbox")
    page.get_by_label("Show").select_option("KEPT")
    first = page.get_by_role("row").filter(has_text="Kept, not sent").first
    expect(first).to_be_visible(timeout=20_000)
    page.get_by_label("Show").select_option("SENT")
    expect(page.get_by_role("heading", name="No emails yet")).to_be_visible()
    assert errors == []


def test_an_admin_sets_the_reminder_days(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    page.goto(f"{server_url}/admin/settings")
    days = page.get_by_label("Invoice reminders (days from the due date)")
    expect(days).to_have_value("-3, 0, 3, 7, 14")
    days.fill("0, ten")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Enter whole numbers of days separated by commas")).to_be_visible()
    days.fill("10, -5, 0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_contain_text(
        "reminders go out 5 days before, on the due date and 10 days after"
    )
    expect(days).to_have_value("-5, 0, 10")
    shot(page, "email-reminder-settings")
    # The server is shared: the defaults go back.
    days.fill("-3, 0, 3, 7, 14")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="3 days before")).to_be_visible()
    assert errors == []

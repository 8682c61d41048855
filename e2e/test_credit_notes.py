"""Voids and credit notes: finance voids a paid invoice, the credit note cancels it and keeps
what was paid as credit, and the customer sees the note and the credit.

Globex's oldest paid invoice is used: the other journeys work on Acme and Initech.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.people import log_in, person, shot, watch_console


def total_row(page: Page, label: str) -> Locator:
    return page.locator(".totals__row", has=page.get_by_text(label, exact=True)).locator("dd")


def test_finance_voids_a_paid_invoice_and_the_customer_sees_the_credit(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "fiona@recur.example")
    page.goto(f"{server_url}/invoices?status=PAID")
    rows = page.get_by_role("table", name="Invoices").get_by_role("row").filter(has_text="Globex")
    expect(rows.first).to_be_visible()
    rows.last.get_by_role("link").click()  # newest first: the last row is the oldest
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Invoice INV-\d+$"))
    number = heading.inner_text().removeprefix("Invoice ")
    total = total_row(page, "Total").inner_text()

    # A reason is required; the dialog says what will happen to the money and the charges.
    page.get_by_role("button", name="Void invoice").click()
    dialog = page.get_by_role("dialog", name=f"Void {number}?")
    expect(dialog).to_contain_text("becomes account credit")
    expect(dialog).to_contain_text("the next billing run invoices them afresh")
    dialog.get_by_role("button", name="Void invoice").click()
    expect(dialog.get_by_text("Say why the invoice is voided.")).to_be_visible()
    dialog.get_by_label("Reason").fill("Billed to the wrong Globex entity")
    shot(page, "void-dialog")
    dialog.get_by_role("button", name="Void invoice").click()

    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"credit note CN-\d+ issued"))
    ).to_be_visible()
    expect(page.locator(".badges")).to_contain_text("Void")
    expect(page.get_by_text("Billed to the wrong Globex entity").first).to_be_visible()
    expect(page.get_by_role("button", name="Void invoice")).to_have_count(0)
    screenshot("voided-invoice")

    # The credit note: everything credited, the paid part left as credit.
    page.get_by_role("link", name=re.compile(r"^CN-\d+$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Credit note CN-\d+$"))
    note = page.get_by_role("heading", level=1).inner_text().removeprefix("Credit note ")
    expect(
        page.locator(".totals__row").filter(has_text="Total credited").locator("dd")
    ).to_have_text(total)
    expect(page.get_by_role("link", name=number)).to_be_visible()
    screenshot("credit-note")
    assert errors == []

    with person(browser, server_url, "bob@globex.example") as bob:
        bob_errors = watch_console(bob)
        bob.goto(f"{server_url}/invoices")
        expect(
            bob.get_by_text(re.compile(r"of account credit: it pays your next invoices"))
        ).to_be_visible()
        notes = bob.get_by_role("table", name="Credit notes")
        expect(notes.get_by_role("row").filter(has_text=note)).to_contain_text(number)
        shot(bob, "customer-credit-notes")
        assert bob_errors == []

    # Another account's customer cannot open the note.
    url = page.url
    with person(browser, server_url, "alice@acme.example") as alice:
        alice.goto(url)
        expect(alice.get_by_role("heading", name="Credit note not found")).to_be_visible()


def test_the_credit_note_pdf_downloads(page: Page, server_url: str) -> None:
    log_in(page, server_url, "fiona@recur.example")
    page.goto(f"{server_url}/invoices")
    notes = page.get_by_role("table", name=re.compile("[Cc]redit notes"))
    expect(notes).to_be_visible()
    notes.get_by_role("link", name=re.compile(r"^CN-\d+$")).first.click()
    link = page.get_by_role("link", name="Download PDF")
    expect(link).to_be_visible()
    response = page.request.get(f"{server_url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

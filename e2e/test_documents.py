"""Invoice PDFs: the customer opens an invoice and downloads it; without the session the
same link answers nothing."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, watch_console


def test_the_customer_downloads_an_invoice_as_a_pdf(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "carol@initech.example")
    page.goto(f"{server_url}/invoices")
    rows = page.get_by_role("table", name="Invoices").get_by_role("row")
    rows.get_by_role("link").first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Invoice INV-\d+$"))
    number = heading.inner_text().removeprefix("Invoice ")

    link = page.get_by_role("link", name="Download PDF")
    expect(link).to_have_attribute("href", f"/documents/invoices/{number}.pdf")
    screenshot("invoice-with-pdf-link")
    response = page.request.get(f"{server_url}/documents/invoices/{number}.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{number}.pdf"
    expect(heading).to_have_text(f"Invoice {number}")  # the app stayed where it was

    stranger = browser.new_context()
    try:
        answer = stranger.request.get(f"{server_url}/documents/invoices/{number}.pdf")
        assert answer.status == 401
    finally:
        stranger.close()
    assert errors == []

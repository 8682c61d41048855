"""B2B paperwork in the browser: a customer checks out with her PO number and the invoice
(page and PDF) shows it; an EU business customer with a VAT id is invoiced with reverse
charge; a customer reads a quote's PDF, signs it, and the PDF then shows who signed."""

from __future__ import annotations

import io
import re
from typing import Any

from playwright.sync_api import APIRequestContext, Browser, Page, expect
from pypdf import PdfReader

from e2e.people import PASSWORD, log_in, person, shot, watch_console
from e2e.test_quote_to_order import add_to_cart, nav, summary

LOGIN = """mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token } }"""
ACCOUNTS = "{ accounts(first: 20) { edges { node { id name } } } }"
UPDATE_ACCOUNT = """mutation($a: ID!, $taxId: String!) { updateAccount(input: {accountId: $a,
  billingAddress: {line1: "Friedrichstr. 1", city: "Berlin", postalCode: "10117", country: "DE"},
  taxId: $taxId}) { userErrors { field message } } }"""


def pdf_text(request: APIRequestContext, url: str) -> str:
    response = request.get(url)
    assert response.status == 200
    reader = PdfReader(io.BytesIO(response.body()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def graphql(request: APIRequestContext, server_url: str, query: str, token: str, **variables: Any):
    response = request.post(
        f"{server_url}/graphql",
        data={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.ok
    return response.json()["data"]


def token(request: APIRequestContext, server_url: str, email: str) -> str:
    response = request.post(
        f"{server_url}/graphql",
        data={"query": LOGIN, "variables": {"email": email, "password": PASSWORD}},
    )
    return str(response.json()["data"]["login"]["token"])


def test_a_customer_checks_out_with_her_po_number_and_the_invoice_shows_it(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "carol@initech.example")
    add_to_cart(page, server_url, "SEAT-STD", "4")
    nav(page, "Cart").click()
    expect(summary(page).get_by_label("PO number (optional)")).to_be_visible()
    start_new = summary(page).get_by_role("radio", name=re.compile("^Start a new subscription"))
    if start_new.count():
        start_new.check()
    summary(page).get_by_label("PO number (optional)").fill("PO-INITECH-2026-17")
    screenshot("cart-with-po-number")

    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Order ORD-\d+"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^View invoice INV-\d+$")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Invoice INV-"))).to_be_visible()

    details = page.get_by_role("complementary")
    expect(details).to_contain_text("PO number")
    expect(details).to_contain_text("PO-INITECH-2026-17")
    lines = page.get_by_role("table", name=re.compile(r"^Lines of INV-"))
    expect(lines).to_contain_text("Quantity 4, list USD 100.00")
    expect(lines).to_contain_text("$25.00")  # the unit price column
    screenshot("invoice-with-po-number")
    href = page.get_by_role("link", name="Download PDF").get_attribute("href")
    text = pdf_text(page.request, f"{server_url}{href}")
    assert "PO number PO-INITECH-2026-17" in text
    assert "UNIT PRICE" in text
    assert errors == []


def test_an_eu_business_customer_with_a_vat_id_gets_reverse_charge(
    browser: Browser, server_url: str, screenshot
) -> None:
    with person(browser, server_url, "adam@recur.example") as adam:
        admin = token(adam.request, server_url, "adam@recur.example")
        edges = graphql(adam.request, server_url, ACCOUNTS, admin)["accounts"]["edges"]
        globex = next(e["node"]["id"] for e in edges if e["node"]["name"] == "Globex GmbH")
        updated = graphql(
            adam.request, server_url, UPDATE_ACCOUNT, admin, a=globex, taxId="DE136695976"
        )
        assert updated["updateAccount"]["userErrors"] == []
        try:
            with person(browser, server_url, "bob@globex.example") as bob:
                errors = watch_console(bob)
                add_to_cart(bob, server_url, "SEAT-STD", "3")
                nav(bob, "Cart").click()
                expect(summary(bob).get_by_label("PO number (optional)")).to_be_visible()
                start_new = summary(bob).get_by_role(
                    "radio", name=re.compile("^Start a new subscription")
                )
                if start_new.count():
                    start_new.check()
                bob.get_by_role("button", name="Check out").click()
                bob.get_by_role("link", name=re.compile(r"^View invoice INV-\d+$")).click()
                expect(bob.get_by_role("heading", level=1)).to_have_text(re.compile("^Invoice"))
                totals = bob.get_by_role("region", name="Lines")
                expect(totals).to_contain_text("VAT reverse charge (0 %)")
                expect(totals).to_contain_text("Reverse charge: VAT is to be accounted for")
                shot(bob, "invoice-reverse-charge")
                href = bob.get_by_role("link", name="Download PDF").get_attribute("href")
                text = pdf_text(bob.request, f"{server_url}{href}")
                assert "VAT reverse charge (0 %)" in text
                assert "Article 196" in text
                assert "Tax ID DE136695976" in text
                assert errors == []
        finally:
            # The demo's Globex again for the journeys after this one.
            graphql(adam.request, server_url, UPDATE_ACCOUNT, admin, a=globex, taxId="")


CREATE_QUOTE = (
    """mutation($a: ID!) { createQuote(input: {accountId: $a}) { quote { id number } } }"""
)
ADD_LINE = """mutation($q: ID!, $p: ID!) { addQuoteLine(input: {quoteId: $q, priceId: $p,
  quantity: 30, discountPercent: "10"}) { userErrors { message } } }"""
PO = """mutation($q: ID!) { updateQuote(input: {quoteId: $q, purchaseOrderNumber: "PO-ACME-881"})
  { userErrors { message } } }"""
SEND = """mutation($q: ID!) { sendQuote(input: {quoteId: $q}) { userErrors { message } } }"""
SEATS = '{ product(sku: "SEAT-STD") { prices(currency: "USD") { id billingPeriod } } }'


def test_a_customer_reads_the_quote_pdf_signs_it_and_the_pdf_shows_the_signature(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    # The rep prepares and sends the quote from a context of her own (a login through a
    # page's request context would log that page in too).
    sales = browser.new_context()
    try:
        api = sales.request
        rep = token(api, server_url, "rita@recur.example")
        edges = graphql(api, server_url, ACCOUNTS, rep)["accounts"]["edges"]
        acme = next(e["node"]["id"] for e in edges if e["node"]["name"] == "Acme Corp")
        prices = graphql(api, server_url, SEATS, rep)["product"]["prices"]
        monthly = next(p["id"] for p in prices if p["billingPeriod"] == "MONTH")
        quote = graphql(api, server_url, CREATE_QUOTE, rep, a=acme)["createQuote"]["quote"]
        for step, variables in ((ADD_LINE, {"p": monthly}), (PO, {}), (SEND, {})):
            data = graphql(api, server_url, step, rep, q=quote["id"], **variables)
            assert next(iter(data.values()))["userErrors"] == []
    finally:
        sales.close()

    log_in(page, server_url, "alice@acme.example")
    page.goto(f"{server_url}/quotes/{quote['id']}")
    page.get_by_role("button", name="Accept quote").click()
    dialog = page.get_by_role("dialog")
    read = dialog.get_by_role("link", name=f"Read {quote['number']} (PDF)")
    before = pdf_text(page.request, f"{server_url}{read.get_attribute('href')}")
    assert "PO number PO-ACME-881" in before and "Signature" in before
    assert "Signed by" not in before
    expect(dialog.get_by_label("PO number")).to_have_value("PO-ACME-881")
    dialog.get_by_label("Your name").fill("")
    dialog.get_by_role("button", name="Accept and order").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Enter your name to sign the quote.")
    dialog.get_by_label("Your name").fill("Alice Moreau")
    dialog.get_by_label("Your title").fill("Head of Procurement")
    screenshot("quote-signing")
    dialog.get_by_role("button", name="Accept and order").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Order ORD-\d+"))).to_be_visible()

    page.goto(f"{server_url}/quotes/{quote['id']}")
    details = page.get_by_role("complementary")
    expect(details).to_contain_text("Alice Moreau, Head of Procurement")
    href = details.get_by_role("link", name="Quote PDF").get_attribute("href")
    after = pdf_text(page.request, f"{server_url}{href}")
    assert "Signed by Alice Moreau" in after and "Title Head of Procurement" in after
    assert errors == []

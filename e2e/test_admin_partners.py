"""Admin → Partners and Admin → Settings: an admin issues a partner credentials whose
token sees only the partner's linked accounts, revokes them and the token stops working;
an admin lowers the approval threshold and a rep's quote now needs approval."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.people import PASSWORD, log_in, person, shot, watch_console
from e2e.test_quote_to_order import nav

ACCOUNTS = "query Accounts { accounts { edges { node { id name } } } }"
THRESHOLD = """mutation Threshold($t: Decimal!) {
  updateSettings(input: {approvalThresholdPercent: $t}) { userErrors { message } } }"""


def api(
    server_url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{server_url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    return body


def token_of(server_url: str, email: str) -> str:
    body = api(
        server_url,
        """mutation Login($e: String!, $p: String!) {
          login(input: {email: $e, password: $p}) { token } }""",
        {"e": email, "p": PASSWORD},
    )
    return str(body["data"]["login"]["token"])


@pytest.fixture
def restore_threshold(server_url: str) -> Iterator[None]:
    """The e2e server is shared: the threshold goes back to the demo's 20 % afterwards."""
    yield
    api(server_url, THRESHOLD, {"t": "20"}, token_of(server_url, "adam@recur.example"))


def test_an_admin_issues_partner_credentials_and_revokes_them(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    nav(page, "Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", level=1, name="Partners")).to_be_visible()

    page.get_by_role("button", name="New partner").click()
    dialog = page.get_by_role("dialog", name="New partner")
    dialog.get_by_role("button", name="Create partner").click()
    expect(dialog.get_by_text("name must not be blank.", exact=False)).to_be_visible()
    dialog.get_by_label("Name").fill("Contoso Resellers")
    dialog.get_by_role("button", name="Create partner").click()
    card = page.get_by_role("article", name="Contoso Resellers")
    expect(card.get_by_text("No accounts linked")).to_be_visible()

    card.get_by_role("button", name="Link account").click()
    link = page.get_by_role("dialog", name="Link an account to Contoso Resellers")
    link.get_by_label("Account").select_option(label="Initech")
    link.get_by_role("button", name="Link account").click()
    expect(card.get_by_role("table", name="Accounts linked to Contoso Resellers")).to_contain_text(
        "Initech"
    )

    card.get_by_role("button", name="Issue credentials").click()
    issue = page.get_by_role("dialog", name="Issue credentials to Contoso Resellers")
    expect(issue.get_by_role("checkbox", name="read")).to_be_checked()
    issue.get_by_role("button", name="Issue credentials").click()
    shown = page.get_by_role("dialog", name="Credentials for Contoso Resellers")
    expect(shown.get_by_role("alert")).to_contain_text("shown only this once")
    client_id = shown.locator("code.client-id").inner_text()
    secret = shown.get_by_label("Client secret").input_value()
    assert client_id.startswith("contoso-resellers-") and len(secret) >= 40
    shown.get_by_role("button", name="Copy secret").click()
    expect(shown.get_by_role("status")).not_to_be_empty()
    screenshot("admin-partner-credentials")
    shown.get_by_role("button", name="I have stored the secret").click()
    clients = card.get_by_role("table", name="API clients of Contoso Resellers")
    expect(clients).to_contain_text(client_id)
    expect(clients).to_contain_text("Active")
    expect(page.get_by_text(secret)).to_have_count(0)

    granted = httpx.post(
        f"{server_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    assert granted.status_code == 200, granted.text
    token = granted.json()["access_token"]
    seen = api(server_url, ACCOUNTS, token=token)["data"]["accounts"]["edges"]
    assert [edge["node"]["name"] for edge in seen] == ["Initech"]

    clients.get_by_role("button", name="Revoke").click()
    confirm = page.get_by_role("dialog", name=f"Revoke {client_id}?")
    confirm.get_by_role("button", name="Revoke client").click()
    expect(clients).to_contain_text("Revoked")
    screenshot("admin-partners")
    refused = api(server_url, ACCOUNTS, token=token)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = httpx.post(
        f"{server_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    assert again.status_code == 401
    assert errors == []


def test_an_admin_lowers_the_approval_threshold_and_a_quote_needs_approval(
    page: Page, browser: Browser, server_url: str, screenshot, restore_threshold: None
) -> None:
    errors = watch_console(page)
    rita = token_of(server_url, "rita@recur.example")
    accounts = api(server_url, ACCOUNTS, token=rita)["data"]["accounts"]["edges"]
    acme = next(e["node"]["id"] for e in accounts if e["node"]["name"] == "Acme Corp")
    quote = api(
        server_url,
        """mutation NewQuote($a: ID!) { createQuote(input: {accountId: $a, termMonths: 12}) {
          quote { id version } } }""",
        {"a": acme},
        rita,
    )["data"]["createQuote"]["quote"]
    prices = api(
        server_url, '{ product(sku: "SEAT-PRO") { prices(currency: "USD") { id billingPeriod } } }'
    )
    price = next(
        p["id"] for p in prices["data"]["product"]["prices"] if p["billingPeriod"] == "MONTH"
    )
    api(
        server_url,
        """mutation Line($q: ID!, $p: ID!, $v: Int) { addQuoteLine(input: {quoteId: $q,
          priceId: $p, quantity: 10, discountPercent: "15", expectedVersion: $v}) {
          quote { id } } }""",
        {"q": quote["id"], "p": price, "v": quote["version"]},
        rita,
    )
    quote_url = f"{server_url}/quotes/{quote['id']}"

    with person(browser, server_url, "rita@recur.example") as rep:
        rep.goto(quote_url)
        expect(rep.get_by_role("complementary", name="Status and actions")).to_be_visible()
        expect(rep.get_by_text("Approval needed", exact=True)).to_have_count(0)

        log_in(page, server_url, "adam@recur.example")
        page.goto(f"{server_url}/admin/settings")
        expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()
        threshold = page.get_by_label("Approval threshold (%)")
        expect(threshold).to_have_value("20.00")
        threshold.fill("101")
        page.get_by_role("button", name="Save settings").click()
        expect(threshold).to_have_attribute("aria-invalid", "true")
        threshold.fill("10")
        expect(threshold).not_to_have_attribute("aria-invalid", "true")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status").filter(has_text="Last changed")).to_be_visible()
        expect(threshold).to_have_value("10.00")
        screenshot("admin-settings")

        rep.reload()
        expect(rep.get_by_text("Approval needed", exact=True)).to_be_visible()
    assert errors == []


def test_a_partner_with_quotes_write_quotes_its_customer_who_sees_it_in_the_portal(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "adam@recur.example")
    page.goto(f"{server_url}/admin/partners")
    card = page.get_by_role("article", name="Northwind")
    card.get_by_role("button", name="Issue credentials").click()
    issue = page.get_by_role("dialog", name="Issue credentials to Northwind")
    quoting = issue.get_by_role("checkbox", name="quotes:write")
    expect(issue).to_contain_text("Create and edit quotes for the accounts linked to the partner")
    quoting.check()
    screenshot("admin-partner-scopes")
    issue.get_by_role("button", name="Issue credentials").click()
    shown = page.get_by_role("dialog", name="Credentials for Northwind")
    client_id = shown.locator("code.client-id").inner_text()
    secret = shown.get_by_label("Client secret").input_value()
    shown.get_by_role("button", name="I have stored the secret").click()

    granted = httpx.post(
        f"{server_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    assert granted.status_code == 200, granted.text
    assert set(granted.json()["scope"].split()) == {"read", "quotes:write"}
    token = granted.json()["access_token"]
    seen = api(server_url, ACCOUNTS, token=token)["data"]["accounts"]["edges"]
    globex = next(e["node"]["id"] for e in seen if e["node"]["name"] == "Globex GmbH")
    quote = api(
        server_url,
        """mutation NewQuote($a: ID!) { createQuote(input: {accountId: $a, termMonths: 12}) {
          quote { id number version createdByPartner } userErrors { message } } }""",
        {"a": globex},
        token,
    )["data"]["createQuote"]["quote"]
    assert quote["createdByPartner"] == "Northwind"
    prices = api(
        server_url, '{ product(sku: "SEAT-PRO") { prices(currency: "EUR") { id billingPeriod } } }'
    )
    price = next(
        p["id"] for p in prices["data"]["product"]["prices"] if p["billingPeriod"] == "MONTH"
    )
    added = api(
        server_url,
        """mutation Line($q: ID!, $p: ID!, $v: Int) { addQuoteLine(input: {quoteId: $q,
          priceId: $p, quantity: 8, discountPercent: "5", expectedVersion: $v}) {
          quote { id } userErrors { message } } }""",
        {"q": quote["id"], "p": price, "v": quote["version"]},
        token,
    )["data"]["addQuoteLine"]
    assert added["userErrors"] == []
    sent = api(
        server_url,
        """mutation Send($q: ID!) { sendQuote(input: {quoteId: $q}) { quote { status }
          userErrors { message } } }""",
        {"q": quote["id"]},
        token,
    )["data"]["sendQuote"]
    assert sent["quote"]["status"] == "SENT", sent

    for width, name in ((1280, "desktop"), (390, "phone")):
        with person(browser, server_url, "bob@globex.example", width=width) as bob:
            bob.goto(f"{server_url}/quotes")
            bob.get_by_role("link", name=quote["number"]).first.click()
            expect(
                bob.get_by_role("heading", level=1, name=f"Quote {quote['number']}")
            ).to_be_visible()
            expect(bob.get_by_text("From Northwind (partner)")).to_be_visible()
            history = bob.get_by_role("region", name="History")
            expect(history).to_contain_text("Northwind (partner)")
            shot(bob, f"partner-quote-in-portal-{name}")
    assert errors == []

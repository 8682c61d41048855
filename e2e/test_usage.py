"""Usage-based billing: a partner posts usage for its customer's metered item; the customer
sees usage to date and the upcoming invoice; the billing run at the period's end invoices it
by the tiers, to the cent of the upcoming invoice.

A server of its own: the run bills a month ahead, which the shared server's journeys must
not see.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Browser, expect

from e2e.people import person, shot
from e2e.server import running_server
from e2e.test_admin_catalog import calculator, fill_tiers


@pytest.fixture(scope="module")
def usage_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("usage-server")) as url:
        yield url


def post(url: str, body: bytes, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def gql(server: str, query: str, variables: dict[str, Any] | None = None, token: str = "") -> Any:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    answer = post(f"{server}/graphql", body, headers)
    assert "errors" not in answer, answer
    return answer["data"]


def login(server: str, email: str) -> str:
    query = 'mutation($e: String!) { login(input: {email: $e, password: "recur-demo"}) { token } }'
    return str(gql(server, query, {"e": email})["login"]["token"])


def one(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload
    return payload


def test_a_partner_posts_usage_and_the_run_invoices_what_the_customer_was_shown(
    browser: Browser, usage_server: str, tmp_path: Path
) -> None:
    server = usage_server
    adam = login(server, "adam@recur.example")
    product = one(
        gql(
            server,
            """mutation { createProduct(input: {sku: "EVENTS-M", name: "Events processed",
              category: "Platform", kind: SUBSCRIPTION}) { product { id } userErrors { field
              message code } } }""",
            token=adam,
        )["createProduct"]
    )["product"]["id"]
    # Adam prices it in the catalog screens: metered, per 1,000 events, graduated tiers.
    with person(browser, server, "adam@recur.example") as page:
        page.goto(f"{server}/admin/catalog/{product}")
        page.get_by_role("link", name="Add price").click()
        page.get_by_role("textbox", name="Currency").fill("EUR")
        page.get_by_label("Charged on").select_option(label="Measured usage")
        page.get_by_label("Model").select_option(label="Graduated tiers")
        fill_tiers(page, [("10", "2.00", "0"), ("", "1.50", "0")])
        page.get_by_label("Usage counted as").select_option(label="Period total")
        page.get_by_label("Units per package").fill("1000")
        calculator(page).get_by_label("Packages").fill("16")
        expect(calculator(page).get_by_test_id("calculator-total")).to_have_text("€29.00")
        shot(page, "usage-admin-price-form")
        page.get_by_role("button", name="Add price").click()
        prices = page.get_by_role("table", name="Prices, archived ones included")
        expect(prices).to_contain_text("Metered")
        expect(prices).to_contain_text("per 1,000 units used / month, billed in arrears")
        shot(page, "usage-admin-product")
    [price] = gql(
        server,
        """query($p: ID!) { product(id: $p) { prices { id usageType aggregation
          packageSize } } }""",
        {"p": product},
        token=adam,
    )["product"]["prices"]
    assert (price["usageType"], price["aggregation"], price["packageSize"]) == (
        "METERED",
        "SUM",
        1000,
    )

    # Bob (Globex, a Northwind customer) buys it: an estimate of 5 packages a month.
    bob = login(server, "bob@globex.example")
    one(
        gql(
            server,
            """mutation($p: ID!) { addToCart(input: {priceId: $p, quantity: 5}) {
              cart { id } userErrors { field message code } } }""",
            {"p": price["id"]},
            token=bob,
        )["addToCart"]
    )
    order = one(
        gql(
            server,
            """mutation { checkout { order { subscription { id number
              items { id product { sku } } } } userErrors { field message code } } }""",
            token=bob,
        )["checkout"]
    )["order"]
    subscription = order["subscription"]
    item = next(i["id"] for i in subscription["items"] if i["product"]["sku"] == "EVENTS-M")

    # Northwind gets a client with usage:write and posts the day's usage as NDJSON.
    partners = gql(server, "{ partners(first: 10) { edges { node { id name } } } }", token=adam)
    northwind = next(
        e["node"]["id"] for e in partners["partners"]["edges"] if e["node"]["name"] == "Northwind"
    )
    credentials = one(
        gql(
            server,
            """mutation($p: ID!) { createPartnerClient(input: {partnerId: $p,
              scopes: ["read", "usage:write"]}) { client { clientId } clientSecret
              userErrors { field message code } } }""",
            {"p": northwind},
            token=adam,
        )["createPartnerClient"]
    )
    import base64

    basic = base64.b64encode(
        f"{credentials['client']['clientId']}:{credentials['clientSecret']}".encode()
    ).decode()
    token = post(
        f"{server}/oauth/token",
        b"grant_type=client_credentials",
        {"authorization": f"Basic {basic}", "content-type": "application/x-www-form-urlencoded"},
    )["access_token"]
    now = datetime.now(UTC)
    lines = [
        {
            "subscriptionItemId": item,
            "quantity": quantity,
            "occurredAt": (now - timedelta(minutes=minutes)).isoformat(),
            "idempotencyKey": f"batch-1-{n}",
        }
        for n, (quantity, minutes) in enumerate([(8_000, 30), (6_500, 20), (1_000, 10)])
    ]
    answer = post(
        f"{server}/api/usage",
        "\n".join(json.dumps(line) for line in lines).encode(),
        {"authorization": f"Bearer {token}", "content-type": "application/x-ndjson"},
    )
    assert (answer["recorded"], answer["errors"]) == (3, [])

    # Bob sees the usage to date and the upcoming invoice: 15,500 → 16 packages,
    # 10 × 2.00 + 6 × 1.50 = 29.00, and Globex's 19% tax.
    with person(browser, server, "bob@globex.example") as page:
        page.goto(f"{server}/subscriptions/{subscription['id']}")
        usage = page.get_by_role("region", name="Usage")
        expect(usage).to_contain_text("15,500")
        expect(usage).to_contain_text("To date")
        upcoming = page.get_by_role("region", name="Upcoming invoice")
        expect(upcoming).to_contain_text("Usage to date")
        expect(upcoming).to_contain_text("29.00")
        total = upcoming.locator(".totals__row", has=page.get_by_text("Total", exact=True))
        shown = total.locator("dd").inner_text()
        expect(total).to_contain_text("34.51")
        shot(page, "usage-subscription")
        page.set_viewport_size({"width": 390, "height": 844})
        shot(page, "usage-subscription-phone")

    # Finance runs the billing at the period's end: the invoice is the one Bob was shown.
    fiona = login(server, "fiona@recur.example")
    upcoming_date = gql(
        server,
        """query($id: ID!) { subscription(id: $id) { upcomingInvoice { issueDate
          total { amount } } } }""",
        {"id": subscription["id"]},
        token=bob,
    )["subscription"]["upcomingInvoice"]
    assert upcoming_date["issueDate"] == (date.today() + relativedelta(months=1)).isoformat()
    run = one(
        gql(
            server,
            """mutation($d: Date!) { runBilling(input: {asOf: $d}) { run { invoices {
              number account { name } total { amount } } } userErrors { field message code } } }""",
            {"d": upcoming_date["issueDate"]},
            token=fiona,
        )["runBilling"]
    )
    globex = [i for i in run["run"]["invoices"] if i["account"]["name"] == "Globex GmbH"]
    assert len(globex) == 1
    number = globex[0]["number"]
    with person(browser, server, "bob@globex.example") as page:
        page.goto(f"{server}/invoices")
        page.get_by_role("link", name=number).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {number}")
        expect(page.locator("main")).to_contain_text("Events processed")
        expect(page.locator("main")).to_contain_text("29.00")
        invoice_total = page.locator(".totals__row", has=page.get_by_text("Total", exact=True))
        # Globex's other subscriptions bill on the same run: the metered line is the same.
        assert re.search(r"\d", shown)
        expect(invoice_total).to_be_visible()
        shot(page, "usage-invoice")

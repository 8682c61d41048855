"""Quote documents and signed acceptance; tax rates by jurisdiction and tax-exempt accounts,
as admins keep them and invoices charge them (docs/billing.md, "Tax")."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, TaxRate
from tests.graphql.test_access import ACTORS, ANONYMOUS, PARTNER, error_codes, partner_token
from tests.graphql.test_drafts_api import _acme, _monthly_seats
from tests.graphql.test_paperwork_api import CHECKOUT, pdf_text
from tests.graphql.test_quote_to_order_api import ADD, price_of

CREATE = """mutation($account: ID!) { createQuote(input: {accountId: $account}) {
  quote { id number version } userErrors { field message code } } }"""
ADD_LINE = """mutation($quote: ID!, $price: ID!) {
  addQuoteLine(input: {quoteId: $quote, priceId: $price, quantity: 5}) {
  quote { version } userErrors { field message code } } }"""
UPDATE = """mutation($quote: ID!, $po: String) {
  updateQuote(input: {quoteId: $quote, purchaseOrderNumber: $po}) {
  quote { version purchaseOrderNumber } userErrors { field message code } } }"""
SEND = """mutation($id: ID!) { sendQuote(input: {quoteId: $id}) {
  quote { version pdfUrl } userErrors { field message code } } }"""
ACCEPT = """mutation($id: ID!, $name: String!, $title: String!) {
  acceptQuote(input: {quoteId: $id, signerName: $name, signerTitle: $title}) {
  order { purchaseOrderNumber invoice { purchaseOrderNumber }
          quote { status acceptance { signerName signerTitle acceptedAt version } } }
  userErrors { field message code } } }"""
SET_RATE = """mutation($country: String!, $region: String!, $name: String!, $rate: Decimal!) {
  setTaxRate(input: {country: $country, region: $region, name: $name, ratePercent: $rate}) {
  taxRate { id country region name ratePercent } userErrors { field message code } } }"""
DELETE_RATE = """mutation($id: ID!) { deleteTaxRate(input: {taxRateId: $id}) {
  userErrors { field message code } } }"""
RATES = "{ taxRates { country region name ratePercent } }"
EXEMPT = """mutation($a: ID!, $exempt: Boolean, $cert: String) {
  updateAccount(input: {accountId: $a, taxExempt: $exempt, taxExemptionCertificate: $cert}) {
  account { taxExempt taxExemptionCertificate } userErrors { field message code } } }"""
ADMIN = "adam@recur.example"
STAFF = {"rita@recur.example", "sam@recur.example", "maria@recur.example", "fiona@recur.example"}


async def _sent(gql, rita: str, po: str) -> dict[str, Any]:
    quote = (await gql(CREATE, {"account": await _acme(gql, rita)}, token=rita))["data"][
        "createQuote"
    ]["quote"]
    await gql(ADD_LINE, {"quote": quote["id"], "price": await _monthly_seats(gql)}, token=rita)
    updated = (await gql(UPDATE, {"quote": quote["id"], "po": po}, token=rita))["data"]
    assert updated["updateQuote"]["quote"]["purchaseOrderNumber"] == po
    sent = (await gql(SEND, {"id": quote["id"]}, token=rita))["data"]["sendQuote"]
    assert sent["userErrors"] == []
    return {**quote, **sent["quote"]}


async def test_the_customer_reads_the_quote_signs_it_and_the_pdf_shows_the_acceptance(
    gql, login, client
) -> None:
    rita = await login("rita@recur.example")
    quote = await _sent(gql, rita, "PO-77")
    alice = await login("alice@acme.example")
    auth = {"authorization": f"Bearer {alice}"}

    before = pdf_text(await client.get(quote["pdfUrl"], headers=auth))
    accepted = (
        await gql(ACCEPT, {"id": quote["id"], "name": "Ada Byron", "title": "CFO"}, token=alice)
    )["data"]["acceptQuote"]
    after = pdf_text(await client.get(quote["pdfUrl"], headers=auth))

    assert f"Quote {quote['number']}" in before
    assert "PO number PO-77" in before and "Valid until" in before
    assert "Standard Seats" in before and "Total over the term, before tax" in before
    assert "Name" in before and "Signature" in before and "Signed by" not in before
    assert accepted["userErrors"] == []
    order = accepted["order"]
    assert order["purchaseOrderNumber"] == order["invoice"]["purchaseOrderNumber"] == "PO-77"
    acceptance = order["quote"]["acceptance"]
    assert (acceptance["signerName"], acceptance["signerTitle"]) == ("Ada Byron", "CFO")
    assert acceptance["version"] == quote["version"]
    assert "Signed by Ada Byron" in after and "Title CFO" in after
    assert f"Version signed {quote['version']}" in after
    # Another account's customer sees no such quote document.
    carol = await login("carol@initech.example")
    other = await client.get(quote["pdfUrl"], headers={"authorization": f"Bearer {carol}"})
    assert other.status_code == 404


async def test_a_signer_name_too_long_is_refused_and_the_quote_stays_sent(gql, login) -> None:
    rita = await login("rita@recur.example")
    quote = await _sent(gql, rita, "")
    alice = await login("alice@acme.example")

    refused = (await gql(ACCEPT, {"id": quote["id"], "name": "N" * 201, "title": ""}, token=alice))[
        "data"
    ]["acceptQuote"]

    assert refused["order"] is None
    assert refused["userErrors"][0]["field"] == ["input", "signerName"]
    status = await gql(
        "query($id: ID!) { quote(id: $id) { status } }", {"id": quote["id"]}, token=alice
    )
    assert status["data"]["quote"]["status"] == "SENT"


async def test_an_invoice_charges_the_rate_of_the_billing_region_else_country(
    gql, login, db
) -> None:
    adam = await login(ADMIN)
    country = await gql(
        SET_RATE, {"country": "us", "region": "", "name": "Sales tax", "rate": "5"}, token=adam
    )
    state = await gql(
        SET_RATE,
        {"country": "US", "region": "ca", "name": "CA sales tax", "rate": "7.25"},
        token=adam,
    )
    assert country["data"]["setTaxRate"]["userErrors"] == []
    assert state["data"]["setTaxRate"]["taxRate"]["region"] == "CA"
    async with db.transaction() as session:
        await session.execute(
            update(Account)
            .where(Account.name == "Acme Corp")
            .values(billing_country="US", billing_region="CA")
        )
    alice = await login("alice@acme.example")
    await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 7}, token=alice)

    invoice = (await gql(CHECKOUT, {"po": None}, token=alice))["data"]["checkout"]["order"][
        "invoice"
    ]

    # 7 × 25.00 = 175.00; 7.25 % of it is 12.6875, rounded once: 12.69.
    assert invoice["taxLines"][0] == {
        "name": "CA sales tax",
        "ratePercent": "7.25",
        "amount": {"amount": "12.69", "currency": "USD"},
    }
    assert invoice["total"]["amount"] == "187.69"
    rates = (await gql(RATES, token=adam))["data"]["taxRates"]
    assert [(r["country"], r["region"]) for r in rates] == [("US", ""), ("US", "CA")]
    removed = await gql(
        DELETE_RATE, {"id": state["data"]["setTaxRate"]["taxRate"]["id"]}, token=adam
    )
    assert removed["data"]["deleteTaxRate"]["userErrors"] == []
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TaxRate)) == 1
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions.count("tax_rate.set") == 2 and "tax_rate.delete" in actions


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"country": "XX", "region": "", "name": "VAT", "rate": "20"}, "country"),
        ({"country": "FR", "region": "", "name": "  ", "rate": "20"}, "name"),
        ({"country": "FR", "region": "", "name": "VAT", "rate": "100.5"}, "ratePercent"),
        ({"country": "FR", "region": "", "name": "VAT", "rate": "-1"}, "ratePercent"),
        ({"country": "FR", "region": "", "name": "VAT", "rate": "20.00001"}, "ratePercent"),
    ],
)
async def test_bad_tax_rates_are_refused_naming_the_field(gql, login, db, values, field) -> None:
    adam = await login(ADMIN)

    body = await gql(SET_RATE, values, token=adam)

    assert body["data"]["setTaxRate"]["taxRate"] is None
    assert body["data"]["setTaxRate"]["userErrors"][0]["field"] == ["input", field]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TaxRate)) == 0


async def test_a_tax_exempt_account_pays_no_tax_and_its_certificate_prints(
    gql, login, client
) -> None:
    adam = await login(ADMIN)
    acme = await _acme(gql, adam)
    missing = await gql(EXEMPT, {"a": acme, "exempt": True, "cert": None}, token=adam)
    assert missing["data"]["updateAccount"]["userErrors"][0]["field"] == [
        "input",
        "taxExemptionCertificate",
    ]
    body = await gql(EXEMPT, {"a": acme, "exempt": True, "cert": "CA-RESALE-123"}, token=adam)
    assert body["data"]["updateAccount"]["account"] == {
        "taxExempt": True,
        "taxExemptionCertificate": "CA-RESALE-123",
    }
    alice = await login("alice@acme.example")
    await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 4}, token=alice)

    invoice = (await gql(CHECKOUT, {"po": None}, token=alice))["data"]["checkout"]["order"][
        "invoice"
    ]

    assert invoice["tax"]["amount"] == "0.00"
    assert invoice["taxNote"] == "Tax exempt: certificate CA-RESALE-123."
    text = pdf_text(
        await client.get(invoice["pdfUrl"], headers={"authorization": f"Bearer {alice}"})
    )
    assert "Tax exempt (0 %)" in text and "certificate CA-RESALE-123" in text


@pytest.mark.parametrize("actor", ACTORS)
async def test_staff_read_tax_rates_and_only_admins_change_them(
    gql, login, client, db: Database, actor: str
) -> None:
    token = None
    if actor == PARTNER:
        token = await partner_token(client)
    elif actor != ANONYMOUS:
        token = await login(actor)

    read = await gql(RATES, token=token)
    write = await gql(
        SET_RATE, {"country": "FR", "region": "", "name": "VAT", "rate": "20"}, token=token
    )

    if actor == ADMIN:
        assert read == {"data": {"taxRates": []}}
        assert write["data"]["setTaxRate"]["userErrors"] == []
        return
    expected = "UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"
    assert error_codes(write) == [expected]
    if actor in STAFF:
        assert read == {"data": {"taxRates": []}}
    else:
        assert error_codes(read) == [expected]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TaxRate)) == 0

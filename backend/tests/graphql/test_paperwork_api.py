"""B2B paperwork through the API: PO numbers from checkout to invoice, bill-to and seller
frozen on the invoice, reverse charge for EU business buyers, signed quote acceptance, and
the PDFs that print all of it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import httpx
from pypdf import PdfReader
from sqlalchemy import select, update

from recur.db.engine import Database
from recur.db.models import Account, Invoice
from recur.services import invoicing
from tests.graphql.test_quote_to_order_api import ADD, price_of

#: "OOO Romashka" in Cyrillic letters (escaped: they look Latin).
ROMASHKA = "\u041e\u041e\u041e \u0420\u043e\u043c\u0430\u0448\u043a\u0430"
CHECKOUT = """mutation($po: String) { checkout(input: {termMonths: 12, purchaseOrderNumber: $po}) {
  order { number purchaseOrderNumber invoice { number purchaseOrderNumber pdfUrl reverseCharge
    taxNote subtotal { amount } tax { amount } total { amount }
    taxLines { name ratePercent amount { amount currency } }
    billTo { name taxId email address { line1 city postalCode country } }
    lines { unitAmount { amount } quantity amount { amount } wording explanation } } }
  userErrors { field message code } } }"""
SELLER = invoicing.SellerDetails(
    name="Recur Europe Ltd",
    address=("1 Dock Road", "Dublin 2", "Ireland"),
    email="billing@recur.example",
    tax_id="IE6388047V",
    country="IE",
)


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def embedded_fonts(response: httpx.Response) -> set[str]:
    reader = PdfReader(io.BytesIO(response.content))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            if "/FontFile2" in descendant["/FontDescriptor"]:
                names.add(str(font["/BaseFont"]))
    return names


async def _set_account(db: Database, account: str, **values: object) -> None:
    async with db.transaction() as session:
        await session.execute(update(Account).where(Account.name == account).values(**values))


async def test_a_po_number_goes_from_checkout_to_the_order_invoice_and_pdf(
    gql, login, client, db
) -> None:
    await _set_account(
        db,
        "Acme Corp",
        name=ROMASHKA,
        billing_line1="ул. Ленина 1",
        billing_city="Москва",
        billing_country="RU",
        billing_email="ap@acme.example",
    )
    alice = await login("alice@acme.example")
    await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 10}, token=alice)

    body = await gql(CHECKOUT, {"po": "  PO-2026-0042  "}, token=alice)

    payload = body["data"]["checkout"]
    assert payload["userErrors"] == []
    order = payload["order"]
    invoice = order["invoice"]
    assert order["purchaseOrderNumber"] == invoice["purchaseOrderNumber"] == "PO-2026-0042"
    assert invoice["billTo"]["name"] == ROMASHKA
    assert invoice["billTo"]["address"]["city"] == "Москва"
    assert invoice["billTo"]["email"] == "ap@acme.example"
    assert invoice["reverseCharge"] is False
    [line] = invoice["lines"]
    assert line["unitAmount"]["amount"] == "25.00"
    assert line["wording"] == "Quantity 10, list USD 250.00"
    assert "quote" in line["explanation"]  # the trace stays for staff
    [tax] = invoice["taxLines"]
    assert tax["amount"]["amount"] == invoice["tax"]["amount"]
    assert tax["ratePercent"] == "8.25"
    text = pdf_text(
        await client.get(invoice["pdfUrl"], headers={"authorization": f"Bearer {alice}"})
    )
    assert "PO number PO-2026-0042" in text
    assert ROMASHKA in text
    assert "ул. Ленина 1" in text
    assert "UNIT PRICE" in text and "USD 25.00" in text
    assert "Quantity 10, list USD 250.00" in text
    assert "Tax (8.25 %)" in text
    fonts = embedded_fonts(
        await client.get(invoice["pdfUrl"], headers={"authorization": f"Bearer {alice}"})
    )
    assert fonts and all("DejaVuSans" in name for name in fonts)


async def test_a_bad_po_number_is_refused_naming_the_field_and_the_cart_stays(gql, login) -> None:
    alice = await login("alice@acme.example")
    await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 3}, token=alice)

    long = await gql(CHECKOUT, {"po": "P" * 101}, token=alice)
    control = await gql(CHECKOUT, {"po": "PO\u0007"}, token=alice)

    for body in (long, control):
        payload = body["data"]["checkout"]
        assert payload["order"] is None
        assert payload["userErrors"][0]["field"] == ["input", "purchaseOrderNumber"]
    cart = await gql("{ cart { lines { quantity } } }", token=alice)
    assert cart["data"]["cart"]["lines"] == [{"quantity": 3}]


async def test_an_eu_business_buyer_with_a_vat_id_gets_reverse_charge(
    gql, login, client, db, clock
) -> None:
    await invoicing.record_seller(db, SELLER, now=clock.now())
    await _set_account(
        db, "Globex GmbH", billing_country="DE", billing_city="Berlin", tax_id="DE136695976"
    )
    bob = await login("bob@globex.example")
    body = await gql(
        """query { product(sku: "SEAT-STD") { prices(currency: "EUR") { id billingPeriod } } }"""
    )
    price = next(
        p["id"] for p in body["data"]["product"]["prices"] if p["billingPeriod"] == "MONTH"
    )
    await gql(ADD, {"price": price, "q": 5}, token=bob)

    invoice = (await gql(CHECKOUT, {"po": None}, token=bob))["data"]["checkout"]["order"]["invoice"]

    assert invoice["reverseCharge"] is True
    assert invoice["tax"]["amount"] == "0.00"
    assert invoice["total"] == invoice["subtotal"]
    assert invoice["taxLines"][0]["name"] == "VAT reverse charge"
    assert "Article 196" in invoice["taxNote"]
    text = pdf_text(await client.get(invoice["pdfUrl"], headers={"authorization": f"Bearer {bob}"}))
    assert "Recur Europe Ltd" in text and "Tax ID IE6388047V" in text
    assert "VAT reverse charge (0 %)" in text
    assert "Reverse charge: VAT is to be accounted for by the recipient" in text
    assert "Tax ID DE136695976" in text


async def test_an_invoice_keeps_the_seller_and_buyer_it_was_issued_with(
    gql, login, client, db, clock
) -> None:
    await invoicing.record_seller(db, SELLER, now=clock.now())
    alice = await login("alice@acme.example")
    await gql(ADD, {"price": await price_of(gql, "SEAT-STD"), "q": 2}, token=alice)
    invoice = (await gql(CHECKOUT, {"po": "PO-1"}, token=alice))["data"]["checkout"]["order"][
        "invoice"
    ]

    renamed = SELLER.__class__(**{**SELLER.__dict__, "name": "Renamed Holdings"})
    await invoicing.record_seller(db, renamed, now=datetime(2027, 1, 1, tzinfo=UTC))
    await invoicing.record_seller(db, renamed, now=datetime(2027, 1, 2, tzinfo=UTC))  # no-op
    await _set_account(db, "Acme Corp", name="Acme Renamed")

    text = pdf_text(
        await client.get(invoice["pdfUrl"], headers={"authorization": f"Bearer {alice}"})
    )
    assert "Recur Europe Ltd" in text and "Renamed Holdings" not in text
    assert "Acme Corp" in text and "Acme Renamed" not in text
    async with db.session() as session:
        sellers = await session.scalars(select(Invoice.seller_id).distinct())
        assert len(list(sellers)) >= 1

"""voidInvoice and credit notes over GraphQL: finance only, userErrors for bad input, and
another account's credit notes answer like ones that do not exist."""

from __future__ import annotations

from decimal import Decimal

VOID = """mutation($invoice: ID!, $reason: String!) {
  voidInvoice(input: {invoiceId: $invoice, reason: $reason}) {
    invoice { number status voidReason balanceDue { amount } amountCredited { amount }
              creditNotes { number } credits { amount { amount } creditNote { number } } }
    creditNote { id number reason total { amount } amountApplied { amount }
                 unappliedAmount { amount } pdfUrl invoice { number }
                 lines { description amount { amount } explanation }
                 applications { amount { amount } invoice { number } } }
    userErrors { field message code } } }"""
OPEN = """query($status: InvoiceStatus) { invoices(first: 50, status: $status) { edges { node {
  id number status total { amount } amountPaid { amount } balanceDue { amount }
  account { name } } } } }"""
NOTES = "{ creditNotes(first: 20) { totalCount edges { node { id number account { name } } } } }"


async def _invoice(gql, token: str, account: str, status: str = "OPEN") -> dict:
    body = await gql(OPEN, {"status": status}, token=token)
    return next(
        e["node"]
        for e in body["data"]["invoices"]["edges"]
        if e["node"]["account"]["name"] == account
    )


async def test_finance_voids_an_invoice_and_gets_its_credit_note(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    acme = await _invoice(gql, fiona, "Acme Corp")  # the demo leaves it partly paid
    paid = Decimal(acme["amountPaid"]["amount"])

    body = await gql(VOID, {"invoice": acme["id"], "reason": "Wrong PO number"}, token=fiona)
    payload = body["data"]["voidInvoice"]

    assert payload["userErrors"] == []
    invoice, note = payload["invoice"], payload["creditNote"]
    assert invoice["status"] == "VOID" and invoice["voidReason"] == "Wrong PO number"
    assert invoice["balanceDue"]["amount"] == "0.00"
    assert invoice["creditNotes"] == [{"number": "CN-000001"}]
    assert note["number"] == "CN-000001" and note["invoice"]["number"] == acme["number"]
    assert note["reason"] == f"Void of {acme['number']}: Wrong PO number"
    assert note["total"] == acme["total"]
    assert Decimal(note["unappliedAmount"]["amount"]) == paid
    assert note["applications"] == [
        {"amount": acme["balanceDue"], "invoice": {"number": acme["number"]}}
    ]
    assert note["pdfUrl"] == "/documents/credit-notes/CN-000001.pdf"
    assert all(acme["number"] in line["explanation"] for line in note["lines"])

    account = await gql(
        "{ accounts { edges { node { name creditBalance { amount } } } } }", token=fiona
    )
    credit = {
        e["node"]["name"]: e["node"]["creditBalance"]["amount"]
        for e in account["data"]["accounts"]["edges"]
    }
    assert Decimal(credit["Acme Corp"]) == paid

    node = await gql(
        "query($id: ID!) { node(id: $id) { ... on CreditNote { number } } }",
        {"id": note["id"]},
        token=fiona,
    )
    assert node["data"]["node"] == {"number": "CN-000001"}


async def test_bad_voids_are_user_errors_and_write_nothing(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    acme = await _invoice(gql, fiona, "Acme Corp")
    blank = await gql(VOID, {"invoice": acme["id"], "reason": " "}, token=fiona)
    assert blank["data"]["voidInvoice"]["userErrors"] == [
        {
            "field": ["input", "reason"],
            "message": "Say why the invoice is voided.",
            "code": "REASON_REQUIRED",
        }
    ]
    unknown = await gql(VOID, {"invoice": "SW52b2ljZTo5OTk5OQ==", "reason": "x"}, token=fiona)
    assert unknown["data"]["voidInvoice"]["userErrors"][0]["code"] == "UNKNOWN_INVOICE"
    await gql(VOID, {"invoice": acme["id"], "reason": "once"}, token=fiona)
    twice = await gql(VOID, {"invoice": acme["id"], "reason": "twice"}, token=fiona)
    assert twice["data"]["voidInvoice"]["userErrors"][0]["code"] == "ALREADY_VOID"
    notes = await gql(NOTES, token=fiona)
    assert notes["data"]["creditNotes"]["totalCount"] == 1


async def test_only_finance_voids_and_customers_see_only_their_own_credit_notes(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    initech = await _invoice(gql, fiona, "Initech")
    await gql(VOID, {"invoice": initech["id"], "reason": "duplicate"}, token=fiona)
    acme = await _invoice(gql, fiona, "Acme Corp")

    for email in ("alice@acme.example", "rita@recur.example", "maria@recur.example"):
        token = await login(email)
        body = await gql(VOID, {"invoice": acme["id"], "reason": "mine"}, token=token)
        assert body["data"] is None or body["data"]["voidInvoice"] is None
        assert body["errors"], email

    alice = await login("alice@acme.example")  # Acme's customer: Initech's note is not hers
    assert (await gql(NOTES, token=alice))["data"]["creditNotes"]["totalCount"] == 0
    every = await gql(NOTES, token=fiona)
    [note] = [e["node"] for e in every["data"]["creditNotes"]["edges"]]
    hidden = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": note["id"]}, token=alice)
    assert hidden["data"]["node"] is None
    still = await _invoice(gql, fiona, "Acme Corp")
    assert still["status"] == "OPEN"

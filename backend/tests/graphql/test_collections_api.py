"""The collections API: payment methods, autopay, attempts on invoices, finance's refunds,
write-offs and credit notes (docs/collections.md)."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")

VIEWER = """{ viewer { account { id autopay autopayTiming
  paymentMethods { id brand last4 isDefault } } } }"""
ADD = """mutation($account: ID!, $token: String!) {
  addPaymentMethod(input: {accountId: $account, token: $token}) {
    paymentMethod { id brand last4 isDefault } userErrors { field message code } } }"""
AUTOPAY = """mutation($account: ID!, $on: Boolean!, $method: ID) {
  setAutopay(input: {accountId: $account, enabled: $on, paymentMethodId: $method}) {
    account { autopay } userErrors { field message code } } }"""
RUN = """mutation($asOf: Date!) { runBilling(input: {asOf: $asOf}) {
  run { invoices { id number status account { name } } } userErrors { code } } }"""
INVOICE = """query($id: ID!) { invoice(id: $id) { number status balanceDue { amount }
  writtenOff { amount } writeOffReason lines { id amount { amount } }
  paymentAttempts { succeeded message source number nextRetryOn paymentMethod { last4 } }
  payments { amount { amount } payment { id number byCard refundedAmount { amount } } } } }"""
REFUND = """mutation($payment: ID!, $amount: Decimal!, $reason: String!) {
  refundPayment(input: {paymentId: $payment, amount: $amount, reason: $reason}) {
    payment { refundedAmount { amount } refunds { number method amount { amount } } }
    refund { number } userErrors { field message code } } }"""
WRITE_OFF = """mutation($invoice: ID!, $reason: String!) {
  writeOffInvoice(input: {invoiceId: $invoice, reason: $reason}) {
    invoice { status writtenOff { amount } } userErrors { field message code } } }"""
CREDIT = """mutation($invoice: ID!, $amount: Decimal, $reason: String!, $lines: [ID!]) {
  issueCreditNote(input: {invoiceId: $invoice, amount: $amount, reason: $reason,
                          lineIds: $lines}) {
    creditNote { number total { amount } } invoice { balanceDue { amount } }
    userErrors { field message code } } }"""
OPEN = "{ invoices(status: OPEN) { edges { node { id number balanceDue { amount } } } } }"


async def _bob_with_autopay(gql, login) -> tuple[str, str]:
    bob = await login("bob@globex.example")
    account = (await gql(VIEWER, token=bob))["data"]["viewer"]["account"]
    added = (await gql(ADD, {"account": account["id"], "token": "sandbox_visa"}, token=bob))[
        "data"
    ]["addPaymentMethod"]
    assert added["userErrors"] == []
    assert added["paymentMethod"] | {"id": None} == {
        "id": None,
        "brand": "Visa",
        "last4": "4242",
        "isDefault": True,
    }
    on = (await gql(AUTOPAY, {"account": account["id"], "on": True}, token=bob))["data"]
    assert on["setAutopay"] == {"account": {"autopay": True}, "userErrors": []}
    return bob, account["id"]


async def test_autopay_pays_the_next_runs_invoice_and_the_attempt_shows_on_it(gql, login) -> None:
    bob, _account = await _bob_with_autopay(gql, login)
    fiona = await login("fiona@recur.example")
    run = (await gql(RUN, {"asOf": "2026-12-31"}, token=fiona))["data"]["runBilling"]
    assert run["userErrors"] == []
    [made] = [i for i in run["run"]["invoices"] if i["account"]["name"].startswith("Globex")]
    invoice = (await gql(INVOICE, {"id": made["id"]}, token=bob))["data"]["invoice"]
    assert invoice["status"] == "PAID" and invoice["balanceDue"]["amount"] == "0.00"
    [attempt] = invoice["paymentAttempts"]
    assert attempt == {
        "succeeded": True,
        "message": "Paid with Visa ending 4242.",
        "source": "AUTOPAY",
        "number": 1,
        "nextRetryOn": None,
        "paymentMethod": {"last4": "4242"},
    }
    assert invoice["payments"][0]["payment"]["byCard"] is True


async def test_bad_tokens_and_ids_are_user_errors(gql, login) -> None:
    bob = await login("bob@globex.example")
    account = (await gql(VIEWER, token=bob))["data"]["viewer"]["account"]
    refused = await gql(ADD, {"account": account["id"], "token": "sandbox_expired"}, token=bob)
    [error] = refused["data"]["addPaymentMethod"]["userErrors"]
    assert error["code"] == "CARD_REFUSED" and "expired" in error["message"]
    wrong = await gql(ADD, {"account": "nonsense", "token": "sandbox_visa"}, token=bob)
    assert wrong["data"]["addPaymentMethod"]["userErrors"][0]["field"] == ["input", "accountId"]
    no_method = (await gql(AUTOPAY, {"account": account["id"], "on": True}, token=bob))["data"]
    assert no_method["setAutopay"]["userErrors"][0]["code"] == "NO_PAYMENT_METHOD"


async def test_finance_refunds_half_a_card_payment_and_the_invoice_reopens(gql, login) -> None:
    carol, fiona = await login("carol@initech.example"), await login("fiona@recur.example")
    invoice = (await gql(OPEN, token=carol))["data"]["invoices"]["edges"][0]["node"]
    pay = """mutation($invoice: ID!) { payInvoice(input: {invoiceId: $invoice,
      token: "sandbox_visa", attempt: "a1"}) { payment { id amount { amount } } } }"""
    paid = (await gql(pay, {"invoice": invoice["id"]}, token=carol))["data"]["payInvoice"]
    payment = paid["payment"]
    half = str((Decimal(payment["amount"]["amount"]) / 2).quantize(CENT))
    # A customer may not refund.
    forbidden = await gql(
        REFUND, {"payment": payment["id"], "amount": half, "reason": "x"}, token=carol
    )
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(
        REFUND, {"payment": payment["id"], "amount": half, "reason": "Seats unused"}, token=fiona
    )
    refunded = body["data"]["refundPayment"]
    assert refunded["userErrors"] == []
    assert refunded["payment"]["refundedAmount"]["amount"] == half
    assert refunded["payment"]["refunds"][0]["method"] == "PROVIDER"
    after = (await gql(INVOICE, {"id": invoice["id"]}, token=carol))["data"]["invoice"]
    assert after["status"] == "OPEN"
    assert (
        after["balanceDue"]["amount"]
        == f"{float(invoice['balanceDue']['amount']) - float(half):.2f}"
    )
    [attempt] = after["paymentAttempts"]
    assert attempt["source"] == "CUSTOMER" and attempt["succeeded"]


async def test_finance_writes_off_and_credits_with_a_reason(gql, login) -> None:
    carol, fiona = await login("carol@initech.example"), await login("fiona@recur.example")
    first = (await gql(OPEN, token=carol))["data"]["invoices"]["edges"][0]["node"]
    left = Decimal(first["balanceDue"]["amount"]) - 5
    credited = (
        await gql(
            CREDIT, {"invoice": first["id"], "amount": "5.00", "reason": "Goodwill"}, token=fiona
        )
    )["data"]["issueCreditNote"]
    assert credited["userErrors"] == []
    assert credited["creditNote"]["total"]["amount"] == "5.00"
    assert Decimal(credited["invoice"]["balanceDue"]["amount"]) == left
    empty = (await gql(WRITE_OFF, {"invoice": first["id"], "reason": " "}, token=fiona))["data"]
    assert empty["writeOffInvoice"]["userErrors"][0]["field"] == ["input", "reason"]
    written = (await gql(WRITE_OFF, {"invoice": first["id"], "reason": "Insolvent"}, token=fiona))[
        "data"
    ]["writeOffInvoice"]
    assert written["userErrors"] == []
    assert written["invoice"]["status"] == "UNCOLLECTIBLE"
    assert Decimal(written["invoice"]["writtenOff"]["amount"]) == left
    summary = await gql(
        "{ receivablesSummary { currency open { amount } writtenOff { amount } } }", token=fiona
    )
    written_off = [row["writtenOff"]["amount"] for row in summary["data"]["receivablesSummary"]]
    assert sorted(written_off) == ["0.00", str(left)]  # Initech's currency, and the other


async def test_an_account_statement_downloads_as_pdf_and_csv_for_whoever_sees_it(
    gql, login, client
) -> None:
    carol, alice = await login("carol@initech.example"), await login("alice@acme.example")
    account = (await gql(VIEWER, token=carol))["data"]["viewer"]["account"]["id"]
    url = f"/documents/accounts/{account}/statement"
    pdf = await client.get(
        f"{url}.pdf?from=2020-01-01", headers={"authorization": f"Bearer {carol}"}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["cache-control"] == "private, no-store"
    csv = await client.get(
        f"{url}.csv?from=2020-01-01", headers={"authorization": f"Bearer {carol}"}
    )
    lines = csv.text.splitlines()
    assert lines[0] == "date,type,number,description,amount,balance,currency"
    assert lines[1].split(",")[1] == "OPENING" and lines[-1].split(",")[1] == "CLOSING"
    assert any(",INVOICE,INV-" in line for line in lines)
    other = await client.get(f"{url}.pdf", headers={"authorization": f"Bearer {alice}"})
    assert other.status_code == 404
    bad = await client.get(f"{url}.csv?from=soon", headers={"authorization": f"Bearer {carol}"})
    assert bad.status_code == 400 and bad.json()["field"] == "from"
    client.cookies.clear()  # logging in set the app's session cookie too
    assert (await client.get(f"{url}.csv")).status_code == 401


async def test_finance_filters_the_payments_list(gql, login) -> None:
    carol, fiona = await login("carol@initech.example"), await login("fiona@recur.example")
    invoice = (await gql(OPEN, token=carol))["data"]["invoices"]["edges"][0]["node"]
    pay = """mutation($invoice: ID!) { payInvoice(input: {invoiceId: $invoice,
      token: "sandbox_visa", attempt: "f1"}) { payment { id amount { amount } } } }"""
    card = (await gql(pay, {"invoice": invoice["id"]}, token=carol))["data"]["payInvoice"]
    await gql(
        REFUND,
        {"payment": card["payment"]["id"], "amount": "1.00", "reason": "Rounding"},
        token=fiona,
    )
    listed = """query($card: Boolean, $refunded: Boolean, $from: Date, $to: Date) {
      payments(first: 100, byCard: $card, refunded: $refunded, receivedFrom: $from,
               receivedTo: $to) { edges { node { id byCard refundedAmount { amount } } } } }"""

    async def ids(**filters: object) -> list[str]:
        body = await gql(listed, filters, token=fiona)
        return [edge["node"]["id"] for edge in body["data"]["payments"]["edges"]]

    everything = await ids()
    assert card["payment"]["id"] in everything
    assert await ids(card=True) == [card["payment"]["id"]]
    assert await ids(refunded=True) == [card["payment"]["id"]]
    assert card["payment"]["id"] not in await ids(card=False)
    assert len(await ids(card=False)) == len(everything) - 1
    assert await ids(**{"from": "2099-01-01"}) == []
    assert set(await ids(to="2099-01-01")) == set(everything)


async def test_admins_set_the_dunning_schedule_and_outcome(gql, login) -> None:
    adam = await login("adam@recur.example")
    update = """mutation($days: [Int!], $outcome: DunningOutcome) {
      updateSettings(input: {dunningRetryDays: $days, dunningOutcome: $outcome}) {
        settings { dunningRetryDays dunningOutcome } userErrors { field code } } }"""
    read = "{ settings { dunningRetryDays dunningOutcome } }"
    assert (await gql(read, token=adam))["data"]["settings"] == {
        "dunningRetryDays": [1, 3, 5, 7],
        "dunningOutcome": "LEAVE_OPEN",
    }
    saved = await gql(update, {"days": [2, 4], "outcome": "MARK_UNCOLLECTIBLE"}, token=adam)
    assert saved["data"]["updateSettings"]["settings"] == {
        "dunningRetryDays": [2, 4],
        "dunningOutcome": "MARK_UNCOLLECTIBLE",
    }
    for days, code in (([3, 1], "NOT_INCREASING"), ([0], "OUT_OF_RANGE"), ([], "OUT_OF_RANGE")):
        refused = (await gql(update, {"days": days}, token=adam))["data"]["updateSettings"]
        assert refused["userErrors"] == [{"field": ["input", "dunningRetryDays"], "code": code}]

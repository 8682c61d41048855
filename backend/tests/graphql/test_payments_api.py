"""Payments: applied oldest due first, partly, and the rest kept as account credit."""

from __future__ import annotations

from decimal import Decimal

from recur.graphql.core.ids import to_global_id

PAY = """mutation($account: ID!, $amount: Decimal!, $currency: String) {
  recordPayment(input: {accountId: $account, amount: $amount, receivedOn: "2026-11-24",
                        reference: "wire 4711", currency: $currency}) {
    payment { number amount { amount currency } unappliedAmount { amount }
              applications { amount { amount } invoice { number status balanceDue { amount } } } }
    userErrors { field message code } } }"""
INVOICES = """query($account: ID!) { account(id: $account) { creditBalance { amount } }
  invoices(accountId: $account, first: 50) { edges { node {
    number status dueDate total { amount } amountPaid { amount } balanceDue { amount } } } } }"""
RUN = 'mutation { runBilling(input: {asOf: "2026-12-31"}) { run { invoicesCreated } } }'


async def _account(gql, token: str, name: str) -> str:
    body = await gql("{ accounts { edges { node { id name } } } }", token=token)
    return next(
        e["node"]["id"] for e in body["data"]["accounts"]["edges"] if e["node"]["name"] == name
    )


def _open(body: dict) -> list[dict]:
    nodes = [e["node"] for e in body["data"]["invoices"]["edges"]]
    return sorted(
        (n for n in nodes if n["status"] == "OPEN"), key=lambda n: (n["dueDate"], n["number"])
    )


async def test_a_payment_settles_the_oldest_invoice_first_and_part_of_the_next(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    initech = await _account(gql, fiona, "Initech")
    before = _open(await gql(INVOICES, {"account": initech}, token=fiona))
    assert len(before) == 2  # the demo leaves Initech one overdue invoice and a newer one
    oldest, newer = before
    amount = f"{Decimal(oldest['balanceDue']['amount']) + 100:.2f}"

    body = await gql(PAY, {"account": initech, "amount": amount}, token=fiona)
    payment = body["data"]["recordPayment"]["payment"]
    assert body["data"]["recordPayment"]["userErrors"] == []
    assert [a["invoice"]["number"] for a in payment["applications"]] == [
        oldest["number"],
        newer["number"],
    ]
    assert payment["applications"][0]["invoice"]["status"] == "PAID"
    assert payment["applications"][1]["amount"]["amount"] == "100.00"
    assert payment["unappliedAmount"]["amount"] == "0.00"

    after = await gql(INVOICES, {"account": initech}, token=fiona)
    [still_open] = _open(after)
    assert still_open["amountPaid"]["amount"] == "100.00"


async def test_an_overpayment_becomes_credit_that_pays_the_next_invoice(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    acme = await _account(gql, fiona, "Acme Corp")
    [partly_paid] = _open(await gql(INVOICES, {"account": acme}, token=fiona))
    overpaid = f"{Decimal(partly_paid['balanceDue']['amount']) + 5000:.2f}"
    body = await gql(PAY, {"account": acme, "amount": overpaid}, token=fiona)
    assert body["data"]["recordPayment"]["payment"]["unappliedAmount"]["amount"] == "5000.00"
    credit = await gql(INVOICES, {"account": acme}, token=fiona)
    assert credit["data"]["account"]["creditBalance"]["amount"] == "5000.00"
    assert _open(credit) == []

    await gql(RUN, token=fiona)  # Acme's next month is invoiced: the credit pays it at once
    after = await gql(INVOICES, {"account": acme}, token=fiona)
    assert _open(after) == []
    assert Decimal(after["data"]["account"]["creditBalance"]["amount"]) < 5000


async def test_bad_payments_are_refused_naming_the_field_and_nothing_is_written(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    acme = await _account(gql, fiona, "Acme Corp")
    count = "{ payments { totalCount } }"
    before = (await gql(count, token=fiona))["data"]["payments"]["totalCount"]
    for variables, field in (
        ({"account": acme, "amount": "0"}, "amount"),
        ({"account": acme, "amount": "-5"}, "amount"),
        ({"account": acme, "amount": "10.001"}, "amount"),
        ({"account": acme, "amount": "10", "currency": "EUR"}, "currency"),
        ({"account": to_global_id("Account", 999_999), "amount": "10"}, "accountId"),
        ({"account": "garbage", "amount": "10"}, "accountId"),
    ):
        body = await gql(PAY, variables, token=fiona)
        payload = body["data"]["recordPayment"]
        assert payload["payment"] is None
        assert payload["userErrors"][0]["field"] == ["input", field], (variables, payload)
    assert (await gql(count, token=fiona))["data"]["payments"]["totalCount"] == before


async def test_customers_and_reps_cannot_record_payments(gql, login) -> None:
    for email in ("alice@acme.example", "rita@recur.example"):
        token = await login(email)
        body = await gql(PAY, {"account": to_global_id("Account", 1), "amount": "10"}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_invoice_lists_the_payments_applied_to_it(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    acme = await _account(gql, fiona, "Acme Corp")
    [partly_paid] = _open(await gql(INVOICES, {"account": acme}, token=fiona))
    body = await gql(
        """query($account: ID!) { invoices(accountId: $account, status: OPEN) { edges { node {
          payments { amount { amount } payment { number receivedOn reference } } } } } }""",
        {"account": acme},
        token=fiona,
    )
    [node] = [e["node"] for e in body["data"]["invoices"]["edges"]]
    [application] = node["payments"]
    assert application["amount"]["amount"] == partly_paid["amountPaid"]["amount"]
    assert application["payment"]["number"].startswith("PAY-")


PAY_ON = """mutation($account: ID!, $amount: Decimal!, $on: Date) {
  recordPayment(input: {accountId: $account, amount: $amount, receivedOn: $on}) {
    payment { number } userErrors { field message code } } }"""


async def test_a_payment_received_after_today_is_refused(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    initech = await _account(gql, fiona, "Initech")
    body = await gql(PAY_ON, {"account": initech, "amount": "10", "on": "2026-11-25"}, token=fiona)
    payload = body["data"]["recordPayment"]
    assert payload["payment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "receivedOn"], "RECEIVED_IN_FUTURE")
    ]
    today = await gql(PAY_ON, {"account": initech, "amount": "10", "on": "2026-11-24"}, token=fiona)
    assert today["data"]["recordPayment"]["userErrors"] == []


async def test_payments_stay_within_what_amounts_and_their_sums_can_hold(gql, login) -> None:
    fiona = await login("fiona@recur.example")
    initech = await _account(gql, fiona, "Initech")
    huge = await gql(PAY_ON, {"account": initech, "amount": "9000000000000"}, token=fiona)
    assert [(e["field"], e["code"]) for e in huge["data"]["recordPayment"]["userErrors"]] == [
        (["input", "amount"], "AMOUNT_TOO_LARGE")
    ]
    most = await gql(PAY_ON, {"account": initech, "amount": "1000000000000"}, token=fiona)
    assert most["data"]["recordPayment"]["userErrors"] == []
    more = await gql(PAY_ON, {"account": initech, "amount": "1000000000000"}, token=fiona)
    assert [(e["field"], e["code"]) for e in more["data"]["recordPayment"]["userErrors"]] == [
        (["input", "amount"], "CREDIT_TOO_LARGE")
    ]
    body = await gql(INVOICES, {"account": initech}, token=fiona)
    assert "errors" not in body
    credit = Decimal(body["data"]["account"]["creditBalance"]["amount"])
    assert 0 < credit <= Decimal(10**12)

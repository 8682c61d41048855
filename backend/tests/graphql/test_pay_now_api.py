"""A customer pays an invoice now through the sandbox payment provider."""

from __future__ import annotations

import logging

import pytest

OPEN = """{ invoices(status: OPEN) { edges { node { id number balanceDue { amount } } } } }"""
PAY = """mutation($invoice: ID!, $token: String!, $attempt: String!) {
  payInvoice(input: {invoiceId: $invoice, token: $token, attempt: $attempt}) {
    invoice { number status balanceDue { amount } amountPaid { amount } }
    payment { number amount { amount } }
    userErrors { field message code } } }"""


async def _open_invoice(gql, token: str) -> dict:
    body = await gql(OPEN, token=token)
    return body["data"]["invoices"]["edges"][0]["node"]


async def test_a_customer_pays_an_invoice_and_a_retry_pays_nothing_more(gql, login) -> None:
    alice = await login("alice@acme.example")
    invoice = await _open_invoice(gql, alice)
    variables = {"invoice": invoice["id"], "token": "sandbox_visa", "attempt": "click-1"}
    paid = (await gql(PAY, variables, token=alice))["data"]["payInvoice"]
    retry = (await gql(PAY, variables, token=alice))["data"]["payInvoice"]
    assert paid["userErrors"] == []
    assert paid["invoice"]["status"] == "PAID"
    assert paid["invoice"]["balanceDue"]["amount"] == "0.00"
    assert paid["payment"]["amount"]["amount"] == invoice["balanceDue"]["amount"]
    assert retry["payment"]["number"] == paid["payment"]["number"]


@pytest.mark.parametrize(
    ("token", "words"),
    [("sandbox_declined", "declined"), ("sandbox_insufficient_funds", "insufficient funds")],
)
async def test_a_declined_card_leaves_the_invoice_open_and_says_why(
    gql, login, token: str, words: str, caplog: pytest.LogCaptureFixture
) -> None:
    carol = await login("carol@initech.example")
    invoice = await _open_invoice(gql, carol)
    with caplog.at_level(logging.DEBUG):
        body = await gql(
            PAY, {"invoice": invoice["id"], "token": token, "attempt": "a1"}, token=carol
        )
    payload = body["data"]["payInvoice"]
    assert payload["invoice"] is None and payload["payment"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "PAYMENT_DECLINED" and words in error["message"]
    assert (await _open_invoice(gql, carol))["balanceDue"] == invoice["balanceDue"]
    assert token not in caplog.text  # payment details are never logged


async def test_nobody_pays_another_accounts_invoice_and_staff_record_payments_instead(
    gql, login
) -> None:
    alice, carol = await login("alice@acme.example"), await login("carol@initech.example")
    theirs = await _open_invoice(gql, carol)
    body = await gql(
        PAY, {"invoice": theirs["id"], "token": "sandbox_visa", "attempt": "x"}, token=alice
    )
    assert body["data"]["payInvoice"]["userErrors"][0]["field"] == ["input", "invoiceId"]
    fiona = await login("fiona@recur.example")
    body = await gql(
        PAY, {"invoice": theirs["id"], "token": "sandbox_visa", "attempt": "y"}, token=fiona
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_same_attempt_on_another_invoice_pays_that_invoice(gql, login) -> None:
    carol = await login("carol@initech.example")
    body = await gql(OPEN, token=carol)
    first, second = [edge["node"] for edge in body["data"]["invoices"]["edges"][:2]]
    paid = []
    for invoice in (first, second):
        variables = {"invoice": invoice["id"], "token": "sandbox_visa", "attempt": "click-1"}
        paid.append((await gql(PAY, variables, token=carol))["data"]["payInvoice"])
    assert [p["userErrors"] for p in paid] == [[], []]
    assert [p["invoice"]["number"] for p in paid] == [first["number"], second["number"]]
    assert [p["invoice"]["status"] for p in paid] == ["PAID", "PAID"]
    assert paid[0]["payment"]["number"] != paid[1]["payment"]["number"]
    assert paid[1]["payment"]["amount"]["amount"] == second["balanceDue"]["amount"]


SAVE = """mutation($account: ID!, $token: String!) {
  addPaymentMethod(input: {accountId: $account, token: $token}) {
    paymentMethod { id } userErrors { field message code } } }"""
PAY_SAVED = """mutation($invoice: ID!, $method: ID!, $attempt: String!) {
  payInvoice(input: {invoiceId: $invoice, paymentMethodId: $method, attempt: $attempt}) {
    invoice { status } payment { number } userErrors { field message code } } }"""
ATTEMPTS = """query($id: ID!) { invoice(id: $id) { paymentAttempts { succeeded message
  paymentMethod { last4 } } } }"""


async def test_a_customer_pays_with_a_saved_card_and_a_declining_one_is_named(gql, login) -> None:
    alice = await login("alice@acme.example")
    account = (await gql("{ viewer { account { id } } }", token=alice))["data"]["viewer"]
    saved = {}
    for token in ("sandbox_declined", "sandbox_visa"):
        body = await gql(SAVE, {"account": account["account"]["id"], "token": token}, token=alice)
        saved[token] = body["data"]["addPaymentMethod"]["paymentMethod"]["id"]
    invoice = await _open_invoice(gql, alice)

    refused = await gql(
        PAY_SAVED,
        {"invoice": invoice["id"], "method": saved["sandbox_declined"], "attempt": "a"},
        token=alice,
    )
    [error] = refused["data"]["payInvoice"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "paymentMethodId"], "PAYMENT_DECLINED")
    unknown = await gql(
        PAY_SAVED,
        {"invoice": invoice["id"], "method": "UGF5bWVudE1ldGhvZDo5OTk=", "attempt": "c"},
        token=alice,
    )
    [error] = unknown["data"]["payInvoice"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "paymentMethodId"], "UNKNOWN_METHOD")
    paid = await gql(
        PAY_SAVED,
        {"invoice": invoice["id"], "method": saved["sandbox_visa"], "attempt": "b"},
        token=alice,
    )
    assert paid["data"]["payInvoice"]["invoice"]["status"] == "PAID"
    attempts = (await gql(ATTEMPTS, {"id": invoice["id"]}, token=alice))["data"]["invoice"]
    last = attempts["paymentAttempts"][-1]
    assert last["succeeded"] and last["message"] == "Paid by Visa ending 4242."
    assert last["paymentMethod"]["last4"] == "4242"

"""Invoice PDFs at ``/documents/invoices/{number}.pdf``: for whoever may see the invoice,
by session cookie or bearer token, and for nobody else."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from recur.app import create_app
from recur.auth.cookies import SESSION_COOKIE
from recur.core.money import Money
from recur.db.engine import Database
from recur.db.models import Account, Invoice, InvoiceLine
from tests.conftest import GraphQL
from tests.graphql.test_access import ANONYMOUS, PARTNER, VISIBLE, global_id, partner_token

Login = Callable[[str], Awaitable[str]]
LOGIN = """mutation($email: String!) { login(input: {email: $email, password: "recur-demo"}) {
  userErrors { message } } }"""
INVOICES = """{ invoices(first: 50) { edges { node {
  number pdfUrl total { amount currency } amountPaid { amount } balanceDue { amount } } } } }"""
VOID = """mutation($invoice: ID!) { voidInvoice(input: {invoiceId: $invoice, reason: "Wrong PO"})
  { creditNote { number } userErrors { message } } }"""
UNKNOWN = "INV-999999"


def url(number: str) -> str:
    return f"/documents/invoices/{number}.pdf"


def pdf_text(response: httpx.Response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def money(amount: str | Decimal, currency: str) -> str:
    return Money(Decimal(amount), currency).format()


@pytest.fixture
async def latest(db: Database) -> dict[str, str]:
    """The number of each demo account's latest invoice, by account name."""
    statement = (
        select(Account.name, Invoice.number)
        .join(Invoice, Invoice.account_id == Account.id)
        .order_by(Invoice.id)
    )
    async with db.session() as session:
        return {name: number for name, number in await session.execute(statement)}


async def cookie_login(client: httpx.AsyncClient, email: str) -> None:
    """Log in as the browser does: the answer sets the session cookie."""
    response = await client.post("/graphql", json={"query": LOGIN, "variables": {"email": email}})
    assert response.json()["data"]["login"]["userErrors"] == []
    assert SESSION_COOKIE in client.cookies


async def test_a_customer_downloads_her_invoice_by_following_a_link(
    client: httpx.AsyncClient, db: Database, latest: dict[str, str]
) -> None:
    number = latest["Acme Corp"]  # partly paid in the demo
    await cookie_login(client, "alice@acme.example")

    response = await client.get(url(number))  # the cookie alone: no CSRF header, no token

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{number}.pdf"'
    assert response.headers["cache-control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    async with db.session() as session:
        invoice = (await session.scalars(select(Invoice).where(Invoice.number == number))).one()
        lines = list(await session.scalars(select(InvoiceLine).filter_by(invoice_id=invoice.id)))
    text = pdf_text(response)
    assert f"Invoice {number}" in text
    assert "BILL TO Acme Corp" in text
    for line in lines:
        assert " ".join(line.description.split()) in text
    assert f"Total {money(invoice.total, 'USD')}" in text
    assert 0 < invoice.amount_paid < invoice.total
    assert f"Amount paid {money(invoice.amount_paid, 'USD')}" in text
    assert f"Balance due {money(invoice.total - invoice.amount_paid, 'USD')}" in text


async def test_a_voided_invoice_says_so_and_shows_the_credit_note_that_settled_it(
    client: httpx.AsyncClient, db: Database, gql: GraphQL, login: Login, latest: dict[str, str]
) -> None:
    number = latest["Acme Corp"]
    async with db.session() as session:
        invoice = (await session.scalars(select(Invoice).where(Invoice.number == number))).one()
    fiona = await login("fiona@recur.example")
    body = await gql(VOID, {"invoice": global_id("Invoice", invoice.id)}, token=fiona)
    note = body["data"]["voidInvoice"]["creditNote"]["number"]
    await cookie_login(client, "alice@acme.example")

    text = pdf_text(await client.get(url(number)))

    due = money(invoice.total - invoice.amount_paid, "USD")
    assert "Status Void" in text
    assert (
        f"Voided on Nov 24, 2026: Wrong PO. Nothing is due. Credit note {note} cancels it." in text
    )
    assert f"{note} Nov 24, 2026 {due}" in text  # it settled what was still due
    assert f"Credited {due} Balance due USD 0.00" in text


async def test_another_accounts_invoice_answers_exactly_as_an_unknown_number(
    client: httpx.AsyncClient, latest: dict[str, str]
) -> None:
    await cookie_login(client, "alice@acme.example")

    theirs = await client.get(url(latest["Globex GmbH"]))
    unknown = await client.get(url(UNKNOWN))

    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content == unknown.content
    # Every answer has its own request id; nothing else tells the two apart.
    assert {**theirs.headers, "x-request-id": ""} == {**unknown.headers, "x-request-id": ""}


async def test_nobody_logged_in_is_asked_to_log_in(
    client: httpx.AsyncClient, latest: dict[str, str]
) -> None:
    anonymous = await client.get(url(latest["Acme Corp"]))
    forged = await client.get(
        url(latest["Acme Corp"]), headers={"authorization": "Bearer not-a-token"}
    )

    for response in (anonymous, forged):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert (await client.get(url(UNKNOWN))).status_code == 401  # nothing said about numbers


async def test_after_logout_the_old_cookie_opens_nothing(
    client: httpx.AsyncClient, latest: dict[str, str]
) -> None:
    await cookie_login(client, "alice@acme.example")
    cookie = client.cookies[SESSION_COOKIE]
    csrf = client.cookies["recur_csrf"]
    await client.post(
        "/graphql",
        json={"query": "mutation { logout { userErrors { message } } }"},
        headers={"x-csrf-token": csrf},
    )
    client.cookies.set(SESSION_COOKIE, cookie)

    assert (await client.get(url(latest["Acme Corp"]))).status_code == 401


async def test_a_partner_token_is_no_session_cookie(
    client: httpx.AsyncClient, latest: dict[str, str]
) -> None:
    client.cookies.set(SESSION_COOKIE, await partner_token(client))

    assert (await client.get(url(latest["Globex GmbH"]))).status_code == 401


@pytest.mark.parametrize("actor", [actor for actor in VISIBLE if actor != ANONYMOUS])
async def test_each_role_downloads_exactly_the_invoices_it_may_see(
    client: httpx.AsyncClient, login: Login, latest: dict[str, str], actor: str
) -> None:
    token = await partner_token(client) if actor == PARTNER else await login(actor)
    visible = VISIBLE[actor] or []

    for account, number in latest.items():
        response = await client.get(url(number), headers={"authorization": f"Bearer {token}"})
        expected = 200 if account in visible else 404
        assert response.status_code == expected, (actor, account)


async def test_the_pdf_url_of_the_api_downloads_that_invoice(
    client: httpx.AsyncClient, gql: GraphQL, login: Login
) -> None:
    token = await login("bob@globex.example")
    body = await gql(INVOICES, token=token)
    invoices = [edge["node"] for edge in body["data"]["invoices"]["edges"]]
    assert invoices

    for invoice in invoices[:3]:
        assert invoice["pdfUrl"] == f"/documents/invoices/{invoice['number']}.pdf"
        response = await client.get(invoice["pdfUrl"], headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 200
        text = pdf_text(response)
        total = invoice["total"]
        assert f"Total {money(total['amount'], total['currency'])}" in text
        assert f"Balance due {money(invoice['balanceDue']['amount'], 'EUR')}" in text


async def test_the_app_does_not_answer_for_document_paths(client: httpx.AsyncClient) -> None:
    missing = await client.get("/documents/invoices")
    posted = await client.post(url(UNKNOWN))

    assert missing.status_code == 404 and b"<h1>Recur</h1>" not in missing.content
    assert posted.status_code == 405


async def test_a_credit_note_pdf_for_its_account_and_nobody_else(
    client: httpx.AsyncClient, db: Database, gql: GraphQL, login: Login, latest: dict[str, str]
) -> None:
    number = latest["Acme Corp"]
    async with db.session() as session:
        invoice = (await session.scalars(select(Invoice).where(Invoice.number == number))).one()
    fiona = await login("fiona@recur.example")
    body = await gql(VOID, {"invoice": global_id("Invoice", invoice.id)}, token=fiona)
    note = body["data"]["voidInvoice"]["creditNote"]["number"]
    path = f"/documents/credit-notes/{note}.pdf"

    await cookie_login(client, "bob@globex.example")
    theirs = await client.get(path)
    unknown = await client.get("/documents/credit-notes/CN-999999.pdf")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content == unknown.content

    await cookie_login(client, "alice@acme.example")
    mine = await client.get(path)
    assert mine.status_code == 200
    assert mine.headers["content-type"] == "application/pdf"
    assert mine.headers["content-disposition"] == f'inline; filename="{note}.pdf"'
    text = pdf_text(mine)
    paid = money(invoice.amount_paid, "USD")
    assert note in text and "Acme Corp" in text
    assert f"Credits invoice {number}, voided: Wrong PO" in text
    assert money(invoice.total, "USD") in text
    assert f"Remaining credit {paid}" in text  # what was paid on the invoice is credit now


@pytest.mark.parametrize(
    "number",
    ["INV-0%00", "INV-%ED%A0%80", "INV-" + "9" * 40, "inv-000001", "INV 000001"],
    ids=["nul", "surrogate-bytes", "too-long", "lower-case", "space"],
)
async def test_a_number_no_document_can_have_answers_as_an_unknown_one(
    db: Database, settings, clock, number: str
) -> None:
    transport = httpx.ASGITransport(
        app=create_app(settings, database=db, clock=clock), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await cookie_login(client, "fiona@recur.example")
        for path in (url(number), f"/documents/credit-notes/{number}.pdf"):
            response = await client.get(path)
            assert response.status_code == 404, response.text
            assert response.json()["code"] == "NOT_FOUND"

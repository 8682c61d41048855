"""The Outbox over the API: admins read every email, newest first, its bodies rendered even
before it is sent; everybody else is refused; a customer's text cannot inject markup; admins
set the reminder days."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, MailMessage, User
from recur.services import payments
from recur.services.common import Actor
from tests.conftest import GraphQL
from tests.graphql import test_access
from tests.graphql.test_access import ACTORS, ANONYMOUS, TokenFor, error_codes

token_for = test_access.token_for

OUTBOX = """query($first: Int, $after: String, $status: MailStatus) {
  mailMessages(first: $first, after: $after, status: $status) {
    edges { node { id kind to subject status attempts attachment createdAt sentAt } }
    pageInfo { hasNextPage endCursor } totalCount } }"""
ONE = """query($id: ID!) { mailMessage(id: $id) { id kind subject status text html } }"""
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


async def _receipt_for_a_tricky_name(db: Database) -> None:
    """A payment receipt for an account whose name looks like markup."""
    async with db.transaction() as session:
        acme = await session.scalar(select(Account).where(Account.name == "Acme Corp"))
        fiona = await session.scalar(select(User).where(User.email == "fiona@recur.example"))
        assert acme is not None and fiona is not None
        acme.name = "Acme <img src=x onerror=alert(1)>"
        acme_id, fiona_id = acme.id, fiona.id
    await payments.record_payment(
        db,
        Actor(user_id=fiona_id, role=Role.FINANCE),
        account_id=acme_id,
        amount=Decimal("10.00"),
        currency="USD",
        received_on=NOW.date(),
        reference="",
        now=NOW,
    )


async def test_admins_read_the_outbox_newest_first(db: Database, gql: GraphQL, login) -> None:
    await _receipt_for_a_tricky_name(db)
    adam = await login("adam@recur.example")
    body = await gql(OUTBOX, {"first": 2}, token=adam)
    assert "errors" not in body, body
    outbox = body["data"]["mailMessages"]
    newest, older = (edge["node"] for edge in outbox["edges"])
    assert newest["kind"] == "payment_receipt" and newest["status"] == "PENDING"
    assert newest["subject"] == "Receipt for your payment of USD 10.00"
    assert newest["attachment"] is None and newest["sentAt"] is None
    assert newest["createdAt"] >= older["createdAt"]
    async with db.session() as session:
        total = len(list(await session.scalars(select(MailMessage.id))))
        invoices = list(
            await session.scalars(
                select(MailMessage).where(MailMessage.kind == "invoice_issued").limit(1)
            )
        )
    assert outbox["totalCount"] == total and outbox["pageInfo"]["hasNextPage"] is True

    opened = (await gql(ONE, {"id": newest["id"]}, token=adam))["data"]["mailMessage"]
    assert "Thank you: we received your payment of USD 10.00." in opened["text"]
    assert "Acme <img src=x onerror=alert(1)>" in opened["text"]  # plain text: as written
    assert "<img src=x" not in opened["html"]
    assert "Acme &lt;img src=x onerror=alert(1)&gt;" in opened["html"]

    invoice_mail = invoices[0]
    rows = await gql(OUTBOX, {"first": 100, "status": "KEPT"}, token=adam)
    found = [
        e["node"]
        for e in rows["data"]["mailMessages"]["edges"]
        if e["node"]["subject"] == invoice_mail.subject
    ]
    assert found and found[0]["attachment"] == invoice_mail.attachment.split(":")[1] + ".pdf"
    assert found[0]["to"] == invoice_mail.recipients
    assert {e["node"]["status"] for e in rows["data"]["mailMessages"]["edges"]} == {"KEPT"}
    none_sent = await gql(OUTBOX, {"status": "SENT"}, token=adam)
    assert none_sent["data"]["mailMessages"]["edges"] == []
    assert (await gql(ONE, {"id": "bm9wZQ=="}, token=adam))["data"]["mailMessage"] is None


@pytest.mark.parametrize("actor", ACTORS)
async def test_nobody_else_reads_it(gql: GraphQL, token_for: TokenFor, actor: str) -> None:
    token = await token_for(actor)
    listed = await gql(OUTBOX, token=token)
    opened = await gql(ONE, {"id": "TWFpbE1lc3NhZ2U6MQ=="}, token=token)
    if actor == "adam@recur.example":
        assert "errors" not in listed and listed["data"]["mailMessages"]["edges"]
        assert opened["data"]["mailMessage"]["kind"]
        return
    expected = "UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"
    assert error_codes(listed) == [expected]
    assert error_codes(opened) == [expected]
    assert listed["data"] is None


SETTINGS = "{ settings { reminderDays } }"
UPDATE = """mutation($days: [Int!]) { updateSettings(input: {reminderDays: $days}) {
  settings { reminderDays } userErrors { field code } } }"""


async def test_admins_set_the_reminder_days(gql: GraphQL, login) -> None:
    adam = await login("adam@recur.example")
    assert (await gql(SETTINGS, token=adam))["data"]["settings"]["reminderDays"] == [
        -3,
        0,
        3,
        7,
        14,
    ]
    saved = (await gql(UPDATE, {"days": [10, -1, 30]}, token=adam))["data"]["updateSettings"]
    assert saved == {"settings": {"reminderDays": [-1, 10, 30]}, "userErrors": []}
    refused = (await gql(UPDATE, {"days": [-100]}, token=adam))["data"]["updateSettings"]
    assert refused == {
        "settings": None,
        "userErrors": [{"field": ["input", "reminderDays"], "code": "OUT_OF_RANGE"}],
    }
    rita = await login("rita@recur.example")
    assert (await gql(SETTINGS, token=rita))["data"]["settings"]["reminderDays"] == [-1, 10, 30]
    assert error_codes(await gql(UPDATE, {"days": [1]}, token=rita)) == ["FORBIDDEN"]

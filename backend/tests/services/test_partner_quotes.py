"""A partner client with ``quotes:write`` quotes its customers: it creates, edits, submits,
sends, recalls and deletes its own quotes, never approves, and never reaches an account that
is not its partner's (docs/partners.md, "Quoting")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.core.lifecycle import QuoteStatus
from recur.db.engine import Database
from recur.db.models import Account, Partner, QuoteEvent
from recur.services import quotes, workflow
from recur.services.common import (
    QUOTES_WRITE_SCOPE,
    READ_SCOPE,
    Actor,
    Forbidden,
    Invalid,
)
from tests.conftest import NOW
from tests.services.test_quote_to_order import actor, price_id

TODAY = NOW.date()
THRESHOLD = Decimal(20)


async def _northwind(db: Database, *scopes: str) -> Actor:
    async with db.session() as session:
        partner_id = await session.scalar(select(Partner.id).where(Partner.name == "Northwind"))
    assert partner_id is not None
    return Actor(partner_id=partner_id, client_id="northwind", scopes=frozenset(scopes))


async def _account(db: Database, name: str) -> int:
    async with db.session() as session:
        pk = await session.scalar(select(Account.id).where(Account.name == name))
    assert pk is not None
    return pk


async def _create(db: Database, who: Actor, account: str, key: str | None = None):
    return await quotes.create_quote(
        db,
        who,
        account_id=await _account(db, account),
        start_date=None,
        term_months=12,
        today=TODAY,
        now=NOW,
        client_key=key,
    )


async def test_a_partner_quotes_its_customer_a_manager_approves_and_the_customer_accepts(
    db: Database,
) -> None:
    partner = await _northwind(db, READ_SCOPE, QUOTES_WRITE_SCOPE)
    seats = await price_id(db, "SEAT-STD", "EUR", "MONTH")
    quote = await _create(db, partner, "Globex GmbH")
    assert quote.created_by_partner_id == partner.partner_id and quote.created_by_id is None
    quote = await quotes.add_quote_line(
        db,
        partner,
        quote_id=quote.id,
        price_id=seats,
        quantity=12,
        discount=Decimal(10),
        expected_version=quote.version,
        now=NOW,
    )
    quote = await quotes.update_quote_line(
        db,
        partner,
        line_id=quote.lines[0].id,
        quantity=15,
        discount=Decimal(25),
        expected_version=quote.version,
        now=NOW,
    )
    assert (quote.lines[0].quantity, quote.lines[0].discount_percent) == (15, Decimal(25))
    with pytest.raises(Invalid) as refused:  # 25 % needs a manager first
        await workflow.send_quote(
            db, partner, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    assert refused.value.problems[0].code == "APPROVAL_REQUIRED"
    quote = await workflow.submit_for_approval(
        db, partner, quote_id=quote.id, threshold=THRESHOLD, now=NOW, today=TODAY
    )
    assert quote.status is QuoteStatus.PENDING_APPROVAL

    with pytest.raises(Forbidden, match="cannot approve"):
        await workflow.approve_quote(db, partner, quote_id=quote.id, now=NOW)
    with pytest.raises(Forbidden, match="cannot reject"):
        await workflow.reject_quote(db, partner, quote_id=quote.id, reason="no", now=NOW)

    maria = await actor(db, "maria@recur.example")
    await workflow.approve_quote(db, maria, quote_id=quote.id, now=NOW)
    sent = await workflow.send_quote(
        db, partner, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    assert sent.status is QuoteStatus.SENT

    bob = await actor(db, "bob@globex.example")
    order = await workflow.accept_quote(
        db, bob, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    assert order.quote_id == quote.id

    async with db.session() as session:
        steps = (
            await session.execute(
                select(QuoteEvent.action, QuoteEvent.actor_id, QuoteEvent.actor_partner_id)
                .where(QuoteEvent.quote_id == quote.id)
                .order_by(QuoteEvent.id)
            )
        ).all()
    by_partner = [action for action, _user, partner_id in steps if partner_id is not None]
    assert by_partner == ["CREATE", "SUBMIT", "SEND"]
    assert [a for a, user, _p in steps if user is not None] == ["APPROVE", "ACCEPT"]


async def test_a_partner_sends_recalls_and_deletes_its_own_drafts(db: Database) -> None:
    partner = await _northwind(db, QUOTES_WRITE_SCOPE)  # no read: its own quotes only
    seats = await price_id(db, "SEAT-STD", "EUR", "MONTH")
    quote = await _create(db, partner, "Globex GmbH")
    quote = await quotes.add_quote_line(
        db,
        partner,
        quote_id=quote.id,
        price_id=seats,
        quantity=3,
        discount=Decimal(0),
        expected_version=quote.version,
        now=NOW,
    )
    with pytest.raises(Invalid) as refused:
        await workflow.submit_for_approval(
            db, partner, quote_id=quote.id, threshold=THRESHOLD, now=NOW, today=TODAY
        )
    assert refused.value.problems[0].code == "NO_APPROVAL_NEEDED"
    sent = await workflow.send_quote(
        db, partner, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    assert sent.status is QuoteStatus.SENT and sent.expires_on is not None
    recalled = await workflow.recall_quote(
        db, partner, quote_id=quote.id, reason="New prices", now=NOW
    )
    assert recalled.status is QuoteStatus.DRAFT and recalled.expires_on is None
    deleted = await quotes.delete_quote(
        db, partner, quote_id=quote.id, expected_version=recalled.version
    )
    assert deleted == quote.id
    assert await quotes.get_quote(db, partner, quote.id) is None


async def test_without_the_scope_a_partner_is_forbidden_naming_it(db: Database) -> None:
    reader = await _northwind(db, READ_SCOPE)
    with pytest.raises(Forbidden, match="'quotes:write' scope"):
        await _create(db, reader, "Globex GmbH")
    rita = await actor(db, "rita@recur.example")
    quote = await _create(db, rita, "Globex GmbH")
    with pytest.raises(Forbidden, match="'quotes:write' scope"):
        await workflow.send_quote(
            db, reader, quote_id=quote.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    with pytest.raises(Forbidden, match="'quotes:write' scope"):
        await quotes.delete_quote(db, reader, quote_id=quote.id, expected_version=None)


async def test_other_accounts_and_the_sales_teams_quotes_are_out_of_reach(db: Database) -> None:
    partner = await _northwind(db, READ_SCOPE, QUOTES_WRITE_SCOPE)
    with pytest.raises(Invalid) as refused:  # Acme is not Northwind's: as unknown
        await _create(db, partner, "Acme Corp")
    assert refused.value.problems[0].code == "UNKNOWN_ACCOUNT"

    # Rita's draft for Globex is hers: the partner does not see it, so cannot change it...
    rita = await actor(db, "rita@recur.example")
    draft = await _create(db, rita, "Globex GmbH")
    assert await quotes.get_quote(db, partner, draft.id) is None
    with pytest.raises(Invalid) as unknown:
        await workflow.send_quote(
            db, partner, quote_id=draft.id, threshold=THRESHOLD, today=TODAY, now=NOW
        )
    assert unknown.value.problems[0].code == "UNKNOWN_QUOTE"
    # ...and once sent, it reads it but still does not change it.
    seats = await price_id(db, "SEAT-STD", "EUR", "MONTH")
    draft = await quotes.add_quote_line(
        db,
        rita,
        quote_id=draft.id,
        price_id=seats,
        quantity=2,
        discount=Decimal(0),
        expected_version=None,
        now=NOW,
    )
    await workflow.send_quote(
        db, rita, quote_id=draft.id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    assert await quotes.get_quote(db, partner, draft.id) is not None
    with pytest.raises(Invalid) as theirs:
        await workflow.recall_quote(db, partner, quote_id=draft.id, reason="", now=NOW)
    assert theirs.value.problems[0].code == "NOT_ALLOWED"

    # Another partner's client does not see Northwind's quote at all.
    mine = await _create(db, partner, "Globex GmbH")
    other = Actor(
        partner_id=(partner.partner_id or 0) + 1000,
        client_id="contoso",
        scopes=frozenset({READ_SCOPE, QUOTES_WRITE_SCOPE}),
    )
    assert await quotes.get_quote(db, other, mine.id) is None


async def test_a_client_key_answers_with_the_partners_first_quote(db: Database) -> None:
    partner = await _northwind(db, QUOTES_WRITE_SCOPE)
    first = await _create(db, partner, "Globex GmbH", key="order-7")
    again = await _create(db, partner, "Globex GmbH", key="order-7")
    assert again.id == first.id
    # Another client of the same partner shares its keys; a user's keys are their own.
    sibling = Actor(partner_id=partner.partner_id, client_id="northwind-2", scopes=partner.scopes)
    assert (await _create(db, sibling, "Globex GmbH", key="order-7")).id == first.id
    rita = await actor(db, "rita@recur.example")
    assert (await _create(db, rita, "Globex GmbH", key="order-7")).id != first.id

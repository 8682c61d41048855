"""Creates made once per client key, even when a second call misses the first one's quote
and inserts: the unique index refuses it and the first quote answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from recur.db.engine import Database
from recur.db.models import Account, Quote, User
from recur.services import quotes
from recur.services.common import Actor
from recur.services.quotes import drafts

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


async def _rita_and_acme(db: Database) -> tuple[Actor, int]:
    async with db.session() as session:
        rita = await session.scalar(select(User).where(User.email == "rita@recur.example"))
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
    assert rita is not None and acme is not None
    return Actor(user_id=rita.id, role=rita.role, account_id=None), acme


async def _quotes_with_key(db: Database, key: str) -> int:
    async with db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(Quote).where(Quote.client_key == key)
        )
    return count or 0


async def test_a_second_insert_with_the_same_key_answers_with_the_first_quote(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rita, acme = await _rita_and_acme(db)
    first = await quotes.create_quote(
        db,
        rita,
        account_id=acme,
        start_date=None,
        term_months=None,
        today=TODAY,
        now=NOW,
        client_key="double-click",
    )

    # The second call looks before the first has committed, as in a race: it finds nothing.
    looked_up = drafts._created_with
    misses = iter([True])

    async def miss_once(db: Database, actor: Actor, key: str) -> Quote | None:
        return None if next(misses, False) else await looked_up(db, actor, key)

    monkeypatch.setattr(drafts, "_created_with", miss_once)
    second = await quotes.create_quote(
        db,
        rita,
        account_id=acme,
        start_date=None,
        term_months=None,
        today=TODAY,
        now=NOW,
        client_key="double-click",
    )

    assert second.id == first.id and second.number == first.number
    assert await _quotes_with_key(db, "double-click") == 1
    # The refused insert took no number: the next quote follows the first.
    monkeypatch.undo()
    third = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=None, today=TODAY, now=NOW
    )
    assert int(third.number.removeprefix("Q-")) == int(first.number.removeprefix("Q-")) + 1

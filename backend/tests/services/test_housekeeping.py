"""Expired sessions and one-time links are pruned; live ones stay (``recur prune`` and the
daily scheduler)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from recur.cli import main
from recur.db.engine import Database
from recur.db.models import User, UserSession, UserToken
from recur.services.accounts import prune_expired

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


async def _seed(db: Database, now: datetime) -> None:
    async with db.transaction() as session:
        user_id = await session.scalar(select(User.id).order_by(User.id).limit(1))
        assert user_id is not None
        for name, expires in (("old", -timedelta(hours=1)), ("live", timedelta(hours=1))):
            session.add(
                UserSession(id=f"{name}-session", user_id=user_id, expires_at=now + expires)
            )
            session.add(
                UserToken(
                    user_id=user_id,
                    purpose="reset",
                    token_hash=f"{name}-hash".ljust(64, "0"),
                    expires_at=now + expires,
                )
            )


async def _left(db: Database) -> tuple[set[str], set[str]]:
    async with db.session() as session:
        sessions = set(await session.scalars(select(UserSession.id)))
        links = set(await session.scalars(select(UserToken.token_hash)))
    return sessions, links


async def test_expired_sessions_and_links_are_pruned_and_live_ones_kept(db: Database) -> None:
    await _seed(db, NOW)
    before_sessions, before_links = await _left(db)

    pruned = await prune_expired(db, now=NOW)

    sessions, links = await _left(db)
    assert "old-session" not in sessions and "live-session" in sessions
    assert not any(h.startswith("old-hash") for h in links)
    assert any(h.startswith("live-hash") for h in links)
    assert pruned.sessions == len(before_sessions - sessions) >= 1
    assert pruned.links == len(before_links - links) >= 1
    assert (await prune_expired(db, now=NOW)).sessions == 0  # nothing left to prune


def test_recur_prune_deletes_what_expired(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Seeded an hour either side of now: the command uses the real clock.
    now = datetime.now(UTC)
    asyncio.run(_seed_in_new_loop(str(db.url), now))
    monkeypatch.setenv("RECUR_DATABASE_URL", str(db.url))
    assert main(["prune"]) == 0
    assert "pruned 1 expired sessions and 1 expired links" in capsys.readouterr().out


async def _seed_in_new_loop(url: str, now: datetime) -> None:
    database = Database(url)
    try:
        await _seed(database, now)
    finally:
        await database.dispose()

"""Housekeeping: sessions and one-time links past their expiry are deleted, daily by the
scheduler and on demand with ``recur prune`` (docs/operations.md, "Housekeeping").

Nothing pruned could still be used: an expired session's tokens are refused already, and an
expired link answers as an unknown one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete

from recur.db.engine import Database
from recur.db.models import UserSession, UserToken

log = logging.getLogger("recur.housekeeping")


@dataclass(frozen=True)
class Pruned:
    sessions: int
    links: int


async def prune_expired(db: Database, *, now: datetime) -> Pruned:
    """Delete the sessions and one-time links (invitations, password resets) expired by
    ``now``."""
    async with db.transaction() as session:
        sessions = await session.execute(delete(UserSession).where(UserSession.expires_at < now))
        links = await session.execute(delete(UserToken).where(UserToken.expires_at < now))
    pruned = Pruned(sessions=sessions.rowcount or 0, links=links.rowcount or 0)  # type: ignore[attr-defined]
    log.info("pruned %d expired sessions and %d expired links", pruned.sessions, pruned.links)
    return pruned

"""One-time links that set a password: invitations and password resets.

The token is random and appears only in the link; the database keeps its SHA-256 hash, so
a copy of the database opens no account. A link works once, until it expires
(docs/administration.md, "Users").
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.auth.passwords import PasswordChecks, hash_secret
from recur.auth.tokens import TokenSigner
from recur.db.engine import Database
from recur.db.models import User, UserToken
from recur.services.accounts.authentication import LoginResult, open_session, revoke_sessions
from recur.services.accounts.validation import password_problems
from recur.services.common import Invalid

INVITE = "invite"
RESET = "reset"
#: How long each kind of link works.
LINK_TTL = {INVITE: timedelta(days=7), RESET: timedelta(hours=24)}
LINK_INVALID = "This link is invalid, used or expired. Ask an admin for a new one."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_link(session: AsyncSession, user_id: int, purpose: str, *, now: datetime) -> str:
    """A new link token for ``purpose``; earlier unused links of that purpose stop working."""
    await session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == user_id,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=_digest(token),
            expires_at=now + LINK_TTL[purpose],
            created_at=now,
        )
    )
    return token


async def set_password_by_link(
    db: Database,
    signer: TokenSigner,
    token: str,
    password: str,
    *,
    purposes: tuple[str, ...],
    checks: PasswordChecks,
    now: datetime,
    ttl: timedelta,
) -> LoginResult:
    """Spend the link: set the password, end the user's other sessions, and log in."""
    problems = password_problems(password, ("password",))
    if problems:
        raise Invalid(problems)
    password_hash = await checks.run(hash_secret, password)
    async with db.transaction() as session:
        link = await session.scalar(
            select(UserToken)
            .where(UserToken.token_hash == _digest(token.strip()))
            .with_for_update()
        )
        if link is None or link.purpose not in purposes or link.used_at is not None:
            raise Invalid.one("token", LINK_INVALID, "INVALID_LINK")
        user = await session.get(User, link.user_id)
        if link.expires_at <= now or user is None or not user.active:
            raise Invalid.one("token", LINK_INVALID, "INVALID_LINK")
        link.used_at = now
        user.password_hash = password_hash
        await revoke_sessions(session, user.id, now=now)
    return await open_session(db, signer, user, now=now, ttl=ttl)

"""Logging in and out, and turning a presented token into an ``Actor``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.auth.passwords import PasswordChecks, verify_nothing, verify_secret
from recur.auth.tokens import InvalidToken, TokenClaims, TokenSigner
from recur.db.engine import Database
from recur.db.models import PartnerClient, User, UserSession
from recur.services.common import ANONYMOUS, Actor, Invalid

LOGIN_FAILED = "Email or password is incorrect."


@dataclass(frozen=True)
class LoginResult:
    user: User
    token: str
    session_id: str
    expires_at: datetime


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def login(
    db: Database,
    signer: TokenSigner,
    email: str,
    password: str,
    *,
    checks: PasswordChecks,
    now: datetime,
    ttl: timedelta,
) -> LoginResult:
    """Check the password (through ``checks``, which bounds the hashing) and open a session;
    the same answer, in the same time, for an unknown email as for a wrong password."""
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == normalize_email(email)))
        if user is None:
            await checks.run(verify_nothing, password)
            raise Invalid.one(None, LOGIN_FAILED, "LOGIN_FAILED")
        if not await checks.run(verify_secret, user.password_hash, password):
            raise Invalid.one(None, LOGIN_FAILED, "LOGIN_FAILED")
        if not user.active:
            raise Invalid.one(None, LOGIN_FAILED, "LOGIN_FAILED")
    return await open_session(db, signer, user, now=now, ttl=ttl)


async def open_session(
    db: Database, signer: TokenSigner, user: User, *, now: datetime, ttl: timedelta
) -> LoginResult:
    """Log ``user`` in: a session row and a token naming it (after a password was checked
    or set)."""
    login_session = UserSession(
        id=secrets.token_urlsafe(24), user_id=user.id, expires_at=now + ttl, created_at=now
    )
    async with db.transaction() as session:
        session.add(login_session)
    token = signer.issue(f"user:{user.id}", now=now, ttl=ttl, session_id=login_session.id)
    return LoginResult(
        user=user, token=token, session_id=login_session.id, expires_at=login_session.expires_at
    )


async def revoke_sessions(
    session: AsyncSession, user_id: int, *, now: datetime, keep: str | None = None
) -> None:
    """End every open session of a user (but ``keep``), in the caller's transaction: as
    logout does, their tokens stop working at once."""
    statement = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    await session.execute(statement.values(revoked_at=now))


async def logout(db: Database, actor: Actor, *, now: datetime) -> None:
    """Revoke the actor's session: its token stops working at once."""
    if actor.session_id is None:
        return
    async with db.transaction() as session:
        login_session = await session.get(UserSession, actor.session_id)
        if login_session is not None and login_session.revoked_at is None:
            login_session.revoked_at = now


async def actor_for_token(db: Database, signer: TokenSigner, token: str, *, now: datetime) -> Actor:
    """The actor a bearer token stands for; anonymous when it is invalid, expired or revoked."""
    try:
        claims = signer.verify(token, now=now)
    except InvalidToken:
        return ANONYMOUS
    if claims.user_id is not None and claims.session_id:
        return await _user_actor(db, claims, now=now)
    if claims.client_id is not None:
        return await _partner_actor(db, claims)
    return ANONYMOUS


async def _user_actor(db: Database, claims: TokenClaims, *, now: datetime) -> Actor:
    statement = (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == claims.user_id, UserSession.id == claims.session_id)
    )
    async with db.session() as session:
        row = (await session.execute(statement)).first()
    if row is None:
        return ANONYMOUS
    user, login_session = row
    if not user.active or login_session.revoked_at is not None or login_session.expires_at <= now:
        return ANONYMOUS
    return Actor(
        user_id=user.id, role=user.role, account_id=user.account_id, session_id=login_session.id
    )


async def _partner_actor(db: Database, claims: TokenClaims) -> Actor:
    async with db.session() as session:
        client = await session.scalar(
            select(PartnerClient).where(PartnerClient.client_id == claims.client_id)
        )
    if client is None or not client.active:
        return ANONYMOUS
    granted = set(claims.scope.split()) & set(client.scopes.split())
    return Actor(
        partner_id=client.partner_id, client_id=client.client_id, scopes=frozenset(granted)
    )

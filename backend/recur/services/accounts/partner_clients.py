"""A partner's API clients, for admins: credentials issued with the secret shown once (only
its argon2id hash is kept), secrets rotated, clients revoked (docs/administration.md,
"Partners")."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from recur.auth.passwords import hash_secret
from recur.db.engine import Database
from recur.db.models import Partner, PartnerClient
from recur.services.accounts.partners import require_admin
from recur.services.common import PARTNER_SCOPES, Actor, Invalid, audit

#: Random bytes in a client secret (43 URL-safe characters).
SECRET_BYTES = 32


@dataclass(frozen=True)
class IssuedCredentials:
    """A client and its new secret: the only time the secret is known in clear."""

    client: PartnerClient
    client_secret: str


def checked_scopes(scopes: Sequence[str]) -> list[str]:
    """The requested scopes, known ones only, each once, in the order given."""
    wanted = list(dict.fromkeys(scope.strip() for scope in scopes))
    if not wanted or wanted == [""]:
        raise Invalid.one("scopes", "Grant at least one scope.", "REQUIRED")
    unknown = [scope for scope in wanted if scope not in PARTNER_SCOPES]
    if unknown:
        known = ", ".join(PARTNER_SCOPES)
        raise Invalid.one(
            "scopes", f"Unknown scope {unknown[0]!r}: the scopes are {known}.", "UNKNOWN_SCOPE"
        )
    return wanted


def _client_id(partner: Partner) -> str:
    """A readable, unguessable client id: the partner's name as a slug and random hex."""
    slug = re.sub(r"[^a-z0-9]+", "-", partner.name.lower()).strip("-")[:40] or "partner"
    return f"{slug}-{secrets.token_hex(4)}"


async def _new_secret() -> tuple[str, str]:
    """A fresh secret and its hash (argon2id is slow by design: off the event loop)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, await run_in_threadpool(hash_secret, secret)


async def create_partner_client(
    db: Database, actor: Actor, *, partner_id: int, scopes: Sequence[str], now: datetime
) -> IssuedCredentials:
    """Issue client credentials to a partner."""
    require_admin(actor, "issue partner credentials")
    granted = checked_scopes(scopes)
    secret, secret_hash = await _new_secret()
    async with db.transaction() as session:
        partner = await session.get(Partner, partner_id)
        if partner is None:
            raise Invalid.one("partnerId", "No such partner.", "NOT_FOUND")
        client = PartnerClient(
            partner_id=partner.id,
            client_id=_client_id(partner),
            secret_hash=secret_hash,
            scopes=" ".join(granted),
            active=True,
            created_at=now,
        )
        session.add(client)
        await session.flush()
        await audit(
            session,
            actor,
            "partner_client.create",
            ("PartnerClient", client.id),
            f"Client {client.client_id} issued to {partner.name} with {client.scopes}.",
            now=now,
            after={"clientId": client.client_id, "scopes": granted},
        )
        return IssuedCredentials(client, secret)


async def _active_client(session: AsyncSession, client_id: str) -> PartnerClient:
    client = await session.scalar(
        select(PartnerClient).where(PartnerClient.client_id == client_id).with_for_update()
    )
    if client is None:
        raise Invalid.one("clientId", "No such client.", "NOT_FOUND")
    if not client.active:
        raise Invalid.one("clientId", "This client is revoked.", "REVOKED")
    return client


async def rotate_partner_client_secret(
    db: Database, actor: Actor, *, client_id: str, now: datetime
) -> IssuedCredentials:
    """Give a client a new secret; the old one stops working at once."""
    require_admin(actor, "rotate partner credentials")
    secret, secret_hash = await _new_secret()
    async with db.transaction() as session:
        client = await _active_client(session, client_id)
        client.secret_hash = secret_hash
        await audit(
            session,
            actor,
            "partner_client.rotate_secret",
            ("PartnerClient", client.id),
            f"Secret of client {client.client_id} rotated.",
            now=now,
        )
        return IssuedCredentials(client, secret)


async def revoke_partner_client(
    db: Database, actor: Actor, *, client_id: str, now: datetime
) -> PartnerClient:
    """Revoke a client for good: it gets no new tokens, and those it has stop working."""
    require_admin(actor, "revoke partner credentials")
    async with db.transaction() as session:
        client = await _active_client(session, client_id)
        client.active = False
        await audit(
            session,
            actor,
            "partner_client.revoke",
            ("PartnerClient", client.id),
            f"Client {client.client_id} revoked.",
            now=now,
            before={"active": True},
            after={"active": False},
        )
        return client

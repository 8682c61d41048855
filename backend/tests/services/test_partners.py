"""Partner administration in the accounts service: admins only, audited without secrets;
a secret shown once and kept as a hash; rotation ends the old secret, revocation the
client's tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recur.auth.passwords import verify_secret
from recur.auth.tokens import TokenSigner
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, PartnerClient, User
from recur.services import accounts
from recur.services.common import (
    ANONYMOUS,
    READ_SCOPE,
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    PageRequest,
)
from tests.conftest import NOW, SECRET

SIGNER = TokenSigner(SECRET)


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def _account(db: Database, name: str) -> int:
    async with db.session() as session:
        pk = await session.scalar(select(Account.id).where(Account.name == name))
    assert pk is not None
    return pk


async def test_a_client_sees_its_partners_accounts_until_it_is_revoked(db: Database) -> None:
    adam = await _actor(db, "adam@recur.example")
    partner = await accounts.create_partner(db, adam, name="Contoso", now=NOW)
    await accounts.set_account_partner(
        db, adam, account_id=await _account(db, "Initech"), partner_id=partner.id, now=NOW
    )
    issued = await accounts.create_partner_client(
        db, adam, partner_id=partner.id, scopes=[READ_SCOPE, READ_SCOPE], now=NOW
    )
    assert issued.client.scopes == READ_SCOPE
    assert verify_secret(issued.client.secret_hash, issued.client_secret)
    token = SIGNER.issue(
        f"client:{issued.client.client_id}", now=NOW, ttl=timedelta(hours=1), scope=READ_SCOPE
    )
    actor = await accounts.actor_for_token(db, SIGNER, token, now=NOW)
    page = await accounts.list_accounts(db, actor, page=PageRequest())
    assert [account.name for account in page.items] == ["Initech"]

    await accounts.revoke_partner_client(db, adam, client_id=issued.client.client_id, now=NOW)

    assert await accounts.actor_for_token(db, SIGNER, token, now=NOW) == ANONYMOUS


async def test_rotation_replaces_the_secret_and_no_secret_is_audited(db: Database) -> None:
    adam = await _actor(db, "adam@recur.example")
    partner = await accounts.create_partner(db, adam, name="Fabrikam", now=NOW)
    issued = await accounts.create_partner_client(
        db, adam, partner_id=partner.id, scopes=[READ_SCOPE], now=NOW
    )
    rotated = await accounts.rotate_partner_client_secret(
        db, adam, client_id=issued.client.client_id, now=NOW
    )
    async with db.session() as session:
        stored = await session.scalar(
            select(PartnerClient).where(PartnerClient.client_id == issued.client.client_id)
        )
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert stored is not None
    assert not verify_secret(stored.secret_hash, issued.client_secret)
    assert verify_secret(stored.secret_hash, rotated.client_secret)
    assert [e.action for e in entries] == [
        "partner.create",
        "partner_client.create",
        "partner_client.rotate_secret",
    ]
    recorded = str([(e.summary, e.before, e.after) for e in entries])
    for secret in (issued.client_secret, rotated.client_secret, stored.secret_hash):
        assert secret not in recorded


async def test_linking_to_the_same_partner_again_records_nothing(db: Database) -> None:
    adam = await _actor(db, "adam@recur.example")
    partner = await accounts.create_partner(db, adam, name="Tailspin", now=NOW)
    acme = await _account(db, "Acme Corp")
    for _ in range(2):
        await accounts.set_account_partner(
            db, adam, account_id=acme, partner_id=partner.id, now=NOW
        )
    async with db.session() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions == ["partner.create", "account.set_partner"]


@pytest.mark.parametrize(
    "email", ["maria@recur.example", "rita@recur.example", "fiona@recur.example"]
)
async def test_only_admins_administer_partners(db: Database, email: str) -> None:
    actor = await _actor(db, email)
    assert actor.role is not Role.ADMIN
    with pytest.raises(Forbidden):
        await accounts.create_partner(db, actor, name="Mallory", now=NOW)
    with pytest.raises(Forbidden):
        await accounts.list_partners(db, actor, PageRequest())
    with pytest.raises(Forbidden):
        await accounts.revoke_partner_client(db, actor, client_id="northwind", now=NOW)
    with pytest.raises(NotAuthenticated):
        await accounts.create_partner_client(
            db, ANONYMOUS, partner_id=1, scopes=[READ_SCOPE], now=NOW
        )
    assert await accounts.clients_by_partner(db, actor, [1]) == {}


async def test_scopes_are_known_and_at_least_one(db: Database) -> None:
    adam = await _actor(db, "adam@recur.example")
    partner = await accounts.create_partner(db, adam, name="Litware", now=NOW)
    for scopes, code in (
        ([], "REQUIRED"),
        ([""], "REQUIRED"),
        (["read", "admin"], "UNKNOWN_SCOPE"),
    ):
        with pytest.raises(Invalid) as refused:
            await accounts.create_partner_client(
                db, adam, partner_id=partner.id, scopes=scopes, now=NOW
            )
        [problem] = refused.value.problems
        assert (problem.field, problem.code) == (("scopes",), code)

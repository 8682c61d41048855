"""Account scoping by actor, straight at the service (the GraphQL layer is not the guard)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Partner, User
from recur.services import accounts
from recur.services.common import ANONYMOUS, Actor, Forbidden, NotAuthenticated, PageRequest


async def _ids(db: Database) -> tuple[dict[str, int], dict[str, User], int]:
    async with db.session() as session:
        names = {a.name: a.id for a in await session.scalars(select(Account))}
        users = {u.email.split("@")[0]: u for u in await session.scalars(select(User))}
        partner = await session.scalar(select(Partner.id).where(Partner.name == "Northwind"))
    assert partner is not None
    return names, users, partner


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def _visible(db: Database, actor: Actor) -> list[str]:
    page = await accounts.list_accounts(db, actor, page=PageRequest(first=100))
    return [a.name for a in page.items]


async def test_each_role_lists_exactly_its_accounts(db: Database) -> None:
    _, users, partner = await _ids(db)
    everyone = ["Acme Corp", "Globex GmbH", "Initech"]
    assert await _visible(db, _actor(users["alice"])) == ["Acme Corp"]
    assert await _visible(db, _actor(users["rita"])) == ["Acme Corp", "Globex GmbH"]
    assert await _visible(db, _actor(users["sam"])) == ["Initech"]
    for name in ("maria", "fiona", "adam"):
        assert await _visible(db, _actor(users[name])) == everyone
    northwind = Actor(partner_id=partner, client_id="northwind", scopes=frozenset({"read"}))
    assert await _visible(db, northwind) == ["Globex GmbH"]


async def test_callers_who_may_see_no_account_are_refused(db: Database) -> None:
    _, _, partner = await _ids(db)
    with pytest.raises(NotAuthenticated):
        await _visible(db, ANONYMOUS)
    with pytest.raises(Forbidden):
        await _visible(db, Actor(partner_id=partner, client_id="northwind", scopes=frozenset()))


async def test_another_accounts_id_answers_like_an_unknown_id(db: Database) -> None:
    names, users, _ = await _ids(db)
    alice = _actor(users["alice"])
    assert (await accounts.get_account(db, alice, names["Acme Corp"])) is not None
    assert await accounts.get_account(db, alice, names["Initech"]) is None
    assert await accounts.get_account(db, alice, 999_999) is None


async def test_search_stays_within_the_visible_accounts(db: Database) -> None:
    _, users, _ = await _ids(db)
    sam = Actor(user_id=users["sam"].id, role=Role.REP)
    page = await accounts.list_accounts(db, sam, search="acme", page=PageRequest())
    assert page.items == []

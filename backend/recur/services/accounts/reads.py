"""Accounts and users, as the asking actor may see them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, or_, select, true

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, User
from recur.services.common import (
    READ_SCOPE,
    Actor,
    Forbidden,
    NotAuthenticated,
    Page,
    PageRequest,
    paginate,
)


def visible_accounts(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition selecting exactly the accounts ``actor`` may see (docs/domain.md,
    "Who may do what")."""
    if actor.is_partner:
        if READ_SCOPE not in actor.scopes:
            return false()
        return Account.partner_id == actor.partner_id
    if actor.role is Role.CUSTOMER:
        return Account.id == actor.account_id
    if actor.role is Role.REP:
        return Account.owner_id == actor.user_id
    if actor.sees_all_accounts:
        return true()
    return false()


def require_account_reader(actor: Actor) -> None:
    """Refuse callers who can see no account at all."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.is_partner and READ_SCOPE not in actor.scopes:
        raise Forbidden(f"This client's token lacks the '{READ_SCOPE}' scope.")


async def list_accounts(
    db: Database,
    actor: Actor,
    *,
    search: str | None = None,
    unassigned: bool = False,
    page: PageRequest,
) -> Page[Account]:
    """The accounts ``actor`` may see, by name; ``unassigned``: only those without an
    owning rep (e.g. signed up by themselves)."""
    require_account_reader(actor)
    statement = select(Account).where(visible_accounts(actor))
    if unassigned:
        statement = statement.where(Account.owner_id.is_(None))
    if search and search.strip():
        statement = statement.where(Account.name.icontains(search.strip(), autoescape=True))
    return await paginate(db, statement, (Account.name, Account.id), page)


async def get_account(db: Database, actor: Actor, account_id: int) -> Account | None:
    """The account, or ``None`` when it does not exist *or* ``actor`` may not see it."""
    accounts = await accounts_by_id(db, actor, [account_id])
    return accounts.get(account_id)


async def accounts_by_id(db: Database, actor: Actor, ids: Sequence[int]) -> dict[int, Account]:
    """The visible accounts among ``ids``, in one query (for dataloaders)."""
    if actor.is_anonymous or not ids:
        return {}
    statement = select(Account).where(Account.id.in_(set(ids)), visible_accounts(actor))
    async with db.session() as session:
        return {account.id: account for account in await session.scalars(statement)}


def visible_users(actor: Actor) -> ColumnElement[bool]:
    """Users ``actor`` may look up: themself, the users of accounts they see, and, for
    staff, their colleagues. Partners see no users."""
    if not actor.is_user:
        return false()
    if actor.sees_all_accounts:
        return true()
    conditions = [User.id == actor.user_id]
    if actor.role is Role.CUSTOMER:
        conditions.append(User.account_id == actor.account_id)
    elif actor.is_staff:
        visible = select(Account.id).where(visible_accounts(actor))
        conditions += [User.account_id.in_(visible), User.account_id.is_(None)]
    return or_(*conditions)


async def users_by_id(
    db: Database, ids: Sequence[int], actor: Actor | None = None
) -> dict[int, User]:
    """Users by id, in one query; only those ``actor`` may see when an actor is given.

    Without an actor the caller has decided already (e.g. the owner of a visible account).
    """
    if not ids:
        return {}
    statement = select(User).where(User.id.in_(set(ids)))
    if actor is not None:
        statement = statement.where(visible_users(actor))
    async with db.session() as session:
        return {user.id: user for user in await session.scalars(statement)}

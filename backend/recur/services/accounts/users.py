"""Administering users: invitations, roles, deactivation, password resets and the list of
users (admins only), and changing one's own password (docs/administration.md, "Users")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from recur.auth.passwords import PasswordChecks, hash_secret, verify_secret
from recur.core.roles import STAFF_ROLES, Role
from recur.db.engine import Database
from recur.db.models import Account, User
from recur.services.accounts.authentication import revoke_sessions
from recur.services.accounts.links import INVITE, LINK_TTL, RESET, issue_link
from recur.services.accounts.validation import check_email, check_name, password_problems
from recur.services.common import (
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Page,
    PageRequest,
    Problem,
    account_name,
    audit,
    changed,
    paginate,
    queue_mail,
)


@dataclass(frozen=True)
class Invitation:
    user: User
    token: str


def require_admin(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins manage users.")


async def list_users(
    db: Database,
    actor: Actor,
    *,
    search: str | None = None,
    role: Role | None = None,
    page: PageRequest,
) -> Page[User]:
    """Every user, by name; ``search`` matches name or email."""
    require_admin(actor)
    statement = select(User)
    if search and search.strip():
        text = search.strip()
        statement = statement.where(
            or_(
                User.name.icontains(text, autoescape=True),
                User.email.icontains(text, autoescape=True),
            )
        )
    if role is not None:
        statement = statement.where(User.role == role)
    return await paginate(db, statement, (User.name, User.id), page)


async def invite_user(
    db: Database,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: Role,
    account_id: int | None,
    now: datetime,
) -> Invitation:
    """A new user without a password, and the token of the link that sets it. Customers
    belong to an account; staff to none."""
    require_admin(actor)
    problems: list[Problem] = []
    email = check_email(email, ("email",), problems)
    name = check_name(name, ("name",), problems)
    if role is Role.CUSTOMER and account_id is None:
        problems.append(Problem(("accountId",), "A customer belongs to an account.", "REQUIRED"))
    if role in STAFF_ROLES and account_id is not None:
        problems.append(Problem(("accountId",), "Staff belong to no account.", "NOT_ALLOWED"))
    async with db.transaction() as session:
        if account_id is not None and await session.get(Account, account_id) is None:
            problems.append(Problem(("accountId",), "No such account.", "NOT_FOUND"))
        if email and await session.scalar(select(User.id).where(User.email == email)):
            problems.append(Problem(("email",), "A user with this email exists.", "TAKEN"))
        if problems:
            raise Invalid(problems)
        user = User(
            email=email,
            name=name,
            role=role,
            account_id=account_id,
            password_hash="",
            active=True,
            created_at=now,
        )
        session.add(user)
        await session.flush()
        token = await issue_link(session, user.id, INVITE, now=now)
        await _mail_link(session, user, INVITE, token, now=now)
        await audit(
            session,
            actor,
            "user.invite",
            ("User", user.id),
            f"Invited {name} as {role.value}",
            now=now,
            after={"email": email, "name": name, "role": role, "accountId": account_id},
        )
    return Invitation(user=user, token=token)


async def update_user(
    db: Database,
    actor: Actor,
    user_id: int,
    *,
    role: Role | None = None,
    active: bool | None = None,
    now: datetime,
) -> User:
    """Change a user's role or activity. Deactivating ends their sessions at once; nobody
    demotes or deactivates themself (the last admin could lock everyone out)."""
    require_admin(actor)
    async with db.transaction() as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            raise Invalid.one("userId", "No such user.", "NOT_FOUND")
        _check_update(actor, user, role, active)
        before = {"role": user.role, "active": user.active}
        if role is not None:
            user.role = role
        if active is not None:
            user.active = active
        old, new = changed(before, {"role": user.role, "active": user.active})
        if not new:
            return user
        if not user.active:
            await revoke_sessions(session, user.id, now=now)
        verb = "update" if "active" not in new else ("activate" if user.active else "deactivate")
        await audit(
            session,
            actor,
            f"user.{verb}",
            ("User", user.id),
            f"{verb.title()}d {user.name}",
            now=now,
            before=old,
            after=new,
        )
    return user


async def _mail_link(
    session: AsyncSession, user: User, purpose: str, token: str, *, now: datetime
) -> None:
    """Email a one-time link to its user (docs/email.md); the admin is shown it too."""
    await queue_mail(
        session,
        "user_invite" if purpose == INVITE else "password_reset",
        [user.email],
        {
            "name": user.name,
            "path": f"/{purpose}/{token}",
            "valid_for": _duration(LINK_TTL[purpose]),
            "account_name": await account_name(session, user.account_id),
        },
        now=now,
        account_id=user.account_id,
    )


def _duration(ttl: timedelta) -> str:
    """``7 days``, ``24 hours``."""
    if ttl.days > 1 and not ttl.seconds:
        return f"{ttl.days} days"
    hours = int(ttl.total_seconds() // 3600)
    return f"{hours} hours" if hours != 1 else "1 hour"


def _check_update(actor: Actor, user: User, role: Role | None, active: bool | None) -> None:
    if user.id == actor.user_id and (active is False or role not in (None, Role.ADMIN)):
        raise Invalid.one("userId", "You cannot demote or deactivate yourself.", "NOT_ALLOWED")
    if role is not None and (role is Role.CUSTOMER) != (user.role is Role.CUSTOMER):
        raise Invalid.one(
            "role", "A customer stays a customer and staff stay staff.", "NOT_ALLOWED"
        )


async def create_password_reset(db: Database, actor: Actor, user_id: int, *, now: datetime) -> str:
    """The token of a one-time link that sets a new password for the user."""
    require_admin(actor)
    async with db.transaction() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise Invalid.one("userId", "No such user.", "NOT_FOUND")
        if not user.active:
            raise Invalid.one("userId", "Activate the user first.", "INACTIVE")
        token = await issue_link(session, user.id, RESET, now=now)
        await _mail_link(session, user, RESET, token, now=now)
        await audit(
            session,
            actor,
            "user.password_reset",
            ("User", user.id),
            f"Created a password reset link for {user.name}",
            now=now,
        )
    return token


async def change_password(
    db: Database,
    actor: Actor,
    current_password: str,
    new_password: str,
    *,
    checks: PasswordChecks,
    now: datetime,
) -> None:
    """Everyone changes their own password, knowing the current one; their other sessions
    end (a stolen session must not outlive the change)."""
    if not actor.is_user or actor.user_id is None:
        raise NotAuthenticated()
    problems = password_problems(new_password, ("newPassword",))
    if problems:
        raise Invalid(problems)
    async with db.session() as session:
        user = await session.get(User, actor.user_id)
    if user is None or not await checks.run(verify_secret, user.password_hash, current_password):
        raise Invalid.one("currentPassword", "The current password is incorrect.", "WRONG_PASSWORD")
    password_hash = await checks.run(hash_secret, new_password)
    async with db.transaction() as session:
        user = await session.get(User, actor.user_id, with_for_update=True)
        if user is None:
            raise NotAuthenticated()
        user.password_hash = password_hash
        await revoke_sessions(session, user.id, now=now, keep=actor.session_id)


async def create_admin(
    db: Database, *, email: str, name: str, password: str, now: datetime
) -> User:
    """The first admin (or another one), for ``recur create-admin``: the way into a new
    installation, where nobody can invite yet."""
    problems: list[Problem] = []
    email = check_email(email, ("email",), problems)
    name = check_name(name, ("name",), problems)
    problems += password_problems(password, ("password",))
    if problems:
        raise Invalid(problems)
    password_hash = await run_in_threadpool(hash_secret, password)
    async with db.transaction() as session:
        if await session.scalar(select(User.id).where(User.email == email)):
            raise Invalid.one("email", "A user with this email exists.", "TAKEN")
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            role=Role.ADMIN,
            active=True,
            created_at=now,
        )
        session.add(user)
        await session.flush()
        await audit(
            session,
            Actor(),
            "user.create_admin",
            ("User", user.id),
            f"Created admin {name} from the command line",
            now=now,
            after={"email": email, "name": name, "role": Role.ADMIN},
        )
    return user

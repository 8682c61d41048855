"""The audit log: every administrative change is recorded in the transaction that makes it —
who, when, what, and the changed fields before and after — and admins read it newest first
(docs/architecture.md, "The audit log")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import AuditEntry, User
from recur.services.common.actor import Actor
from recur.services.common.errors import Forbidden, NotAuthenticated
from recur.services.common.pagination import Page, PageRequest, paginate


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: money and dates as strings, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, before and after."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


async def audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    subject: tuple[str, int | None],
    summary: str,
    *,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one administrative change in the caller's transaction. ``subject``: the type
    name and primary key of what changed; ``before``/``after``: its changed fields."""
    if actor.user_id is not None:
        user = await session.get(User, actor.user_id)
        label = user.name if user is not None else f"user {actor.user_id}"
    elif actor.client_id is not None:
        label = f"partner client {actor.client_id}"
    else:
        label = "system"
    entry = AuditEntry(
        occurred_at=now,
        actor_id=actor.user_id,
        actor_label=label[:200],
        action=action,
        subject_type=subject[0],
        subject_id=subject[1],
        summary=summary[:500],
        before=None if before is None else _plain(before),
        after=None if after is None else _plain(after),
    )
    session.add(entry)
    return entry


async def audit_log(db: Database, actor: Actor, page: PageRequest) -> Page[AuditEntry]:
    """The audit log, newest first (in the order recorded): admins only."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins read the audit log.")
    return await paginate(db, select(AuditEntry), [AuditEntry.id], page, descending=True)

"""The Outbox: every email queued, newest first, for admins to read (docs/email.md,
"Outbox")."""

from __future__ import annotations

from sqlalchemy import select

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import MailMessage
from recur.services.common import (
    MAIL_STATUSES,
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    Page,
    PageRequest,
    paginate,
)


def require_outbox_reader(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins read the outbox.")


async def list_mail_messages(
    db: Database, actor: Actor, *, page: PageRequest, status: str | None = None
) -> Page[MailMessage]:
    """Every message, newest first; ``status`` narrows to PENDING, SENT, KEPT or FAILED."""
    require_outbox_reader(actor)
    statement = select(MailMessage)
    if status is not None:
        if status not in MAIL_STATUSES:
            raise Invalid.one("status", f"status is one of {', '.join(MAIL_STATUSES)}.", "INVALID")
        statement = statement.where(MailMessage.status == status)
    return await paginate(db, statement, [MailMessage.id], page, descending=True)


async def get_mail_message(db: Database, actor: Actor, message_id: int) -> MailMessage | None:
    require_outbox_reader(actor)
    async with db.session() as session:
        return await session.get(MailMessage, message_id)

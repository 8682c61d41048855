"""The mail outbox: messages written in the transaction of what they tell, for the
delivery worker to send (docs/email.md).

:func:`queue_mail` writes one message: its kind (the template), recipients, subject and the
values its bodies are rendered from when it is sent. The recipient helpers say who hears
of what: an account's billing contact, its customers, the managers, a quote's rep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.roles import STAFF_ROLES, Role
from recur.db.models import Account, MailMessage, User
from recur.mail import render_subject

log = logging.getLogger("recur.mail")

#: Message statuses (``MailMessage.status``): waiting to be sent, sent, kept for the
#: Outbox (no SMTP server configured), given up on.
MAIL_PENDING = "PENDING"
MAIL_SENT = "SENT"
MAIL_KEPT = "KEPT"
MAIL_FAILED = "FAILED"
MAIL_STATUSES = (MAIL_PENDING, MAIL_SENT, MAIL_KEPT, MAIL_FAILED)

#: Values that open something (a one-time link) and are removed from a message once it is
#: sent, so that the outbox holds no live link (docs/email.md, "What is kept").
SECRET_VALUES: dict[str, tuple[str, ...]] = {
    "user_invite": ("path",),
    "password_reset": ("path",),
}


def _addresses(recipients: Iterable[str]) -> list[str]:
    """Each address once, in the order given, blanks left out."""
    seen: dict[str, None] = {}
    for address in recipients:
        address = address.strip()
        if address and address.lower() not in {a.lower() for a in seen}:
            seen[address] = None
    return list(seen)


async def queue_mail(
    session: AsyncSession,
    kind: str,
    recipients: Iterable[str],
    context: dict[str, Any],
    *,
    now: datetime,
    account_id: int | None = None,
    event_id: int | None = None,
    attachment: str = "",
) -> MailMessage | None:
    """Queue one message in the caller's transaction; ``None`` (nothing queued) when it has
    nobody to go to."""
    addresses = _addresses(recipients)
    if not addresses:
        return None
    message = MailMessage(
        kind=kind,
        recipients=addresses,
        subject=_subject(kind, context),
        context=context,
        attachment=attachment,
        account_id=account_id,
        event_id=event_id,
        status=MAIL_PENDING,
        attempts=0,
        next_attempt_at=now,
        error="",
        text="",
        html="",
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message


def _subject(kind: str, context: dict[str, Any]) -> str:
    """The subject line; a template that cannot write it must not undo the change that
    queues the message: the message is queued all the same, and the worker, unable to write
    it either, marks it FAILED with the reason."""
    try:
        return render_subject(kind, context)
    except Exception:
        log.exception("the subject of a %s message could not be written", kind)
        return f"({kind})"


async def account_customers(session: AsyncSession, account_id: int | None) -> list[str]:
    """The active customer users of an account."""
    if account_id is None:
        return []
    return list(
        await session.scalars(
            select(User.email)
            .where(User.account_id == account_id, User.role == Role.CUSTOMER, User.active)
            .order_by(User.id)
        )
    )


async def billing_contacts(session: AsyncSession, account_id: int | None) -> list[str]:
    """Where an account's invoices go: its billing email, or else its customer users."""
    if account_id is None:
        return []
    billing_email = await session.scalar(
        select(Account.billing_email).where(Account.id == account_id)
    )
    if billing_email:
        return [billing_email]
    return await account_customers(session, account_id)


async def quote_contacts(session: AsyncSession, account_id: int | None) -> list[str]:
    """Who a quote is sent to: the account's customer users, or else its billing email."""
    customers = await account_customers(session, account_id)
    return customers or await billing_contacts(session, account_id)


async def managers(session: AsyncSession) -> list[str]:
    """The active managers: they approve discounts."""
    return list(
        await session.scalars(
            select(User.email).where(User.role == Role.MANAGER, User.active).order_by(User.id)
        )
    )


async def rep_of(session: AsyncSession, created_by_id: int | None, account_id: int) -> list[str]:
    """A quote's rep: the staff member who made it, or else its account's owner."""
    for user_id in (created_by_id, await _owner_of(session, account_id)):
        if user_id is None:
            continue
        user = await session.get(User, user_id)
        if user is not None and user.active and user.role in STAFF_ROLES:
            return [user.email]
    return []


async def _owner_of(session: AsyncSession, account_id: int) -> int | None:
    return await session.scalar(select(Account.owner_id).where(Account.id == account_id))


async def account_name(session: AsyncSession, account_id: int | None) -> str:
    if account_id is None:
        return ""
    return await session.scalar(select(Account.name).where(Account.id == account_id)) or ""


async def user_name(session: AsyncSession, user_id: int | None) -> str:
    if user_id is None:
        return "Somebody"
    return await session.scalar(select(User.name).where(User.id == user_id)) or "Somebody"

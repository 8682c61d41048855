"""Which business events send an email, to whom, with what attached (docs/email.md).

:data:`EVENT_MAIL` is the one table: an event type, the template (``recur/mail/templates/
<kind>.txt`` and ``.html``), who receives it and the document attached. ``record_event``
queues the message in the event's transaction, so the mail commits or rolls back with the
change it tells of. Another email for an event is one entry here and its two templates.
The template reads the event's ``data`` and ``account.name``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.models import Event
from recur.services.common.mail import (
    account_name,
    billing_contacts,
    queue_mail,
    quote_contacts,
    rep_of,
)

#: Who receives a message: ``(session, account id, event data) -> addresses``.
Recipients = Callable[[AsyncSession, int | None, dict[str, Any]], Awaitable[list[str]]]


async def _billing(session: AsyncSession, account_id: int | None, _: dict[str, Any]) -> list[str]:
    return await billing_contacts(session, account_id)


async def _quote(session: AsyncSession, account_id: int | None, _: dict[str, Any]) -> list[str]:
    return await quote_contacts(session, account_id)


async def _rep(session: AsyncSession, account_id: int | None, _: dict[str, Any]) -> list[str]:
    return [] if account_id is None else await rep_of(session, None, account_id)


def _invoice_pdf(data: dict[str, Any]) -> str:
    return f"invoice:{data['invoice']['number']}"


@dataclass(frozen=True)
class EventMail:
    """The email an event sends."""

    kind: str
    recipients: Recipients
    #: The document attached (rendered when sent), from the event's data.
    attachment: Callable[[dict[str, Any]], str] | None = None


EVENT_MAIL: dict[str, EventMail] = {
    "invoice.issued": EventMail("invoice_issued", _billing, attachment=_invoice_pdf),
    "quote.sent": EventMail("quote_sent", _quote),
    "payment.received": EventMail("payment_receipt", _billing),
    "payment.failed": EventMail("payment_failed", _billing),
    "payment.refunded": EventMail("payment_refunded", _billing),
    # The last retry of a declined autopay charge failed: its rep is told (docs/collections.md).
    "invoice.dunning_exhausted": EventMail("dunning_exhausted", _rep),
}


async def mail_for_event(session: AsyncSession, event: Event) -> None:
    """Queue the email ``event`` sends, if any, in the event's transaction."""
    spec = EVENT_MAIL.get(event.type)
    if spec is None:
        return
    recipients = await spec.recipients(session, event.account_id, event.data)
    context = {**event.data, "account": {"name": await account_name(session, event.account_id)}}
    await queue_mail(
        session,
        spec.kind,
        recipients,
        context,
        now=event.occurred_at,
        account_id=event.account_id,
        event_id=event.id,
        attachment=spec.attachment(event.data) if spec.attachment else "",
    )

"""The Outbox over GraphQL: admins read every email queued, sent, kept or failed
(docs/email.md, "Outbox")."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from recur.db import models
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of, to_global_id
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated
from recur.mail import render_bodies
from recur.services import integrations


@strawberry.enum(description="Where an email is on its way.")
class MailStatus(Enum):
    PENDING = "PENDING"
    SENT = "SENT"
    KEPT = "KEPT"
    FAILED = "FAILED"


@strawberry.type(description="One email: who it went to, what it said, how it went.")
class MailMessage:
    model_: strawberry.Private[models.MailMessage]
    id: strawberry.ID
    kind: str = strawberry.field(
        description="Which email it is: invoice_issued, quote_sent, user_invite, …"
    )
    to: list[str] = strawberry.field(description="The addresses it goes to.")
    subject: str
    status: MailStatus = strawberry.field(
        description="PENDING (to be sent), SENT, KEPT (no SMTP server configured: kept here "
        "only) or FAILED (given up)."
    )
    attempts: int
    error: str = strawberry.field(description="What went wrong on the last attempt, or empty.")
    attachment: str | None = strawberry.field(
        description="The file attached when it is sent, e.g. INV-000012.pdf."
    )
    created_at: datetime
    sent_at: datetime | None

    @strawberry.field(description="The plain-text body (as sent, or as it will be).")
    def text(self, info: Info) -> str:
        return self.model_.text or _rendered(self.model_, info)[0]

    @strawberry.field(
        description="The HTML body (as sent, or as it will be). Show it only in a sandboxed "
        "frame: it is the email's own document."
    )
    def html(self, info: Info) -> str:
        return self.model_.html or _rendered(self.model_, info)[1]

    @classmethod
    def from_model(cls, message: models.MailMessage) -> MailMessage:
        _, _, number = message.attachment.partition(":")
        return cls(
            model_=message,
            id=to_global_id("MailMessage", message.id),
            kind=message.kind,
            to=list(message.recipients),
            subject=message.subject,
            status=MailStatus(message.status),
            attempts=message.attempts,
            error=message.error,
            attachment=f"{number}.pdf" if number else None,
            created_at=message.created_at,
            sent_at=message.sent_at,
        )


def _rendered(message: models.MailMessage, info: Info) -> tuple[str, str]:
    """The bodies of a message not sent yet, as the worker will write them."""
    brand = integrations.brand_of(info.context.settings)
    try:
        rendered = render_bodies(message.kind, message.context, brand)
    except Exception:  # a message that cannot be written is FAILED by the worker, and says why
        return "", ""
    return rendered.text, rendered.html


@strawberry.type
class MailQuery:
    @strawberry.field(
        description="Admins: the Outbox, every email newest first; status narrows it.",
        permission_classes=[IsAuthenticated],
    )
    async def mail_messages(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: MailStatus | None = None,
    ) -> Connection[MailMessage]:
        ctx = info.context
        page = await integrations.list_mail_messages(
            ctx.db,
            ctx.actor,
            page=page_request(first, after),
            status=None if status is None else status.value,
        )
        return to_connection(page, MailMessage.from_model)

    @strawberry.field(
        description="Admins: one email of the Outbox, or null.",
        permission_classes=[IsAuthenticated],
    )
    async def mail_message(self, info: Info, id: strawberry.ID) -> MailMessage | None:
        ctx = info.context
        integrations.require_outbox_reader(ctx.actor)
        pk = pk_of(id, "MailMessage")
        if pk is None:
            return None
        message = await integrations.get_mail_message(ctx.db, ctx.actor, pk)
        return None if message is None else MailMessage.from_model(message)

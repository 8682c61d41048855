"""The delivery worker: sends webhook deliveries and email from their outboxes, inside
``recur serve`` (unless ``RECUR_DELIVERY_WORKER=false``) or on its own as ``recur worker``.
Several may run at once against one PostgreSQL database: each delivery and each message is
claimed by one of them (docs/integrations.md, "Delivery"; docs/email.md, "Delivery")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx

from recur.clock import Clock
from recur.core.roles import Role
from recur.db.engine import Database
from recur.documents import render_pdf
from recur.mail import Attachment, SmtpTransport
from recur.services import billing, integrations
from recur.services.common import Actor
from recur.services.integrations import Attachments, Mailer
from recur.settings import Settings
from recur.web.documents import seller

log = logging.getLogger("recur.worker")

#: Seconds between looks at the outboxes when nothing was due.
IDLE_SECONDS = 1.0
#: Whom the worker renders attached documents as: it sees every account's.
DOCUMENTS_READER = Actor(user_id=0, role=Role.FINANCE)


def mailer_from(settings: Settings, db: Database, clock: Clock) -> Mailer:
    """How email is sent as configured: through ``RECUR_SMTP_URL``, or kept for the Outbox."""
    return Mailer(
        brand=integrations.brand_of(settings),
        sender=integrations.sender_of(settings),
        transport=SmtpTransport(settings.smtp_url) if settings.smtp_url else None,
        attachments=document_attachments(settings, db, clock),
    )


def document_attachments(settings: Settings, db: Database, clock: Clock) -> Attachments:
    """Renders the PDF an ``invoice:<number>`` reference names, as of the moment it is sent."""

    async def attachments(reference: str) -> tuple[Attachment, ...]:
        kind, _, number = reference.partition(":")
        if kind != "invoice":
            raise LookupError(f"no document of kind {kind!r}")
        document = await billing.invoice_document(
            db, DOCUMENTS_READER, number, seller=seller(settings), generated_at=clock.now()
        )
        if document is None:
            raise LookupError(f"no invoice {number}")
        content = await asyncio.to_thread(render_pdf, document)
        return (Attachment(document.filename, content),)

    return attachments


class DeliveryWorker:
    """Delivers what is due, batch after batch, and looks again after a pause when idle."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        allow_private: bool,
        mailer: Mailer | None = None,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.clock = clock
        self.allow_private = allow_private
        self.mailer = mailer
        self.client = client
        self.sleep = sleep

    async def run_once(self, client: httpx.AsyncClient) -> int:
        """One batch of each; a failure (the database away) is logged and the next look
        retries."""
        done = 0
        try:
            done += await integrations.deliver_due(
                self.db, client, now=self.clock.now, allow_private=self.allow_private
            )
        except Exception:
            log.exception("webhook delivery failed; trying again shortly")
        if self.mailer is not None:
            try:
                done += await integrations.deliver_mail_due(
                    self.db, self.mailer, now=self.clock.now
                )
            except Exception:
                log.exception("sending email failed; trying again shortly")
        return done

    async def run_forever(self) -> None:
        log.info("delivery worker started")
        client = self.client or httpx.AsyncClient(follow_redirects=False)
        try:
            while True:
                if not await self.run_once(client):
                    await self.sleep(IDLE_SECONDS)
        finally:
            if self.client is None:
                await client.aclose()

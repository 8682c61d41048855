"""The delivery worker's email: sent to a real SMTP server on 127.0.0.1 (aiosmtpd) with the
invoice's PDF attached, kept for the Outbox when no server is configured, retried after a
temporary refusal, failed at once on a permanent one, given up after three days, each
message sent once by workers side by side, and no one-time link kept once sent."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from recur.clock import FixedClock
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Invoice, MailMessage, User
from recur.services import accounts, integrations
from recur.services.common import Actor, invoice_data, record_event
from recur.services.integrations import Mailer
from recur.settings import ConfigurationError, Settings
from recur.worker import mailer_from
from tests.conftest import SECRET
from tests.mail_server import free_port, smtp_server

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def configured(db: Database, clock: FixedClock, tmp_path: Path, smtp_url: str = "") -> Mailer:
    settings = Settings(
        database_url=str(db.url),
        secret_key=SECRET,
        var_dir=tmp_path,
        smtp_url=smtp_url,
        mail_from="Recur Billing <billing@recur.example>",
        public_url="https://app.recur.example/",
    )
    return mailer_from(settings, db, clock)


async def issue_mail(db: Database) -> tuple[Invoice, int]:
    """Queue the email of an Acme invoice (as issuing it does) and say which."""
    async with db.transaction() as session:
        account = await session.scalar(select(Account).where(Account.name == "Acme Corp"))
        assert account is not None
        account.billing_email = "ap@acme.example"
        invoice = await session.scalar(
            select(Invoice).where(Invoice.account_id == account.id).order_by(Invoice.id).limit(1)
        )
        assert invoice is not None
        await record_event(session, "invoice.issued", account.id, invoice_data(invoice), now=NOW)
        message_id = await session.scalar(select(MailMessage.id).order_by(MailMessage.id.desc()))
    assert message_id is not None
    return invoice, message_id


async def message(db: Database, message_id: int) -> MailMessage:
    async with db.session() as session:
        return await session.get_one(MailMessage, message_id)


async def test_an_invoice_email_arrives_with_its_pdf(db: Database, tmp_path: Path) -> None:
    invoice, message_id = await issue_mail(db)
    clock = FixedClock(NOW + timedelta(seconds=5))
    with smtp_server() as inbox:
        mailer = configured(db, clock, tmp_path, inbox.url)
        assert await integrations.deliver_mail_due(db, mailer, now=clock.now) == 1
        assert await integrations.deliver_mail_due(db, mailer, now=clock.now) == 0
    [received] = inbox.received
    assert received.recipients == ["ap@acme.example"]
    mail = received.message
    assert mail["From"] == "Recur Billing <billing@recur.example>"
    total = invoice.total.quantize(Decimal("0.01"))
    assert mail["Subject"] == f"Invoice {invoice.number} for USD {total:,}"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    assert "https://app.recur.example/invoices/" in text.get_content()
    assert "View invoice" in html.get_content()
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"{invoice.number}.pdf"
    content = pdf.get_content()
    assert content.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(content)).pages
    assert invoice.number in "".join(page.extract_text() for page in pages)
    sent = await message(db, message_id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.error) == ("SENT", 1, clock.now(), "")
    assert "View invoice" in sent.html and invoice.number in sent.text


async def test_without_a_server_messages_are_kept_for_the_outbox(
    db: Database, tmp_path: Path
) -> None:
    invoice, message_id = await issue_mail(db)
    clock = FixedClock(NOW)
    assert await integrations.deliver_mail_due(db, configured(db, clock, tmp_path), now=clock.now)
    kept = await message(db, message_id)
    assert (kept.status, kept.sent_at) == ("KEPT", None)
    assert f"Your invoice {invoice.number}" in kept.text
    assert "<!DOCTYPE html>" in kept.html


async def test_a_temporary_refusal_is_retried_and_a_permanent_one_fails(
    db: Database, tmp_path: Path
) -> None:
    _, first = await issue_mail(db)
    clock = FixedClock(NOW)
    with smtp_server(["451 Try again later"]) as inbox:
        mailer = configured(db, clock, tmp_path, inbox.url)
        await integrations.deliver_mail_due(db, mailer, now=clock.now)
        waiting = await message(db, first)
        assert waiting.status == "PENDING" and "451" in waiting.error
        assert timedelta(seconds=22) <= waiting.next_attempt_at - NOW <= timedelta(seconds=38)
        assert await integrations.deliver_mail_due(db, mailer, now=clock.now) == 0
        clock.advance(timedelta(minutes=1))
        await integrations.deliver_mail_due(db, mailer, now=clock.now)
        assert (await message(db, first)).status == "SENT"
        assert len(inbox.received) == 1

        _, second = await issue_mail(db)
        inbox.answers.append("550 No such mailbox")
        await integrations.deliver_mail_due(db, mailer, now=clock.now)
        refused = await message(db, second)
        assert refused.status == "FAILED" and "550" in refused.error


async def test_an_unreachable_server_is_retried_for_three_days_then_given_up(
    db: Database, tmp_path: Path
) -> None:
    _, message_id = await issue_mail(db)
    clock = FixedClock(NOW)
    mailer = configured(db, clock, tmp_path, f"smtp://127.0.0.1:{free_port()}")
    await integrations.deliver_mail_due(db, mailer, now=clock.now)
    waiting = await message(db, message_id)
    assert waiting.status == "PENDING" and "Could not reach the mail server" in waiting.error
    clock.advance(timedelta(days=3))
    await integrations.deliver_mail_due(db, mailer, now=clock.now)
    assert (await message(db, message_id)).status == "FAILED"


async def test_a_crashed_worker_leaves_the_message_to_another(db: Database, tmp_path: Path) -> None:
    """A worker that claimed a message and died: once its hold lapses, another sends it."""
    _, message_id = await issue_mail(db)
    async with db.transaction() as session:
        await session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id)
            .values(attempts=1, next_attempt_at=NOW + timedelta(minutes=2))
        )
    clock = FixedClock(NOW + timedelta(minutes=1))
    with smtp_server() as inbox:
        mailer = configured(db, clock, tmp_path, inbox.url)
        assert await integrations.deliver_mail_due(db, mailer, now=clock.now) == 0
        clock.advance(timedelta(minutes=2))
        assert await integrations.deliver_mail_due(db, mailer, now=clock.now) == 1
    assert len(inbox.received) == 1
    assert (await message(db, message_id)).attempts == 2


async def test_workers_side_by_side_send_each_message_once(db: Database, tmp_path: Path) -> None:
    ids = [(await issue_mail(db))[1] for _ in range(12)]
    clock = FixedClock(NOW)
    with smtp_server() as inbox:
        mailer = configured(db, clock, tmp_path, inbox.url)

        async def worker() -> None:
            while await integrations.deliver_mail_due(db, mailer, now=clock.now, limit=3):
                pass

        await asyncio.gather(worker(), worker(), worker())
    assert len(inbox.received) == len(ids)
    async with db.session() as session:
        rows = list(await session.scalars(select(MailMessage).where(MailMessage.id.in_(ids))))
    assert {(m.status, m.attempts) for m in rows} == {("SENT", 1)}


async def test_a_sent_invitation_keeps_no_live_link(db: Database, tmp_path: Path) -> None:
    async with db.session() as session:
        adam = await session.scalar(select(User).where(User.email == "adam@recur.example"))
    assert adam is not None
    admin = Actor(user_id=adam.id, role=Role.ADMIN)
    invitation = await accounts.invite_user(
        db,
        admin,
        email="sam.two@recur.example",
        name="Sam Two",
        role=Role.REP,
        account_id=None,
        now=NOW,
    )
    clock = FixedClock(NOW)
    with smtp_server() as inbox:
        await integrations.deliver_mail_due(
            db, configured(db, clock, tmp_path, inbox.url), now=clock.now
        )
    [received] = inbox.received
    body = received.message.get_body(("plain",))
    assert body is not None
    assert f"https://app.recur.example/invite/{invitation.token}" in body.get_content()
    async with db.session() as session:
        kept = await session.scalar(select(MailMessage).where(MailMessage.kind == "user_invite"))
    assert kept is not None and kept.status == "SENT"
    assert invitation.token not in kept.text + kept.html + str(kept.context)
    assert "https://app.recur.example/invite/…" in kept.text


@pytest.mark.parametrize("url", ["smtp://", "http://mail.example", "smtps//x"])
def test_a_wrong_smtp_url_is_refused_at_start(url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="RECUR_SMTP_URL"):
        Settings.from_env({"RECUR_SMTP_URL": url, "RECUR_VAR_DIR": str(tmp_path)})

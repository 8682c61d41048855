"""Sending over SMTP with aiosmtplib: ``RECUR_SMTP_URL`` is ``smtp://[user:password@]host
[:port]`` (STARTTLS when the server offers it) or ``smtps://…`` (TLS from the start)
(docs/email.md, "Settings")."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

#: Seconds the SMTP server has to answer each step.
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool


class SendFailed(Exception):
    """The server did not take the message: ``permanent`` when it refused it for good (a
    5xx answer: an address that does not exist), else worth trying again later."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Transport(Protocol):
    """What the delivery worker sends through; raises :class:`SendFailed`."""

    async def send(self, message: EmailMessage) -> None: ...


def parse_smtp_url(url: str) -> SmtpServer:
    """The server an ``smtp://`` or ``smtps://`` URL names; ``ValueError`` if it names none."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("must be smtp://host:port or smtps://host:port")
    implicit_tls = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
    )


class SmtpTransport:
    """Sends each message in a connection of its own (the worker's batches are small)."""

    def __init__(self, url: str) -> None:
        self.server = parse_smtp_url(url)

    async def send(self, message: EmailMessage) -> None:
        server = self.server
        try:
            await aiosmtplib.send(
                message,
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.implicit_tls,
                timeout=TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [error.code for error in refused.recipients]
            raise SendFailed(
                "Every recipient was refused: "
                + "; ".join(f"{e.recipient} ({e.code} {e.message})" for e in refused.recipients),
                permanent=all(code >= 500 for code in codes),
            ) from None
        except aiosmtplib.SMTPResponseException as error:
            raise SendFailed(
                f"The mail server answered {error.code}: {error.message}",
                permanent=error.code >= 500,
            ) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SendFailed(f"Could not reach the mail server: {error}") from None


def build_message(
    *,
    sender: str,
    recipients: list[str],
    subject: str,
    text: str,
    html: str,
    attachments: tuple[Attachment, ...] = (),
) -> EmailMessage:
    """A MIME message: plain text with an HTML alternative, then the attachments."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "recur.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    return message

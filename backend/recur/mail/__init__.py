"""Email: the messages' templates (plain text and HTML, one shared layout) and their sending
over SMTP, from plain values; the outbox and its worker are the services' (docs/email.md)."""

from recur.mail.render import KINDS, Brand, Rendered, render_bodies, render_subject
from recur.mail.smtp import (
    Attachment,
    SendFailed,
    SmtpTransport,
    Transport,
    build_message,
    parse_smtp_url,
)

__all__ = [
    "KINDS",
    "Attachment",
    "Brand",
    "Rendered",
    "SendFailed",
    "SmtpTransport",
    "Transport",
    "build_message",
    "parse_smtp_url",
    "render_bodies",
    "render_subject",
]

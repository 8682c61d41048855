"""A real SMTP server (aiosmtpd) on 127.0.0.1, in a thread of its own, keeping what it
receives: the mail tests read the messages the worker sent."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """What arrived, and the answers to give (``"250 OK"`` once they run out)."""

    answers: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = self.answers.pop(0) if self.answers else "250 Message accepted"
        if answer.startswith("250"):
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(answers: list[str] | None = None) -> Iterator[Inbox]:
    """An SMTP server on a free port of 127.0.0.1 for the ``with`` block."""
    inbox = Inbox(answers=list(answers or []))
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()

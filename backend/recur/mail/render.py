"""Rendering a message from its template and values: the subject when it is queued, the
plain-text and HTML bodies when it is sent, so that links and the seller's name are those
the sending server is configured with (docs/email.md, "Templates").

Each kind has ``<kind>.txt`` (with a ``subject`` block) and ``<kind>.html`` under
``templates/``, extending the shared ``layout.txt`` and ``layout.html``. HTML is
autoescaped: a customer's company name cannot inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from recur.core.money import round_money

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Every kind of message, with who receives it (docs/email.md lists them too).
KINDS: dict[str, str] = {
    "invoice_issued": "An invoice was issued (its PDF attached): the account's billing contact.",
    "invoice_reminder": "An open invoice falls due or is overdue: the billing contact.",
    "quote_sent": "A quote was sent: the account's customers.",
    "quote_approval_requested": "A rep asks for a discount's approval: the managers.",
    "quote_approved": "A manager approved a quote: its rep.",
    "quote_rejected": "A manager rejected a quote: its rep.",
    "payment_receipt": "A payment was received: the billing contact.",
    "payment_failed": "A card payment was declined: the billing contact.",
    "payment_refunded": "A payment or account credit was refunded: the billing contact.",
    "dunning_exhausted": "An invoice is unpaid after the last retry: the account's rep.",
    "user_invite": "Somebody was invited: the invited person.",
    "password_reset": "An admin made a password reset link: its user.",
}


@dataclass(frozen=True)
class Brand:
    """Who sends, as the messages' layout shows it, and where the app's links lead."""

    name: str
    app_url: str
    support_email: str = ""
    address: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


def money(amount: Any, currency: str) -> str:
    """``USD 1,200.00``: the amount (recorded already rounded) at its currency's minor unit,
    with thousands separated."""
    try:
        value = round_money(Decimal(str(amount)), currency)
    except (InvalidOperation, ValueError):
        return f"{currency} {amount}"
    return f"{currency} {value:,}"


def long_date(value: Any) -> str:
    """``December 3, 2026`` from an ISO date (or a date)."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day:%B} {day.day}, {day.year}"


def days(count: Any) -> str:
    number = abs(int(count))
    return f"{number} day" if number == 1 else f"{number} days"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(money=money, long_date=long_date, days=days)
    return environment


_ENVIRONMENT = _environment()


def _known(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message {kind!r}")


def render_subject(kind: str, context: dict[str, Any]) -> str:
    """The subject line: the ``subject`` block of the kind's text template, on one line."""
    _known(kind)
    template = _ENVIRONMENT.get_template(f"{kind}.txt")
    block = template.blocks["subject"]
    subject = "".join(block(template.new_context({**context, "brand": None})))
    return " ".join(subject.split())[:300]


def render_bodies(kind: str, context: dict[str, Any], brand: Brand) -> Rendered:
    """The plain-text and HTML bodies; ``link(path, *ids)`` in a template is the app's
    address of ``path`` followed by each id, escaped as the app's own links escape them."""
    _known(kind)
    base = brand.app_url.rstrip("/")
    values = {
        **context,
        "brand": brand,
        "link": lambda path, *ids: base + path + "".join(f"/{quote(str(i), safe='')}" for i in ids),
        "subject": render_subject(kind, context),
    }
    text = _ENVIRONMENT.get_template(f"{kind}.txt").render(values)
    html = _ENVIRONMENT.get_template(f"{kind}.html").render(values)
    return Rendered(text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """At most one blank line in a row, and one newline at the end."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"

"""Business events, written in the transaction of the change they report (a transactional
outbox): the event, one delivery per webhook endpoint that hears it and the email it sends
(``event_mail.EVENT_MAIL``) commit or roll back with the change (docs/integrations.md,
docs/email.md).

Every service package records its events through :func:`record_event`; the feed, the
endpoints and the delivery worker are the ``integrations`` package's.
"""

from __future__ import annotations

import base64
import secrets
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.models import Account, Event, WebhookDelivery, WebhookEndpoint
from recur.services.common.event_mail import mail_for_event

#: Every event type, with when it happens (docs/integrations.md lists them too).
EVENT_TYPES: dict[str, str] = {
    "account.created": "An account was created (by staff or by signing up).",
    "quote.sent": "A quote was sent to its customer.",
    "quote.accepted": "A quote (or a cart, at checkout) was accepted.",
    "order.created": "An accepted quote became an order.",
    "subscription.created": "An order started a subscription.",
    "subscription.changed": "A subscription's items changed (an amendment took effect).",
    "subscription.renewed": "A subscription renewed for a new term.",
    "subscription.canceled": "A subscription was canceled.",
    "invoice.issued": "An invoice was issued.",
    "invoice.paid": "An invoice was paid in full.",
    "invoice.voided": "An invoice was voided (with its credit note).",
    "invoice.uncollectible": "An invoice was written off as uncollectible.",
    "invoice.dunning_exhausted": "The last retry of an invoice's automatic payment failed "
    "(its rep is told; the dunning outcome is said).",
    "credit_note.issued": "A credit note was issued.",
    "payment.received": "A payment was recorded or taken.",
    "payment.failed": "A card payment was declined (a customer's, autopay's or a retry's).",
    "payment.refunded": "A payment, or an account's credit, was refunded.",
}

#: Delivery statuses (``WebhookDelivery.status``).
PENDING = "PENDING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"


def global_id(type_name: str, pk: int) -> str:
    """The API's global id of an object (the same encoding as ``graphql/core/ids.py``)."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def plain(value: Any) -> Any:
    """A value as JSON keeps it: money and dates as strings, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


async def record_event(
    session: AsyncSession,
    event_type: str,
    account_id: int | None,
    data: dict[str, Any],
    *,
    now: datetime,
) -> Event:
    """Record one event in the caller's transaction, with a pending delivery to every enabled
    endpoint that hears it (staff endpoints hear every account's events, a partner's only
    its accounts') and the email it sends, if any."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = Event(
        uid=f"evt_{secrets.token_hex(12)}",
        type=event_type,
        account_id=account_id,
        occurred_at=now,
        data=plain(data),
    )
    session.add(event)
    await session.flush()
    partner = (
        select(Account.partner_id).where(Account.id == account_id).scalar_subquery()
        if account_id is not None
        else None
    )
    hears: ColumnElement[bool] = WebhookEndpoint.partner_id.is_(None)
    if partner is not None:
        hears = or_(hears, WebhookEndpoint.partner_id == partner)
    endpoints = (
        await session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
                WebhookEndpoint.enabled.is_(True), WebhookEndpoint.deleted.is_(False), hears
            )
        )
    ).all()
    session.add_all(
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event_id=event.id,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            error="",
            created_at=now,
        )
        for endpoint_id, types in endpoints
        if event_type in types
    )
    await mail_for_event(session, event)
    return event


def invoice_data(invoice: Any) -> dict[str, Any]:
    """What an ``invoice.*`` event says of its invoice."""
    return {
        "invoice": {
            "id": global_id("Invoice", invoice.id),
            "number": invoice.number,
            "status": invoice.status,
            "currency": invoice.currency,
            "total": invoice.total,
            "amountDue": invoice.balance_due,
            "issueDate": invoice.issue_date,
            "dueDate": invoice.due_date,
            "accountId": global_id("Account", invoice.account_id),
        }
    }


def payment_data(payment: Any) -> dict[str, Any]:
    """What a ``payment.received`` event says of its payment."""
    return {
        "payment": {
            "id": global_id("Payment", payment.id),
            "number": payment.number,
            "currency": payment.currency,
            "amount": payment.amount,
            "receivedOn": payment.received_on,
            "reference": payment.reference,
            "accountId": global_id("Account", payment.account_id),
        }
    }


def credit_note_data(note: Any) -> dict[str, Any]:
    """What a ``credit_note.issued`` event says of its credit note."""
    return {
        "creditNote": {
            "id": global_id("CreditNote", note.id),
            "number": note.number,
            "currency": note.currency,
            "total": note.total,
            "reason": note.reason,
            "issueDate": note.issue_date,
            "invoiceId": None if note.invoice_id is None else global_id("Invoice", note.invoice_id),
            "accountId": global_id("Account", note.account_id),
        }
    }


def order_data(order: Any) -> dict[str, Any]:
    """What an ``order.created`` event says of its order."""
    return {
        "order": {
            "id": global_id("Order", order.id),
            "number": order.number,
            "kind": order.kind,
            "currency": order.currency,
            "startDate": order.start_date,
            "termMonths": order.term_months,
            "quoteId": global_id("Quote", order.quote_id),
            "subscriptionId": (
                None
                if order.subscription_id is None
                else global_id("Subscription", order.subscription_id)
            ),
            "accountId": global_id("Account", order.account_id),
        }
    }


def subscription_data(subscription: Any, **more: Any) -> dict[str, Any]:
    """What a ``subscription.*`` event says of its subscription (and ``more``)."""
    return {
        "subscription": {
            "id": global_id("Subscription", subscription.id),
            "number": subscription.number,
            "status": subscription.status,
            "currency": subscription.currency,
            "startDate": subscription.start_date,
            "currentTermEnd": subscription.current_term_end,
            "autoRenew": subscription.auto_renew,
            "canceledOn": subscription.canceled_on,
            "accountId": global_id("Account", subscription.account_id),
        },
        **more,
    }


def quote_data(quote: Any) -> dict[str, Any]:
    """What a ``quote.*`` event says of its quote."""
    return {
        "quote": {
            "id": global_id("Quote", quote.id),
            "number": quote.number,
            "kind": quote.kind,
            "status": quote.status,
            "currency": quote.currency,
            "expiresOn": quote.expires_on,
            "accountId": global_id("Account", quote.account_id),
        }
    }


def account_data(account: Any) -> dict[str, Any]:
    """What an ``account.*`` event says of its account."""
    return {
        "account": {
            "id": global_id("Account", account.id),
            "name": account.name,
            "currency": account.currency,
            "billingEmail": account.billing_email,
            "country": account.billing_country,
        }
    }


async def order_created(session: AsyncSession, order: Any, *, now: datetime) -> None:
    """Record ``order.created`` for ``order``."""
    await record_event(session, "order.created", order.account_id, order_data(order), now=now)


async def subscription_event(
    session: AsyncSession,
    event_type: str,
    subscription: Any,
    *,
    now: datetime,
    order: Any = None,
    **more: Any,
) -> None:
    """Record a ``subscription.*`` event, naming the order that made it when there is one."""
    if order is not None:
        more["orderId"] = global_id("Order", order.id)
    data = subscription_data(subscription, **more)
    await record_event(session, event_type, subscription.account_id, data, now=now)

"""One account's timeline: everything that happened to it, newest first, from one query
(docs/customer-360.md, "Timeline").

Each source table gives rows of the same shape; ``UNION ALL`` puts them together and the
page is cut by keyset on (occurred at, kind, id), so a page costs one statement however long
the history is. Customers and partners do not see internal entries: the sales team's
approval steps, quotes they were never sent, and administrative changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    tuple_,
    type_coerce,
    union_all,
)

from recur.core.lifecycle import InvoiceStatus, QuoteAction
from recur.db.engine import Database
from recur.db.models import (
    AuditEntry,
    CreditNote,
    Invoice,
    Order,
    Partner,
    Payment,
    Quote,
    QuoteEvent,
    Refund,
    Subscription,
    SubscriptionEvent,
    User,
)
from recur.db.types import ScaledDecimal, UTCDateTime
from recur.services.common import (
    Actor,
    Invalid,
    Page,
    PageRequest,
    decode_cursor,
    encode_cursor,
)
from recur.services.insights.wording import ActivityKind, summary
from recur.services.quotes import visible_quotes

KIND_NAMES = frozenset(kind.value for kind in ActivityKind)

#: Quote steps only the sales team sees (a customer sees the quote once it is sent).
INTERNAL_QUOTE_ACTIONS = (QuoteAction.SUBMIT, QuoteAction.APPROVE, QuoteAction.REJECT)


@dataclass(frozen=True)
class Activity:
    """One entry of the timeline."""

    occurred_at: datetime
    kind: ActivityKind
    #: The entry's own id within its kind (with ``kind``, unique in the timeline).
    row_id: int
    summary: str
    #: Who did it, by name; ``None`` for the system (the billing run, a checkout's order).
    actor: str | None
    amount: Decimal | None
    currency: str
    #: What it is about: a type name and primary key (``Quote``, ``Invoice``…).
    subject_type: str
    subject_id: int


def _text(value: str) -> ColumnElement[str]:
    return literal_column(f"'{value}'", String)


def _string(value: Any) -> ColumnElement[Any]:
    if value is None:
        return cast(null(), String)
    return type_coerce(value, String)


def _row(
    occurred_at: Any,
    kind: ActivityKind,
    row_id: Any,
    action: Any,
    reference: Any,
    detail: Any,
    actor: Any,
    amount: Any,
    subject_type: str,
    subject_id: Any,
) -> list[ColumnElement[Any]]:
    """The columns every source gives, in the same order and types."""
    return [
        type_coerce(occurred_at, UTCDateTime()).label("occurred_at"),
        _text(kind.value).label("kind"),
        type_coerce(row_id, Integer).label("row_id"),
        _string(action).label("action"),
        _string(reference).label("reference"),
        _string(detail).label("detail"),
        _string(actor).label("actor"),
        type_coerce(cast(null(), BigInteger) if amount is None else amount, ScaledDecimal(6)).label(
            "amount"
        ),
        _text(subject_type).label("subject_type"),
        type_coerce(subject_id, Integer).label("subject_id"),
    ]


def _sources(actor: Actor, account_id: int) -> list[Select[Any]]:
    internal = actor.is_staff
    quote_events = (
        select(
            *_row(
                QuoteEvent.created_at,
                ActivityKind.QUOTE,
                QuoteEvent.id,
                QuoteEvent.action,
                Quote.number,
                QuoteEvent.comment,
                # A partner client's step names the partner (docs/partners.md, "Quoting").
                func.coalesce(User.name, Partner.name + literal(" (partner)")),
                None,
                "Quote",
                Quote.id,
            )
        )
        .join(Quote, Quote.id == QuoteEvent.quote_id)
        .outerjoin(User, User.id == QuoteEvent.actor_id)
        .outerjoin(Partner, Partner.id == QuoteEvent.actor_partner_id)
        .where(Quote.account_id == account_id)
    )
    if not internal:
        quote_events = quote_events.where(
            visible_quotes(actor), QuoteEvent.action.not_in(list(INTERNAL_QUOTE_ACTIONS))
        )
    sources = [
        quote_events,
        select(
            *_row(
                Order.created_at,
                ActivityKind.ORDER,
                Order.id,
                Order.kind,
                Order.number,
                None,
                None,
                None,
                "Order",
                Order.id,
            )
        ).where(Order.account_id == account_id),
        select(
            *_row(
                SubscriptionEvent.occurred_at,
                ActivityKind.SUBSCRIPTION,
                SubscriptionEvent.id,
                SubscriptionEvent.action,
                Subscription.number,
                SubscriptionEvent.summary,
                User.name,
                func.nullif(SubscriptionEvent.amount_now, 0),
                "Subscription",
                Subscription.id,
            )
        )
        .join(Subscription, Subscription.id == SubscriptionEvent.subscription_id)
        .outerjoin(User, User.id == SubscriptionEvent.actor_id)
        .where(Subscription.account_id == account_id),
        select(
            *_row(
                Invoice.created_at,
                ActivityKind.INVOICE,
                Invoice.id,
                None,
                Invoice.number,
                cast(Invoice.due_date, String),
                None,
                Invoice.total,
                "Invoice",
                Invoice.id,
            )
        ).where(Invoice.account_id == account_id),
        select(
            *_row(
                Invoice.voided_at,
                ActivityKind.VOID,
                Invoice.id,
                None,
                Invoice.number,
                Invoice.void_reason,
                None,
                Invoice.total,
                "Invoice",
                Invoice.id,
            )
        ).where(
            Invoice.account_id == account_id,
            Invoice.status == InvoiceStatus.VOID,
            Invoice.voided_at.is_not(None),
        ),
        select(
            *_row(
                Payment.created_at,
                ActivityKind.PAYMENT,
                Payment.id,
                None,
                Payment.number,
                Payment.reference,
                None,
                Payment.amount,
                "Payment",
                Payment.id,
            )
        ).where(Payment.account_id == account_id),
        select(
            *_row(
                CreditNote.created_at,
                ActivityKind.CREDIT_NOTE,
                CreditNote.id,
                None,
                CreditNote.number,
                CreditNote.reason,
                User.name,
                CreditNote.total,
                "CreditNote",
                CreditNote.id,
            )
        )
        .outerjoin(User, User.id == CreditNote.issued_by_user_id)
        .where(CreditNote.account_id == account_id),
        *(_refunds(account_id, payment) for payment in (True, False)),
        select(
            *_row(
                Invoice.written_off_at,
                ActivityKind.WRITE_OFF,
                Invoice.id,
                None,
                Invoice.number,
                Invoice.write_off_reason,
                None,
                Invoice.written_off,
                "Invoice",
                Invoice.id,
            )
        ).where(Invoice.account_id == account_id, Invoice.written_off_at.is_not(None)),
    ]
    if internal:
        sources.append(
            select(
                *_row(
                    AuditEntry.occurred_at,
                    ActivityKind.ADMIN,
                    AuditEntry.id,
                    AuditEntry.action,
                    None,
                    AuditEntry.summary,
                    AuditEntry.actor_label,
                    None,
                    "Account",
                    AuditEntry.subject_id,
                )
            ).where(AuditEntry.subject_type == "Account", AuditEntry.subject_id == account_id)
        )
    return sources


def _refunds(account_id: int, of_payments: bool) -> Select[Any]:
    """Refunds of payments (their subject the payment) or of credit (the account)."""
    subject: tuple[str, Any] = (
        ("Payment", Refund.payment_id) if of_payments else ("Account", Refund.account_id)
    )
    return (
        select(
            *_row(
                Refund.created_at,
                ActivityKind.REFUND,
                Refund.id,
                literal("PAYMENT" if of_payments else "CREDIT"),
                Refund.number,
                Refund.reason,
                User.name,
                Refund.amount,
                *subject,
            )
        )
        .outerjoin(User, User.id == Refund.user_id)
        .where(
            Refund.account_id == account_id,
            Refund.payment_id.is_not(None) if of_payments else Refund.payment_id.is_(None),
        )
    )


def parse_kinds(kinds: Sequence[str] | None) -> list[ActivityKind] | None:
    """The kinds asked for, refusing any the timeline does not have."""
    if kinds is None:
        return None
    known = KIND_NAMES
    unknown = sorted({kind for kind in kinds if kind not in known})
    if unknown:
        raise Invalid.one(
            "kinds",
            f"Unknown timeline kind {', '.join(unknown)}; use {', '.join(sorted(known))}.",
        )
    return [ActivityKind(kind) for kind in kinds]


async def account_timeline(
    db: Database,
    actor: Actor,
    account_id: int,
    currency: str,
    *,
    page: PageRequest,
    kinds: Sequence[ActivityKind] | None = None,
) -> Page[Activity]:
    """A page of the account's timeline, newest first (the caller has checked that the
    actor may see the account)."""
    page.check()
    entries = union_all(*_sources(actor, account_id)).subquery("timeline")
    key = tuple_(entries.c.occurred_at, entries.c.kind, entries.c.row_id)
    statement = select(entries)
    if kinds is not None:
        statement = statement.where(entries.c.kind.in_([kind.value for kind in kinds]))
    if page.after is not None:
        at, kind, row_id = decode_cursor(page.after, [str, str, int])
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None or kind not in KIND_NAMES:
            raise Invalid.one("after", "after is not a cursor from this list.")
        statement = statement.where(
            key < tuple_(literal(instant, UTCDateTime()), literal(kind, String), row_id)
        )
    ordered = statement.order_by(
        entries.c.occurred_at.desc(), entries.c.kind.desc(), entries.c.row_id.desc()
    ).limit(page.first + 1)
    async with db.session() as session:
        rows = (await session.execute(ordered)).all()
    activities = [_activity(row, currency) for row in rows[: page.first]]
    cursors = [
        encode_cursor([a.occurred_at.isoformat(), a.kind.value, a.row_id]) for a in activities
    ]

    async def count_total() -> int:
        counted = select(func.count()).select_from(statement.subquery())
        async with db.session() as session:
            return int((await session.scalar(counted)) or 0)

    return Page(
        items=activities,
        cursors=cursors,
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        count_total=count_total,
    )


def _activity(row: Any, currency: str) -> Activity:
    kind = ActivityKind(row.kind)
    return Activity(
        occurred_at=row.occurred_at,
        kind=kind,
        row_id=row.row_id,
        summary=summary(kind, row.action, row.reference, row.detail),
        actor=row.actor,
        amount=row.amount,
        currency=currency,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
    )

"""Recording usage: one record (``recordUsage``) or many (the NDJSON endpoint), each checked,
idempotent by its key (docs/usage.md, "Recording usage").

Who may record: admins and finance for any account, and partner clients with the
``usage:write`` scope for the accounts linked to their partner. A record must name a
metered item the sender may reach, a quantity from 0 to ``MAX_USAGE_QUANTITY``, a time
within the item's service (from the subscription's start, before the item ended, the
subscription was cancelled or its term ended, and not in the future), and a key of 1 to
100 characters. Sending a key again for the same item records nothing and answers with the
first record. A record for a period already invoiced is kept as ``late``: the next billing
run bills the period's difference as an adjustment (``services/usage/late.py``).

On PostgreSQL the items' accounts are share-locked while their records are checked and
written: a billing run holds the account's lock while it rates a period, so a record is
either in the usage it rates or, if it arrives after, marked late — never lost between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, text, true, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.core.usage import MAX_USAGE_QUANTITY, UsageType, period_bounds
from recur.db.base import table_of
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Invoice,
    InvoiceLine,
    Price,
    Subscription,
    SubscriptionItem,
    UsageRecord,
)
from recur.services.common import USAGE_WRITE_SCOPE, Actor, Forbidden, NotAuthenticated

#: How many records one call of :func:`record_usage` may carry (a request's worth).
MAX_BATCH = 1000
#: How far ahead of the server's clock a record's time may be (the sender's clock drifts).
CLOCK_SKEW = timedelta(minutes=5)
KEY_LENGTH = 100
#: Roles that may record usage for any account (docs/usage.md).
RECORDING_ROLES = (Role.ADMIN, Role.FINANCE)


@dataclass(frozen=True)
class NewUsage:
    subscription_item_id: int
    quantity: int
    occurred_at: datetime
    idempotency_key: str


@dataclass(frozen=True)
class UsageProblem:
    """Why record number ``index`` (0-based, in the order sent) was refused."""

    index: int
    field: str
    message: str
    code: str


@dataclass
class UsageOutcome:
    """What a batch did: records written, keys already recorded, and refusals."""

    recorded: int = 0
    duplicates: int = 0
    problems: list[UsageProblem] | None = None


def require_recorder(actor: Actor) -> None:
    """Refuse callers who may record no usage."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.is_partner:
        if USAGE_WRITE_SCOPE not in actor.scopes:
            raise Forbidden(f"This client's token lacks the '{USAGE_WRITE_SCOPE}' scope.")
        return
    if not actor.has_role(*RECORDING_ROLES):
        raise Forbidden("Only admins, finance and partners with usage:write record usage.")


def _reachable(actor: Actor) -> ColumnElement[bool]:
    if actor.is_partner:
        return Account.partner_id == actor.partner_id
    return true() if actor.has_role(*RECORDING_ROLES) else false()


@dataclass(frozen=True)
class _Item:
    metered: bool
    starts: datetime
    ends: datetime  # exclusive
    invoiced_until: datetime | None


async def _items(
    db: Database, session: AsyncSession, actor: Actor, ids: set[int]
) -> dict[int, _Item]:
    """The items of ``ids`` the actor may reach, with when they may measure usage and up to
    when their usage has been invoiced (their accounts share-locked on PostgreSQL)."""
    statement = (
        select(
            SubscriptionItem.id,
            Price.usage_type,
            Subscription.start_date,
            Subscription.current_term_end,
            Subscription.canceled_on,
            SubscriptionItem.ended_on,
        )
        .join(Subscription, Subscription.id == SubscriptionItem.subscription_id)
        .join(Account, Account.id == Subscription.account_id)
        .join(Price, Price.id == SubscriptionItem.price_id)
        .where(SubscriptionItem.id.in_(ids), _reachable(actor))
        .order_by(Account.id)
    )
    if not db.is_sqlite:  # SQLite's one writer at a time serialises with the billing run
        statement = statement.with_for_update(read=True, of=Account)
    rows = await session.execute(statement)
    invoiced = dict(
        (
            await session.execute(
                select(Charge.subscription_item_id, func.max(Charge.period_end))
                .join(InvoiceLine, InvoiceLine.charge_id == Charge.id)
                .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                .where(
                    Charge.subscription_item_id.in_(ids),
                    Invoice.status != InvoiceStatus.VOID,
                )
                .group_by(Charge.subscription_item_id)
            )
        ).all()
    )
    items = {}
    for item_id, usage_type, start, term_end, canceled_on, ended_on in rows:
        end = min(day for day in (term_end, canceled_on, ended_on) if day is not None)
        starts, ends = period_bounds(start, end)
        until = invoiced.get(item_id)
        items[item_id] = _Item(
            usage_type == UsageType.METERED,
            starts,
            ends,
            period_bounds(until, until)[0] if until else None,
        )
    return items


def _problem(index: int, new: NewUsage, item: _Item | None, now: datetime) -> UsageProblem | None:
    def refuse(field: str, message: str, code: str) -> UsageProblem:
        return UsageProblem(index, field, message, code)

    key = new.idempotency_key
    if not key or len(key) > KEY_LENGTH:
        return refuse(
            "idempotencyKey", f"Give a key of 1 to {KEY_LENGTH} characters.", "INVALID_KEY"
        )
    if isinstance(new.quantity, bool) or not 0 <= new.quantity <= MAX_USAGE_QUANTITY:
        message = f"quantity must be a whole number from 0 to {MAX_USAGE_QUANTITY:,}."
        return refuse("quantity", message, "INVALID_QUANTITY")
    if item is None:
        message = "There is no such subscription item."
        return refuse("subscriptionItemId", message, "UNKNOWN_ITEM")
    if not item.metered:
        message = "This item's price is licensed, not metered: it takes no usage."
        return refuse("subscriptionItemId", message, "NOT_METERED")
    at = new.occurred_at
    if at.tzinfo is None:
        return refuse("occurredAt", "Give the time with its UTC offset.", "NO_TIME_ZONE")
    if at > now + CLOCK_SKEW:
        return refuse("occurredAt", "Usage cannot be recorded ahead of time.", "IN_FUTURE")
    if not item.starts <= at < item.ends:
        message = (
            f"The item was in service from {item.starts:%Y-%m-%d} until "
            f"{item.ends:%Y-%m-%d} (exclusive)."
        )
        return refuse("occurredAt", message, "OUTSIDE_SERVICE")
    return None


def _is_late(new: NewUsage, item: _Item) -> bool:
    """Whether the record falls in a period already invoiced."""
    return item.invoiced_until is not None and new.occurred_at < item.invoiced_until


def _insert(db: Database) -> Any:
    """An insert of usage records that passes over a key already recorded for its item."""
    module: Any = sqlite if db.is_sqlite else postgresql
    return (
        module.insert(table_of(UsageRecord))
        .on_conflict_do_nothing(index_elements=["subscription_item_id", "idempotency_key"])
        .returning(table_of(UsageRecord).c.id)
    )


#: PostgreSQL takes a whole batch as one statement of four arrays (``unnest``): one round
#: trip and one plan, where a multi-row insert would send every value as a parameter.
_UNNEST = text(
    """
    INSERT INTO usage_records (subscription_item_id, quantity, occurred_at, idempotency_key,
                               recorded_at, user_id, client_id, late)
    SELECT item, quantity, occurred_at, key, CAST(:recorded_at AS TIMESTAMPTZ),
           CAST(:user_id AS INTEGER), CAST(:client_id AS VARCHAR), late
    FROM unnest(CAST(:items AS INTEGER[]), CAST(:quantities AS BIGINT[]),
                CAST(:times AS TIMESTAMPTZ[]), CAST(:keys AS VARCHAR[]),
                CAST(:lates AS BOOLEAN[]))
         AS batch(item, quantity, occurred_at, key, late)
    ON CONFLICT (subscription_item_id, idempotency_key) DO NOTHING
    RETURNING id
    """
)


async def _write(
    db: Database,
    session: AsyncSession,
    actor: Actor,
    rows: list[tuple[NewUsage, bool]],
    now: datetime,
) -> int:
    """Insert ``rows`` (checked), passing over keys already recorded; how many were new."""
    client_id = actor.client_id if actor.is_partner else None
    if not db.is_sqlite:
        result = await session.execute(
            _UNNEST,
            {
                "recorded_at": now,
                "user_id": actor.user_id,
                "client_id": client_id,
                "items": [r.subscription_item_id for r, _ in rows],
                "quantities": [r.quantity for r, _ in rows],
                "times": [r.occurred_at for r, _ in rows],
                "keys": [r.idempotency_key for r, _ in rows],
                "lates": [late for _, late in rows],
            },
        )
        return len(result.all())
    values = [
        {
            "subscription_item_id": r.subscription_item_id,
            "quantity": r.quantity,
            "occurred_at": r.occurred_at.astimezone(UTC),
            "idempotency_key": r.idempotency_key,
            "recorded_at": now,
            "user_id": actor.user_id,
            "client_id": client_id,
            "late": late,
        }
        for r, late in rows
    ]
    return len((await session.execute(_insert(db), values)).all())


async def record_usage(
    db: Database, actor: Actor, records: Sequence[NewUsage], *, now: datetime
) -> UsageOutcome:
    """Check every record, then write the valid ones in one statement (a key already recorded
    for its item is passed over). Refused records are reported by index, the others kept."""
    require_recorder(actor)
    outcome = UsageOutcome(problems=[])
    assert outcome.problems is not None
    async with db.transaction() as session:
        items = await _items(db, session, actor, {r.subscription_item_id for r in records})
        rows = []
        for index, new in enumerate(records):
            item = items.get(new.subscription_item_id)
            problem = _problem(index, new, item, now)
            if problem is not None:
                outcome.problems.append(problem)
            else:
                assert item is not None
                rows.append((new, _is_late(new, item)))
        if rows:
            outcome.recorded = await _write(db, session, actor, rows, now)
            outcome.duplicates = len(rows) - outcome.recorded
    return outcome


async def usage_records_by_key(
    db: Database, keys: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], UsageRecord]:
    """The records of ``(item id, idempotency key)`` pairs."""
    if not keys:
        return {}
    found: dict[tuple[int, str], UsageRecord] = {}
    async with db.session() as session:
        for record in await session.scalars(
            select(UsageRecord).where(
                tuple_(UsageRecord.subscription_item_id, UsageRecord.idempotency_key).in_(keys)
            )
        ):
            found[(record.subscription_item_id, record.idempotency_key)] = record
    return found

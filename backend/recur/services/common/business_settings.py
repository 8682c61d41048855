"""The business settings admins change in the app: the approval threshold, the renewal
uplift new subscriptions start with, the days invoice reminders go out, and the dunning
schedule and its outcome (docs/administration.md, "Settings"; docs/email.md, "Reminders";
docs/collections.md, "Dunning").

Until an admin first saves them, the approval threshold is the environment's
(``RECUR_APPROVAL_THRESHOLD_PERCENT``), the default uplift 0 % and the reminders 3 days
before the due date, on it, and 3, 7 and 14 days after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.roles import STAFF_ROLES, Role
from recur.db.engine import Database
from recur.db.models import BusinessSettings
from recur.db.models.settings import DEFAULT_REMINDER_DAYS, SETTINGS_ID
from recur.services.common.actor import Actor
from recur.services.common.audit import audit, changed
from recur.services.common.errors import Forbidden, Invalid, NotAuthenticated, Problem

#: Decimal places a settings percentage may have.
PERCENT_PLACES = 2
#: How many reminder days there may be, and how far from the due date.
MAX_REMINDERS = 10
REMINDER_RANGE = (-90, 365)
#: The dunning schedule by default: retries 1, 3, 5 and 7 days after the first failure.
DEFAULT_RETRY_DAYS = (1, 3, 5, 7)
#: What happens to an invoice once its last retry has failed.
DUNNING_OUTCOMES = ("LEAVE_OPEN", "MARK_UNCOLLECTIBLE", "CANCEL_AT_TERM_END")
#: At most this many retries, each at most this many days after the first failure.
MAX_RETRIES, MAX_RETRY_DAY = 10, 60


@dataclass(frozen=True)
class CurrentSettings:
    """The settings in force; ``updated_at`` is ``None`` while the defaults apply."""

    approval_threshold_percent: Decimal
    default_renewal_uplift_percent: Decimal
    updated_at: datetime | None = None
    #: Days from an open invoice's due date its customer is reminded on, ascending.
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    dunning_retry_days: tuple[int, ...] = DEFAULT_RETRY_DAYS
    dunning_outcome: str = DUNNING_OUTCOMES[0]


def _current(row: BusinessSettings | None, default_threshold: Decimal) -> CurrentSettings:
    if row is None:
        return CurrentSettings(Decimal(default_threshold), Decimal(0))
    return CurrentSettings(
        row.approval_threshold_percent,
        row.default_renewal_uplift_percent,
        row.updated_at,
        tuple(row.reminder_days),
        _days(row.dunning_retry_days),
        row.dunning_outcome,
    )


def _days(text: str) -> tuple[int, ...]:
    return tuple(int(day) for day in text.split(",") if day.strip())


def _retry_days_problem(days: list[int]) -> Problem | None:
    """A dunning schedule: 1 to MAX_RETRIES days, increasing, from 1 to MAX_RETRY_DAY."""
    field = "dunningRetryDays"
    if not 1 <= len(days) <= MAX_RETRIES:
        return Problem((field,), f"Give 1 to {MAX_RETRIES} retry days.", "OUT_OF_RANGE")
    if any(not 1 <= day <= MAX_RETRY_DAY for day in days):
        return Problem(
            (field,), f"Each retry is 1 to {MAX_RETRY_DAY} days after the failure.", "OUT_OF_RANGE"
        )
    if any(later <= earlier for earlier, later in pairwise(days)):
        return Problem((field,), "Retry days must increase (1, 3, 5, 7).", "NOT_INCREASING")
    return None


async def dunning_settings(session: AsyncSession) -> tuple[tuple[int, ...], str]:
    """The dunning schedule and outcome in force, read in the caller's transaction."""
    row = await session.get(BusinessSettings, SETTINGS_ID)
    current = _current(row, Decimal(0))
    return current.dunning_retry_days, current.dunning_outcome


async def current_settings(db: Database, *, default_threshold: Decimal) -> CurrentSettings:
    """The settings in force, for the app's own use (pricing quotes, checking reductions)."""
    async with db.session() as session:
        return _current(await session.get(BusinessSettings, SETTINGS_ID), default_threshold)


async def default_renewal_uplift(session: AsyncSession) -> Decimal:
    """The uplift a subscription started now gets, read in the caller's transaction."""
    row = await session.get(BusinessSettings, SETTINGS_ID)
    return Decimal(0) if row is None else row.default_renewal_uplift_percent


async def reminder_days(session: AsyncSession) -> tuple[int, ...]:
    """The days invoice reminders go out, read in the caller's transaction."""
    row = await session.get(BusinessSettings, SETTINGS_ID)
    return DEFAULT_REMINDER_DAYS if row is None else tuple(row.reminder_days)


def _reminder_problem(days: Sequence[int]) -> Problem | None:
    low, high = REMINDER_RANGE
    if len(set(days)) > MAX_REMINDERS:
        return Problem(("reminderDays",), f"At most {MAX_REMINDERS} reminder days.", "TOO_MANY")
    if any(not low <= day <= high for day in days):
        return Problem(
            ("reminderDays",),
            f"Reminder days are from {low} (before the due date) to {high} (after it).",
            "OUT_OF_RANGE",
        )
    return None


async def read_settings(
    db: Database, actor: Actor, *, default_threshold: Decimal
) -> CurrentSettings:
    """The settings, for staff to read."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in STAFF_ROLES:
        raise Forbidden("Only staff read the settings.")
    return await current_settings(db, default_threshold=default_threshold)


def _percent_problem(field: str, value: Decimal) -> Problem | None:
    """What is wrong with a settings percentage, if anything: 0 to 100, two places."""
    try:
        in_range = value.is_finite() and 0 <= value <= 100
        places_ok = in_range and value == value.quantize(Decimal(1).scaleb(-PERCENT_PLACES))
    except InvalidOperation:
        in_range = places_ok = False
    if not in_range:
        return Problem((field,), f"{field} must be between 0 and 100.", "OUT_OF_RANGE")
    if not places_ok:
        return Problem(
            (field,), f"{field} may have at most {PERCENT_PLACES} decimal places.", "TOO_PRECISE"
        )
    return None


async def update_settings(
    db: Database,
    actor: Actor,
    *,
    approval_threshold_percent: Decimal | None,
    default_renewal_uplift_percent: Decimal | None,
    default_threshold: Decimal,
    now: datetime,
    reminder_days: Sequence[int] | None = None,
    dunning_retry_days: list[int] | None = None,
    dunning_outcome: str | None = None,
) -> CurrentSettings:
    """Change the settings (admins); fields left ``None`` keep their value. Audited."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins change the settings.")
    inputs = {
        "approvalThresholdPercent": approval_threshold_percent,
        "defaultRenewalUpliftPercent": default_renewal_uplift_percent,
    }
    problems = [
        problem
        for field, value in inputs.items()
        if value is not None and (problem := _percent_problem(field, value)) is not None
    ]
    if reminder_days is not None and (problem := _reminder_problem(reminder_days)):
        problems.append(problem)
    if dunning_retry_days is not None and (problem := _retry_days_problem(dunning_retry_days)):
        problems.append(problem)
    if dunning_outcome is not None and dunning_outcome not in DUNNING_OUTCOMES:
        problems.append(
            Problem(("dunningOutcome",), "Choose what happens after the last retry.", "INVALID")
        )
    if problems:
        raise Invalid(problems)
    async with db.transaction() as session:
        row = await session.get(BusinessSettings, SETTINGS_ID, with_for_update=True)
        was = _current(row, default_threshold)
        if row is None:
            row = BusinessSettings(
                id=SETTINGS_ID,
                approval_threshold_percent=was.approval_threshold_percent,
                default_renewal_uplift_percent=was.default_renewal_uplift_percent,
                reminder_days=list(was.reminder_days),
                dunning_retry_days=",".join(map(str, was.dunning_retry_days)),
                dunning_outcome=was.dunning_outcome,
                updated_at=now,
            )
            session.add(row)
        if approval_threshold_percent is not None:
            row.approval_threshold_percent = approval_threshold_percent
        if default_renewal_uplift_percent is not None:
            row.default_renewal_uplift_percent = default_renewal_uplift_percent
        if reminder_days is not None:
            row.reminder_days = sorted(set(reminder_days))
        if dunning_retry_days is not None:
            row.dunning_retry_days = ",".join(map(str, dunning_retry_days))
        if dunning_outcome is not None:
            row.dunning_outcome = dunning_outcome
        before, after = changed(_fields(was), _fields(_current(row, default_threshold)))
        if after:
            row.updated_at = now
            summary = "Settings changed: " + ", ".join(
                f"{k} {v}{' %' if k.endswith('Percent') else ''}" for k, v in after.items()
            )
            await audit(
                session,
                actor,
                "settings.update",
                ("Settings", SETTINGS_ID),
                summary,
                now=now,
                before=before,
                after=after,
            )
        await session.flush()
        return _current(row, default_threshold)


def _fields(settings: CurrentSettings) -> dict[str, str]:
    """The settings as the audit log records them (plain, so 20 equals 20.00)."""
    return {
        "approvalThresholdPercent": _plain_percent(settings.approval_threshold_percent),
        "defaultRenewalUpliftPercent": _plain_percent(settings.default_renewal_uplift_percent),
        "reminderDays": ", ".join(str(day) for day in settings.reminder_days),
        "dunningRetryDays": ", ".join(map(str, settings.dunning_retry_days)),
        "dunningOutcome": settings.dunning_outcome,
    }


def _plain_percent(value: Decimal) -> str:
    return f"{value.normalize():f}"

"""Invoice reminders on the days admins set: each day once per invoice, only the latest when
several are reached at once, none for paid or long-overdue invoices (docs/email.md,
"Reminders")."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.clock import FixedClock
from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Invoice, InvoiceReminder, MailMessage, User
from recur.scheduler import DailyBilling
from recur.services import billing
from recur.services.common import Actor, Invalid, update_settings


def at(day: date) -> datetime:
    return datetime.combine(day, time(2, 0), tzinfo=UTC)


async def open_invoice(db: Database) -> Invoice:
    """The latest open invoice of the demo, and the only one whose reminders the tests read."""
    async with db.session() as session:
        invoice = await session.scalar(
            select(Invoice)
            .where(
                Invoice.status == InvoiceStatus.OPEN,
                Invoice.total > Invoice.amount_paid + Invoice.amount_credited,
            )
            .order_by(Invoice.due_date.desc(), Invoice.id.desc())
            .limit(1)
        )
    assert invoice is not None
    return invoice


async def remind(db: Database, day: date) -> None:
    await billing.send_invoice_reminders(db, today=day, now=at(day))


async def reminders_of(db: Database, invoice: Invoice) -> list[tuple[int, date, str | None]]:
    """``(day from due, done on, subject of the email or None)`` for each reminder done."""
    async with db.session() as session:
        rows = await session.execute(
            select(InvoiceReminder.offset_days, InvoiceReminder.done_on, MailMessage.subject)
            .outerjoin(MailMessage, MailMessage.id == InvoiceReminder.mail_message_id)
            .where(InvoiceReminder.invoice_id == invoice.id)
            .order_by(InvoiceReminder.offset_days)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_each_reminder_day_is_done_once_and_late_ones_are_not_piled_up(
    db: Database,
) -> None:
    invoice = await open_invoice(db)
    due, n = invoice.due_date, invoice.number
    for day in (due - timedelta(days=3), due - timedelta(days=3), due, due + timedelta(days=1)):
        await remind(db, day)
    assert await reminders_of(db, invoice) == [
        (-3, due - timedelta(days=3), f"Invoice {n} is due in 3 days"),
        (0, due, f"Invoice {n} is due today"),
    ]
    # Days 3 and 7 pass while nothing runs: on day 8 only the 7-day reminder goes out, saying
    # how late the invoice is on the day it is sent.
    await remind(db, due + timedelta(days=8))
    await remind(db, due + timedelta(days=9))
    assert (await reminders_of(db, invoice))[2:] == [
        (3, due + timedelta(days=8), None),
        (7, due + timedelta(days=8), f"Invoice {n} is 8 days overdue"),
    ]
    async with db.session() as session:
        mail = await session.scalar(
            select(MailMessage)
            .where(MailMessage.kind == "invoice_reminder", MailMessage.subject.contains(n))
            .order_by(MailMessage.id.desc())
        )
    assert mail is not None
    assert mail.attachment == f"invoice:{n}" and mail.account_id == invoice.account_id
    assert mail.recipients and mail.created_at == at(due + timedelta(days=8))


async def test_paid_invoices_get_no_reminder(db: Database) -> None:
    invoice = await open_invoice(db)
    async with db.transaction() as session:
        paid = await session.get_one(Invoice, invoice.id)
        paid.amount_paid = paid.total - paid.amount_credited
        paid.status = InvoiceStatus.PAID
    await remind(db, invoice.due_date)
    assert await reminders_of(db, invoice) == []


async def test_reminders_long_past_are_passed_over(db: Database) -> None:
    """Turning reminders on does not email every old invoice."""
    invoice = await open_invoice(db)
    await remind(db, invoice.due_date + timedelta(days=40))
    assert await reminders_of(db, invoice) == []


async def test_admins_set_the_days(db: Database) -> None:
    async with db.session() as session:
        adam = await session.scalar(select(User).where(User.email == "adam@recur.example"))
    assert adam is not None
    admin = Actor(user_id=adam.id, role=Role.ADMIN)
    now = at(date(2026, 11, 24))
    saved = await update_settings(
        db,
        admin,
        approval_threshold_percent=None,
        default_renewal_uplift_percent=None,
        reminder_days=[5, 1, 1],
        default_threshold=Decimal(20),
        now=now,
    )
    assert saved.reminder_days == (1, 5)
    invoice = await open_invoice(db)
    await remind(db, invoice.due_date)
    await remind(db, invoice.due_date + timedelta(days=1))
    assert await reminders_of(db, invoice) == [
        (1, invoice.due_date + timedelta(days=1), f"Invoice {invoice.number} is 1 day overdue")
    ]
    for days, code in (list(range(11)), "TOO_MANY"), ([400], "OUT_OF_RANGE"):
        with pytest.raises(Invalid) as refused:
            await update_settings(
                db,
                admin,
                approval_threshold_percent=None,
                default_renewal_uplift_percent=None,
                reminder_days=days,
                default_threshold=Decimal(20),
                now=now,
            )
        assert [(p.field, p.code) for p in refused.value.problems] == [(("reminderDays",), code)]
    await update_settings(
        db,
        admin,
        approval_threshold_percent=None,
        default_renewal_uplift_percent=None,
        reminder_days=[],
        default_threshold=Decimal(20),
        now=now,
    )
    await remind(db, invoice.due_date + timedelta(days=5))
    assert len(await reminders_of(db, invoice)) == 1


async def test_the_daily_run_queues_the_days_reminders(db: Database) -> None:
    invoice = await open_invoice(db)
    clock = FixedClock(at(invoice.due_date) - timedelta(hours=1))

    async def sleep(seconds: float) -> None:
        if clock.now() >= at(invoice.due_date):
            raise asyncio.CancelledError
        clock.advance(timedelta(seconds=seconds))

    with pytest.raises(asyncio.CancelledError):
        await DailyBilling(db, clock, time(2, 0), sleep=sleep).run_forever()
    assert await reminders_of(db, invoice) == [
        (-3, invoice.due_date, None),  # reached too, but only the latest is sent
        (0, invoice.due_date, f"Invoice {invoice.number} is due today"),
    ]

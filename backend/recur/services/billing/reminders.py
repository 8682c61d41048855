"""Invoice reminders: before an open invoice falls due, on the day, and after, on the days
admins set (docs/email.md, "Reminders").

Each reminder day is done once per invoice, recorded in ``invoice_reminders`` under a unique
key, in the transaction that queues its email. A run that finds several days reached at
once (the server was down, or a day was added) sends only the latest and records the others
as passed over, so a customer never gets a pile of reminders at once. Days reached more than
:data:`CATCH_UP` ago are passed over too: turning reminders on does not email every old
invoice. Safe to run twice at once: the invoices are locked while their reminders are done.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import Invoice, InvoiceReminder
from recur.services.common import (
    account_name,
    billing_contacts,
    invoice_data,
    plain,
    queue_mail,
    reminder_days,
)

#: How late a reminder may still be sent; older ones are passed over.
CATCH_UP = timedelta(days=7)


async def send_invoice_reminders(db: Database, *, today: date, now: datetime) -> int:
    """Queue the reminders due by ``today``; how many were queued."""
    async with db.transaction() as session:
        days = await reminder_days(session)
        if not days:
            return 0
        invoices = list(
            await session.scalars(
                select(Invoice)
                .where(
                    Invoice.status == InvoiceStatus.OPEN,
                    Invoice.total > Invoice.amount_paid + Invoice.amount_credited,
                    Invoice.due_date <= today - timedelta(days=min(days)),
                    Invoice.due_date >= today - timedelta(days=max(days)) - CATCH_UP,
                )
                .order_by(Invoice.id)
                .with_for_update()
            )
        )
        done = await _done(session, [invoice.id for invoice in invoices])
        sent = 0
        for invoice in invoices:
            sent += await _remind(session, invoice, days, done.get(invoice.id, set()), today, now)
        return sent


async def _done(session: AsyncSession, invoice_ids: list[int]) -> dict[int, set[int]]:
    rows = await session.execute(
        select(InvoiceReminder.invoice_id, InvoiceReminder.offset_days).where(
            InvoiceReminder.invoice_id.in_(invoice_ids)
        )
    )
    done: dict[int, set[int]] = {}
    for invoice_id, offset in rows:
        done.setdefault(invoice_id, set()).add(offset)
    return done


async def _remind(
    session: AsyncSession,
    invoice: Invoice,
    days: tuple[int, ...],
    done: set[int],
    today: date,
    now: datetime,
) -> int:
    reached = [d for d in days if d not in done and invoice.due_date + timedelta(days=d) <= today]
    if not reached:
        return 0
    latest = max(reached)
    timely = invoice.due_date + timedelta(days=latest) >= today - CATCH_UP
    message_id = None
    if timely and latest > max(done, default=latest - 1):
        message = await queue_mail(
            session,
            "invoice_reminder",
            await billing_contacts(session, invoice.account_id),
            _context(invoice, await account_name(session, invoice.account_id), today),
            now=now,
            account_id=invoice.account_id,
            attachment=f"invoice:{invoice.number}",
        )
        message_id = message.id if message is not None else None
    session.add_all(
        InvoiceReminder(
            invoice_id=invoice.id,
            offset_days=day,
            done_on=today,
            mail_message_id=message_id if day == latest else None,
        )
        for day in reached
    )
    return 1 if message_id is not None else 0


def _context(invoice: Invoice, name: str, today: date) -> dict[str, Any]:
    """The invoice as its reminder tells it: ``offset`` is the days from its due date today
    (negative: before it), whichever reminder day this is."""
    context: dict[str, Any] = plain(
        {
            **invoice_data(invoice),
            "account": {"name": name},
            "offset": (today - invoice.due_date).days,
        }
    )
    return context

"""Invoices and their lines, as the asking actor may see them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, select

from recur.core.lifecycle import InvoiceStatus
from recur.db.engine import Database
from recur.db.models import Account, Invoice, InvoiceLine
from recur.services.accounts import visible_accounts
from recur.services.billing.invoice_sorting import INVOICE_ORDERINGS, InvoiceSort
from recur.services.common import (
    ALL_DATES,
    Actor,
    DateRange,
    NotAuthenticated,
    Page,
    PageRequest,
    grouped,
    paginate_by,
)


def visible_invoices(actor: Actor) -> ColumnElement[bool]:
    return Invoice.account_id.in_(select(Account.id).where(visible_accounts(actor)))


async def list_invoices(
    db: Database,
    actor: Actor,
    *,
    status: InvoiceStatus | None = None,
    account_id: int | None = None,
    overdue_on: date | None = None,
    issued: DateRange = ALL_DATES,
    sort: InvoiceSort = InvoiceSort.NEWEST,
    page: PageRequest,
) -> Page[Invoice]:
    """Visible invoices, newest first unless ``sort`` says otherwise; only those open and
    past due on ``overdue_on`` if given, and issued within ``issued``."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(Invoice).where(visible_invoices(actor))
    if overdue_on is not None:
        statement = statement.where(
            Invoice.status == InvoiceStatus.OPEN, Invoice.due_date < overdue_on
        )
    if status is not None:
        statement = statement.where(Invoice.status == status)
    if account_id is not None:
        statement = statement.where(Invoice.account_id == account_id)
    statement = statement.where(*issued.days(Invoice.issue_date))
    return await paginate_by(db, statement, INVOICE_ORDERINGS[sort], page)


async def invoices_by_id(db: Database, actor: Actor, ids: Sequence[int]) -> dict[int, Invoice]:
    if actor.is_anonymous or not ids:
        return {}
    statement = select(Invoice).where(Invoice.id.in_(set(ids)), visible_invoices(actor))
    async with db.session() as session:
        return {invoice.id: invoice for invoice in await session.scalars(statement)}


async def invoices_by_number(db: Database, actor: Actor, numbers: Sequence[str]) -> list[Invoice]:
    """The visible invoices among ``numbers``, in the order asked for (a billing run lists
    its invoices in the order its accounts were billed, which is not always number order)."""
    statement = select(Invoice).where(Invoice.number.in_(set(numbers)), visible_invoices(actor))
    async with db.session() as session:
        found = {invoice.number: invoice for invoice in await session.scalars(statement)}
    return [found[number] for number in numbers if number in found]


async def first_invoice_by_order(db: Database, order_ids: Sequence[int]) -> dict[int, Invoice]:
    """The first invoice of each order (the one issued when it was made)."""
    statement = (
        select(Invoice).where(Invoice.order_id.in_(set(order_ids))).order_by(Invoice.id.desc())
    )
    async with db.session() as session:
        return {
            invoice.order_id: invoice
            for invoice in await session.scalars(statement)
            if invoice.order_id
        }


async def lines_by_invoice(
    db: Database, invoice_ids: Sequence[int]
) -> dict[int, list[InvoiceLine]]:
    statement = (
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(set(invoice_ids)))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    )
    return await grouped(db, statement, lambda line: line.invoice_id)

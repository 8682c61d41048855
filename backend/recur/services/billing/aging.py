"""Receivables aging for finance: each account's open balances by how long they are overdue,
largest overdue first, a page at a time, with the totals of every account per currency.

The open invoices are read as plain rows (account, due date, what is left to pay), which is
all the buckets need; only the page's accounts are read as objects. The order (most overdue
first, then name, then id) is computed, so the page is cut from the computed list with a
cursor of those three values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from recur.core.aging import Aging
from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Invoice
from recur.services.accounts import visible_accounts
from recur.services.common import (
    MAX_PAGE_SIZE,
    Actor,
    Forbidden,
    Invalid,
    NotAuthenticated,
    PageRequest,
    decode_cursor,
    encode_cursor,
)

#: Unless asked otherwise, as many accounts as a page may have.
FIRST_PAGE = PageRequest(first=MAX_PAGE_SIZE)

SortKey = tuple[Decimal, str, int]


@dataclass(frozen=True)
class AccountAging:
    account: Account
    aging: Aging


@dataclass(frozen=True)
class ReceivablesAging:
    as_of: date
    #: One page of the accounts with open balances, most overdue first.
    accounts: list[AccountAging]
    #: Every account's buckets added up, by currency.
    totals: dict[str, Aging]
    #: Each account's cursor, to ask for the accounts after it.
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


@dataclass
class _Balances:
    name: str
    currency: str
    aging: Aging


async def receivables_aging(
    db: Database, actor: Actor, *, as_of: date, page: PageRequest = FIRST_PAGE
) -> ReceivablesAging:
    """Open balances of the accounts ``actor`` sees, by account and bucket: the ``page`` of
    accounts asked for, largest overdue first, and the totals of them all."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in (Role.FINANCE, Role.ADMIN, Role.MANAGER):
        raise Forbidden("Aging is for finance and managers.")
    page.check()
    balances = await _balances(db, actor, as_of)
    ordered = sorted(balances, key=lambda account_id: _sort_key(account_id, balances))
    if page.after is not None:
        after = _after(page.after)
        ordered = [a for a in ordered if _sort_key(a, balances) > after]
    ids = ordered[: page.first]
    async with db.session() as session:
        accounts = {
            a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))
        }
    totals: dict[str, Aging] = defaultdict(Aging)
    for entry in balances.values():
        for label, amount in entry.aging.buckets.items():
            totals[entry.currency].buckets[label] += amount
    return ReceivablesAging(
        as_of=as_of,
        accounts=[AccountAging(accounts[i], balances[i].aging) for i in ids],
        totals=dict(sorted(totals.items())),
        cursors=[_cursor(_sort_key(i, balances)) for i in ids],
        has_next_page=len(ordered) > page.first,
        has_previous_page=page.after is not None,
    )


async def _balances(db: Database, actor: Actor, as_of: date) -> dict[int, _Balances]:
    """Each account's open invoices aged, by account id, from plain rows."""
    statement = (
        select(
            Account.id,
            Account.name,
            Account.currency,
            Invoice.due_date,
            Invoice.total,
            Invoice.amount_paid,
            Invoice.amount_credited,
        )
        .join(Invoice, Invoice.account_id == Account.id)
        .where(Invoice.status == InvoiceStatus.OPEN, visible_accounts(actor))
    )
    balances: dict[int, _Balances] = {}
    async with db.session() as session:
        for row in await session.execute(statement):
            entry = balances.setdefault(row.id, _Balances(row.name, row.currency, Aging()))
            # As Invoice.balance_due says for an open invoice.
            entry.aging.add(row.due_date, row.total - row.amount_paid - row.amount_credited, as_of)
    return balances


def _sort_key(account_id: int, balances: dict[int, _Balances]) -> SortKey:
    entry = balances[account_id]
    return -entry.aging.overdue, entry.name, account_id


def _cursor(key: SortKey) -> str:
    overdue, name, account_id = key
    return encode_cursor([str(overdue), name, account_id])


def _after(cursor: str) -> SortKey:
    overdue, name, account_id = decode_cursor(cursor, [str, str, int])
    try:
        return Decimal(overdue), name, account_id
    except InvalidOperation:
        raise Invalid.one("after", "after is not a cursor from this list.") from None

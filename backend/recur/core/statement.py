"""An account statement's arithmetic: entries in order, each moving a running balance
(docs/collections.md, "Statement").

The balance is what the account owes: invoices raise it; payments, credit notes and
write-offs lower it; refunds raise it again. Every amount is already rounded, so the
balance is an exact sum: it ends, for any period, at the account's open balances less its
credit as of the period's last day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: The kinds of entry, in the order entries of one day are listed.
KINDS = ("INVOICE", "CREDIT_NOTE", "WRITE_OFF", "PAYMENT", "REFUND")


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str
    number: str
    description: str
    #: Signed: what the entry adds to the balance (an invoice adds, a payment takes off).
    amount: Decimal
    #: Orders entries of one day and kind (the document's id).
    order: int = 0


@dataclass(frozen=True)
class Row:
    entry: Entry
    balance: Decimal


def sort_key(entry: Entry) -> tuple[date, int, int, str]:
    return (entry.on, KINDS.index(entry.kind), entry.order, entry.number)


def running(opening: Decimal, entries: Iterable[Entry]) -> list[Row]:
    """The entries in order, each with the balance after it."""
    balance = opening
    rows = []
    for entry in sorted(entries, key=sort_key):
        balance += entry.amount
        rows.append(Row(entry, balance))
    return rows

"""Gap-free document numbers (INV-000001, …), taken inside the caller's transaction.

The counter row is updated in the same transaction as the document, so the row lock
serialises concurrent writers on PostgreSQL, and a rolled-back transaction takes its number
back with it: no gaps, no duplicates.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.base import table_of
from recur.db.models import NumberSequence


class Sequence(StrEnum):
    QUOTE = "QUOTE"
    ORDER = "ORDER"
    SUBSCRIPTION = "SUBSCRIPTION"
    INVOICE = "INVOICE"
    PAYMENT = "PAYMENT"
    CREDIT_NOTE = "CREDIT_NOTE"
    REFUND = "REFUND"


PREFIXES = {
    Sequence.QUOTE: "Q",
    Sequence.ORDER: "ORD",
    Sequence.SUBSCRIPTION: "SUB",
    Sequence.INVOICE: "INV",
    Sequence.PAYMENT: "PAY",
    Sequence.CREDIT_NOTE: "CN",
    Sequence.REFUND: "RF",
}


_sequences = table_of(NumberSequence)

#: Built once: the statement runs for every document, and a statement object built anew
#: each time costs more than its round trip. On the table, not the model: no session holds
#: the counters as objects, so there is nothing to bring up to date.
_TAKE_NEXT = (
    update(_sequences)
    .where(_sequences.c.name == bindparam("sequence"))
    .values(last_value=_sequences.c.last_value + 1)
    .returning(_sequences.c.last_value)
)


async def next_number(session: AsyncSession, sequence: Sequence) -> str:
    """The next number of ``sequence``, e.g. ``INV-000042``."""
    value = (await session.execute(_TAKE_NEXT, {"sequence": sequence.value})).scalar_one()
    return f"{PREFIXES[sequence]}-{value:06d}"

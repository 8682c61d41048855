"""Gap-free document numbers (INV-000001, …), taken inside the caller's transaction.

The counter row is updated in the same transaction as the document, so the row lock
serialises concurrent writers on PostgreSQL, and a rolled-back transaction takes its number
back with it: no gaps, no duplicates.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.models import NumberSequence


class Sequence(StrEnum):
    QUOTE = "QUOTE"
    ORDER = "ORDER"
    SUBSCRIPTION = "SUBSCRIPTION"
    INVOICE = "INVOICE"
    PAYMENT = "PAYMENT"
    CREDIT_NOTE = "CREDIT_NOTE"


PREFIXES = {
    Sequence.QUOTE: "Q",
    Sequence.ORDER: "ORD",
    Sequence.SUBSCRIPTION: "SUB",
    Sequence.INVOICE: "INV",
    Sequence.PAYMENT: "PAY",
    Sequence.CREDIT_NOTE: "CN",
}


async def next_number(session: AsyncSession, sequence: Sequence) -> str:
    """The next number of ``sequence``, e.g. ``INV-000042``."""
    statement = (
        update(NumberSequence)
        .where(NumberSequence.name == sequence.value)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
        # No session holds the counters as objects: nothing to bring up to date.
        .execution_options(synchronize_session=False)
    )
    value = (await session.execute(statement)).scalar_one()
    return f"{PREFIXES[sequence]}-{value:06d}"

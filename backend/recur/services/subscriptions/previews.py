"""Previews: a change carried out in full, in a transaction rolled back afterwards, so what a
preview shows is exactly what the change would do, to the cent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.engine import Database

T = TypeVar("T")


class _Preview(Exception, Generic[T]):
    """Raised inside the transaction to roll a preview back, carrying its outcome."""

    def __init__(self, outcome: T) -> None:
        super().__init__("preview")
        self.outcome = outcome


async def rolled_back(db: Database, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """What ``work`` did, in a transaction rolled back afterwards: a preview."""
    try:
        async with db.transaction() as session:
            outcome = await work(session)
            # Detached before the rollback, the objects keep what they were told.
            session.expunge_all()
            raise _Preview(outcome)
    except _Preview as preview:
        return preview.outcome  # type: ignore[no-any-return]

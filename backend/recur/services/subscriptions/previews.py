"""Previews: a change carried out in full, in a transaction rolled back afterwards, so what a
preview shows is exactly what the change would do, to the cent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, Protocol, TypeVar

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


class _Explained(Protocol):
    explanation: str


def unnumbered(lines: Iterable[_Explained], *, order: str, quote: str | None = None) -> None:
    """Drop from a preview's line explanations the numbers its rolled-back run took: they were
    never issued, and the change confirmed later takes the next ones. ``quote``: the
    amendment quote's number when it too was made by the preview (a direct change)."""
    for line in lines:
        if quote is not None:
            line.explanation = line.explanation.replace(
                f": amendment quote {quote}, order {order}.",
                "; its quote and order are numbered when it is confirmed.",
            )
        else:
            line.explanation = line.explanation.replace(
                f", order {order}.", "; its order is numbered on acceptance."
            )

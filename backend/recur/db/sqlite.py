"""SQLite through aiosqlite, each statement in one hand-off to the connection's thread.

aiosqlite runs a SQLite connection on a thread of its own and hands every call over to it.
SQLAlchemy's adapter makes four such calls for a statement (open a cursor, execute, fetch
the rows, close), and each is a round trip between threads that costs more than most of the
statements the application runs (tens of microseconds: wake the thread, hand back the
result, wake the event loop). The cursor here makes one: the statement is executed, its
rows fetched and its cursor closed on the connection's thread in one call, and what
SQLAlchemy reads of a cursor afterwards (description, row count, last row id, rows) is kept.

Only for aiosqlite connections made by the engine (:func:`dbapi`); server-side cursors
(streamed results) are SQLAlchemy's own.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

#: What a statement leaves to read: description, rows, row count, last row id.
Outcome = tuple[Any, list[Any], int, int | None]


def _run(connection: aiosqlite.Connection, statement: str, parameters: Any, many: bool) -> Outcome:
    """On the connection's thread: execute, fetch everything, close."""
    cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(statement, parameters)
        elif parameters is None:
            cursor.execute(statement)
        else:
            cursor.execute(statement, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class Cursor:
    """A DBAPI cursor whose statements each cost one call on the connection's thread."""

    server_side = False
    arraysize = 1

    def __init__(self, adapted: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapted = adapted
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: collections.deque[Any] = collections.deque()

    def _run(self, statement: str, parameters: Any, many: bool) -> None:
        connection = cast(aiosqlite.Connection, self._adapted._connection)
        try:
            outcome: Outcome = await_(
                connection._execute(  # type: ignore[no-untyped-call]
                    _run, connection, statement, parameters, many
                )
            )
        except Exception as error:
            self._adapted._handle_exception(error)
        self.description, rows, self.rowcount, self.lastrowid = outcome
        self._rows = collections.deque(rows)

    def execute(self, statement: str, parameters: Any = None) -> None:
        self._run(statement, parameters, many=False)

    def executemany(self, statement: str, parameters: Sequence[Any]) -> None:
        self._run(statement, parameters, many=True)

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        """Nothing to close: the cursor on the thread closed with its statement."""

    def setinputsizes(self, *sizes: Any) -> None:
        """Not used by SQLite."""


class Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = Cursor  # type: ignore[assignment]


class DBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI, making :class:`Connection` s."""

    def connect(self, *args: Any, **kwargs: Any) -> Connection:
        adapted = super().connect(*args, **kwargs)
        return Connection(self, adapted._connection)


def dbapi() -> DBAPI | None:
    """The DBAPI for the engine's ``module``; ``None`` (SQLAlchemy's own) if this aiosqlite
    has no ``Connection._execute``, the call that runs a function on its thread."""
    if not callable(getattr(aiosqlite.Connection, "_execute", None)):
        return None
    return DBAPI(aiosqlite, sqlite3)

"""The database: one async engine per process and sessions made from it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from recur.db import sqlite

if TYPE_CHECKING:
    from recur.settings import Settings

#: Connections each process's pool keeps open, and opens beyond that under a burst
#: (PostgreSQL; ``RECUR_DB_POOL_SIZE``, ``RECUR_DB_MAX_OVERFLOW``; docs/operations.md).
POOL_SIZE = 10
MAX_OVERFLOW = 10


class Database:
    """An engine and the session factory bound to it."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = POOL_SIZE,
        max_overflow: int = MAX_OVERFLOW,
    ) -> None:
        self.url = async_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, **_engine_options(self.url, pool_size, max_overflow)
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
            event.listen(self.engine.sync_engine, "begin", _begin_sqlite)
            event.listen(self.engine.sync_engine, "before_cursor_execute", _refuse_deferred_write)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def configured(cls, settings: Settings) -> Database:
        """The database of ``settings``, with its pool sized as they say."""
        return cls(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def session(self) -> AsyncSession:
        """A new session; use it as ``async with db.session() as session``."""
        return self.sessionmaker()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction, committed at the end, rolled back on error.

        On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``), so
        two writers queue instead of one failing when it upgrades a read lock; PostgreSQL
        relies on row locks (``SELECT … FOR UPDATE``) taken by the services.
        """
        async with self.session() as session, session.begin():
            await session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a write transaction, for Core statements (migrations, bulk
        writes): like :meth:`transaction`, with the write lock taken at once on SQLite."""
        async with self.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()


#: The async driver a URL without one gets (``sqlite://``, ``postgres://`` as hosts print them).
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> URL:
    """``url`` with the async driver of its database when it names none: the URLs hosting
    providers and ``psql`` users write (``postgres://…``, ``sqlite:///file``) work as they are.
    A synchronous driver named on purpose is refused with a message saying what to use."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    backend = parsed.get_backend_name()
    if "+" not in parsed.drivername and backend in ASYNC_DRIVERS:
        return parsed.set(drivername=ASYNC_DRIVERS[backend])
    if backend in ASYNC_DRIVERS and parsed.drivername != ASYNC_DRIVERS[backend]:
        raise ValueError(
            f"The database URL names the driver {parsed.drivername!r}, which is not async: "
            f"use {ASYNC_DRIVERS[backend]}:// (docs/operations.md)."
        )
    return parsed


def _engine_options(parsed: URL, pool_size: int, max_overflow: int) -> dict[str, Any]:
    if parsed.get_backend_name() == "sqlite":
        options: dict[str, Any] = {"connect_args": {"timeout": 30}}
        module = sqlite.dbapi() if parsed.get_driver_name() == "aiosqlite" else None
        if module is not None:  # one hand-off to aiosqlite's thread per statement
            options["module"] = module
        return options
    return {"pool_pre_ping": True, "pool_size": pool_size, "max_overflow": max_overflow}


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL so readers never wait for a writer, and transactions begun by
    us (``_begin_sqlite``) rather than by the driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.info["sqlite_begin"] = mode
    connection.exec_driver_sql(f"BEGIN {mode}")


#: Statements that write: they belong in a transaction that holds the write lock.
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class DeferredWrite(RuntimeError):
    """A write in a transaction begun without the write lock (see :meth:`Database.transaction`)."""


def _refuse_deferred_write(
    connection: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    """Every write on SQLite goes through :meth:`Database.transaction` (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes must upgrade its read lock, and SQLite
    cannot wait for that: when another connection writes meanwhile it fails at once with
    "database is locked", whatever the busy timeout. Refusing such writes outright turns a
    failure that shows only under concurrency into one every test sees.
    """
    if connection.info.get("sqlite_begin") == "DEFERRED" and _WRITES.match(statement):
        raise DeferredWrite(
            "write outside Database.transaction(): SQLite would fail it under concurrency"
        )

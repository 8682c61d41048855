"""The database: one async engine per process and sessions made from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from recur.db import sqlite


class Database:
    """An engine and the session factory bound to it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **_engine_options(url))
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
            event.listen(self.engine.sync_engine, "begin", _begin_sqlite)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

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

    async def dispose(self) -> None:
        await self.engine.dispose()


def _engine_options(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        options: dict[str, Any] = {"connect_args": {"timeout": 30}}
        module = sqlite.dbapi() if parsed.get_driver_name() == "aiosqlite" else None
        if module is not None:  # one hand-off to aiosqlite's thread per statement
            options["module"] = module
        return options
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}


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
    connection.exec_driver_sql(f"BEGIN {mode}")

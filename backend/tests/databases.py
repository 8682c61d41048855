"""Fresh test databases on SQLite and PostgreSQL, copied from templates migrated once."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import asyncpg

from recur.db.engine import Database
from recur.db.migrate import upgrade
from recur.demo import load_demo

#: The date the demo history is written relative to (the tests' clock says the same day).
DEMO_TODAY = date(2026, 11, 24)
POSTGRES_DSN = os.environ.get(
    "RECUR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


class SQLiteFactory:
    """Each test gets a copy of a migrated (and optionally demo-loaded) database file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.templates: dict[bool, Path] = {}
        self.counter = itertools.count()

    async def prepare(self) -> None:
        for with_demo in (False, True):
            path = self.directory / f"template-{'demo' if with_demo else 'empty'}.sqlite3"
            db = Database(f"sqlite+aiosqlite:///{path}")
            await upgrade(db)
            if with_demo:
                await load_demo(db, today=DEMO_TODAY)
            async with db.engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await db.dispose()
            self.templates[with_demo] = path

    async def create(self, *, with_demo: bool) -> str:
        path = self.directory / f"test-{next(self.counter)}.sqlite3"
        shutil.copyfile(self.templates[with_demo], path)
        return f"sqlite+aiosqlite:///{path}"

    async def create_blank(self) -> str:
        """A database with nothing in it, not even the schema."""
        return f"sqlite+aiosqlite:///{self.directory / f'blank-{next(self.counter)}.sqlite3'}"

    async def drop(self, url: str) -> None:
        path = url.removeprefix("sqlite+aiosqlite:///")
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")


class PostgresFactory:
    """Each test gets ``CREATE DATABASE … TEMPLATE`` of a migrated (demo-loaded) template."""

    def __init__(self) -> None:
        self.prefix = f"recur_test_{uuid.uuid4().hex[:8]}"
        self.templates: dict[bool, str] = {}
        self.counter = itertools.count()

    @staticmethod
    async def reachable() -> str | None:
        """``None`` if PostgreSQL answers, else why not."""
        try:
            connection = await asyncio.wait_for(asyncpg.connect(POSTGRES_DSN), timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            return f"{type(error).__name__}: {error}"
        await connection.close()
        return None

    def url(self, name: str) -> str:
        base = POSTGRES_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        return f"{base}/{name}"

    async def _admin(self, sql: str) -> None:
        connection = await asyncpg.connect(POSTGRES_DSN)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def prepare(self) -> None:
        for with_demo in (False, True):
            name = f"{self.prefix}_tmpl_{'demo' if with_demo else 'empty'}"
            await self._admin(f'CREATE DATABASE "{name}"')
            db = Database(self.url(name))
            await upgrade(db)
            if with_demo:
                await load_demo(db, today=DEMO_TODAY)
            await db.dispose()
            self.templates[with_demo] = name

    async def create(self, *, with_demo: bool) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.templates[with_demo]}"')
        return self.url(name)

    async def create_blank(self) -> str:
        """A database with nothing in it, not even the schema."""
        name = f"{self.prefix}_{next(self.counter)}"
        await self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    async def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def cleanup(self) -> None:
        for name in self.templates.values():
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

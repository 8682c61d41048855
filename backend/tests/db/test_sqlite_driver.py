"""The SQLite cursor: one hand-off to aiosqlite's thread per statement, and everything
SQLAlchemy reads of a cursor as the standard one gives it.

SQLite only by nature (PostgreSQL has no such thread); the whole suite runs through this
cursor on SQLite as well.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from recur.db import sqlite
from recur.db.engine import Database

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), unique=True, nullable=False),
)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield db
    await db.dispose()


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The calls handed to aiosqlite's thread, by name, as they happen."""
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


async def test_the_engine_uses_the_cursor(database: Database) -> None:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, aiosqlite.Connection)
        assert isinstance(raw.dbapi_connection, sqlite.Connection)
        assert isinstance(raw.dbapi_connection.cursor(), sqlite.Cursor)


async def test_a_statement_is_one_hand_off(database: Database, hand_offs: list[str]) -> None:
    async with database.begin() as connection:
        await connection.execute(text("SELECT 1"))  # the connection is checked out first
        hand_offs.clear()
        rows = (await connection.execute(select(things.c.id, things.c.name))).all()
        await connection.execute(insert(things), [{"name": "a"}, {"name": "b"}])
    assert rows == []
    # A select, an executemany, the commit, and the reset when the connection goes back.
    assert hand_offs == ["_run", "_run", "commit", "rollback"]


async def test_rows_counts_and_ids_are_what_sqlalchemy_expects(database: Database) -> None:
    async with database.begin() as connection:
        inserted = await connection.execute(insert(things).values(name="first"))
        assert inserted.inserted_primary_key == (1,)
        returned = await connection.execute(
            insert(things).values([{"name": "x"}, {"name": "y"}]).returning(things.c.name)
        )
        assert sorted(returned.scalars()) == ["x", "y"]
        many = await connection.execute(insert(things), [{"name": f"n{i}"} for i in range(5)])
        assert many.rowcount == 5
        changed = await connection.execute(
            update(things).where(things.c.name.like("n%")).values(name=things.c.name + "!")
        )
        assert changed.rowcount == 5
        result = await connection.execute(select(things.c.name).order_by(things.c.id))
        assert result.keys() == ["name"]
        assert result.fetchmany(2) == [("first",), ("x",)]
        assert result.fetchone() == ("y",)
    async with database.engine.connect() as connection:
        names = (await connection.execute(select(things.c.name).order_by(things.c.id))).scalars()
        assert list(names)[-5:] == [f"n{i}!" for i in range(5)]


async def test_a_streamed_result_still_streams(database: Database) -> None:
    async with database.begin() as connection:
        await connection.execute(insert(things), [{"name": f"s{i}"} for i in range(50)])
    async with database.engine.connect() as connection:
        stream = await connection.stream(select(things.c.name).order_by(things.c.id))
        partitions = [partition async for partition in stream.partitions(10)]
    assert len(partitions) == 5
    assert [row.name for row in partitions[0]] == [f"s{i}" for i in range(10)]


async def test_errors_are_sqlalchemys(database: Database) -> None:
    async with database.begin() as connection:
        await connection.execute(insert(things).values(name="same"))
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with database.begin() as connection:
            await connection.execute(insert(things).values(name="same"))
    with pytest.raises(OperationalError, match="no such table"):
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT * FROM missing_table"))
    # The failed transaction wrote nothing; the connection still works.
    async with database.engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM things"))).scalar_one()
    assert count == 1


async def test_without_the_thread_call_the_standard_cursor_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(aiosqlite.Connection, "_execute")
    assert sqlite.dbapi() is None


def test_the_installed_aiosqlite_still_has_the_private_calls_the_cursor_uses() -> None:
    """pyproject.toml caps aiosqlite at the newest version tested: a release that drops
    these makes this test fail loudly rather than the engine quietly fall back."""
    assert callable(getattr(aiosqlite.Connection, "_execute", None))
    assert sqlite.dbapi() is not None
    source = inspect.getsource(aiosqlite.Connection)
    assert "self._conn" in source or "_conn" in dir(aiosqlite.Connection)

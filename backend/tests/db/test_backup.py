"""Backup and restore give back the same data: ``recur backup``/``recur restore`` on SQLite
(online, while the database is open), ``pg_dump``/``pg_restore`` on PostgreSQL, as
docs/operations.md ("Backup and restore") tells the operator."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from recur.cli import main
from recur.db.base import Base
from recur.db.engine import Database


async def _counts(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def test_a_backup_restores_the_same_data(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = await _counts(db)
    assert expected["invoices"] > 0
    if db.is_sqlite:
        restored_url = await _sqlite_round_trip(db, tmp_path, monkeypatch)
    else:
        restored_url = _postgres_round_trip(db, tmp_path)
    restored = Database(restored_url)
    try:
        assert await _counts(restored) == expected
    finally:
        await restored.dispose()
        if not db.is_sqlite:
            _pg("dropdb", "--if-exists", make_url(restored_url).database or "")


async def _sqlite_round_trip(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    backup = tmp_path / "backup.sqlite3"
    monkeypatch.setenv("RECUR_DATABASE_URL", str(db.url))
    # The database stays open, in the middle of a read, while it is copied.
    async with db.session() as session:
        await session.execute(text("SELECT count(*) FROM invoices"))
        assert main(["backup", str(backup)]) == 0
    assert main(["backup", str(backup)]) == 2  # never overwrites a file

    restored_url = f"sqlite+aiosqlite:///{tmp_path / 'restored.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", restored_url)
    assert main(["restore", str(backup)]) == 0
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    assert main(["restore", str(not_a_backup)]) == 2
    return restored_url


def _pg(*command: str) -> None:
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}
    subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 (our own arguments)


def _postgres_round_trip(db: Database, tmp_path: Path) -> str:
    source = db.url.database or ""
    dump = tmp_path / "recur.dump"
    _pg("pg_dump", "--format=custom", "--file", str(dump), source)
    target = f"recur_restore_{uuid.uuid4().hex[:12]}"
    _pg("createdb", target)
    _pg("pg_restore", "--no-owner", "--dbname", target, str(dump))
    return db.url.set(database=target).render_as_string(hide_password=False)


async def test_backup_refuses_postgresql_with_the_tool_to_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECUR_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1/recur")
    assert main(["backup", str(tmp_path / "x")]) == 2
    assert "pg_dump" in capsys.readouterr().err

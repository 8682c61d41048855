"""``recur backup`` and ``recur restore`` for SQLite, through SQLite's online backup API: a
consistent copy while the server keeps serving (docs/operations.md, "Backup and restore").
PostgreSQL is backed up with its own tools, ``pg_dump`` and ``pg_restore``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

#: Pages copied per step: the source is locked only for the length of a step, so writers
#: wait for at most one step at a time.
PAGES_PER_STEP = 1024


class BackupError(Exception):
    """Why a backup or restore cannot be done; one line for the operator."""


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; :class:`BackupError` for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "recur backup and restore handle SQLite; back up PostgreSQL with pg_dump "
            '(docs/operations.md, "Backup and restore")'
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(url.database)


def backup(database_url: str, target: Path) -> None:
    """Copy the database to ``target``, a new file, while it may be in use."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file")
    _copy(source_path, target)


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup ``source`` (stop the server first)."""
    target_path = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"there is no backup at {source}")
    _check_backup(source)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target_path)


def _check_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            ok = connection.execute("PRAGMA quick_check").fetchone()
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Recur database backup ({error})") from None
    if ok is None or ok[0] != "ok" or version is None:
        raise BackupError(f"{path} is not a whole Recur database backup")


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
        finally:
            dst.close()
    finally:
        src.close()

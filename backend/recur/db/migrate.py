"""Run the Alembic migrations from code (the ``recur migrate`` command and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from recur.db.engine import Database

SCRIPT_LOCATION = "recur.db:migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url)
    return config


#: The PostgreSQL advisory lock migrations hold for their transaction ("recur" + "migr").
MIGRATION_LOCK = 0x7265637572_6D6967


async def upgrade(database: Database, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` on the given database.

    Runs at once on several instances are safe: each takes the migration lock for its
    transaction (PostgreSQL's advisory lock; SQLite's write lock, taken up front), so the
    later ones wait and then find the schema already where they would take it."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.begin() as connection:
        if not database.is_sqlite:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        await connection.run_sync(run)


async def pending(database: Database) -> str | None:
    """Why the database is not at the code's schema (``None`` when it is): not migrated at
    all, or at an older (or unknown) revision."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        revision = await connection.run_sync(current)
    if revision == head:
        return None
    if revision is None:
        return "the database has no schema yet"
    return f"the database is at revision {revision}, the code needs {head}"


async def has_schema(database: Database) -> bool:
    """Whether the database has been migrated at least once."""

    def check(connection: Connection) -> bool:
        return inspect(connection).has_table("alembic_version")

    async with database.engine.connect() as connection:
        return await connection.run_sync(check)

"""Run the Alembic migrations from code (the ``recur migrate`` command and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

from recur.db.engine import Database

SCRIPT_LOCATION = "recur.db:migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url)
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` on the given database."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.begin() as connection:
        await connection.run_sync(run)


async def has_schema(database: Database) -> bool:
    """Whether the database has been migrated at least once."""

    def check(connection: Connection) -> bool:
        return inspect(connection).has_table("alembic_version")

    async with database.engine.connect() as connection:
        return await connection.run_sync(check)

"""Alembic environment: runs on a connection handed over by ``recur.db.migrate`` or,
when called as ``alembic upgrade head``, on an async engine of its own."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from recur.db import models  # noqa: F401  (registers every table)
from recur.db.base import Base
from recur.db.engine import async_url
from recur.settings import Settings

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = create_async_engine(async_url(url))
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run them against a database")

handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    run_on(handed_over)
else:
    asyncio.run(run_with_own_engine())

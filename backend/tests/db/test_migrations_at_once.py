"""Migrations under several instances, and what a server makes of an unmigrated database."""

from __future__ import annotations

import asyncio

from recur.db.engine import Database
from recur.db.migrate import pending, upgrade


async def test_instances_migrating_at_once_all_succeed(factory) -> None:
    url = await factory.create_blank()
    databases = [Database(url) for _ in range(3)]
    try:
        assert await pending(databases[0]) == "the database has no schema yet"
        await asyncio.gather(*(upgrade(db) for db in databases))
        assert [await pending(db) for db in databases] == [None, None, None]
    finally:
        for db in databases:
            await db.dispose()
        await factory.drop(url)


async def test_an_older_schema_is_named(factory) -> None:
    url = await factory.create_blank()
    db = Database(url)
    try:
        await upgrade(db, "0009")
        assert (await pending(db) or "").startswith("the database is at revision 0009, the code")
    finally:
        await db.dispose()
        await factory.drop(url)

"""Database URLs as operators write them get the async driver (docs/operations.md)."""

from __future__ import annotations

import pytest

from recur.db.engine import async_url


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:////var/recur.sqlite3", "sqlite+aiosqlite:////var/recur.sqlite3"),
        ("sqlite+aiosqlite:///var/r.sqlite3", "sqlite+aiosqlite:///var/r.sqlite3"),
        ("postgres://u:p@db/recur", "postgresql+asyncpg://u:p@db/recur"),
        ("postgresql://u@db:5433/recur", "postgresql+asyncpg://u@db:5433/recur"),
        ("postgresql+asyncpg://u@db/recur", "postgresql+asyncpg://u@db/recur"),
    ],
)
def test_a_url_without_a_driver_gets_the_async_one(given: str, used: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == used


@pytest.mark.parametrize("given", ["sqlite+pysqlite:///x.db", "postgresql+psycopg2://u@db/r"])
def test_a_synchronous_driver_is_refused_with_what_to_use(given: str) -> None:
    with pytest.raises(ValueError, match=r"not async: use (sqlite\+aiosqlite|postgresql\+asyncpg)"):
        async_url(given)

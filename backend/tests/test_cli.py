"""The recur command: demo data only into an empty database; the schema export."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recur.cli import main
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Product, User
from recur.graphql.schema import sdl


def _counts(url: str) -> tuple[int, int]:
    async def count() -> tuple[int, int]:
        db = Database(url)
        async with db.session() as session:
            users = await session.scalar(select(func.count()).select_from(User))
            products = await session.scalar(select(func.count()).select_from(Product))
        await db.dispose()
        return int(users or 0), int(products or 0)

    return asyncio.run(count())


def test_demo_loads_into_an_empty_database_and_never_over_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))

    assert main(["demo"]) == 0
    users, products = _counts(url)
    assert users == 8
    assert products >= 12

    caplog.clear()
    assert main(["demo"]) == 0
    assert _counts(url) == (users, products)
    assert "already has data" in caplog.text


def test_migrate_creates_an_empty_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # upgrading an up-to-date schema is a no-op
    assert _counts(url) == (0, 0)


def test_export_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-schema"]) == 0
    assert capsys.readouterr().out == sdl()


def test_bill_invoices_what_is_due_and_a_rerun_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bill.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    assert main(["demo"]) == 0
    capsys.readouterr()

    # The demo history is dated before today: six weeks on, every monthly plan is due.
    as_of = (date.today() + timedelta(days=45)).isoformat()
    assert main(["bill", "--as-of", as_of, "--quiet"]) == 0
    first = capsys.readouterr().out
    assert main(["bill", "--as-of", as_of, "--quiet"]) == 0
    second = capsys.readouterr().out
    assert f"billing run as of {as_of}" in first
    assert "0 invoices created" not in first
    assert "0 invoices created" in second


@pytest.mark.parametrize("command", ["migrate", "demo", "bill", "serve"])
def test_production_misconfiguration_stops_every_command_with_one_line_each(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECUR_ENV", "production")
    monkeypatch.delenv("RECUR_DATABASE_URL", raising=False)
    monkeypatch.setenv("RECUR_SECRET_KEY", "change-me-local-only-not-a-secret")

    assert main([command]) == 2

    assert capsys.readouterr().err.splitlines() == [
        "recur: configuration: RECUR_DATABASE_URL must be set when RECUR_ENV=production",
        "recur: configuration: RECUR_SECRET_KEY is a published example: generate a key of your own",
    ]
    assert not (tmp_path / "var").exists()  # nothing made, no SQLite fallback


def test_a_bad_value_is_named_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RECUR_ACCESS_TOKEN_TTL", "8 hours")

    assert main(["migrate"]) == 2

    err = capsys.readouterr().err
    assert err == (
        "recur: configuration: RECUR_ACCESS_TOKEN_TTL: must be seconds or a duration "
        "such as 8h, 30m or 1h30m (got '8 hours')\n"
    )


def test_a_mistyped_variable_is_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'typo.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RECUR_SECURE_COOKIE", "true")

    assert main(["migrate"]) == 0

    warnings = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "recur"]
    assert warnings[0] == (
        "WARNING",
        "RECUR_SECURE_COOKIE is not a Recur setting and is ignored "
        "(did you mean RECUR_SECURE_COOKIES?)",
    )


def test_serve_refuses_a_database_without_the_codes_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECUR_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}")
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path))
    assert main(["serve", "--port", "1"]) == 2
    said = capsys.readouterr().err
    assert "the database has no schema yet: run `recur migrate` first." in said
    assert "Traceback" not in said


def test_bill_refuses_a_date_more_than_a_year_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECUR_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bill.sqlite3'}")
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    as_of = (date.today() + timedelta(days=400)).isoformat()
    assert main(["bill", "--as-of", as_of, "--quiet"]) == 2
    assert "one year at most" in capsys.readouterr().err


def test_create_admin_makes_an_admin_in_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'first.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RECUR_ADMIN_PASSWORD", "first-admin-password")

    assert main(["create-admin", "--email", "Root@Example.com", "--name", "Root"]) == 0
    assert _admins(url) == [("root@example.com", "Root")]

    assert main(["create-admin", "--email", "root@example.com", "--name", "Again"]) == 1
    assert "email: A user with this email exists." in capsys.readouterr().err
    assert _admins(url) == [("root@example.com", "Root")]


def test_create_admin_asks_for_the_password_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'prompt.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("RECUR_ADMIN_PASSWORD", raising=False)
    answers = iter(["typed-password-1", "typed-password-2", "short", "short"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert main(["create-admin", "--email", "a@example.com", "--name", "A"]) == 1
    assert "differ" in capsys.readouterr().err
    assert main(["create-admin", "--email", "a@example.com", "--name", "A"]) == 1
    assert "password: Use at least 10 characters." in capsys.readouterr().err
    assert _admins(url) == []


def test_create_admin_adds_to_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'existing.sqlite3'}"
    monkeypatch.setenv("RECUR_DATABASE_URL", url)
    monkeypatch.setenv("RECUR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RECUR_ADMIN_PASSWORD", "second-admin-password")
    assert main(["demo"]) == 0

    assert main(["create-admin", "--email", "ops@recur.example", "--name", "Ops"]) == 0
    assert ("ops@recur.example", "Ops") in _admins(url)


def _admins(url: str) -> list[tuple[str, str]]:
    async def read() -> list[tuple[str, str]]:
        db = Database(url)
        async with db.session() as session:
            rows = await session.execute(
                select(User.email, User.name).where(User.role == Role.ADMIN).order_by(User.id)
            )
            admins = [(email, name) for email, name in rows]
        await db.dispose()
        return admins

    return asyncio.run(read())

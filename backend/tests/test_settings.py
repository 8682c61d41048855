"""Settings fail closed: every variable is parsed and checked at start, production refuses
the defaults that only suit a developer's machine (docs/operations.md)."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from recur.db.engine import Database
from recur.settings import ConfigurationError, Settings, known_variables, unknown_variables

STRONG_KEY = "k7Qm2vXw9pLr4tZy8bNc3fHj6dGs5aEu1oIx"
POSTGRES = "postgresql+asyncpg://recur:recur@db.internal:5432/recur"


@pytest.fixture
def var_dir(tmp_path: Path) -> str:
    return str(tmp_path / "var")


def problems(environ: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env(environ)
    return refused.value.problems


def production(**variables: str) -> dict[str, str]:
    return {
        "RECUR_ENV": "production",
        "RECUR_DATABASE_URL": POSTGRES,
        "RECUR_SECRET_KEY": STRONG_KEY,
        **variables,
    }


def test_development_needs_no_configuration(var_dir: str) -> None:
    settings = Settings.from_env({"RECUR_VAR_DIR": var_dir})

    assert settings.env == "development"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert len(settings.secret_key) >= 32
    assert Settings.from_env({"RECUR_VAR_DIR": var_dir}).secret_key == settings.secret_key
    assert settings.billing_time == time(2, 0)
    assert (settings.secure_cookies, settings.graphiql, settings.introspection) == (
        False,
        True,
        True,
    )


def test_every_existing_variable_is_read(var_dir: str, tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "RECUR_VAR_DIR": var_dir,
            "RECUR_DATABASE_URL": POSTGRES,
            "RECUR_SECRET_KEY": STRONG_KEY,
            "RECUR_ACCESS_TOKEN_TTL": "3600",
            "RECUR_SECURE_COOKIES": "yes",
            "RECUR_FRONTEND_DIR": str(tmp_path),
            "RECUR_BILLING_TIME": "off",
            "RECUR_CATALOG_CACHE_SECONDS": "0.5",
            "RECUR_SELLER_NAME": " Seller GmbH ",
            "RECUR_SELLER_ADDRESS": "Hauptstr. 1; 10115 Berlin;; Germany",
            "RECUR_SELLER_EMAIL": "ar@seller.example",
            "RECUR_SELLER_TAX_ID": "DE123456789",
        }
    )

    assert settings.database_url == POSTGRES
    assert settings.secret_key == STRONG_KEY
    assert settings.access_token_ttl_seconds == 3600
    assert settings.secure_cookies is True
    assert settings.frontend_dir == tmp_path
    assert settings.billing_time is None
    assert settings.catalog_cache_seconds == 0.5
    assert settings.seller_name == "Seller GmbH"
    assert settings.seller_address == ("Hauptstr. 1", "10115 Berlin", "Germany")
    assert settings.seller_email == "ar@seller.example"
    assert settings.seller_tax_id == "DE123456789"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("28800", 28800), ("8h", 28800), ("30m", 1800), ("1h30m", 5400), ("45s", 45), ("1d", 86400)],
)
def test_token_lifetimes_are_seconds_or_durations(var_dir: str, value: str, seconds: int) -> None:
    settings = Settings.from_env({"RECUR_VAR_DIR": var_dir, "RECUR_ACCESS_TOKEN_TTL": value})
    assert settings.access_token_ttl_seconds == seconds


@pytest.mark.parametrize("value", ["8 hours", "h", "-5", "0", "8.5h"])
def test_a_wrong_token_lifetime_is_named_not_a_traceback(var_dir: str, value: str) -> None:
    [problem] = problems({"RECUR_VAR_DIR": var_dir, "RECUR_ACCESS_TOKEN_TTL": value})
    assert problem.startswith("RECUR_ACCESS_TOKEN_TTL: ")
    assert repr(value) in problem


@pytest.mark.parametrize("value", ["ture", "maybe", "2"])
def test_a_mistyped_boolean_is_refused_not_read_as_false(var_dir: str, value: str) -> None:
    assert problems({"RECUR_VAR_DIR": var_dir, "RECUR_SECURE_COOKIES": value}) == [
        f"RECUR_SECURE_COOKIES: must be true or false (got {value!r})"
    ]


def test_each_wrong_variable_gets_its_own_line(var_dir: str) -> None:
    found = problems(
        {
            "RECUR_VAR_DIR": var_dir,
            "RECUR_ENV": "prod",
            "RECUR_BILLING_TIME": "2am",
            "RECUR_CATALOG_CACHE_SECONDS": "-1",
        }
    )
    assert [line.split(":")[0] for line in found] == [
        "RECUR_ENV",
        "RECUR_BILLING_TIME",
        "RECUR_CATALOG_CACHE_SECONDS",
    ]
    assert all("\n" not in line for line in found)


def test_a_mistyped_variable_is_warned_about_with_a_suggestion() -> None:
    warnings = unknown_variables(
        {
            "RECUR_DATABSE_URL": "postgresql+asyncpg://db/recur",
            "RECUR_SECURE_COOKIE": "true",
            "RECUR_WIDGETS": "3",
            "RECUR_TEST_BACKENDS": "sqlite",
            "RECUR_DATABASE_URL": POSTGRES,
            "PATH": "/usr/bin",
        }
    )
    assert warnings == [
        "RECUR_DATABSE_URL is not a Recur setting and is ignored "
        "(did you mean RECUR_DATABASE_URL?)",
        "RECUR_SECURE_COOKIE is not a Recur setting and is ignored "
        "(did you mean RECUR_SECURE_COOKIES?)",
        "RECUR_WIDGETS is not a Recur setting and is ignored",
    ]


def test_redis_is_named_by_recur_redis_url_or_its_older_name(var_dir: str) -> None:
    base = {"RECUR_VAR_DIR": var_dir}
    assert Settings.from_env(base).count_storage == "memory://"
    older = Settings.from_env({**base, "RECUR_RATE_LIMIT_STORAGE": "redis://old:6379/0"})
    assert older.count_storage == "redis://old:6379/0"
    both = {"RECUR_RATE_LIMIT_STORAGE": "redis://old:6379/0", "RECUR_REDIS_URL": "redis://r/1"}
    assert Settings.from_env({**base, **both}).count_storage == "redis://r/1"
    assert any("RECUR_REDIS_URL" in p for p in problems({**base, "RECUR_REDIS_URL": "r:6379"}))


def test_query_cost_limits_are_settings(var_dir: str) -> None:
    base = {"RECUR_VAR_DIR": var_dir}
    assert (
        Settings.from_env(base).query_cost_per_minute,
        Settings.from_env(base).query_max_nodes,
    ) == (100_000, 10_000)
    tuned = Settings.from_env(
        {**base, "RECUR_QUERY_COST_PER_MINUTE": "0", "RECUR_QUERY_MAX_NODES": "500"}
    )
    assert (tuned.query_cost_per_minute, tuned.query_max_nodes) == (0, 500)
    assert any(
        "RECUR_QUERY_MAX_NODES" in p for p in problems({**base, "RECUR_QUERY_MAX_NODES": "0"})
    )


def test_the_documented_variables_are_the_known_ones() -> None:
    documented = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()
    assert [name for name in known_variables() if f"`{name}`" not in documented] == []


def test_production_starts_with_an_explicit_database_and_a_strong_key() -> None:
    settings = Settings.from_env(production())

    assert settings.env == "production"
    assert settings.database_url == POSTGRES
    assert settings.secure_cookies is True
    assert settings.graphiql is False
    assert settings.introspection is False


def test_production_may_switch_its_defaults_explicitly() -> None:
    settings = Settings.from_env(
        production(RECUR_SECURE_COOKIES="false", RECUR_GRAPHIQL="true", RECUR_INTROSPECTION="on")
    )
    assert (settings.secure_cookies, settings.graphiql, settings.introspection) == (
        False,
        True,
        True,
    )


def test_production_refuses_a_missing_database_url_and_key() -> None:
    # A mistyped name is as good as a missing one: production never falls back to SQLite.
    assert problems({"RECUR_ENV": "production", "RECUR_DATABSE_URL": POSTGRES}) == [
        "RECUR_DATABASE_URL must be set when RECUR_ENV=production",
        "RECUR_SECRET_KEY must be set when RECUR_ENV=production",
    ]


@pytest.mark.parametrize(
    "key", ["change-me-local-only-not-a-secret", "replace-me-with-a-long-random-key"]
)
def test_production_refuses_a_published_key(key: str) -> None:
    assert problems(production(RECUR_SECRET_KEY=key)) == [
        "RECUR_SECRET_KEY is a published example: generate a key of your own"
    ]


def test_production_refuses_a_short_key_without_printing_it() -> None:
    [problem] = problems(production(RECUR_SECRET_KEY="short-but-secret"))
    assert problem == "RECUR_SECRET_KEY must be at least 32 characters in production"
    assert "short-but-secret" not in problem


def test_the_constructor_takes_what_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECUR_ENV", "production")
    monkeypatch.setenv("RECUR_SECURE_COOKIES", "true")

    settings = Settings(database_url="sqlite+aiosqlite://", secret_key="test")

    assert settings.env == "development"
    assert settings.secure_cookies is False
    assert settings.billing_time is None
    with pytest.raises(ValueError, match="RECUR_SECRET_KEY must be at least 32"):
        Settings(database_url=POSTGRES, secret_key="test", env="production")


async def test_the_pool_is_sized_as_configured(var_dir: str) -> None:
    settings = Settings.from_env(
        {
            "RECUR_VAR_DIR": var_dir,
            "RECUR_DATABASE_URL": POSTGRES,
            "RECUR_DB_POOL_SIZE": "4",
            "RECUR_DB_MAX_OVERFLOW": "2",
        }
    )
    db = Database.configured(settings)
    try:
        pool = db.engine.sync_engine.pool
        assert pool.size() == 4  # type: ignore[attr-defined]
        assert pool._max_overflow == 2  # type: ignore[attr-defined]
    finally:
        await db.dispose()


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_wrong_pool_size_is_named(var_dir: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match="RECUR_DB_POOL_SIZE"):
        Settings.from_env({"RECUR_VAR_DIR": var_dir, "RECUR_DB_POOL_SIZE": value})

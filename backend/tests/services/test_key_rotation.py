"""Rotating the secret key: new tokens name and use the current key, tokens of a previous key
keep working until they expire, and a key no longer listed is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jws, jwt
from joserfc.jwk import OctKey
from starlette.requests import Request

from recur.auth.cookies import CSRF_HEADER, csrf_header_valid, csrf_token_for
from recur.auth.tokens import InvalidToken, TokenSigner, key_id
from recur.settings import ConfigurationError, Settings

OLD = "old-key-" + "o" * 40
NEW = "new-key-" + "n" * 40
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_new_tokens_carry_the_current_keys_id_never_the_key() -> None:
    token = TokenSigner(NEW, [OLD]).issue("user:1", now=NOW, ttl=HOUR)
    header = jws.extract_compact(token.encode()).protected
    assert header["kid"] == key_id(NEW) != key_id(OLD)
    assert NEW not in token and "n" * 20 not in header["kid"]


def test_a_token_of_the_previous_key_works_until_it_expires() -> None:
    before = TokenSigner(OLD).issue("user:7", now=NOW, ttl=HOUR, session_id="s1")
    rotated = TokenSigner(NEW, [OLD])

    claims = rotated.verify(before, now=NOW + HOUR / 2)
    assert (claims.user_id, claims.session_id) == (7, "s1")
    with pytest.raises(InvalidToken):
        rotated.verify(before, now=NOW + HOUR * 2)  # expired: the rotation adds no life


def test_once_the_previous_key_is_dropped_its_tokens_are_refused() -> None:
    before = TokenSigner(OLD).issue("user:7", now=NOW, ttl=HOUR)
    with pytest.raises(InvalidToken, match="key this server does not hold"):
        TokenSigner(NEW).verify(before, now=NOW)


def test_a_forged_kid_does_not_pick_another_key() -> None:
    """A token naming the current key's id but signed with something else is refused."""
    forged = jwt.encode(
        {"alg": "HS256", "kid": key_id(NEW)},
        {"iss": "recur", "sub": "user:1", "exp": int((NOW + HOUR).timestamp())},
        OctKey.import_key(b"attacker-" + b"x" * 40),
    )
    with pytest.raises(InvalidToken):
        TokenSigner(NEW, [OLD]).verify(forged, now=NOW)


def test_a_token_without_a_kid_is_checked_with_the_current_key() -> None:
    legacy = jwt.encode(
        {"alg": "HS256"},
        {"iss": "recur", "sub": "user:3", "exp": int((NOW + HOUR).timestamp())},
        OctKey.import_key(NEW.encode()),
    )
    assert TokenSigner(NEW, [OLD]).verify(legacy, now=NOW).user_id == 3


def _request(csrf: str) -> Request:
    return Request({"type": "http", "headers": [(CSRF_HEADER.encode(), csrf.encode())]})


def test_a_sessions_csrf_token_of_the_previous_key_stays_valid() -> None:
    old_csrf = csrf_token_for(OLD, "s1")
    assert csrf_header_valid(_request(old_csrf), NEW, "s1", [OLD])
    assert not csrf_header_valid(_request(old_csrf), NEW, "s1")
    assert not csrf_header_valid(_request(old_csrf), NEW, "s2", [OLD])


def test_previous_keys_are_read_from_the_environment_and_checked_in_production() -> None:
    base = {"RECUR_DATABASE_URL": "sqlite+aiosqlite:///x.sqlite3", "RECUR_SECRET_KEY": NEW}
    settings = Settings.from_env({**base, "RECUR_PREVIOUS_SECRET_KEYS": f" {OLD} , other-{OLD}"})
    assert settings.previous_secret_keys == (OLD, f"other-{OLD}")
    assert OLD not in repr(settings)

    production = {**base, "RECUR_ENV": "production"}
    assert Settings.from_env({**production, "RECUR_PREVIOUS_SECRET_KEYS": OLD})
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({**production, "RECUR_PREVIOUS_SECRET_KEYS": "short"})
    assert "RECUR_PREVIOUS_SECRET_KEYS" in str(refused.value)
    assert "short" not in str(refused.value)

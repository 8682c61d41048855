"""Password and client-secret hashing with argon2id."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    """An argon2id hash of a password or client secret, with its own salt."""
    return _hasher.hash(secret)


def verify_secret(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` matches ``secret_hash``; never raises for a wrong secret."""
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a real secret; only here to spend the same time")


def verify_nothing(secret: str) -> bool:
    """Spend the time of a real verification, for unknown users, and return ``False``.

    Without it, an unknown email answers faster than a wrong password and tells an
    attacker which emails exist.
    """
    verify_secret(_dummy_hash(), secret)
    return False

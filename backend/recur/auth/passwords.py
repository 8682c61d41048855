"""Password and client-secret hashing with argon2id."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import cache
from typing import ParamSpec, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
P = ParamSpec("P")
T = TypeVar("T")


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


class PasswordChecks:
    """Runs password hashing on worker threads, at most ``at_once`` at a time.

    Each argon2id check takes 64 MiB and a core for tens of milliseconds: unbounded, a flood
    of logins would take the memory and the cores from everyone else, and on the event loop
    it would stall every other request. Checks beyond the limit wait their turn.
    """

    def __init__(self, at_once: int) -> None:
        self._slots = asyncio.Semaphore(at_once)

    async def run(self, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        async with self._slots:
            return await asyncio.to_thread(check, *args, **kwargs)

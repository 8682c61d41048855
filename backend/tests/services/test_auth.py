"""Logging in: argon2id hashes, one answer for unknown emails and wrong passwords."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from recur.auth.passwords import PasswordChecks
from recur.auth.tokens import TokenSigner
from recur.db.engine import Database
from recur.db.models import User
from recur.services import accounts
from recur.services.accounts import authentication
from recur.services.common import Invalid
from tests.conftest import NOW, SECRET

SIGNER = TokenSigner(SECRET)
CHECKS = PasswordChecks(at_once=2)
TTL = timedelta(hours=1)


async def test_passwords_are_stored_as_argon2id_hashes(db: Database) -> None:
    async with db.session() as session:
        hashes = list(await session.scalars(select(User.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any("recur-demo" in h for h in hashes)


async def test_unknown_email_spends_a_hash_verification_and_answers_like_a_wrong_password(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    spent: list[str] = []
    real = authentication.verify_nothing
    monkeypatch.setattr(authentication, "verify_nothing", lambda p: spent.append(p) or real(p))

    with pytest.raises(Invalid) as unknown:
        await accounts.login(
            db, SIGNER, "nobody@acme.example", "recur-demo", checks=CHECKS, now=NOW, ttl=TTL
        )
    with pytest.raises(Invalid) as wrong:
        await accounts.login(
            db, SIGNER, "alice@acme.example", "wrong", checks=CHECKS, now=NOW, ttl=TTL
        )

    assert spent == ["recur-demo"]
    assert unknown.value.problems == wrong.value.problems


async def test_a_deactivated_user_cannot_log_in(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(User).where(User.email == "carol@initech.example").values(active=False)
        )
    with pytest.raises(Invalid):
        await accounts.login(
            db, SIGNER, "carol@initech.example", "recur-demo", checks=CHECKS, now=NOW, ttl=TTL
        )


async def test_a_token_stands_for_its_user_until_logout(db: Database) -> None:
    result = await accounts.login(
        db, SIGNER, "rita@recur.example", "recur-demo", checks=CHECKS, now=NOW, ttl=TTL
    )
    actor = await accounts.actor_for_token(db, SIGNER, result.token, now=NOW)
    assert actor.user_id == result.user.id and actor.role == "REP"

    await accounts.logout(db, actor, now=NOW)
    assert (await accounts.actor_for_token(db, SIGNER, result.token, now=NOW)).is_anonymous


async def test_a_token_expires(db: Database) -> None:
    result = await accounts.login(
        db, SIGNER, "rita@recur.example", "recur-demo", checks=CHECKS, now=NOW, ttl=TTL
    )
    later = NOW + TTL + timedelta(seconds=1)
    assert (await accounts.actor_for_token(db, SIGNER, result.token, now=later)).is_anonymous


async def test_password_checks_run_off_the_event_loop_at_most_so_many_at_once() -> None:
    checks = PasswordChecks(at_once=2)
    lock = threading.Lock()
    running, most, threads = 0, 0, set()

    def check(number: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            threads.add(threading.get_ident())
        time.sleep(0.05)  # the hashing
        with lock:
            running -= 1
        return number

    results = await asyncio.gather(*(checks.run(check, n) for n in range(6)))

    assert results == list(range(6))
    assert most == 2
    assert threading.get_ident() not in threads

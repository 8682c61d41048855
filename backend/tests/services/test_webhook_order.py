"""An endpoint hears each account's events in the order they happened: a delivery waiting for
a retry holds back the later ones of its account (and only of its account) until it is
through (docs/integrations.md, "Order")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from recur.db.engine import Database
from recur.services import integrations
from tests.conftest import NOW
from tests.services.test_webhooks import Receiver, _actor, _pay


@pytest.fixture
def flaky() -> Iterator[Receiver]:
    running = Receiver([500])  # the first delivery fails once, the rest succeed
    yield running
    running.close()


def _amounts(receiver: Receiver) -> list[tuple[str, str]]:
    """(account id, amount) of each payment delivered, in the order received."""
    bodies = [json.loads(body) for _, body in receiver.received]
    return [
        (b["data"]["payment"]["accountId"], b["data"]["payment"]["amount"].rstrip("0"))
        for b in bodies
    ]


async def test_a_retry_holds_back_its_accounts_later_events_only(
    db: Database, flaky: Receiver
) -> None:
    adam = await _actor(db, "adam@recur.example")
    await integrations.create_webhook_endpoint(
        db, adam, url=flaky.url, event_types=["payment.received"], now=NOW, allow_private=True
    )
    await _pay(db, "Acme Corp", "1.00")
    await _pay(db, "Acme Corp", "2.00")
    clock = [NOW]

    def now() -> datetime:
        return clock[0]

    async with httpx.AsyncClient() as client:
        # Acme's first payment is sent alone (its second waits behind it) and fails.
        assert await integrations.deliver_due(db, client, now=now, allow_private=True) == 1
        # Another account's event goes meanwhile; Acme's second still waits.
        await _pay(db, "Globex GmbH", "3.00")
        assert await integrations.deliver_due(db, client, now=now, allow_private=True) == 1
        assert await integrations.deliver_due(db, client, now=now, allow_private=True) == 0
        # The retry goes through, then Acme's second payment, in that order.
        clock[0] = NOW + timedelta(minutes=1)
        assert await integrations.deliver_due(db, client, now=now, allow_private=True) == 1
        assert await integrations.deliver_due(db, client, now=now, allow_private=True) == 1
    assert [amount for _, amount in _amounts(flaky)] == ["1.", "3.", "1.", "2."]
    assert flaky.statuses == []  # the one failure was answered

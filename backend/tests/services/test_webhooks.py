"""Events and webhooks: events written with the change they report, a feed scoped like the
accounts, signed deliveries to a real HTTP receiver on 127.0.0.1, retried after a failure,
given up (and the endpoint disabled) after three days, and private addresses refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, Partner, User, WebhookDelivery, WebhookEndpoint
from recur.services import integrations, payments
from recur.services.common import (
    READ_SCOPE,
    WEBHOOKS_SCOPE,
    Actor,
    Forbidden,
    Invalid,
    PageRequest,
)
from tests.conftest import NOW


class Receiver:
    """A real HTTP server on 127.0.0.1 answering the statuses it is given, in turn."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver([500])
    yield running
    running.close()


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def _account(db: Database, name: str) -> Account:
    async with db.session() as session:
        account = await session.scalar(select(Account).where(Account.name == name))
    assert account is not None
    return account


def _verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (docs/integrations.md, "Verifying a signature")."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


async def _pay(db: Database, account: str, amount: str, now: datetime = NOW) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    acme = await _account(db, account)
    await payments.record_payment(
        db,
        fiona,
        account_id=acme.id,
        amount=Decimal(amount),
        currency=None,
        received_on=date(2026, 1, 1) if now.year == 2026 else now.date(),
        reference="wire",
        now=now,
    )


async def test_a_payment_is_an_event_in_the_feed_in_order(db: Database) -> None:
    adam = await _actor(db, "adam@recur.example")
    before = await integrations.list_events(db, adam, PageRequest(first=100))
    while before.has_next_page:
        before = await integrations.list_events(
            db, adam, PageRequest(first=100, after=before.cursors[-1])
        )
    cursor = before.cursors[-1] if before.cursors else None
    await _pay(db, "Acme Corp", "10.00")
    page = await integrations.list_events(
        db, adam, PageRequest(first=10, after=cursor), types=["payment.received"]
    )
    assert [event.type for event in page.items] == ["payment.received"]
    event = page.items[0]
    assert event.uid.startswith("evt_") and len(event.uid) == 28
    assert event.data["payment"]["amount"] == "10.000000" or event.data["payment"][
        "amount"
    ].startswith("10")
    assert event.account_id == (await _account(db, "Acme Corp")).id


async def test_partners_and_reps_see_only_their_accounts_events(db: Database) -> None:
    await _pay(db, "Acme Corp", "5.00")
    await _pay(db, "Globex GmbH", "5.00")
    async with db.session() as session:
        northwind = await session.scalar(select(Partner).where(Partner.name == "Northwind"))
    assert northwind is not None
    partner = Actor(partner_id=northwind.id, client_id="northwind", scopes=frozenset({"read"}))
    globex = await _account(db, "Globex GmbH")
    seen = await integrations.list_events(db, partner, PageRequest(first=100))
    assert seen.items and {event.account_id for event in seen.items} == {globex.id}
    customer = await _actor(db, "bob@globex.example")
    mine = await integrations.list_events(db, customer, PageRequest(first=100))
    assert {event.account_id for event in mine.items} == {customer.account_id}
    with pytest.raises(Invalid) as refused:
        await integrations.list_events(db, partner, PageRequest(first=5), types=["nope"])
    assert refused.value.problems[0].field == ("types",)


async def test_a_delivery_is_signed_retried_after_a_500_then_succeeds(
    db: Database, receiver: Receiver
) -> None:
    adam = await _actor(db, "adam@recur.example")
    endpoint, secret = await integrations.create_webhook_endpoint(
        db,
        adam,
        url=receiver.url,
        event_types=["payment.received"],
        now=NOW,
        allow_private=True,
    )
    assert secret.startswith("whsec_")
    await _pay(db, "Acme Corp", "12.00")
    clock = [NOW]

    def now() -> datetime:
        return clock[0]

    async with httpx.AsyncClient() as client:
        sent = await integrations.deliver_due(db, client, now=now, allow_private=True)
        assert sent == 1
        async with db.session() as session:
            delivery = await session.scalar(
                select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
            )
        assert delivery is not None
        assert (delivery.status, delivery.response_code, delivery.attempts) == ("PENDING", 500, 1)
        assert delivery.next_attempt_at > NOW + timedelta(seconds=20)
        # Not due yet: nothing is sent.
        assert (
            await integrations.deliver_due(db, client, now=lambda: clock[0], allow_private=True)
            == 0
        )
        clock[0] = NOW + timedelta(minutes=1)
        assert (
            await integrations.deliver_due(db, client, now=lambda: clock[0], allow_private=True)
            == 1
        )
    async with db.session() as session:
        delivery = await session.get_one(WebhookDelivery, delivery.id)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("SUCCEEDED", 200, 2)
    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    assert _verify(secret, headers["recur-signature"], body)
    assert not _verify("whsec_wrong", headers["recur-signature"], body)
    payload = json.loads(body)
    assert payload["type"] == "payment.received" and payload["id"].startswith("evt_")
    assert set(payload) == {"id", "type", "occurredAt", "data"}
    # The same event twice (the retry) carries the same id: receivers deduplicate by it.
    assert json.loads(receiver.received[0][1])["id"] == payload["id"]


async def test_three_days_of_failures_give_up_and_disable_the_endpoint(db: Database) -> None:
    failing = Receiver([500] * 100)
    try:
        adam = await _actor(db, "adam@recur.example")
        endpoint, _secret = await integrations.create_webhook_endpoint(
            db,
            adam,
            url=failing.url,
            event_types=["payment.received"],
            now=NOW,
            allow_private=True,
        )
        await _pay(db, "Acme Corp", "3.00")
        clock = [NOW]
        async with httpx.AsyncClient() as client:
            for _ in range(40):
                await integrations.deliver_due(db, client, now=lambda: clock[0], allow_private=True)
                clock[0] += timedelta(hours=7)
        async with db.session() as session:
            delivery = await session.scalar(
                select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
            )
            stored = await session.get_one(WebhookEndpoint, endpoint.id)
            disabled = await session.scalar(
                select(AuditEntry).where(AuditEntry.action == "webhook_endpoint.disable")
            )
        assert delivery is not None and delivery.status == "FAILED"
        assert 8 <= delivery.attempts <= 16
        assert not stored.enabled and "three days" in stored.disabled_reason
        assert disabled is not None
        # New events no longer reach it; redelivery asks to enable it first.
        with pytest.raises(Invalid) as refused:
            await integrations.redeliver_webhook(db, adam, delivery_id=delivery.id, now=NOW)
        assert refused.value.problems[0].code == "ENDPOINT_DISABLED"
        await integrations.enable_webhook_endpoint(db, adam, endpoint_id=endpoint.id, now=NOW)
        again = await integrations.redeliver_webhook(db, adam, delivery_id=delivery.id, now=NOW)
        assert again.delivery.status == "PENDING" and again.event_uid
    finally:
        failing.close()


async def test_private_and_loopback_addresses_are_refused_unless_allowed(db: Database) -> None:
    adam = await _actor(db, "adam@recur.example")
    for url in (
        "https://127.0.0.1/hooks",
        "https://10.0.0.5/hooks",
        "https://169.254.169.254/latest",
        "https://[::1]/hooks",
        "https://localhost/hooks",
        "http://hooks.example.com/plain",
        "ftp://example.com/",
    ):
        with pytest.raises(Invalid) as refused:
            await integrations.create_webhook_endpoint(
                db, adam, url=url, event_types=["invoice.issued"], now=NOW, allow_private=False
            )
        assert refused.value.problems[0].field == ("url",), url
    with pytest.raises(Invalid) as refused:
        await integrations.create_webhook_endpoint(
            db, adam, url="https://8.8.8.8/x", event_types=[], now=NOW, allow_private=False
        )
    assert [p.field for p in refused.value.problems] == [("eventTypes",)]
    # Development may allow them; then the URL is kept as given.
    endpoint, _ = await integrations.create_webhook_endpoint(
        db,
        adam,
        url="http://127.0.0.1:9/x",
        event_types=["invoice.issued"],
        now=NOW,
        allow_private=True,
    )
    assert endpoint.url == "http://127.0.0.1:9/x"


async def test_who_may_manage_webhooks(db: Database) -> None:
    fiona = await _actor(db, "fiona@recur.example")
    with pytest.raises(Forbidden):
        await integrations.list_webhook_endpoints(db, fiona)
    async with db.session() as session:
        northwind = await session.scalar(select(Partner).where(Partner.name == "Northwind"))
    assert northwind is not None
    reader = Actor(partner_id=northwind.id, client_id="nw", scopes=frozenset({READ_SCOPE}))
    with pytest.raises(Forbidden):
        await integrations.list_webhook_endpoints(db, reader)
    hooks = Actor(
        partner_id=northwind.id, client_id="nw", scopes=frozenset({READ_SCOPE, WEBHOOKS_SCOPE})
    )
    endpoint, _ = await integrations.create_webhook_endpoint(
        db,
        hooks,
        url="http://127.0.0.1:9/nw",
        event_types=["invoice.issued"],
        now=NOW,
        allow_private=True,
    )
    assert endpoint.partner_id == northwind.id
    adam = await _actor(db, "adam@recur.example")
    assert [e.id for e in await integrations.list_webhook_endpoints(db, hooks)] == [endpoint.id]
    assert endpoint.id in [e.id for e in await integrations.list_webhook_endpoints(db, adam)]
    # A partner's endpoint hears its accounts' events only.
    await _pay(db, "Acme Corp", "1.00")
    await _pay(db, "Globex GmbH", "1.00")
    async with db.session() as session:
        owed = list(
            await session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
            )
        )
    assert owed == []  # it asked for invoice.issued only
    lag = await integrations.outbox_lag(db, NOW + timedelta(seconds=30))
    assert lag >= 0

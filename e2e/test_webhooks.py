"""Admin → Webhooks: an admin adds an endpoint on a real local receiver, copies its secret
once, and the payment finance records arrives signed with it; the delivery log shows the
answer, and a redelivery sends the same event again."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Page, expect

from e2e.people import log_in, watch_console
from e2e.test_admin_partners import api, token_of
from e2e.test_quote_to_order import nav

PAY = """mutation Pay($account: ID!) { recordPayment(input: {accountId: $account,
  amount: "25.00", reference: "wire 991"}) {
  userErrors { message } } }"""
ACCOUNTS = "query Accounts { accounts { edges { node { id name } } } }"


class Receiver:
    """A real HTTP server on 127.0.0.1 that keeps what it is posted and answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _verified(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    mac = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 15
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert condition()


def _of_type(receiver: Receiver, event_type: str) -> list[dict[str, Any]]:
    events = (json.loads(body) for _headers, body in receiver.received)
    return [event for event in events if event["type"] == event_type]


def _arrivals(receiver: Receiver, event_id: str) -> int:
    return sum(json.loads(body)["id"] == event_id for _headers, body in receiver.received)


def test_an_admin_adds_an_endpoint_and_receives_signed_events(
    page: Page, server_url: str, screenshot
) -> None:
    receiver = Receiver()
    try:
        errors = watch_console(page)
        log_in(page, server_url, "adam@recur.example")
        nav(page, "Admin").click()
        page.get_by_role("navigation", name="Admin").get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()

        page.get_by_role("button", name="Add endpoint").click()
        dialog = page.get_by_role("dialog", name="Add a webhook endpoint")
        dialog.get_by_label("URL").fill("ftp://nowhere")
        dialog.get_by_role("button", name="Add endpoint").click()
        expect(dialog.get_by_text("The URL must start with https://")).to_be_visible()
        dialog.get_by_label("URL").fill(receiver.url)
        dialog.get_by_role("checkbox", name=re.compile("^payment.received")).check()
        dialog.get_by_role("button", name="Add endpoint").click()
        shown = page.get_by_role("dialog", name="Signing secret")
        secret = shown.get_by_label("Secret").input_value()
        assert secret.startswith("whsec_")
        screenshot("secret")
        shown.get_by_role("button", name="I have stored the secret").click()

        fiona = token_of(server_url, "fiona@recur.example")
        accounts = api(server_url, ACCOUNTS, token=fiona)["data"]["accounts"]["edges"]
        acme = next(e["node"]["id"] for e in accounts if e["node"]["name"] == "Acme Corp")
        assert (
            api(server_url, PAY, {"account": acme}, fiona)["data"]["recordPayment"]["userErrors"]
            == []
        )
        # The payment's delivery arrives (an invoice it pays may be heard too); all are signed.
        _wait_until(lambda: len(_of_type(receiver, "payment.received")) == 1)
        assert all(_verified(secret, h["recur-signature"], b) for h, b in receiver.received)
        event = _of_type(receiver, "payment.received")[0]
        assert event["data"]["payment"]["reference"] == "wire 991"

        page.reload()
        card = page.get_by_role("article", name=receiver.url)
        log = card.get_by_role("table", name=f"Latest deliveries to {receiver.url}")
        expect(log).to_contain_text("payment.received")
        expect(log).to_contain_text("Delivered")
        expect(log).to_contain_text("200")
        screenshot("log")
        # The endpoint also hears invoice.* (checked by default: the payment may pay an
        # invoice): the payment's own row is redelivered, and the same event arrives again.
        payment_row = log.get_by_role("row").filter(has_text="payment.received")
        payment_row.get_by_role("button", name="Redeliver").click()
        _wait_until(lambda: _arrivals(receiver, event["id"]) == 2)
        assert errors == []
    finally:
        receiver.close()

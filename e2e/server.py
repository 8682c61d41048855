"""A real `recur serve` on a free port, with a fresh database and demo data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"recur serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"recur serve did not answer on {url} within {timeout} s")


@contextmanager
def running_server(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """``recur serve`` on a free port over a fresh SQLite database with the demo data;
    ``extra_env`` adds or overrides settings (a journey's own server)."""
    env = {
        **os.environ,
        "RECUR_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'e2e.sqlite3'}",
        "RECUR_VAR_DIR": str(workdir / "var"),
        # Every journey logs in from this machine's one address, many times a minute: the
        # per-address limit, meant for one attacker, would refuse them. The per-account
        # limit stays as deployed.
        "RECUR_LOGIN_ATTEMPTS_PER_ADDRESS": "100000 per minute",
        # Likewise the request limits: the journeys' browsers share one address.
        "RECUR_REQUESTS_PER_ACTOR": "100000 per minute",
        "RECUR_REQUESTS_PER_ADDRESS": "100000 per minute",
        # And the query cost a minute: one demo user is many people at once here.
        "RECUR_QUERY_COST_PER_MINUTE": "0",
        # The webhook journeys' receiver listens on 127.0.0.1.
        "RECUR_WEBHOOKS_ALLOW_PRIVATE": "true",
        # A seller established in the EU, so that an EU business buyer elsewhere in the EU
        # is reverse charged (docs/billing.md, "Tax"); the demo's accounts have no address.
        "RECUR_SELLER_COUNTRY": "IE",
        **(extra_env or {}),
    }
    recur = [sys.executable, "-m", "recur.cli"]
    subprocess.run([*recur, "demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [*recur, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()

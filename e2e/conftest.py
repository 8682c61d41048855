"""Browser tests: a real `recur serve` on a free port, with a fresh database and demo data.

Chromium comes from Playwright (`playwright install chromium`) or, where Playwright cannot
download browsers, from the system: set RECUR_CHROMIUM, or have /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from e2e.server import running_server

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Recur with the demo data on a fresh SQLite database, shared by the
    journeys that leave the demo accounts as they are."""
    with running_server(tmp_path_factory.mktemp("server")) as url:
        yield url


def _system_chromium() -> str | None:
    configured = os.environ.get("RECUR_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, headless: the system's when there is one, else Playwright's own."""
    executable = _system_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            headless=True,
            args=CHROMIUM_FLAGS,
            **({"executable_path": executable} if executable else {}),
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies, no storage) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Any:
    """Save a full-page screenshot of the journey under e2e/artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str | None = None) -> Path:
        path = ARTIFACTS / f"{name or request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

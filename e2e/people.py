"""What several journeys share: logging in, a second person's browser, screenshots, and
catching console errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "recur-demo"


def log_in(page: Page, server_url: str, email: str) -> None:
    page.goto(f"{server_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    # On a phone the button sits in the folded menu: there, but not visible.
    log_out = page.get_by_role("button", name="Log out", include_hidden=True)
    expect(log_out).to_be_attached()


def watch_console(page: Page) -> list[str]:
    """The console errors and uncaught exceptions of the page, as they happen."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@contextmanager
def person(browser: Browser, server_url: str, email: str, width: int = 1280) -> Iterator[Page]:
    """Another browser, logged in as someone else (its own cookies)."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, server_url, email)
    try:
        yield page
    finally:
        context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

"""The first load stays small and self-contained (timings live in bench/first_load.py)."""

from __future__ import annotations

from playwright.sync_api import Page, Response, expect

ASSET_BUDGET_BYTES = 150 * 1024


def test_first_load_is_under_150_kb_of_js_and_css_and_all_from_recur(
    page: Page, server_url: str
) -> None:
    responses: list[Response] = []
    requested: list[str] = []
    page.on("response", lambda response: responses.append(response))
    page.on("request", lambda request: requested.append(request.url))

    page.goto(server_url)
    expect(page.get_by_role("heading", name="Catalog")).to_be_visible()
    expect(page.locator(".product-card").first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assets = [r for r in responses if r.request.resource_type in ("script", "stylesheet")]
    assert assets, "the app loads its scripts and styles"
    assert sum(len(r.body()) for r in assets) <= ASSET_BUDGET_BYTES
    assert [url for url in requested if not url.startswith(server_url)] == []

"""First load of the app in a real browser: bytes of JavaScript and CSS, time until the
catalog is on screen, and any request that leaves the server's origin.

    python bench/first_load.py [--runs 5]

Loads the demo data into a fresh SQLite database, starts ``recur serve`` on a free loopback
port and opens ``/`` in headless Chromium (the system's, else Playwright's own) with an empty
cache, ``--runs`` times. Budgets: at most 150 KB of JavaScript and CSS, uncompressed; the
catalog rendered within 1 s; no third-party request at all. Results are printed and written
to ``bench/results/first_load.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Response, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog import (
    HOST,
    RESULTS_DIR,
    bench_environment,
    fresh_database,
    recur_command,
    run,
    serving,
)

ASSET_BUDGET_BYTES = 150 * 1024
RENDER_BUDGET_MS = 1000.0
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def load_once(browser: Browser, url: str) -> dict[str, Any]:
    """One cold load of ``/``: render time, script and style sizes, foreign requests."""
    context = browser.new_context()
    page = context.new_page()
    responses: list[Response] = []
    foreign: list[str] = []
    page.on("response", lambda response: responses.append(response))
    page.on(
        "request",
        lambda request: None if request.url.startswith(url) else foreign.append(request.url),
    )
    page.goto(url + "/")
    page.wait_for_selector(".product-card")
    rendered_ms = page.evaluate("performance.now()")
    page.wait_for_load_state("networkidle")
    assets = {
        r.url: len(r.body())
        for r in responses
        if r.request.resource_type in ("script", "stylesheet") and r.ok
    }
    context.close()
    return {"rendered_ms": round(rendered_ms, 1), "assets": assets, "foreign": foreign}


def measure(url: str, runs: int) -> dict[str, Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    options: dict[str, Any] = {"args": CHROMIUM_FLAGS}
    if executable:
        options["executable_path"] = executable
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        samples = [load_once(browser, url) for _ in range(runs)]
        browser.close()
    asset_bytes = sum(samples[0]["assets"].values())
    rendered = [s["rendered_ms"] for s in samples]
    return {
        "runs": runs,
        "js_css_bytes": asset_bytes,
        "js_css_files": samples[0]["assets"],
        "js_css_budget_bytes": ASSET_BUDGET_BYTES,
        "catalog_rendered_ms": rendered,
        "catalog_rendered_median_ms": statistics.median(rendered),
        "render_budget_ms": RENDER_BUDGET_MS,
        "third_party_requests": sorted({u for s in samples for u in s["foreign"]}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recur-first-load-") as tmp:
        workdir = Path(tmp)
        with fresh_database(None, workdir) as database_url:
            env = bench_environment(database_url, workdir, keep_app_cache=True)
            run([*recur_command(), "demo"], env=env, cwd=workdir)
            with serving(env, workdir) as port:
                results = measure(f"http://{HOST}:{port}", args.runs)
    ok_bytes = results["js_css_bytes"] <= ASSET_BUDGET_BYTES
    ok_render = results["catalog_rendered_median_ms"] <= RENDER_BUDGET_MS
    ok_origin = not results["third_party_requests"]
    print(
        f"JS + CSS on first load: {results['js_css_bytes'] / 1024:.1f} KB uncompressed "
        f"(budget {ASSET_BUDGET_BYTES // 1024} KB: {'met' if ok_bytes else 'NOT met'})"
    )
    print(
        f"catalog rendered: median {results['catalog_rendered_median_ms']:.0f} ms over "
        f"{args.runs} cold loads {results['catalog_rendered_ms']} "
        f"(budget {RENDER_BUDGET_MS:.0f} ms: {'met' if ok_render else 'NOT met'})"
    )
    print(f"third-party requests: {results['third_party_requests'] or 'none'}")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "first_load.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if ok_bytes and ok_render and ok_origin else 1


if __name__ == "__main__":
    raise SystemExit(main())

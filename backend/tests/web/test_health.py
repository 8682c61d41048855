"""Liveness and readiness: a load balancer sends traffic only to an instance whose database
answers and has the code's schema."""

from __future__ import annotations

from pathlib import Path

import httpx

from recur.app import create_app
from recur.db.engine import Database
from recur.settings import Settings
from tests.conftest import SECRET


async def _get(database_url: str, frontend: Path, path: str) -> httpx.Response:
    settings = Settings(database_url=database_url, secret_key=SECRET, frontend_dir=frontend)
    db = Database(database_url)
    app = create_app(settings, database=db)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return await http.get(path)
    finally:
        await db.dispose()


async def test_a_migrated_database_is_ready(client: httpx.AsyncClient) -> None:
    for path in ("/livez", "/readyz", "/healthz"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_an_unmigrated_or_unreachable_database_is_not_ready(
    tmp_path: Path, settings: Settings
) -> None:
    blank = f"sqlite+aiosqlite:///{tmp_path / 'blank.sqlite3'}"
    response = await _get(blank, settings.frontend_dir, "/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "the database has no schema yet"
    # The process itself is alive: restarting it would not help.
    assert (await _get(blank, settings.frontend_dir, "/livez")).status_code == 200

    gone = f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}"
    response = await _get(gone, settings.frontend_dir, "/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "the database does not answer"}


async def test_unknown_paths_under_the_health_names_are_not_the_app(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/livez/x", "/readyz/x", "/metrics/x"):
        response = await client.get(path)
        assert response.status_code == 404
        assert "<title>Recur</title>" not in response.text

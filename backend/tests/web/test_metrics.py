"""``GET /metrics``: Prometheus figures by route and operation, errors, the pool, the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from starlette.applications import Starlette

from recur.app import create_app
from recur.clock import FixedClock
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import User
from recur.observability import metrics
from recur.services import integrations
from recur.services.common import Actor, record_event
from recur.settings import Settings


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_requests_latency_and_errors_are_counted_by_operation(
    client: httpx.AsyncClient, gql
) -> None:
    before = samples((await client.get("/metrics")).text)
    await gql("query MetricsProbe { categories }")
    await gql("query MetricsProbe { categories }")
    await gql("query MetricsRefused { accounts(first: 1) { edges { cursor } } }")
    response = await client.get("/metrics")
    after = samples(response.text)

    assert response.headers["content-type"].startswith("text/plain")

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert (
        grew("recur_requests_total", route="graphql", operation="MetricsProbe", status="2xx") == 2
    )
    assert (
        grew("recur_request_duration_seconds_count", route="graphql", operation="MetricsProbe") == 2
    )
    assert grew("recur_graphql_errors_total", operation="MetricsRefused", kind="refused") == 1
    assert ("recur_db_pool_checked_out", ()) in after
    assert after[("recur_outbox_lag_seconds", ())] == 0


async def test_the_outbox_lag_is_the_age_of_the_oldest_waiting_delivery(
    client: httpx.AsyncClient, db: Database, clock: FixedClock
) -> None:
    async with db.session() as session:
        adam = await session.scalar(select(User).where(User.email == "adam@recur.example"))
    assert adam is not None
    await integrations.create_webhook_endpoint(
        db,
        Actor(user_id=adam.id, role=Role.ADMIN),
        url="http://127.0.0.1:9/hooks",  # nothing delivers here: no worker runs in this app
        event_types=["account.created"],
        now=clock.now(),
        allow_private=True,
    )
    async with db.transaction() as session:
        await record_event(session, "account.created", None, {"name": "Lag Ltd"}, now=clock.now())
    clock.advance(timedelta(seconds=90))

    after = samples((await client.get("/metrics")).text)

    assert after[("recur_outbox_lag_seconds", ())] == 90


def test_operation_labels_stay_bounded() -> None:
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("not a name!") == "other"
    for n in range(metrics.MAX_OPERATIONS + 5):
        metrics.operation_label(f"Flood{n}")
    assert metrics.operation_label("NeverSeenBefore") == "other"


@pytest.mark.parametrize("path", ["/metrics/foo", "/livez/x", "/readyz/x", "/healthz/deep/er"])
async def test_unknown_paths_under_the_probes_are_404_not_the_app(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "<h1>Recur</h1>" not in response.text


@pytest.fixture
async def guarded(
    db: Database, settings: Settings, clock: FixedClock
) -> AsyncIterator[httpx.AsyncClient]:
    app: Starlette = create_app(
        settings.model_copy(update={"metrics_token": "scrape-me"}),
        database=db,
        clock=clock,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


async def test_a_metrics_token_is_required_when_set(guarded: httpx.AsyncClient) -> None:
    assert (await guarded.get("/metrics")).status_code == 401
    wrong = await guarded.get("/metrics", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = await guarded.get("/metrics", headers={"authorization": "Bearer scrape-me"})
    assert right.status_code == 200 and "recur_requests_total" in right.text

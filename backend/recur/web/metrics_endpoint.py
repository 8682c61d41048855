"""``GET /metrics``: the Prometheus text format, optionally behind a bearer token
(``RECUR_METRICS_TOKEN``; docs/operations.md, "Metrics")."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from recur.observability import metrics
from recur.services import integrations

log = logging.getLogger("recur.metrics")


async def metrics_endpoint(request: Request) -> Response:
    token: str = request.app.state.settings.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return PlainTextResponse(
                "A bearer token is required.\n",
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="metrics"'},
            )
    state = request.app.state
    try:
        metrics.OUTBOX_LAG.set(await integrations.outbox_lag(state.db, state.clock.now()))
    except Exception:
        log.exception("the outbox lag could not be read")
    metrics.record_pool(request.app.state.db.engine.pool)
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

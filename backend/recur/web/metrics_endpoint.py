"""``GET /metrics``: the Prometheus text format, optionally behind a bearer token
(``RECUR_METRICS_TOKEN``; docs/operations.md, "Metrics")."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from recur.observability import metrics

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
    try:
        await metrics.read_outbox_lag()
    except Exception:
        log.exception("the outbox lag could not be read")
    metrics.record_pool(request.app.state.db.engine.pool)
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

"""Every request gets an id, a log line and its figures (docs/operations.md, "Logs",
"Metrics").

The id is the client's ``X-Request-ID`` when it is sane (a proxy's or a tracing header's),
otherwise a fresh one; either way it is echoed in the answer's ``X-Request-ID``, carried by
every log line written while the request is served, and shown to the user beside
"Unexpected error." so support can find the lines. Probes (``/livez``, ``/readyz``,
``/healthz``, ``/metrics``) are logged at DEBUG: a load balancer asks every few seconds.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recur.db.engine import Database
from recur.observability import metrics
from recur.observability.logs import begin_request, current_request, end_request, request_id_from

log = logging.getLogger("recur.request")

PROBES = ("/livez", "/readyz", "/healthz", "/metrics")


def route_of(path: str) -> str:
    """A short, bounded name for the part of the app a path belongs to (a metric label)."""
    if path == "/graphql":
        return "graphql"
    if path.startswith("/oauth/"):
        return "oauth"
    if path.startswith("/documents/"):
        return "documents"
    if path.startswith(PROBES):
        return "probe"
    return "static"


class RequestLog:
    """Pure ASGI middleware (no buffering of the body) around the whole app."""

    def __init__(self, app: ASGIApp, *, db: Database | None = None) -> None:
        self.app = app
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = _header(scope, b"x-request-id")
        request_id = request_id_from(header)
        token = begin_request(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            end_request(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        path: str = scope.get("path", "")
        route = route_of(path)
        details = current_request()
        named = details.operation if details is not None else None
        operation = metrics.operation_label(named) if route == "graphql" else ""
        metrics.REQUESTS.labels(route, operation, metrics.status_class(status)).inc()
        metrics.LATENCY.labels(route, operation).observe(seconds)
        if self.db is not None:
            metrics.record_pool(self.db.engine.pool)
        level = logging.DEBUG if route == "probe" else logging.INFO
        duration_ms = round(seconds * 1000, 1)
        log.log(
            level,
            "%s %s %d %.1f ms",
            scope.get("method", ""),
            path,
            status,
            duration_ms,
            extra={
                "method": scope.get("method", ""),
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return str(value.decode("latin-1"))
            except UnicodeDecodeError:
                return None
    return None

"""The Prometheus metrics served at ``/metrics`` (prometheus_client), and the hooks that feed
them: requests and latency by route and GraphQL operation, GraphQL errors, billing runs,
the database pool and the events outbox's lag (docs/operations.md, "Metrics").

Several ``recur serve`` workers share one set of figures through prometheus_client's
multiprocess mode: ``recur serve --workers N`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh
directory before the workers start, and each worker writes its figures there.
"""

from __future__ import annotations

import os
import re
import threading

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

CONTENT_TYPE = CONTENT_TYPE_LATEST
#: At most this many distinct operation names become labels; later ones count as "other"
#: (clients name operations, so a careless or hostile one could otherwise grow the series
#: without bound).
MAX_OPERATIONS = 200
_OPERATION_NAME = re.compile(r"[A-Za-z_]\w{0,63}")

REQUESTS = Counter(
    "recur_requests",
    "HTTP requests answered, by route, GraphQL operation and status class.",
    ["route", "operation", "status"],
)
LATENCY = Histogram(
    "recur_request_duration_seconds",
    "Time to answer an HTTP request, by route and GraphQL operation.",
    ["route", "operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GRAPHQL_ERRORS = Counter(
    "recur_graphql_errors",
    "GraphQL errors: refused (the client's mistake or lack of rights) or unexpected (a fault).",
    ["operation", "kind"],
)
BILLING_RUNS = Counter(
    "recur_billing_runs",
    "Billing runs finished, by who started them and how they ended.",
    ["started_by", "status"],
)
BILLING_RUN_SECONDS = Histogram(
    "recur_billing_run_duration_seconds",
    "How long billing runs took.",
    ["started_by"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
BILLING_INVOICES = Counter(
    "recur_billing_run_invoices", "Invoices issued by billing runs.", ["started_by"]
)
POOL_SIZE = Gauge(
    "recur_db_pool_size",
    "Database connections the pool keeps open (summed over live workers).",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "recur_db_pool_checked_out",
    "Database connections in use (summed over live workers).",
    multiprocess_mode="livesum",
)
OUTBOX_LAG = Gauge(
    "recur_outbox_lag_seconds",
    "Age of the oldest event not yet delivered from the outbox (0: none waiting).",
    multiprocess_mode="max",
)

_operations: set[str] = set()
_operations_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """The label for a GraphQL operation: its name, ``anonymous``, or ``other`` past the cap."""
    if not name:
        return "anonymous"
    if not _OPERATION_NAME.fullmatch(name):
        return "other"
    with _operations_lock:
        if name in _operations:
            return name
        if len(_operations) >= MAX_OPERATIONS:
            return "other"
        _operations.add(name)
        return name


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def record_pool(pool: object) -> None:
    """The size and use of a SQLAlchemy connection pool (pools without them are skipped)."""
    size, checked_out = getattr(pool, "size", None), getattr(pool, "checkedout", None)
    if callable(size) and callable(checked_out):
        POOL_SIZE.set(size())
        POOL_CHECKED_OUT.set(checked_out())


def record_billing_run(started_by: str, status: str, seconds: float, invoices: int) -> None:
    """One finished billing run (``started_by``: ``scheduler``, ``cli`` or ``user``)."""
    BILLING_RUNS.labels(started_by, status).inc()
    BILLING_RUN_SECONDS.labels(started_by).observe(seconds)
    BILLING_INVOICES.labels(started_by).inc(invoices)


def multiprocess() -> bool:
    """Whether figures are shared between workers through ``PROMETHEUS_MULTIPROC_DIR``."""
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition() -> bytes:
    """Every metric in the Prometheus text format: this process's, or all workers'."""
    if multiprocess():
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()

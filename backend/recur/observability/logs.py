"""Log lines that support can follow: JSON (or text) with the time, the level, the request's
id, its GraphQL operation and the actor, configured once for the command and for every
``recur serve`` worker (docs/operations.md, "Logs").

The request's details live in a context variable set by the web layer for each request
(``web.request_log``); the GraphQL layer fills in the operation and the actor as it learns
them. Every record gets them through :class:`RequestFields`, so a line logged deep in a
service names the request it belongs to.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from logging import Filter, Formatter, LogRecord, StreamHandler
from typing import Any, Literal

LogFormat = Literal["json", "text"]

#: An ``X-Request-ID`` a client or proxy sent is kept when it is this sane (what load
#: balancers and tracing headers use); anything else is replaced by one of ours.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request)s: %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s %(operation)s %(actor_id)s"


@dataclass
class RequestDetails:
    """What the logs say about the request being served; filled in as it is learnt."""

    request_id: str
    operation: str | None = None
    actor_id: str | None = None


_current: ContextVar[RequestDetails | None] = ContextVar("recur_request", default=None)


def request_id_from(header: str | None) -> str:
    """The client's request id when sane, else a fresh one."""
    if header is not None and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def begin_request(request_id: str) -> object:
    """Make ``request_id`` the current request's; returns the token for :func:`end_request`."""
    return _current.set(RequestDetails(request_id))


def end_request(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def current_request() -> RequestDetails | None:
    """The request being served, if any (none in the scheduler or the command line)."""
    return _current.get()


class RequestFields(Filter):
    """Puts the current request's id, operation and actor on every record that passes."""

    def filter(self, record: LogRecord) -> bool:
        details = _current.get()
        if not hasattr(record, "request_id"):
            record.request_id = details.request_id if details else None
        if not hasattr(record, "operation"):
            record.operation = details.operation if details else None
        if not hasattr(record, "actor_id"):
            record.actor_id = details.actor_id if details else None
        return True


_factory_installed = False


def install_record_fields() -> None:
    """Give every record made from now on the current request's fields, whichever handler
    formats it (idempotent; ``create_app`` and the command line call it)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()
    fields = RequestFields()

    def make(*args: Any, **kwargs: Any) -> LogRecord:
        record = previous(*args, **kwargs)
        fields.filter(record)
        return record

    logging.setLogRecordFactory(make)
    _factory_installed = True


class StderrHandler(StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a replaced stream included)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class TextFormatter(Formatter):
    """``time LEVEL logger [request id]: message``; no brackets outside a request."""

    def format(self, record: LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request = f" [{request_id}]" if request_id else ""
        return super().format(record)


def logging_config(log_format: LogFormat, *, access_log: bool = False) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary: Recur's loggers at INFO, uvicorn's own
    lines through the same handler, uvicorn's access lines off unless asked (Recur logs each
    request itself, with more to say). Plain data, so uvicorn hands it to every worker."""
    formatter: dict[str, Any]
    if log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        }
    else:
        formatter = {"()": "recur.observability.logs.TextFormatter", "fmt": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "recur.observability.logs.RequestFields"}},
        "formatters": {"recur": formatter},
        "handlers": {
            "stderr": {
                "()": "recur.observability.logs.StderrHandler",
                "formatter": "recur",
                "filters": ["request"],
            }
        },
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "recur": {"level": "INFO"},
            "alembic.runtime.migration": {"level": "INFO"},
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.access": {
                "level": "INFO" if access_log else "WARNING",
                "handlers": [],
                "propagate": True,
            },
        },
    }

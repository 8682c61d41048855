"""The log configuration: JSON lines with the request's fields, one for every worker."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest

from recur.observability.logs import (
    begin_request,
    current_request,
    end_request,
    logging_config,
    request_id_from,
)


@pytest.fixture
def configured() -> Iterator[None]:
    """Apply a configuration for the test and put back the loggers it changed."""
    root = logging.getLogger()
    saved = {name: logging.getLogger(name) for name in ("recur", "uvicorn", "uvicorn.access")}
    state = {name: (lg.level, list(lg.handlers), lg.propagate) for name, lg in saved.items()}
    root_state = (root.level, list(root.handlers))
    yield
    root.setLevel(root_state[0])
    root.handlers[:] = root_state[1]
    for name, (level, handlers, propagate) in state.items():
        saved[name].setLevel(level)
        saved[name].handlers[:] = handlers
        saved[name].propagate = propagate


def test_a_sane_request_id_is_kept_and_anything_else_replaced() -> None:
    assert request_id_from("lb-7f3a9c.42") == "lb-7f3a9c.42"
    for bad in (None, "", "a b", "x" * 200, "<script>", "id\nforged: line"):
        made = request_id_from(bad)
        assert made != bad and len(made) == 32 and made.isalnum()


def test_json_lines_carry_time_level_request_operation_and_actor(
    configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logging.config.dictConfig(logging_config("json"))

    token = begin_request("req-1")
    details = current_request()
    assert details is not None
    details.operation, details.actor_id = "Invoices", "user:7"
    logging.getLogger("recur.billing").info("billed %d accounts", 3, extra={"duration_ms": 5})
    end_request(token)
    logging.getLogger("recur.scheduler").warning("outside a request")

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "INFO" and first["logger"] == "recur.billing"
    assert first["message"] == "billed 3 accounts"
    assert (first["request_id"], first["operation"], first["actor_id"]) == (
        "req-1",
        "Invoices",
        "user:7",
    )
    assert first["duration_ms"] == 5
    assert first["time"].endswith("+00:00")
    assert second["request_id"] is None and second["level"] == "WARNING"


def test_errors_keep_their_trace_in_json(configured: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logging.config.dictConfig(logging_config("json"))
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("recur.graphql").exception("unexpected")
    line = json.loads(stream.getvalue())
    assert line["level"] == "ERROR" and "RuntimeError: boom" in line["exc_info"]


def test_text_lines_name_the_request_only_inside_one(
    configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logging.config.dictConfig(logging_config("text"))
    token = begin_request("req-2")
    logging.getLogger("recur").info("inside")
    end_request(token)
    logging.getLogger("recur").info("outside")
    inside, outside = stream.getvalue().splitlines()
    assert inside.endswith("INFO recur [req-2]: inside")
    assert outside.endswith("INFO recur: outside")


def test_the_configuration_travels_to_workers_and_quiets_uvicorns_access_lines() -> None:
    """uvicorn hands its configuration to each worker: it must be plain data."""
    config = logging_config("json")
    assert json.loads(json.dumps(config)) == config
    assert config["loggers"]["uvicorn.access"]["level"] == "WARNING"
    assert config["loggers"]["recur"]["level"] == "INFO"
    assert logging_config("text", access_log=True)["loggers"]["uvicorn.access"]["level"] == "INFO"

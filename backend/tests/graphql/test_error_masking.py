"""An unexpected failure reaches the client as "Unexpected error." and the log in full."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from recur.services import catalog


async def test_a_failing_query_is_masked_for_the_client_and_logged(
    gql, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> list[str]:
        raise OperationalError("SELECT secret FROM internals", {}, Exception("disk I/O error"))

    monkeypatch.setattr(catalog, "categories", broken)
    with caplog.at_level(logging.ERROR, logger="recur.graphql"):
        body = await gql("{ categories }")

    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == ["Unexpected error."]
    assert "SELECT" not in str(body) and "disk" not in str(body)
    assert "SELECT secret FROM internals" in caplog.text
    assert "Traceback" in caplog.text

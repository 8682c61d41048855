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


@pytest.mark.parametrize(
    ("query", "as_customer", "code"),
    [
        ("{ accounts(first: 5) { edges { node { name } } } }", False, "UNAUTHENTICATED"),
        ("{ receivablesAging { asOf } }", True, "FORBIDDEN"),
        ("{ noSuchField }", False, None),
    ],
)
async def test_expected_refusals_are_logged_at_info_without_a_trace(
    gql,
    login,
    caplog: pytest.LogCaptureFixture,
    query: str,
    as_customer: bool,
    code: str | None,
) -> None:
    token = await login("alice@acme.example") if as_customer else None
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        body = await gql(query, token=token)

    assert [error.get("extensions", {}).get("code") for error in body["errors"]] == [code]
    refusals = [
        r
        for r in caplog.records
        if r.name.startswith(("recur", "strawberry")) and r.name != "recur.request"
    ]
    assert [(r.name, r.levelname, r.exc_info) for r in refusals] == [
        ("recur.graphql", "INFO", None)
    ]
    assert refusals[0].getMessage().startswith("refused (")
    assert "Traceback" not in caplog.text


async def test_an_unexpected_error_is_logged_once(
    gql, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> list[str]:
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "categories", broken)
    with caplog.at_level(logging.DEBUG):
        await gql("{ categories }")

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.exc_info is not None) for r in errors] == [("recur.graphql", True)]

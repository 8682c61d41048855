"""A query sent again is neither parsed nor validated again."""

from __future__ import annotations

import pytest

from recur.graphql.core import document_cache

QUERY = "query SameAgain { products(first: 1) { totalCount } viewer { email } }"


async def test_a_repeated_query_is_validated_once(gql, monkeypatch: pytest.MonkeyPatch) -> None:
    validations: list[object] = []
    real = document_cache.validate_document

    def counting(*args: object, **kwargs: object) -> object:
        validations.append(args[1])
        return real(*args, **kwargs)

    document_cache._documents.clear()
    monkeypatch.setattr(document_cache, "validate_document", counting)
    for _ in range(3):
        body = await gql(QUERY)
        assert body["data"]["products"]["totalCount"] > 0
    assert len(validations) == 1

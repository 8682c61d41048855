"""A short-lived cache of whole results, for anonymous catalog reads only.

The public catalog is the hottest and least personal read: every anonymous visitor asking
the same query gets the same answer. Results are kept for a few seconds
(``RECUR_CATALOG_CACHE_SECONDS``; 0 switches the cache off) in this process, so a change to
the catalog shows everywhere within that time even with several instances; catalog writes
in this process clear the cache at once. Anything that depends on who asks is never cached:
only anonymous requests, only queries whose every root field is a catalog field.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import FieldNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

#: Root fields whose answer is the same for every anonymous caller.
CATALOG_ROOT_FIELDS = frozenset({"products", "product", "categories", "currencies", "__typename"})


class ResultCache:
    """A bounded map from (query, variables, operation) to a result, each kept ``ttl`` s."""

    def __init__(self, ttl_seconds: float, max_entries: int = 512) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str, str | None], tuple[float, Any]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, key: tuple[str, str, str | None]) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, result = entry
        if expires < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return result

    def put(self, key: tuple[str, str, str | None], result: Any) -> None:
        self._entries[key] = (time.monotonic() + self.ttl, result)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class CatalogResultCache(SchemaExtension):
    """Serve anonymous catalog queries from the context's :class:`ResultCache`."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        cache: ResultCache | None = getattr(execution.context, "result_cache", None)
        key = self._key() if cache is not None and cache.enabled else None
        hit = cache.get(key) if cache is not None and key is not None else None
        if hit is not None:
            execution.result = hit
        yield
        result = execution.result
        if cache is not None and key is not None and hit is None and result and not result.errors:
            cache.put(key, result)

    def _key(self) -> tuple[str, str, str | None] | None:
        execution = self.execution_context
        if not execution.context.actor.is_anonymous or execution.query is None:
            return None
        try:
            operation = execution.operation_type
        except RuntimeError:
            return None
        if operation is not OperationType.QUERY or not self._only_catalog_fields():
            return None
        variables = json.dumps(execution.variables or {}, sort_keys=True, default=str)
        return execution.query, variables, execution.operation_name

    def _only_catalog_fields(self) -> bool:
        document = self.execution_context.graphql_document
        if document is None:
            return False
        for definition in document.definitions:
            selection_set = getattr(definition, "selection_set", None)
            if selection_set is None or not hasattr(definition, "operation"):
                continue
            for selection in selection_set.selections:
                if not isinstance(selection, FieldNode):
                    return False
                if selection.name.value not in CATALOG_ROOT_FIELDS:
                    return False
        return True

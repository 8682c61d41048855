"""A short-lived cache of whole results, for anonymous catalog reads only.

The public catalog is the hottest and least personal read: every anonymous visitor asking
the same query gets the same answer. Results are kept for a few seconds
(``RECUR_CATALOG_CACHE_SECONDS``; 0 switches the cache off) in this process, so a change to
the catalog shows everywhere within that time even with several instances; catalog writes
in this process clear the cache at once. Anything that depends on who asks is never cached:
only anonymous requests, only queries whose every root field is a catalog field.

When an entry is missing (or has just expired), the first request computes it and requests
for the same key that arrive meanwhile wait for its result instead of all reading the
database at once (no stampede each time a popular entry expires).

The memory it holds is bounded in bytes (``RECUR_CATALOG_CACHE_BYTES``), not in entries: a
result is kept as its JSON, which is what it weighs (the objects a result decodes to weigh
several times more, and a result may be a few bytes or megabytes). When the bytes run out
the least recently used entries go; expired entries go at the next read or write, so
nothing is held past its lifetime (cachetools' ``TTLCache``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from cachetools import TTLCache
from graphql import FieldNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

#: Root fields whose answer is the same for every anonymous caller.
CATALOG_ROOT_FIELDS = frozenset({"products", "product", "categories", "currencies", "__typename"})


Key = tuple[str, str, str | None]

#: How long a request waits for another computing the same result before computing it too.
WAIT_SECONDS = 5.0


class ResultCache:
    """A map from (query, variables, operation) to a result's data, each kept ``ttl`` s, all
    together at most ``max_bytes`` of JSON."""

    def __init__(
        self,
        ttl_seconds: float,
        max_bytes: int = 16 * 1024 * 1024,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_bytes = max_bytes
        self._entries: TTLCache[Key, bytes] = TTLCache(
            maxsize=max_bytes, ttl=max(ttl_seconds, 0), timer=timer, getsizeof=len
        )
        #: Results being computed, by key: requests for them wait instead of computing.
        self._computing: dict[Key, asyncio.Future[Any]] = {}

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    @property
    def size_bytes(self) -> int:
        """What the entries weigh now, in bytes of JSON."""
        self._entries.expire()
        return int(self._entries.currsize)

    def __len__(self) -> int:
        self._entries.expire()
        return len(self._entries)

    def get(self, key: Key) -> Any | None:
        self._entries.expire()
        encoded = self._entries.get(key)
        return None if encoded is None else json.loads(encoded)

    def put(self, key: Key, data: Any) -> None:
        """Keep ``data`` (JSON-serialisable); one larger than the whole cache is not kept."""
        encoded = json.dumps(data, separators=(",", ":")).encode()
        if len(encoded) <= self.max_bytes:
            self._entries[key] = encoded

    def clear(self) -> None:
        self._entries.clear()

    async def get_or_claim(self, key: Key) -> tuple[Any | None, bool]:
        """The cached data, if any (waiting for a request that is computing it); else
        ``(None, True)`` when the caller is to compute it and then :meth:`settle` the key,
        or ``(None, False)`` when the other request failed or took too long."""
        data = self.get(key)
        if data is not None:
            return data, False
        computing = self._computing.get(key)
        if computing is None:
            self._computing[key] = asyncio.get_running_loop().create_future()
            return None, True
        try:
            return await asyncio.wait_for(asyncio.shield(computing), WAIT_SECONDS), False
        except TimeoutError:
            return None, False

    def settle(self, key: Key, data: Any | None) -> None:
        """End the computation the caller claimed: keep ``data`` (``None``: nothing to
        keep) and hand it to the requests waiting for it."""
        if data is not None:
            self.put(key, data)
        computing = self._computing.pop(key, None)
        if computing is not None and not computing.done():
            computing.set_result(data)


class CatalogResultCache(SchemaExtension):
    """Serve anonymous catalog queries from the context's :class:`ResultCache`."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        cache: ResultCache | None = getattr(execution.context, "result_cache", None)
        key = self._key() if cache is not None and cache.enabled else None
        if cache is None or key is None:
            yield
            return
        hit, computes = await cache.get_or_claim(key)
        if hit is not None:
            execution.result = ExecutionResult(data=hit, errors=None)
        kept = None
        try:
            yield
            result = execution.result
            if computes and result and not result.errors:
                kept = result.data
        finally:
            if computes:
                cache.settle(key, kept)

    def _key(self) -> Key | None:
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

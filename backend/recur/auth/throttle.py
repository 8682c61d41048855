"""How often a password (or a partner's client secret) may be tried: per account, per
client address (docs/api.md, "Login throttling").

Every check counts, right or wrong, before the hash is computed, so that many requests at
once cannot all slip under the limit; a successful check clears the account's count (the
owner is back), never the address's. The counts live in a ``limits`` storage: in memory for
one server, in Redis (``RECUR_RATE_LIMIT_STORAGE=redis://…``) when several share the load.
If that storage cannot be reached, checks go on unthrottled (and it is logged): the hashing
is still bounded by :class:`recur.auth.passwords.PasswordChecks`.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute, parse
from limits.aio.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from redis.asyncio import ConnectionPool
from starlette.requests import HTTPConnection

log = logging.getLogger("recur.auth")


class CountStorage:
    """Where the throttles keep their counts: ``memory://`` or ``redis://host:port/db``.

    Redis is reached through redis-py with a connection pool of our own, so that the app
    closes its connections when it stops (:meth:`close`).
    """

    def __init__(self, uri: str) -> None:
        self._pool: ConnectionPool | None = None
        options: dict[str, Any] = {}
        if uri.startswith(("redis://", "rediss://")):
            self._pool = ConnectionPool.from_url(uri)
            options = {"implementation": "redispy", "connection_pool": self._pool}
        # limits names its asyncio storages async+memory://, async+redis://…
        self.storage = storage_from_string(f"async+{uri}", wrap_exceptions=True, **options)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()


class Throttle:
    """Counts password checks of one kind (``login``, ``oauth``, ``signup``) by account (when
    the kind has a per-account limit) and by address."""

    def __init__(
        self, kind: str, counts: CountStorage, *, per_account: str | None, per_address: str
    ) -> None:
        self._kind = kind
        self._limiter = MovingWindowRateLimiter(counts.storage)
        self._per_account = parse(per_account) if per_account else None
        self._per_address = parse(per_address)

    async def attempt(self, *, account: str | None, address: str | None) -> int | None:
        """Count one check for ``account`` from ``address``: ``None`` when it may go ahead,
        else the seconds to wait (the address's share is spent, or the account's)."""
        limits: list[tuple[RateLimitItem, str, str]] = []
        if self._per_account is not None and account:
            limits.append((self._per_account, "account", account))
        if address:
            limits.insert(0, (self._per_address, "address", address))
        try:
            for item, scope, key in limits:
                if not await self._limiter.hit(item, self._kind, scope, key):
                    return await self._retry_after(item, scope, key)
        except StorageError:
            log.exception("the %s throttle's storage failed: check not throttled", self._kind)
        return None

    async def succeeded(self, *, account: str) -> None:
        """The right password: the account's earlier failures are forgiven."""
        if self._per_account is None:
            return
        try:
            await self._limiter.clear(self._per_account, self._kind, "account", account)
        except StorageError:
            log.exception("the %s throttle's storage failed: count not cleared", self._kind)

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self._limiter.get_window_stats(item, self._kind, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))


class RequestLimit:
    """Counts API requests by who makes them — a user, a partner client, or (anonymous) an
    address — in a moving window (docs/api.md, "Rate limits")."""

    def __init__(self, counts: CountStorage, *, per_actor: str, per_address: str) -> None:
        self._limiter = MovingWindowRateLimiter(counts.storage)
        self._per_actor = parse(per_actor)
        self._per_address = parse(per_address)

    async def hit(self, key: str | None, address: str | None) -> int | None:
        """Count one request: ``None`` when it may go ahead, else the seconds to wait.
        ``key`` names the user or client (``None``: anonymous, counted by address)."""
        item, scope, who = (
            (self._per_actor, "actor", key)
            if key is not None
            else (self._per_address, "address", address or "unknown")
        )
        try:
            if await self._limiter.hit(item, "requests", scope, who):
                return None
            stats = await self._limiter.get_window_stats(item, "requests", scope, who)
        except StorageError:
            log.exception("the request limit's storage failed: request not limited")
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))


@dataclass(frozen=True)
class CostWindow:
    """Where a sender stands in the minute's allowance of query cost."""

    #: Whether the query just counted fits: ``False``, it is refused and not counted.
    allowed: bool
    limit: int
    remaining: int
    #: When the window next has room (unix seconds).
    reset_at: float

    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset_at - time.time()))


class CostLimit:
    """Counts what queries cost (the nodes they ask for, docs/api.md, "Query cost") per
    sender, ``per_minute`` at most, in a sliding window kept as two counters — so a costly
    query is one write, not one entry per node as a moving window keeps."""

    def __init__(self, counts: CountStorage, *, per_minute: int) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(counts.storage)
        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None

    async def spend(self, sender: str, cost: int) -> CostWindow | None:
        """Count ``cost`` for ``sender`` (``user:…``, ``client:…``, ``address:…``), unless it
        does not fit; ``None`` when there is no limit or its storage failed (logged)."""
        if self._item is None:
            return None
        try:
            allowed = await self._limiter.hit(
                self._item, "cost", sender, cost=min(cost, self.per_minute)
            )
            stats = await self._limiter.get_window_stats(self._item, "cost", sender)
        except StorageError:
            log.exception("the query cost limit's storage failed: query not limited")
            return None
        return CostWindow(allowed, self.per_minute, stats.remaining, stats.reset_time)


def client_address(connection: HTTPConnection) -> str | None:
    """The address the request came from (behind a proxy, the one the proxy reports when
    the server trusts it: ``uvicorn --proxy-headers``, see docs/operations.md)."""
    return connection.client.host if connection.client else None


def wait_in_words(seconds: int) -> str:
    """``"40 seconds"``, ``"1 minute"``, ``"15 minutes"``: when to try again."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"

"""What a query costs, counted against its sender's minute and reported with the answer
(docs/api.md, "Query cost").

A query costs the nodes it asks for (at least 1), as ``query_cost`` measured them from the
parsed document before validation, the variables' page sizes included. Each sender — a
user, a partner client, or an anonymous address — may spend ``RECUR_QUERY_COST_PER_MINUTE``
in a sliding minute; past it the query is refused before it runs, with HTTP 429 and
``Retry-After``. Every answer carries ``extensions.cost``: what this query cost, the
allowance, what is left of it and when the window next has room.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from recur.auth.throttle import CostWindow, client_address, wait_in_words
from recur.graphql.core.context import Context
from recur.services.common import Actor


def sender_key(actor: Actor) -> str | None:
    """Who a request counts against: ``user:<id>`` or ``client:<client id>``; ``None`` for
    an anonymous caller, counted by its address."""
    if actor.user_id is not None:
        return f"user:{actor.user_id}"
    if actor.client_id is not None:
        return f"client:{actor.client_id}"
    return None


class ChargeQueryCost(SchemaExtension):
    """Spends a valid query's cost before it runs, refusing it past the sender's allowance;
    reports the cost in ``extensions.cost``. Placed after the extensions that refuse queries,
    so that a refused query costs nothing."""

    def __init__(self) -> None:
        super().__init__()
        self._report: dict[str, Any] | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        valid = execution.pre_execution_errors == []
        if isinstance(context, Context) and context.query_nodes is not None and valid:
            cost = max(1, context.query_nodes)
            self._report = {"requested": cost, "nodes": context.query_nodes}
            if context.cost_limit is not None:
                sender = sender_key(context.actor)
                if sender is None:
                    sender = f"address:{client_address(context.request) or 'unknown'}"
                window = await context.cost_limit.spend(sender, cost)
                if window is not None:
                    self._report.update(_window(window))
                    if not window.allowed:
                        execution.pre_execution_errors = [_refusal(context, cost, window)]
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": self._report} if self._report is not None else {}


def _window(window: CostWindow) -> dict[str, Any]:
    reset_at = datetime.fromtimestamp(window.reset_at, UTC).replace(microsecond=0)
    return {
        "limit": window.limit,
        "remaining": window.remaining,
        "resetAt": reset_at.isoformat().replace("+00:00", "Z"),
    }


def _refusal(context: Context, cost: int, window: CostWindow) -> GraphQLError:
    """Refused: HTTP 429 with ``Retry-After``, and why."""
    wait = window.retry_after()
    context.response.status_code = 429
    context.response.headers["retry-after"] = str(wait)
    return GraphQLError(
        f"Query cost limit reached: this query costs {cost:,} and {window.remaining:,} of "
        f"the {window.limit:,} a minute allows are left. Try again in {wait_in_words(wait)}.",
        extensions={"code": "RATE_LIMITED", "cost": cost, "retryAfter": wait},
    )

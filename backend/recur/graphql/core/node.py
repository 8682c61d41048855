"""The Relay ``Node`` interface and the registry that ``node(id)`` resolves through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from recur.graphql.core.context import Info
from recur.graphql.core.ids import from_global_id


@strawberry.interface(description="An object with a global id, fetchable with node(id).")
class Node:
    id: strawberry.ID


NodeResolver = Callable[[Info, int], Awaitable[Any]]
_resolvers: dict[str, NodeResolver] = {}


def register_node(type_name: str, resolver: NodeResolver) -> None:
    """Let ``node(id)`` fetch objects of ``type_name`` with ``resolver`` (scoped by actor)."""
    _resolvers[type_name] = resolver


async def resolve_node(info: Info, global_id: str) -> Node | None:
    """The object, or ``None`` when the id is unknown, malformed, or not the caller's to see."""
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] not in _resolvers:
        return None
    type_name, pk = parsed
    node: Node | None = await _resolvers[type_name](info, pk)
    return node

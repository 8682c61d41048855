"""Relay connections over service pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from recur.services.common import Page, PageRequest

NodeType = TypeVar("NodeType")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeType]):
    cursor: str
    node: NodeType


@strawberry.type
class Connection(Generic[NodeType]):
    """A page of a list. ``first`` is at most 100; pass ``endCursor`` as ``after`` for more."""

    edges: list[Edge[NodeType]]
    page_info: PageInfo
    page: strawberry.Private[Page[Any]]

    @strawberry.field(description="How many items the whole list has, all pages together.")
    async def total_count(self) -> int:
        return await self.page.count_total()


def page_request(first: int | None, after: str | None) -> PageRequest:
    return PageRequest(first=20 if first is None else first, after=after)


def to_connection(page: Page[Any], convert: Callable[[Any], NodeType]) -> Connection[NodeType]:
    edges = [
        Edge(cursor=cursor, node=convert(item))
        for cursor, item in zip(page.cursors, page.items, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        page=page,
    )

"""What the cart and quote mutations share: their payloads, and refusals as userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.orders.types import Order
from recur.graphql.quotes.types import Quote
from recur.services.common import Invalid

T = TypeVar("T")


async def attempt(work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """The work's result, or its refusal as userErrors (nothing is written then)."""
    try:
        return await work(), []
    except Invalid as invalid:
        return None, user_errors(invalid)


@strawberry.type
class QuotePayload:
    quote: Quote | None
    user_errors: list[UserError]


@strawberry.type
class OrderPayload:
    order: Order | None
    user_errors: list[UserError]

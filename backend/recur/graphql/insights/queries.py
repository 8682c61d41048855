"""The orders list and the global search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from recur.graphql.accounts.types import Account
from recur.graphql.billing.types import Invoice
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of
from recur.graphql.core.node import Node
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated
from recur.graphql.core.text_guard import text_argument
from recur.graphql.orders.types import Order
from recur.graphql.quotes.queries import From, To
from recur.graphql.quotes.types import Quote
from recur.graphql.subscriptions.types import Subscription
from recur.services import insights, orders
from recur.services.common import DateRange, Invalid
from recur.services.orders import OrderSort

strawberry.enum(
    OrderSort,
    description="How the orders list is ordered: NEWEST (the default) or OLDEST placed; "
    "START_DATE, the earliest start first. Equal start dates keep the order the orders were "
    "placed in.",
)

#: How each kind of search hit becomes its GraphQL object.
HIT_TYPES: dict[str, Callable[[Any], Node]] = {
    "Account": Account.from_model,
    "Quote": Quote.from_model,
    "Order": Order.from_model,
    "Subscription": Subscription.from_model,
    "Invoice": Invoice.from_model,
}


@strawberry.type
class InsightsQuery:
    @strawberry.field(
        description="The orders you may see, newest first unless orderBy says otherwise; one "
        "account's with accountId; from and to (inclusive) filter by start date.",
        permission_classes=[IsAuthenticated],
    )
    async def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        account_id: strawberry.ID | None = None,
        from_: From = None,
        to: To = None,
        order_by: OrderSort = OrderSort.NEWEST,
    ) -> Connection[Order]:
        ctx = info.context
        account_pk = None
        if account_id is not None:
            account_pk = pk_of(account_id, "Account")
            if account_pk is None:
                raise Invalid.one("accountId", "accountId is not an account's id.")
        page = await orders.list_orders(
            ctx.db,
            ctx.actor,
            account_id=account_pk,
            starting=DateRange(from_, to),
            sort=order_by,
            page=page_request(first, after),
        )
        return to_connection(page, Order.from_model)

    @strawberry.field(
        description="Accounts by name; quotes, orders, subscriptions and invoices by number "
        "or by their account's name: those you may see, exact matches first.",
        permission_classes=[IsAuthenticated],
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, text_argument(200)],
        first: int = 10,
    ) -> list[Node]:
        ctx = info.context
        hits = await insights.search(ctx.db, ctx.actor, query, first)
        return [HIT_TYPES[hit.type_name](hit.row) for hit in hits]

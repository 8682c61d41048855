"""Quote, order, subscription and invoice queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from recur.core.lifecycle import InvoiceStatus, QuoteStatus, SubscriptionStatus
from recur.graphql.billing.types import Invoice
from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_of
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated
from recur.graphql.quotes.types import Quote
from recur.graphql.subscriptions.types import Subscription
from recur.services import billing, quotes, subscriptions
from recur.services.billing import InvoiceSort
from recur.services.common import DateRange
from recur.services.quotes import QuoteSort
from recur.services.subscriptions import SubscriptionSort

strawberry.enum(
    QuoteSort,
    description="How the quotes list is ordered: NEWEST (the default) or OLDEST created; "
    "RECENTLY_UPDATED, the last changed first; START_DATE, the earliest start first. Equal "
    "values keep the order the quotes were created in.",
)
strawberry.enum(
    SubscriptionSort,
    description="How the subscriptions list is ordered: NEWEST (the default) or OLDEST "
    "created; START_DATE, the earliest start first; TERM_END, the soonest end of term "
    "first. Equal values keep the order the subscriptions were created in.",
)
strawberry.enum(
    InvoiceSort,
    description="How the invoices list is ordered: NEWEST (the default) or OLDEST issued; "
    "DUE_DATE, the soonest due first; TOTAL_DESC, the largest total first; BALANCE_DESC, "
    "the most still owed first. Amounts compare as numbers, whatever their currency; equal "
    "values keep the invoices' order of issue (latest first for the amounts).",
)

#: The list's first day (``from``, inclusive).
From = Annotated[
    date | None,
    strawberry.argument(name="from", description="The first day of the range, included."),
]
#: The list's last day (``to``, inclusive).
To = Annotated[date | None, strawberry.argument(description="The last day of the range, included.")]


def _account_filter(account_id: strawberry.ID | None) -> int | None:
    if account_id is None:
        return None
    # An id that is not an account's filters everything out, like an unknown account.
    return pk_of(account_id, "Account") or 0


@strawberry.type
class QuotesQuery:
    @strawberry.field(
        description="Discounts above this percentage need a manager's approval before sending."
    )
    async def approval_threshold_percent(self, info: Info) -> Decimal:
        threshold = await approval_threshold(info)
        return Decimal(f"{threshold.normalize():f}")

    @strawberry.field(description="The customer's cart; null until the first product is added.")
    async def cart(self, info: Info) -> Quote | None:
        cart = await quotes.get_cart(info.context.db, info.context.actor)
        return Quote.from_model(cart) if cart else None

    @strawberry.field(
        description="Quotes you may see, newest first unless orderBy says otherwise; from and "
        "to (inclusive) filter by the day they were last updated (UTC).",
        permission_classes=[IsAuthenticated],
    )
    async def quotes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: QuoteStatus | None = None,
        account_id: strawberry.ID | None = None,
        include_carts: bool = False,
        from_: From = None,
        to: To = None,
        order_by: QuoteSort = QuoteSort.NEWEST,
    ) -> Connection[Quote]:
        ctx = info.context
        page = await quotes.list_quotes(
            ctx.db,
            ctx.actor,
            status=status,
            account_id=_account_filter(account_id),
            include_carts=include_carts,
            updated=DateRange(from_, to),
            sort=order_by,
            page=page_request(first, after),
        )
        return to_connection(page, Quote.from_model)

    @strawberry.field(description="One quote; null if unknown or not yours to see.")
    async def quote(self, info: Info, id: strawberry.ID) -> Quote | None:
        pk = pk_of(id, "Quote")
        quote = await info.context.loaders.quote.load(pk) if pk else None
        return Quote.from_model(quote) if quote else None

    @strawberry.field(
        description="Subscriptions you may see, newest first unless orderBy says otherwise; "
        "from and to (inclusive) filter by start date.",
        permission_classes=[IsAuthenticated],
    )
    async def subscriptions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: SubscriptionStatus | None = None,
        account_id: strawberry.ID | None = None,
        from_: From = None,
        to: To = None,
        order_by: SubscriptionSort = SubscriptionSort.NEWEST,
    ) -> Connection[Subscription]:
        ctx = info.context
        page = await subscriptions.list_subscriptions(
            ctx.db,
            ctx.actor,
            status=status,
            account_id=_account_filter(account_id),
            starting=DateRange(from_, to),
            sort=order_by,
            page=page_request(first, after),
        )
        return to_connection(page, Subscription.from_model)

    @strawberry.field(description="One subscription; null if unknown or not yours to see.")
    async def subscription(self, info: Info, id: strawberry.ID) -> Subscription | None:
        pk = pk_of(id, "Subscription")
        subscription = await info.context.loaders.subscription.load(pk) if pk else None
        return Subscription.from_model(subscription) if subscription else None

    @strawberry.field(
        description="Invoices you may see, newest first unless orderBy says otherwise; from and "
        "to (inclusive) filter by issue date.",
        permission_classes=[IsAuthenticated],
    )
    async def invoices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: InvoiceStatus | None = None,
        account_id: strawberry.ID | None = None,
        overdue: bool = False,
        from_: From = None,
        to: To = None,
        order_by: InvoiceSort = InvoiceSort.NEWEST,
    ) -> Connection[Invoice]:
        ctx = info.context
        page = await billing.list_invoices(
            ctx.db,
            ctx.actor,
            status=status,
            account_id=_account_filter(account_id),
            overdue_on=ctx.clock.today() if overdue else None,
            issued=DateRange(from_, to),
            sort=order_by,
            page=page_request(first, after),
        )
        return to_connection(page, Invoice.from_model)

    @strawberry.field(description="One invoice; null if unknown or not yours to see.")
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        pk = pk_of(id, "Invoice")
        invoice = await info.context.loaders.invoice.load(pk) if pk else None
        return Invoice.from_model(invoice) if invoice else None

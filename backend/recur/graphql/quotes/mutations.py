"""Quote mutations: sales draft, approve and send quotes; customers accept or decline them.
Refusals are userErrors; nothing is written then."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.ids import pk_arg
from recur.graphql.core.permissions import IsUser, is_user_or_partner_with
from recur.graphql.core.text_guard import text_field
from recur.graphql.orders.types import Order
from recur.graphql.quotes.common import OrderPayload, QuotePayload, attempt
from recur.graphql.quotes.types import Quote
from recur.services import quotes, subscriptions, workflow
from recur.services.common import QUOTES_WRITE_SCOPE

#: What every creating mutation says of its client key (docs/api.md, "Idempotent creates").
CLIENT_KEY = (
    "Optional, at most 64 characters (a UUID made when the form opens): a repeated call "
    "with the same key answers with the quote the first call made instead of another."
)

#: Sales and customers as before, and partner clients with quotes:write (docs/partners.md).
QuoteWriter = is_user_or_partner_with(QUOTES_WRITE_SCOPE)


@strawberry.input
class CreateQuoteInput:
    account_id: strawberry.ID
    start_date: date | None = None
    term_months: int | None = None
    client_key: str | None = strawberry.field(
        default=None,
        description=CLIENT_KEY,
    )


@strawberry.input
class AddQuoteLineInput:
    quote_id: strawberry.ID
    price_id: strawberry.ID
    quantity: int = 1
    discount_percent: Decimal = Decimal(0)
    expected_version: int | None = None


@strawberry.input
class UpdateQuoteLineInput:
    line_id: strawberry.ID
    expected_version: int
    quantity: int | None = None
    discount_percent: Decimal | None = None


@strawberry.input
class RemoveQuoteLineInput:
    line_id: strawberry.ID
    expected_version: int


@strawberry.input
class UpdateQuoteInput:
    quote_id: strawberry.ID
    expected_version: int | None = None
    start_date: date | None = strawberry.field(
        default=None, description="An amendment's start date is the day it takes effect."
    )
    term_months: int | None = None
    uplift_percent: Decimal | None = strawberry.field(
        default=None, description="Renewal quotes: the rise on list prices for the next term."
    )
    purchase_order_number: str | None = strawberry.field(
        default=None,
        description='The customer\'s purchase order number ("" clears it), printed on the '
        "quote, its order, invoices and credit notes.",
    )


@strawberry.input
class CreateAmendmentQuoteInput:
    subscription_id: strawberry.ID
    client_key: str | None = strawberry.field(
        default=None,
        description=CLIENT_KEY,
    )


@strawberry.input
class CreateRenewalQuoteInput:
    subscription_id: strawberry.ID
    term_months: int | None = strawberry.field(
        default=None, description="Default: the subscription's term."
    )
    uplift_percent: Decimal | None = strawberry.field(
        default=None, description="Default: the subscription's uplift."
    )
    client_key: str | None = strawberry.field(
        default=None,
        description=CLIENT_KEY,
    )


@strawberry.input
class QuoteIdInput:
    quote_id: strawberry.ID


@strawberry.input
class AcceptQuoteInput:
    quote_id: strawberry.ID
    signer_name: str = strawberry.field(
        default="", description="Who signs the quote; by default the user accepting it."
    )
    signer_title: str = strawberry.field(default="", description="The signer's title.")
    purchase_order_number: str | None = strawberry.field(
        default=None, description="The PO the quote is accepted under, if not already on it."
    )


@strawberry.input
class QuoteReasonInput:
    quote_id: strawberry.ID
    reason: str = text_field(2000, default="")


@strawberry.type
class QuotesMutation:
    # ---- sales ---------------------------------------------------------------------------
    @strawberry.mutation(
        permission_classes=[QuoteWriter],
        description="Start a quote for an account: sales, and partner clients with quotes:write "
        "for the accounts linked to their partner.",
    )
    async def create_quote(self, info: Info, input: CreateQuoteInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: quotes.create_quote(
                ctx.db,
                ctx.actor,
                account_id=pk_arg(input.account_id, "Account", "accountId"),
                start_date=input.start_date,
                term_months=input.term_months,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
                client_key=input.client_key,
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[IsUser],
        description="Sales: a DRAFT amendment of a subscription, its lines the running items. "
        "Change quantities (0 removes an item) and discounts, add lines, set the start date "
        "(the day it takes effect), then send it; accepted, it is billed like any change.",
    )
    async def create_amendment_quote(
        self, info: Info, input: CreateAmendmentQuoteInput
    ) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: subscriptions.create_amendment_quote(
                ctx.db,
                ctx.actor,
                subscription_id=pk_arg(input.subscription_id, "Subscription", "subscriptionId"),
                today=ctx.clock.today(),
                now=ctx.clock.now(),
                client_key=input.client_key,
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[IsUser],
        description="Sales: a DRAFT renewal of a subscription from the end of its term. "
        "Accepted, it replaces the automatic renewal.",
    )
    async def create_renewal_quote(
        self, info: Info, input: CreateRenewalQuoteInput
    ) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: subscriptions.create_renewal_quote(
                ctx.db,
                ctx.actor,
                subscription_id=pk_arg(input.subscription_id, "Subscription", "subscriptionId"),
                term_months=input.term_months,
                uplift_percent=input.uplift_percent,
                now=ctx.clock.now(),
                client_key=input.client_key,
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[QuoteWriter], description="Add a line to a quote.")
    async def add_quote_line(self, info: Info, input: AddQuoteLineInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: quotes.add_quote_line(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                price_id=pk_arg(input.price_id, "Price", "priceId"),
                quantity=input.quantity,
                discount=input.discount_percent,
                expected_version=input.expected_version,
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[QuoteWriter], description="Change a line's quantity or discount."
    )
    async def update_quote_line(self, info: Info, input: UpdateQuoteLineInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: quotes.update_quote_line(
                ctx.db,
                ctx.actor,
                line_id=pk_arg(input.line_id, "QuoteLine", "lineId"),
                quantity=input.quantity,
                discount=input.discount_percent,
                expected_version=input.expected_version,
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[QuoteWriter], description="Remove a line from a quote."
    )
    async def remove_quote_line(self, info: Info, input: RemoveQuoteLineInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: quotes.remove_quote_line(
                ctx.db,
                ctx.actor,
                line_id=pk_arg(input.line_id, "QuoteLine", "lineId"),
                expected_version=input.expected_version,
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[QuoteWriter],
        description="Change a quote's start date or term (customers: their cart).",
    )
    async def update_quote(self, info: Info, input: UpdateQuoteInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: workflow.update_terms(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                start_date=input.start_date,
                term_months=input.term_months,
                uplift_percent=input.uplift_percent,
                purchase_order_number=input.purchase_order_number,
                expected_version=input.expected_version,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[QuoteWriter],
        description="Ask a manager to approve deep discounts, or an amendment that takes more "
        "than the approval threshold off the contract.",
    )
    async def submit_quote_for_approval(self, info: Info, input: QuoteIdInput) -> QuotePayload:
        ctx = info.context
        threshold = await approval_threshold(info)
        quote, errors = await attempt(
            lambda: workflow.submit_for_approval(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                threshold=threshold,
                now=ctx.clock.now(),
                today=ctx.clock.today(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[IsUser],
        description="Managers: approve a quote. Never a partner client (FORBIDDEN).",
    )
    async def approve_quote(self, info: Info, input: QuoteIdInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: workflow.approve_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[IsUser], description="Managers: send a quote back with the reason."
    )
    async def reject_quote(self, info: Info, input: QuoteReasonInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: workflow.reject_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                reason=input.reason,
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[QuoteWriter], description="Send a quote to the customer (30 days)."
    )
    async def send_quote(self, info: Info, input: QuoteIdInput) -> QuotePayload:
        ctx = info.context
        threshold = await approval_threshold(info)
        quote, errors = await attempt(
            lambda: workflow.send_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                threshold=threshold,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    # ---- customers -----------------------------------------------------------------------
    @strawberry.mutation(
        permission_classes=[IsUser],
        description="Accept a sent quote, signed: it becomes an order. The signer, the time "
        "and the version signed are recorded and printed on the quote's PDF.",
    )
    async def accept_quote(self, info: Info, input: AcceptQuoteInput) -> OrderPayload:
        ctx = info.context
        threshold = await approval_threshold(info)
        order, errors = await attempt(
            lambda: workflow.accept_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                threshold=threshold,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
                signature=workflow.Signature(
                    input.signer_name, input.signer_title, input.purchase_order_number
                ),
            )
        )
        return OrderPayload(order=Order.from_model(order) if order else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsUser], description="Decline a sent quote.")
    async def decline_quote(self, info: Info, input: QuoteReasonInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: workflow.decline_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                reason=input.reason,
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

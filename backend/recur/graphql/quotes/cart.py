"""The customer's cart: fill it, then buy it or hand it to sales. Refusals are userErrors;
nothing is written then."""

from __future__ import annotations

from datetime import date

import strawberry

from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError
from recur.graphql.core.ids import pk_arg
from recur.graphql.core.permissions import IsUser
from recur.graphql.core.text_guard import text_field
from recur.graphql.orders.types import Order
from recur.graphql.quotes.common import OrderPayload, QuotePayload, attempt
from recur.graphql.quotes.types import Quote
from recur.services import quotes, workflow


@strawberry.type
class CartPayload:
    cart: Quote | None
    user_errors: list[UserError]


@strawberry.input
class AddToCartInput:
    price_id: strawberry.ID
    quantity: int = 1


@strawberry.input
class UpdateCartLineInput:
    line_id: strawberry.ID
    quantity: int = strawberry.field(description="0 removes the line.")


@strawberry.input
class RemoveCartLineInput:
    line_id: strawberry.ID


@strawberry.input
class CheckoutInput:
    start_date: date | None = strawberry.field(default=None, description="Default: today.")
    term_months: int | None = strawberry.field(default=None, description="Default: 12.")
    quote_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The cart being bought. Send it so that a retry of a checkout that went "
        "through answers with the same order instead of an error.",
    )
    add_to_subscription_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="One of your active subscriptions in the cart's currency: the cart's items "
        "join it from today to the end of its term, prorated now (an amendment; a product it "
        "has already gains the quantity), instead of starting a new subscription. startDate "
        "and termMonths do not apply.",
    )
    purchase_order_number: str | None = strawberry.field(
        default=None,
        description="Your purchase order number: printed on the order, its invoices and "
        "credit notes (100 characters at most).",
    )


@strawberry.input
class RequestQuoteInput:
    note: str = text_field(2000, default="")


@strawberry.type
class CartMutation:
    @strawberry.mutation(permission_classes=[IsUser], description="Put a price in your cart.")
    async def add_to_cart(self, info: Info, input: AddToCartInput) -> CartPayload:
        ctx = info.context
        cart, errors = await attempt(
            lambda: quotes.add_to_cart(
                ctx.db,
                ctx.actor,
                price_id=pk_arg(input.price_id, "Price", "priceId"),
                quantity=input.quantity,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        )
        return CartPayload(cart=Quote.from_model(cart) if cart else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsUser], description="Change a cart line's quantity.")
    async def update_cart_line(self, info: Info, input: UpdateCartLineInput) -> CartPayload:
        ctx = info.context
        cart, errors = await attempt(
            lambda: quotes.update_cart_line(
                ctx.db,
                ctx.actor,
                line_id=pk_arg(input.line_id, "QuoteLine", "lineId"),
                quantity=input.quantity,
                now=ctx.clock.now(),
            )
        )
        return CartPayload(cart=Quote.from_model(cart) if cart else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsUser], description="Take a line out of the cart.")
    async def remove_cart_line(self, info: Info, input: RemoveCartLineInput) -> CartPayload:
        ctx = info.context
        cart, errors = await attempt(
            lambda: quotes.remove_cart_line(
                ctx.db,
                ctx.actor,
                line_id=pk_arg(input.line_id, "QuoteLine", "lineId"),
                now=ctx.clock.now(),
            )
        )
        return CartPayload(cart=Quote.from_model(cart) if cart else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[IsUser],
        description="Buy the cart: the order, subscription and first invoice are made at once.",
    )
    async def checkout(self, info: Info, input: CheckoutInput | None = None) -> OrderPayload:
        ctx = info.context
        threshold = await approval_threshold(info)
        given = input or CheckoutInput()
        order, errors = await attempt(
            lambda: workflow.checkout(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(given.quote_id, "Quote", "quoteId") if given.quote_id else None,
                start_date=given.start_date,
                term_months=given.term_months,
                threshold=threshold,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
                add_to_subscription_id=(
                    pk_arg(given.add_to_subscription_id, "Subscription", "addToSubscriptionId")
                    if given.add_to_subscription_id
                    else None
                ),
                purchase_order_number=given.purchase_order_number,
            )
        )
        return OrderPayload(order=Order.from_model(order) if order else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[IsUser], description="Hand your cart to sales for a quote."
    )
    async def request_quote(self, info: Info, input: RequestQuoteInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: workflow.request_quote(ctx.db, ctx.actor, note=input.note, now=ctx.clock.now())
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

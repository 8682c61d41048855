"""Taking a quote back to draft, and deleting drafts. Refusals are userErrors; nothing is
written then."""

from __future__ import annotations

import strawberry

from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError
from recur.graphql.core.ids import pk_arg, to_global_id
from recur.graphql.core.permissions import is_user_or_partner_with
from recur.graphql.quotes.common import QuotePayload, attempt
from recur.graphql.quotes.types import Quote
from recur.services import quotes, workflow
from recur.services.common import QUOTES_WRITE_SCOPE

#: Sales and customers as before, and partner clients with quotes:write (docs/partners.md).
QuoteWriter = is_user_or_partner_with(QUOTES_WRITE_SCOPE)


@strawberry.input
class RecallQuoteInput:
    quote_id: strawberry.ID
    reason: str = strawberry.field(
        default="", description="Optional, kept in the quote's history (at most 2,000 characters)."
    )


@strawberry.input
class DeleteQuoteInput:
    quote_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="The version on screen: a draft changed since is kept."
    )


@strawberry.type
class DeleteQuotePayload:
    deleted_quote_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class DraftsMutation:
    @strawberry.mutation(
        permission_classes=[QuoteWriter],
        description="Sales (and partner clients with quotes:write, their own quotes): take back "
        "a quote waiting for approval (PENDING_APPROVAL) or for "
        "the customer (SENT). It is a DRAFT again, to change, send again or delete; the "
        "history records it with the reason.",
    )
    async def recall_quote(self, info: Info, input: RecallQuoteInput) -> QuotePayload:
        ctx = info.context
        quote, errors = await attempt(
            lambda: workflow.recall_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                reason=input.reason[:2000],
                now=ctx.clock.now(),
            )
        )
        return QuotePayload(quote=Quote.from_model(quote) if quote else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[QuoteWriter],
        description="Delete a DRAFT quote with its lines and history: sales their accounts' "
        "quotes, a partner client with quotes:write its own, a customer their cart. A quote "
        "further along is kept: recall it first.",
    )
    async def delete_quote(self, info: Info, input: DeleteQuoteInput) -> DeleteQuotePayload:
        ctx = info.context
        deleted, errors = await attempt(
            lambda: quotes.delete_quote(
                ctx.db,
                ctx.actor,
                quote_id=pk_arg(input.quote_id, "Quote", "quoteId"),
                expected_version=input.expected_version,
            )
        )
        return DeleteQuotePayload(
            deleted_quote_id=to_global_id("Quote", deleted) if deleted else None,
            user_errors=errors,
        )

"""``creditNotes``, and ``voidInvoice`` which issues them."""

from __future__ import annotations

import strawberry

from recur.core.roles import Role
from recur.graphql.billing.types import CreditNote, Invoice
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated, IsUser, has_role
from recur.graphql.core.text_guard import text_field
from recur.services import billing
from recur.services.common import Invalid


@strawberry.type
class CreditNotesQuery:
    @strawberry.field(
        description="Credit notes you may see, newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def credit_notes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        account_id: strawberry.ID | None = None,
    ) -> Connection[CreditNote]:
        ctx = info.context
        account = None if account_id is None else (pk_of(account_id, "Account") or 0)
        page = await billing.list_credit_notes(
            ctx.db, ctx.actor, account_id=account, page=page_request(first, after)
        )
        return to_connection(page, CreditNote.from_model)


@strawberry.input
class VoidInvoiceInput:
    invoice_id: strawberry.ID
    reason: str = text_field(billing.REASON_MAX, "Why: kept on the invoice and its credit note.")


@strawberry.type
class VoidInvoicePayload:
    invoice: Invoice | None
    credit_note: CreditNote | None = strawberry.field(
        description="The credit note that cancels the invoice; what was paid on it stays as "
        "account credit."
    )
    user_errors: list[UserError]


@strawberry.type
class CreditNotesMutation:
    @strawberry.mutation(
        description="Void an invoice (finance): it is kept, marked VOID, and a credit note "
        "cancels it. Its charges are due again, so the next billing run invoices them afresh.",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def void_invoice(self, info: Info, input: VoidInvoiceInput) -> VoidInvoicePayload:
        ctx = info.context
        try:
            invoice_id = pk_of(input.invoice_id, "Invoice")
            if invoice_id is None:
                raise Invalid.one("invoiceId", "There is no such invoice.", "UNKNOWN_INVOICE")
            invoice, note = await billing.void_invoice(
                ctx.db,
                ctx.actor,
                invoice_id=invoice_id,
                reason=input.reason,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return VoidInvoicePayload(
                invoice=None, credit_note=None, user_errors=user_errors(invalid)
            )
        return VoidInvoicePayload(
            invoice=Invoice.from_model(invoice),
            credit_note=CreditNote.from_model(note),
            user_errors=[],
        )

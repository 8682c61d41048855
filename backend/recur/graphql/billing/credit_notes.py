"""Credit notes, and ``voidInvoice`` which issues them."""

from __future__ import annotations

from datetime import date

import strawberry

from recur.core.roles import Role
from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of, to_global_id
from recur.graphql.core.money import Money, money
from recur.graphql.core.node import Node, register_node
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated, IsUser, has_role
from recur.graphql.orders.types import Invoice, InvoiceLine
from recur.services import billing
from recur.services.common import Invalid


@strawberry.type(description="How much of a credit note went to one invoice.")
class CreditNoteApplication:
    model_: strawberry.Private[models.CreditNoteApplication]
    currency_: strawberry.Private[str]

    @strawberry.field
    def amount(self) -> Money:
        return money(self.model_.amount, self.currency_)

    @strawberry.field
    async def invoice(self, info: Info) -> Invoice | None:
        invoice = await info.context.loaders.invoice.load(self.model_.invoice_id)
        return Invoice.from_model(invoice) if invoice else None

    @strawberry.field
    async def credit_note(self, info: Info) -> CreditNote | None:
        note = await info.context.loaders.credit_note.load(self.model_.credit_note_id)
        return CreditNote.from_model(note) if note else None


@strawberry.type(
    description="Money owed back to an account (CN-…): it settles open invoices oldest due "
    "first; what is left is account credit for the next invoices."
)
class CreditNote(Node):
    model_: strawberry.Private[models.CreditNote]
    id: strawberry.ID
    number: str
    currency: str
    issue_date: date
    reason: str

    @classmethod
    def from_model(cls, note: models.CreditNote) -> CreditNote:
        return cls(
            model_=note,
            id=to_global_id("CreditNote", note.id),
            number=note.number,
            currency=note.currency,
            issue_date=note.issue_date,
            reason=note.reason,
        )

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field(description="The invoice this note credits (a void), if any.")
    async def invoice(self, info: Info) -> Invoice | None:
        if self.model_.invoice_id is None:
            return None
        invoice = await info.context.loaders.invoice.load(self.model_.invoice_id)
        return Invoice.from_model(invoice) if invoice else None

    @strawberry.field(description="The credited amounts, positive, line by line.")
    async def lines(self, info: Info) -> list[InvoiceLine]:
        lines = await info.context.loaders.credit_note_lines.load(self.model_.id)
        return [InvoiceLine.from_model(line, self.currency) for line in lines]

    @strawberry.field
    def subtotal(self) -> Money:
        return money(self.model_.subtotal, self.currency)

    @strawberry.field
    def tax(self) -> Money:
        return money(self.model_.tax, self.currency)

    @strawberry.field
    def total(self) -> Money:
        return money(self.model_.total, self.currency)

    @strawberry.field(description="What has settled invoices so far.")
    def amount_applied(self) -> Money:
        return money(self.model_.total - self.model_.unapplied, self.currency)

    @strawberry.field(description="What is left: account credit for the next invoices.")
    def unapplied_amount(self) -> Money:
        return money(self.model_.unapplied, self.currency)

    @strawberry.field(description="The invoices this note settled, oldest first.")
    async def applications(self, info: Info) -> list[CreditNoteApplication]:
        applications = await info.context.loaders.credit_note_applications.load(self.model_.id)
        return [CreditNoteApplication(model_=a, currency_=self.currency) for a in applications]

    @strawberry.field(description="The credit note as a PDF, for whoever may see it.")
    def pdf_url(self) -> str:
        return f"/documents/credit-notes/{self.number}.pdf"


async def _credit_note_node(info: Info, pk: int) -> CreditNote | None:
    note = await info.context.loaders.credit_note.load(pk)
    return CreditNote.from_model(note) if note else None


register_node("CreditNote", _credit_note_node)


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
    reason: str = strawberry.field(description="Why: kept on the invoice and its credit note.")


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

"""Finance's adjustments: refunds, write-offs and credit notes short of a void
(docs/collections.md)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import strawberry

from recur.core.roles import Role
from recur.graphql.accounts.types import Account
from recur.graphql.billing.attempts import Refund
from recur.graphql.billing.types import CreditNote, Invoice, Payment
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_arg
from recur.graphql.core.permissions import IsUser, has_role
from recur.graphql.core.text_guard import text_field
from recur.services import billing, payments
from recur.services.common import Invalid

FINANCE = has_role(Role.FINANCE, Role.ADMIN)


@strawberry.enum(description="Where a refund goes.")
class RefundMethod(StrEnum):
    PROVIDER = "PROVIDER"
    RECORD = "RECORD"


@strawberry.input
class RefundPaymentInput:
    payment_id: strawberry.ID
    amount: Decimal
    reason: str = text_field(500, "Why: kept on the refund and in the audit log.")
    method: RefundMethod | None = strawberry.field(
        default=None,
        description="PROVIDER (back to the card) or RECORD (money sent back otherwise). "
        "Default: PROVIDER for a card payment, else RECORD.",
    )
    reference: str = text_field(200, "A RECORD refund's reference (a transfer's).", default="")


@strawberry.type
class RefundPaymentPayload:
    payment: Payment | None
    refund: Refund | None
    user_errors: list[UserError]


@strawberry.input
class RefundCreditInput:
    account_id: strawberry.ID
    amount: Decimal
    reason: str = text_field(500, "Why: kept on the refund and in the audit log.")
    reference: str = text_field(200, "The transfer's reference.", default="")


@strawberry.type
class RefundCreditPayload:
    account: Account | None
    refunds: list[Refund]
    user_errors: list[UserError]


@strawberry.input
class WriteOffInvoiceInput:
    invoice_id: strawberry.ID
    reason: str = text_field(billing.ADJUSTMENT_REASON_MAX, "Why: kept on the invoice.")


@strawberry.type
class WriteOffInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.input
class IssueCreditNoteInput:
    invoice_id: strawberry.ID
    amount: Decimal | None = strawberry.field(
        default=None, description="What the customer is credited, tax included; or lineIds."
    )
    reason: str = text_field(billing.ADJUSTMENT_REASON_MAX, "Why: printed on the note.")
    line_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Credit these invoice lines whole, with their tax."
    )


@strawberry.type
class IssueCreditNotePayload:
    credit_note: CreditNote | None
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class AdjustmentsMutation:
    @strawberry.mutation(
        description="Refund part or all of a payment (finance); what it paid opens again "
        "for that amount.",
        permission_classes=[IsUser, FINANCE],
    )
    async def refund_payment(self, info: Info, input: RefundPaymentInput) -> RefundPaymentPayload:
        ctx = info.context
        try:
            payment = await payments.refund_payment(
                ctx.db,
                ctx.actor,
                ctx.payment_provider,
                payment_id=pk_arg(input.payment_id, "Payment", "paymentId"),
                amount=input.amount,
                reason=input.reason,
                method=None if input.method is None else input.method.value,
                reference=input.reference,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return RefundPaymentPayload(payment=None, refund=None, user_errors=user_errors(invalid))
        refunds = await ctx.loaders.payment_refunds.load(payment.id)
        return RefundPaymentPayload(
            payment=Payment.from_model(payment),
            refund=Refund.from_model(refunds[-1]) if refunds else None,
            user_errors=[],
        )

    @strawberry.mutation(
        description="Record money sent back out of an account's credit (finance).",
        permission_classes=[IsUser, FINANCE],
    )
    async def refund_credit(self, info: Info, input: RefundCreditInput) -> RefundCreditPayload:
        ctx = info.context
        try:
            account_id = pk_arg(input.account_id, "Account", "accountId")
            refunds = await payments.refund_credit(
                ctx.db,
                ctx.actor,
                account_id=account_id,
                amount=input.amount,
                reason=input.reason,
                reference=input.reference,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return RefundCreditPayload(account=None, refunds=[], user_errors=user_errors(invalid))
        account = await ctx.loaders.account.load(account_id)
        return RefundCreditPayload(
            account=Account.from_model(account) if account else None,
            refunds=[Refund.from_model(refund) for refund in refunds],
            user_errors=[],
        )

    @strawberry.mutation(
        description="Write an open invoice off as uncollectible (finance): its balance is "
        "given up and reported apart from revenue.",
        permission_classes=[IsUser, FINANCE],
    )
    async def write_off_invoice(
        self, info: Info, input: WriteOffInvoiceInput
    ) -> WriteOffInvoicePayload:
        ctx = info.context
        try:
            invoice = await billing.write_off_invoice(
                ctx.db,
                ctx.actor,
                invoice_id=pk_arg(input.invoice_id, "Invoice", "invoiceId"),
                reason=input.reason,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return WriteOffInvoicePayload(invoice=None, user_errors=user_errors(invalid))
        return WriteOffInvoicePayload(invoice=Invoice.from_model(invoice), user_errors=[])

    @strawberry.mutation(
        description="Credit part of an invoice without voiding it (finance): an amount or "
        "chosen lines, with a reason (goodwill, a partial credit).",
        permission_classes=[IsUser, FINANCE],
    )
    async def issue_credit_note(
        self, info: Info, input: IssueCreditNoteInput
    ) -> IssueCreditNotePayload:
        ctx = info.context
        try:
            invoice_id = pk_arg(input.invoice_id, "Invoice", "invoiceId")
            note = await billing.issue_credit_note(
                ctx.db,
                ctx.actor,
                invoice_id=invoice_id,
                amount=input.amount,
                line_ids=[pk_arg(line, "InvoiceLine", "lineIds") for line in input.line_ids or []],
                reason=input.reason,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return IssueCreditNotePayload(
                credit_note=None, invoice=None, user_errors=user_errors(invalid)
            )
        invoice = await ctx.loaders.invoice.load(invoice_id)
        return IssueCreditNotePayload(
            credit_note=CreditNote.from_model(note),
            invoice=Invoice.from_model(invoice) if invoice else None,
            user_errors=[],
        )

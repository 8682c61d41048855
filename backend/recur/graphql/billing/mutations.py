"""``runBilling``: finance invoices everything due by a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from recur.core.roles import Role
from recur.graphql.billing.types import Invoice, Payment
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of, to_global_id
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated, IsUser, has_role
from recur.graphql.core.text_guard import text_field
from recur.services import billing, payments
from recur.services.common import Invalid


@strawberry.type(description="An account the run could not bill, and why.")
class FailedAccount:
    account_id: strawberry.ID
    name: str
    error: str


@strawberry.type(description="What a billing run did.")
class BillingRun:
    as_of: date
    invoices_created: int
    renewed: int
    expired: int
    failed_accounts: list[FailedAccount]
    invoice_numbers: list[str]
    invoices: list[Invoice] = strawberry.field(description="The invoices the run created.")
    autopay_paid: int = strawberry.field(
        description="Invoices autopay and dunning charged successfully after the run."
    )
    autopay_declined: int = strawberry.field(
        description="Automatic charges declined after the run (retried on the dunning schedule)."
    )


@strawberry.input
class RunBillingInput:
    as_of: date | None = strawberry.field(
        default=None, description="Default: today. At most one year ahead of today."
    )


@strawberry.type
class RunBillingPayload:
    run: BillingRun | None
    user_errors: list[UserError]


@strawberry.type
class BillingMutation:
    @strawberry.mutation(
        description="Invoice every charge due by asOf that is not invoiced yet, one invoice "
        "per account. Running it again for the same date creates nothing.",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def run_billing(
        self, info: Info, input: RunBillingInput | None = None
    ) -> RunBillingPayload:
        ctx = info.context
        as_of = (input.as_of if input else None) or ctx.clock.today()
        try:
            billing.check_billing_date(as_of, today=ctx.clock.today())
        except Invalid as invalid:
            return RunBillingPayload(run=None, user_errors=user_errors(invalid))
        _, result = await billing.recorded_run(
            ctx.db,
            as_of=as_of,
            now=ctx.clock.now(),
            trigger=billing.USER,
            user_id=ctx.actor.user_id,
            wall_clock=ctx.clock.now,
            provider=ctx.payment_provider,
        )
        created = await billing.invoices_by_number(ctx.db, ctx.actor, result.invoice_numbers)
        return RunBillingPayload(
            run=BillingRun(
                as_of=result.as_of,
                invoices_created=result.invoices_created,
                renewed=result.renewed,
                expired=result.expired,
                failed_accounts=[
                    FailedAccount(
                        account_id=to_global_id("Account", f.account_id), name=f.name, error=f.error
                    )
                    for f in result.failed_accounts
                ],
                invoice_numbers=result.invoice_numbers,
                invoices=[Invoice.from_model(invoice) for invoice in created],
                autopay_paid=result.collections.paid if result.collections else 0,
                autopay_declined=result.collections.failed if result.collections else 0,
            ),
            user_errors=[],
        )


@strawberry.input
class RecordPaymentInput:
    account_id: strawberry.ID
    amount: Decimal
    received_on: date | None = strawberry.field(
        default=None, description="Default: today. Not after today."
    )
    reference: str = text_field(200, default="")
    currency: str | None = text_field(
        3, "Checked against the account's currency when given.", default=None
    )


@strawberry.type
class RecordPaymentPayload:
    payment: Payment | None
    user_errors: list[UserError]


@strawberry.type
class PaymentsMutation:
    @strawberry.mutation(
        description="Record money received; it pays open invoices oldest due first and the "
        "rest becomes account credit.",
        permission_classes=[IsUser, has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> RecordPaymentPayload:
        ctx = info.context
        try:
            account_id = pk_of(input.account_id, "Account")
            if account_id is None:
                raise Invalid.one("accountId", "There is no such account.", "UNKNOWN_ACCOUNT")
            payment = await payments.record_payment(
                ctx.db,
                ctx.actor,
                account_id=account_id,
                amount=input.amount,
                currency=input.currency,
                received_on=input.received_on or ctx.clock.today(),
                reference=input.reference,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return RecordPaymentPayload(payment=None, user_errors=user_errors(invalid))
        return RecordPaymentPayload(payment=Payment.from_model(payment), user_errors=[])


@strawberry.type
class PaymentsQuery:
    @strawberry.field(
        description="Payments you may see, newest first; filtered by account, the days "
        "received (receivedFrom, receivedTo, inclusive), byCard (taken through the provider, "
        "or recorded) and refunded (any of it refunded).",
        permission_classes=[IsAuthenticated],
    )
    async def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        account_id: strawberry.ID | None = None,
        received_from: date | None = None,
        received_to: date | None = None,
        by_card: bool | None = None,
        refunded: bool | None = None,
    ) -> Connection[Payment]:
        ctx = info.context
        account = None if account_id is None else (pk_of(account_id, "Account") or 0)
        page = await payments.list_payments(
            ctx.db,
            ctx.actor,
            account_id=account,
            page=page_request(first, after),
            received_from=received_from,
            received_to=received_to,
            by_card=by_card,
            refunded=refunded,
        )
        return to_connection(page, Payment.from_model)


@strawberry.input
class PayInvoiceInput:
    invoice_id: strawberry.ID
    token: str | None = text_field(
        200,
        "The payment provider's single-use token for the card (the sandbox: "
        "sandbox_visa, sandbox_declined, sandbox_insufficient_funds, sandbox_expired); or "
        "give paymentMethodId.",
        default=None,
    )
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the account's saved payment methods to charge."
    )
    attempt: str = text_field(
        64,
        "Unique per click: a retry with the same attempt on the same invoice pays at most once.",
    )


@strawberry.type
class PayInvoicePayload:
    invoice: Invoice | None
    payment: Payment | None
    user_errors: list[UserError]


@strawberry.type
class PayInvoiceMutation:
    @strawberry.mutation(
        description="Pay an invoice's balance now through the payment provider (customers).",
        permission_classes=[IsUser],
    )
    async def pay_invoice(self, info: Info, input: PayInvoiceInput) -> PayInvoicePayload:
        ctx = info.context
        try:
            invoice_id = pk_of(input.invoice_id, "Invoice")
            if invoice_id is None:
                raise Invalid.one("invoiceId", "There is no such invoice.", "UNKNOWN_INVOICE")
            method_id = None
            if input.payment_method_id is not None:
                method_id = pk_of(input.payment_method_id, "PaymentMethod")
                if method_id is None:
                    raise Invalid.one(
                        "paymentMethodId", "There is no such payment method.", "UNKNOWN_METHOD"
                    )
            payment = await payments.pay_invoice(
                ctx.db,
                ctx.actor,
                ctx.payment_provider,
                invoice_id=invoice_id,
                token=input.token,
                method_id=method_id,
                attempt=input.attempt,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return PayInvoicePayload(invoice=None, payment=None, user_errors=user_errors(invalid))
        invoice = await ctx.loaders.invoice.load(invoice_id)
        return PayInvoicePayload(
            invoice=Invoice.from_model(invoice) if invoice else None,
            payment=Payment.from_model(payment),
            user_errors=[],
        )

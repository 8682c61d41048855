"""Invoice, payment and credit note types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from recur.core.lifecycle import InvoiceStatus
from recur.db import models
from recur.documents import invoice_pdf_path
from recur.graphql.accounts.types import Account
from recur.graphql.billing.attempts import PaymentAttempt, Refund
from recur.graphql.billing.paperwork import Paperwork
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.lazy import FromModel
from recur.graphql.core.money import Money, money, percent, unit_amount
from recur.graphql.core.node import Node, register_node

if TYPE_CHECKING:
    from recur.graphql.orders.types import Order
    from recur.graphql.subscriptions.types import SubscriptionItem

strawberry.enum(InvoiceStatus)

_order: FromModel[[models.Order], Order] = FromModel("Order")
_subscription_item: FromModel[[models.SubscriptionItem, str], SubscriptionItem] = FromModel(
    "SubscriptionItem"
)


@strawberry.type(description="One line of an invoice, copied from the order's charge schedule.")
class InvoiceLine:
    model_: strawberry.Private[models.InvoiceLine | models.CreditNoteLine]
    currency_: strawberry.Private[str]
    description: str
    period_start: date | None
    period_end: date | None = strawberry.field(description="The first day after the period.")
    quantity: int
    explanation: str = strawberry.field(
        description="Where the amount comes from: quote and order, list price, quantity, "
        "discount, period, rounding."
    )
    wording: str = strawberry.field(
        description="The explanation as the customer reads it ('25 → 30 from Dec 2, 28 of 30 "
        "days'); empty when the description and period say it all."
    )

    @classmethod
    def from_model(
        cls, line: models.InvoiceLine | models.CreditNoteLine, currency: str
    ) -> InvoiceLine:
        return cls(
            model_=line,
            currency_=currency,
            description=line.description,
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=line.quantity,
            explanation=line.explanation,
            wording=line.wording,
        )

    @strawberry.field(description="The line's id (lineIds of issueCreditNote).")
    def id(self) -> strawberry.ID:
        kind = "InvoiceLine" if isinstance(self.model_, models.InvoiceLine) else "CreditNoteLine"
        return to_global_id(kind, self.model_.id)

    @strawberry.field(
        description="Net amount per unit (amount ÷ quantity, to six places; a change's "
        "prorated line: ÷ the units it adds or takes off). Null only on a line of no units."
    )
    def unit_amount(self) -> Money | None:
        if self.model_.unit_amount is None:
            return None
        return Money(
            amount=unit_amount(self.model_.unit_amount, self.currency_), currency=self.currency_
        )

    @strawberry.field
    def amount(self) -> Money:
        return money(self.model_.amount, self.currency_)

    @strawberry.field
    async def subscription_item(
        self, info: Info
    ) -> Annotated[SubscriptionItem, strawberry.lazy("recur.graphql.subscriptions.types")] | None:
        if self.model_.subscription_item_id is None:
            return None
        item = await info.context.loaders.subscription_item.load(self.model_.subscription_item_id)
        return _subscription_item(item, self.currency_) if item else None


@strawberry.type(description="A bill: lines, tax on the subtotal, what is paid and what is due.")
class Invoice(Paperwork, Node):
    model_: strawberry.Private[models.Invoice]
    id: strawberry.ID
    number: str
    status: InvoiceStatus
    currency: str
    issue_date: date
    due_date: date

    @classmethod
    def from_model(cls, invoice: models.Invoice) -> Invoice:
        return cls(
            model_=invoice,
            id=to_global_id("Invoice", invoice.id),
            number=invoice.number,
            status=invoice.status,
            currency=invoice.currency,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
        )

    @strawberry.field(
        description="The invoice as a PDF: a URL relative to the API's origin, served only "
        "to whoever may see the invoice (session cookie or bearer token)."
    )
    def pdf_url(self) -> str:
        return invoice_pdf_path(self.number)

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field(description="The order whose charges this invoice bills, if just one.")
    async def order(
        self, info: Info
    ) -> Annotated[Order, strawberry.lazy("recur.graphql.orders.types")] | None:
        if self.model_.order_id is None:
            return None
        order = await info.context.loaders.order.load(self.model_.order_id)
        return _order(order) if order else None

    @strawberry.field
    async def lines(self, info: Info) -> list[InvoiceLine]:
        lines = await info.context.loaders.invoice_lines.load(self.model_.id)
        return [InvoiceLine.from_model(line, self.currency) for line in lines]

    @strawberry.field(description="The payments applied to this invoice, oldest first.")
    async def payments(self, info: Info) -> list[PaymentApplication]:
        applications = await info.context.loaders.invoice_payments.load(self.model_.id)
        return [PaymentApplication(model_=a, currency_=self.currency) for a in applications]

    @strawberry.field
    def subtotal(self) -> Money:
        return money(self.model_.subtotal, self.currency)

    @strawberry.field(description="The tax rate on the subtotal, rounded once.")
    def tax(self) -> Money:
        return money(self.model_.tax, self.currency)

    @strawberry.field(description="The rate the tax was worked out at (8.25, 20.00).")
    def tax_rate_percent(self) -> Decimal:
        return percent(self.model_.tax_rate_percent)

    @strawberry.field
    def total(self) -> Money:
        return money(self.model_.total, self.currency)

    @strawberry.field
    def amount_paid(self) -> Money:
        return money(self.model_.amount_paid, self.currency)

    @strawberry.field
    def balance_due(self) -> Money:
        return money(self.model_.balance_due, self.currency)

    @strawberry.field(description="What credit notes have settled.")
    def amount_credited(self) -> Money:
        return money(self.model_.amount_credited, self.currency)

    @strawberry.field(description="When the invoice was voided; null unless VOID.")
    def voided_at(self) -> datetime | None:
        return self.model_.voided_at

    @strawberry.field(description="Why the invoice was voided; null unless VOID.")
    def void_reason(self) -> str | None:
        return self.model_.void_reason

    @strawberry.field(description="Every try to collect it, oldest first (docs/collections.md).")
    async def payment_attempts(self, info: Info) -> list[PaymentAttempt]:
        attempts = await info.context.loaders.payment_attempts.load(self.model_.id)
        return [PaymentAttempt.from_model(attempt) for attempt in attempts]

    @strawberry.field(description="The balance given up when written off (UNCOLLECTIBLE).")
    def written_off(self) -> Money:
        return money(self.model_.written_off, self.currency)

    @strawberry.field(description="When and why it was written off; null unless UNCOLLECTIBLE.")
    def written_off_at(self) -> datetime | None:
        return self.model_.written_off_at

    @strawberry.field
    def write_off_reason(self) -> str | None:
        return self.model_.write_off_reason

    @strawberry.field(
        description="The credit notes issued against this invoice: its void, partial credits."
    )
    async def credit_notes(self, info: Info) -> list[CreditNote]:
        notes = await info.context.loaders.invoice_credit_notes.load(self.model_.id)
        return [CreditNote.from_model(note) for note in notes]

    @strawberry.field(description="The credit notes' amounts applied to this invoice.")
    async def credits(self, info: Info) -> list[CreditNoteApplication]:
        applications = await info.context.loaders.invoice_credits.load(self.model_.id)
        return [CreditNoteApplication(model_=a, currency_=self.currency) for a in applications]


@strawberry.type(description="How much of a payment went to one invoice.")
class PaymentApplication:
    model_: strawberry.Private[models.PaymentApplication]
    currency_: strawberry.Private[str]

    @strawberry.field
    def amount(self) -> Money:
        return money(self.model_.amount, self.currency_)

    @strawberry.field
    async def invoice(self, info: Info) -> Invoice | None:
        invoice = await info.context.loaders.invoice.load(self.model_.invoice_id)
        return Invoice.from_model(invoice) if invoice else None

    @strawberry.field
    async def payment(self, info: Info) -> Payment | None:
        payment = await info.context.loaders.payment.load(self.model_.payment_id)
        return Payment.from_model(payment) if payment else None


@strawberry.type(description="Money received from an account, applied oldest due first.")
class Payment(Node):
    model_: strawberry.Private[models.Payment]
    id: strawberry.ID
    number: str
    received_on: date
    reference: str

    @classmethod
    def from_model(cls, payment: models.Payment) -> Payment:
        return cls(
            model_=payment,
            id=to_global_id("Payment", payment.id),
            number=payment.number,
            received_on=payment.received_on,
            reference=payment.reference,
        )

    @strawberry.field
    def amount(self) -> Money:
        currency = self.model_.currency
        return money(self.model_.amount, currency)

    @strawberry.field(description="What is left over: account credit for the next invoices.")
    def unapplied_amount(self) -> Money:
        currency = self.model_.currency
        return money(self.model_.unapplied, currency)

    @strawberry.field(description="What has been refunded of it.")
    def refunded_amount(self) -> Money:
        return money(self.model_.refunded, self.model_.currency)

    @strawberry.field(
        description="Whether it was taken through the provider (a refund can go back to the card)."
    )
    def by_card(self) -> bool:
        return bool(self.model_.provider_reference)

    @strawberry.field(description="Its refunds, oldest first.")
    async def refunds(self, info: Info) -> list[Refund]:
        refunds = await info.context.loaders.payment_refunds.load(self.model_.id)
        return [Refund.from_model(refund) for refund in refunds]

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field
    async def applications(self, info: Info) -> list[PaymentApplication]:
        applications = await info.context.loaders.payment_applications.load(self.model_.id)
        return [PaymentApplication(model_=a, currency_=self.model_.currency) for a in applications]


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
class CreditNote(Paperwork, Node):
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


async def _invoice_node(info: Info, pk: int) -> Invoice | None:
    invoice = await info.context.loaders.invoice.load(pk)
    return Invoice.from_model(invoice) if invoice else None


async def _payment_node(info: Info, pk: int) -> Payment | None:
    page = await info.context.loaders.payment.load(pk)
    return Payment.from_model(page) if page else None


async def _credit_note_node(info: Info, pk: int) -> CreditNote | None:
    note = await info.context.loaders.credit_note.load(pk)
    return CreditNote.from_model(note) if note else None


register_node("Invoice", _invoice_node)
register_node("Payment", _payment_node)
register_node("CreditNote", _credit_note_node)

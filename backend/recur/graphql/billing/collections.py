"""Payment methods, autopay and paying every open invoice at once (docs/collections.md)."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from recur.core.roles import Role
from recur.graphql.accounts.payment_methods import PaymentMethod
from recur.graphql.accounts.types import Account
from recur.graphql.billing.types import Payment
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_arg
from recur.graphql.core.permissions import IsUser, has_role
from recur.graphql.core.text_guard import text_field
from recur.services import payments
from recur.services.common import Invalid

PAYERS = has_role(Role.CUSTOMER, Role.FINANCE, Role.ADMIN)


@strawberry.enum(description="When autopay charges an invoice.")
class AutopayTiming(StrEnum):
    ON_ISSUE = "ON_ISSUE"
    ON_DUE_DATE = "ON_DUE_DATE"


@strawberry.input
class AddPaymentMethodInput:
    account_id: strawberry.ID
    token: str = text_field(
        200,
        "The provider's single-use token for the card, from its checkout (the sandbox: "
        "sandbox_visa, sandbox_mastercard, sandbox_declined, sandbox_insufficient_funds; "
        "sandbox_expired is refused).",
    )
    make_default: bool | None = strawberry.field(
        default=None, description="Default: only when it is the account's first method."
    )


@strawberry.type
class AddPaymentMethodPayload:
    payment_method: PaymentMethod | None
    user_errors: list[UserError]


@strawberry.input
class PaymentMethodInput:
    id: strawberry.ID


@strawberry.type
class RemovePaymentMethodPayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.type
class SetDefaultPaymentMethodPayload:
    payment_method: PaymentMethod | None
    user_errors: list[UserError]


@strawberry.input
class SetAutopayInput:
    account_id: strawberry.ID
    enabled: bool
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None, description="Made the default; default: the current default method."
    )
    timing: AutopayTiming | None = strawberry.field(
        default=None, description="Default: unchanged (ON_ISSUE for a new account)."
    )


@strawberry.type
class SetAutopayPayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.input
class PayOpenInvoicesInput:
    account_id: strawberry.ID
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None, description="A saved method to charge; or give a token."
    )
    token: str | None = text_field(200, "A single-use card token instead.", default=None)
    attempt: str = text_field(64, "Unique per click: a retry pays at most once.")


@strawberry.type
class PayOpenInvoicesPayload:
    payment: Payment | None
    user_errors: list[UserError]


@strawberry.type
class CollectionsMutation:
    @strawberry.mutation(
        description="Save a card for later charges (autopay): only its brand, last four "
        "digits and expiry are kept.",
        permission_classes=[IsUser, PAYERS],
    )
    async def add_payment_method(
        self, info: Info, input: AddPaymentMethodInput
    ) -> AddPaymentMethodPayload:
        ctx = info.context
        try:
            method = await payments.add_payment_method(
                ctx.db,
                ctx.actor,
                ctx.payment_provider,
                account_id=pk_arg(input.account_id, "Account", "accountId"),
                token=input.token,
                make_default=input.make_default,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return AddPaymentMethodPayload(payment_method=None, user_errors=user_errors(invalid))
        return AddPaymentMethodPayload(
            payment_method=PaymentMethod.from_model(method), user_errors=[]
        )

    @strawberry.mutation(
        description="Remove a saved method; the newest other one becomes the default, and "
        "removing the last one turns autopay off.",
        permission_classes=[IsUser, PAYERS],
    )
    async def remove_payment_method(
        self, info: Info, input: PaymentMethodInput
    ) -> RemovePaymentMethodPayload:
        ctx = info.context
        try:
            account = await payments.remove_payment_method(
                ctx.db,
                ctx.actor,
                method_id=pk_arg(input.id, "PaymentMethod", "id"),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return RemovePaymentMethodPayload(account=None, user_errors=user_errors(invalid))
        return RemovePaymentMethodPayload(account=Account.from_model(account), user_errors=[])

    @strawberry.mutation(
        description="Make a saved method the default (the one autopay charges).",
        permission_classes=[IsUser, PAYERS],
    )
    async def set_default_payment_method(
        self, info: Info, input: PaymentMethodInput
    ) -> SetDefaultPaymentMethodPayload:
        ctx = info.context
        try:
            method = await payments.set_default_payment_method(
                ctx.db,
                ctx.actor,
                method_id=pk_arg(input.id, "PaymentMethod", "id"),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return SetDefaultPaymentMethodPayload(
                payment_method=None, user_errors=user_errors(invalid)
            )
        return SetDefaultPaymentMethodPayload(
            payment_method=PaymentMethod.from_model(method), user_errors=[]
        )

    @strawberry.mutation(
        description="Turn autopay on or off: open invoices are charged to the default "
        "method when issued (or on their due date), and failures retried (dunning).",
        permission_classes=[IsUser, PAYERS],
    )
    async def set_autopay(self, info: Info, input: SetAutopayInput) -> SetAutopayPayload:
        ctx = info.context
        try:
            method = input.payment_method_id
            account = await payments.set_autopay(
                ctx.db,
                ctx.actor,
                account_id=pk_arg(input.account_id, "Account", "accountId"),
                enabled=input.enabled,
                method_id=None
                if method is None
                else pk_arg(method, "PaymentMethod", "paymentMethodId"),
                timing=None if input.timing is None else input.timing.value,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return SetAutopayPayload(account=None, user_errors=user_errors(invalid))
        return SetAutopayPayload(account=Account.from_model(account), user_errors=[])

    @strawberry.mutation(
        description="Pay every open invoice of the account at once (customers): one charge, "
        "applied oldest due first.",
        permission_classes=[IsUser],
    )
    async def pay_open_invoices(
        self, info: Info, input: PayOpenInvoicesInput
    ) -> PayOpenInvoicesPayload:
        ctx = info.context
        try:
            method = input.payment_method_id
            payment = await payments.pay_open_invoices(
                ctx.db,
                ctx.actor,
                ctx.payment_provider,
                account_id=pk_arg(input.account_id, "Account", "accountId"),
                token=input.token,
                method_id=None
                if method is None
                else pk_arg(method, "PaymentMethod", "paymentMethodId"),
                attempt=input.attempt,
                today=ctx.clock.today(),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return PayOpenInvoicesPayload(payment=None, user_errors=user_errors(invalid))
        return PayOpenInvoicesPayload(payment=Payment.from_model(payment), user_errors=[])

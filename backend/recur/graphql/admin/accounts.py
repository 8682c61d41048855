"""Administering accounts: createAccount and updateAccount (docs/administration.md,
"Accounts")."""

from __future__ import annotations

from typing import Any

import strawberry

from recur.core.roles import Role
from recur.graphql.accounts.types import Account, AccountPartner, User
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import accounts
from recur.services.common import Invalid, Problem


@strawberry.input(description="A postal address.")
class AddressInput:
    line1: str = ""
    line2: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. DE.")


@strawberry.input
class CreateAccountInput:
    name: str = strawberry.field(description="The legal name, at most 200 characters.")
    currency: str = strawberry.field(description="ISO 4217; fixed once anything is billed.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The rep who owns it; a rep's accounts are its own."
    )
    partner_id: strawberry.ID | None = None
    billing_email: str = ""
    billing_address: AddressInput | None = None
    tax_id: str = strawberry.field(
        default="", description="Checked against the country's VAT number format where known."
    )
    payment_terms_days: int = strawberry.field(default=30, description="0 to 365 days.")


@strawberry.input
class UpdateAccountInput:
    """Only the fields given change; ownerId or partnerId null removes the owner or link."""

    account_id: strawberry.ID
    name: str | None = strawberry.UNSET
    currency: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Only while the account has no quotes, invoices or payments.",
    )
    owner_id: strawberry.ID | None = strawberry.UNSET
    partner_id: strawberry.ID | None = strawberry.UNSET
    billing_email: str | None = strawberry.UNSET
    billing_address: AddressInput | None = strawberry.UNSET
    tax_id: str | None = strawberry.UNSET
    payment_terms_days: int | None = strawberry.UNSET
    tax_exempt: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Exempt from tax: its invoices charge none and print the certificate.",
    )
    tax_exemption_certificate: str | None = strawberry.field(
        default=strawberry.UNSET, description="Required while the account is tax-exempt."
    )


@strawberry.type
class AccountPayload:
    account: Account | None
    user_errors: list[UserError]


def _given(value: Any) -> Any:
    """``None`` for a field left out or null (unchanged), the value otherwise."""
    return None if value is strawberry.UNSET else value


def _address(value: AddressInput | None) -> accounts.Address | None:
    if value is None or value is strawberry.UNSET:
        return None
    return accounts.Address(
        line1=value.line1,
        line2=value.line2,
        city=value.city,
        postal_code=value.postal_code,
        region=value.region,
        country=value.country,
    )


def _link(value: Any, type_name: str, field: str, problems: list[Problem]) -> int | None:
    """The primary key an id input names; a problem on ``field`` when it names nothing."""
    if value is None or value is strawberry.UNSET:
        return None
    pk = pk_of(value, type_name)
    if pk is None:
        problems.append(Problem((field,), f"No such {type_name.lower()}.", "NOT_FOUND"))
    return pk


def _fields(input: CreateAccountInput | UpdateAccountInput) -> accounts.AccountFields:
    """The service's fields; on update an explicit null owner or partner clears it."""
    editing = isinstance(input, UpdateAccountInput)
    problems: list[Problem] = []
    owner_id = _link(input.owner_id, "User", "ownerId", problems)
    partner_id = _link(input.partner_id, "Partner", "partnerId", problems)
    if problems:
        raise Invalid(problems)
    return accounts.AccountFields(
        name=_given(input.name),
        currency=_given(input.currency),
        owner_id=owner_id,
        partner_id=partner_id,
        billing_email=_given(input.billing_email),
        billing_address=_address(input.billing_address),
        tax_id=_given(input.tax_id),
        payment_terms_days=_given(input.payment_terms_days),
        tax_exempt=_given(getattr(input, "tax_exempt", None)),
        tax_exemption_certificate=_given(getattr(input, "tax_exemption_certificate", None)),
        clear_owner=editing and input.owner_id is None,
        clear_partner=editing and input.partner_id is None,
    )


@strawberry.type
class AccountAdminQuery:
    @strawberry.field(
        description="Admins and managers: the active reps and managers an account may be "
        "assigned to, by name.",
        permission_classes=[IsUser, has_role(Role.ADMIN, Role.MANAGER)],
    )
    async def account_owners(self, info: Info) -> list[User]:
        ctx = info.context
        return [User.from_model(user) for user in await accounts.list_owners(ctx.db, ctx.actor)]

    @strawberry.field(
        description="Staff who create accounts: the partners an account may be linked to, by name.",
        permission_classes=[IsUser, has_role(Role.ADMIN, Role.MANAGER, Role.REP)],
    )
    async def account_partners(self, info: Info) -> list[AccountPartner]:
        ctx = info.context
        choices = await accounts.partner_choices(ctx.db, ctx.actor)
        return [AccountPartner.from_model(partner) for partner in choices]


@strawberry.type
class AccountAdminMutation:
    @strawberry.mutation(
        description="Admins and managers: a new account. A rep creates accounts it owns.",
        permission_classes=[IsUser, has_role(Role.ADMIN, Role.MANAGER, Role.REP)],
    )
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        ctx = info.context
        try:
            fields = _fields(input)
            account = await accounts.create_account(ctx.db, ctx.actor, fields, now=ctx.clock.now())
        except Invalid as invalid:
            return AccountPayload(account=None, user_errors=user_errors(invalid))
        return AccountPayload(account=Account.from_model(account), user_errors=[])

    @strawberry.mutation(
        description="Admins and managers: change an account's details; every edit is audited.",
        permission_classes=[IsUser, has_role(Role.ADMIN, Role.MANAGER)],
    )
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        ctx = info.context
        account_id = pk_of(input.account_id, "Account")
        try:
            if account_id is None:
                raise Invalid.one("accountId", "No such account.", "NOT_FOUND")
            fields = _fields(input)
            account = await accounts.update_account(
                ctx.db, ctx.actor, account_id, fields, now=ctx.clock.now()
            )
        except Invalid as invalid:
            return AccountPayload(account=None, user_errors=user_errors(invalid))
        return AccountPayload(account=Account.from_model(account), user_errors=[])

"""Account and user types."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from recur.core.roles import STAFF_ROLES, Role
from recur.db import models
from recur.graphql.accounts.payment_methods import PaymentMethod
from recur.graphql.core.business import approval_threshold
from recur.graphql.core.context import Info
from recur.graphql.core.ids import to_global_id
from recur.graphql.core.lazy import FromModel
from recur.graphql.core.money import Money, money, percent
from recur.graphql.core.node import Node, register_node
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.insights.types import (
    AccountActivity,
    AccountActivityKind,
    AccountMetrics,
    AccountMrrMonth,
)
from recur.services import insights, orders, recommendations
from recur.services.common import Invalid

if TYPE_CHECKING:
    from recur.graphql.orders.types import Order
    from recur.graphql.recommendations.types import Recommendation

_order: FromModel[[models.Order], Order] = FromModel("Order")
_recommendation: FromModel[[recommendations.Offer], Recommendation] = FromModel("Recommendation")

#: How many months ``mrrByMonth`` goes back at most.
MAX_MRR_MONTHS = 60

strawberry.enum(Role)


@strawberry.type(description="A person who logs in. Customers see their account's rep this way.")
class User(Node):
    model_: strawberry.Private[models.User]
    id: strawberry.ID
    name: str
    role: Role
    active: bool = strawberry.field(description="Inactive users cannot log in.")

    @classmethod
    def from_model(cls, user: models.User) -> User:
        return cls(
            model_=user,
            id=to_global_id("User", user.id),
            name=user.name,
            role=user.role,
            active=user.active,
        )

    @strawberry.field(
        description="Null when a customer or partner looks at a member of staff: they see "
        "the sales team by name only."
    )
    def email(self, info: Info) -> str | None:
        hidden = self.model_.role in STAFF_ROLES and not info.context.actor.is_staff
        return None if hidden else self.model_.email

    @strawberry.field(description="A customer's account; null for staff.")
    async def account(self, info: Info) -> Account | None:
        if self.model_.account_id is None:
            return None
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None

    @strawberry.field(
        description="Whether the user has set a password yet (an invitation not yet "
        "accepted has not): staff only."
    )
    def has_password(self, info: Info) -> bool | None:
        return bool(self.model_.password_hash) if info.context.actor.is_staff else None


@strawberry.type(description="A partner as an account names it: its id and name.")
class AccountPartner:
    id: strawberry.ID
    name: str

    @classmethod
    def from_model(cls, partner: models.Partner) -> AccountPartner:
        return cls(id=to_global_id("Partner", partner.id), name=partner.name)


@strawberry.type(description="A postal address; country is ISO 3166-1 alpha-2.")
class Address:
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str


@strawberry.type(description="A business customer; everything it buys is billed in its currency.")
class Account(Node):
    model_: strawberry.Private[models.Account]
    id: strawberry.ID
    name: str
    currency: str
    payment_terms_days: int = strawberry.field(
        description="Invoices fall due after this many days."
    )
    tax_rate_percent: Decimal = strawberry.field(description="Tax on each invoice's subtotal.")
    billing_email: str = strawberry.field(description="Where invoices go; empty when not set.")
    tax_id: str = strawberry.field(
        description="The account's VAT or tax number, as printed on invoices; may be empty."
    )
    tax_exempt: bool = strawberry.field(
        description="Exempt from tax: invoices charge none and print the certificate."
    )
    tax_exemption_certificate: str = strawberry.field(
        description="The exemption certificate's reference; empty unless exempt."
    )
    autopay: bool = strawberry.field(
        description="Open invoices are charged to the default payment method (docs/collections.md)."
    )
    autopay_timing: str = strawberry.field(
        description="When autopay charges an invoice: ON_ISSUE or ON_DUE_DATE."
    )

    @classmethod
    def from_model(cls, account: models.Account) -> Account:
        return cls(
            model_=account,
            id=to_global_id("Account", account.id),
            name=account.name,
            currency=account.currency,
            payment_terms_days=account.payment_terms_days,
            tax_rate_percent=percent(account.tax_rate_percent),
            billing_email=account.billing_email,
            tax_id=account.tax_id,
            tax_exempt=account.tax_exempt,
            tax_exemption_certificate=account.tax_exemption_certificate,
            autopay=account.autopay,
            autopay_timing=account.autopay_timing,
        )

    @strawberry.field(description="The billing address; null when none was given.")
    def billing_address(self) -> Address | None:
        account = self.model_
        if not account.billing_country:
            return None
        return Address(
            line1=account.billing_line1,
            line2=account.billing_line2,
            city=account.billing_city,
            postal_code=account.billing_postal_code,
            region=account.billing_region,
            country=account.billing_country,
        )

    @strawberry.field(description="The sales rep who owns the account.")
    async def owner(self, info: Info) -> User | None:
        if self.model_.owner_id is None:
            return None
        user = await info.context.loaders.user.load(self.model_.owner_id)
        return User.from_model(user) if user else None

    @strawberry.field(
        description="The partner (reseller) whose clients see this account: staff and the "
        "partner itself see it; null for customers."
    )
    async def partner(self, info: Info) -> AccountPartner | None:
        if self.model_.partner_id is None:
            return None
        partner = await info.context.loaders.partner.load(self.model_.partner_id)
        return AccountPartner.from_model(partner) if partner else None

    @strawberry.field(description="Payments not yet applied: they pay the next invoices.")
    async def credit_balance(self, info: Info) -> Money:
        credit = await info.context.loaders.credit_balance.load(self.model_.id)
        return money(credit, self.currency)

    @strawberry.field(
        description="The saved payment methods, the default first: the account's customers, "
        "finance and admins see them; others an empty list."
    )
    async def payment_methods(self, info: Info) -> list[PaymentMethod]:
        if info.context.actor.role not in (Role.CUSTOMER, Role.FINANCE, Role.ADMIN):
            return []
        methods = await info.context.loaders.payment_methods.load(self.model_.id)
        return [PaymentMethod.from_model(method) for method in methods]

    @strawberry.field(
        description="Internal notes of the sales team: null for customers and partners."
    )
    def notes(self, info: Info) -> str | None:
        return self.model_.notes if info.context.actor.is_staff else None

    @strawberry.field(
        description="Recurring revenue per month in effect today, from the charge schedules "
        "of its subscriptions (yearly charges count a twelfth)."
    )
    async def monthly_recurring_revenue(self, info: Info) -> Money:
        today = info.context.clock.today()
        key = (self.model_.id, self.currency, today)
        return money(await info.context.loaders.account_mrr.load(key), self.currency)

    @strawberry.field(description="Twelve times the monthly recurring revenue.")
    async def annual_recurring_revenue(self, info: Info) -> Money:
        today = info.context.clock.today()
        key = (self.model_.id, self.currency, today)
        return money(await info.context.loaders.account_mrr.load(key) * 12, self.currency)

    @strawberry.field(description="What it was billed and owes, how it pays, its next renewal.")
    async def metrics(self, info: Info) -> AccountMetrics:
        ctx = info.context
        figures = await insights.account_metrics(
            ctx.db, self.model_.id, self.currency, ctx.clock.today()
        )
        return AccountMetrics.of(figures, self.currency)

    @strawberry.field(
        description="The MRR of each of the last months, oldest first, ending with the "
        "current month (as scheduled): each month's as in effect on its last day."
    )
    async def mrr_by_month(self, info: Info, months: int = 12) -> list[AccountMrrMonth]:
        if not 1 <= months <= MAX_MRR_MONTHS:
            raise Invalid.one("months", f"months must be between 1 and {MAX_MRR_MONTHS}.")
        ctx = info.context
        rows = await insights.mrr_by_month(
            ctx.db, self.model_.id, self.currency, ctx.clock.today(), months
        )
        return [AccountMrrMonth(month=row.month, mrr=money(row.mrr, self.currency)) for row in rows]

    @strawberry.field(
        description="Everything that happened to the account, newest first: quotes and their "
        "steps, orders, subscription changes and renewals, invoices, voids, payments, credit "
        "notes and (staff only) administrative changes. Customers and partners see no "
        "internal entries."
    )
    async def timeline(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kinds: Annotated[
            list[AccountActivityKind] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only entries of these kinds."),
        ] = None,
    ) -> Connection[AccountActivity]:
        ctx = info.context
        page = await insights.account_timeline(
            ctx.db,
            ctx.actor,
            self.model_.id,
            self.currency,
            page=page_request(first, after),
            kinds=kinds,
        )
        return to_connection(page, AccountActivity.of)

    @strawberry.field(description="The account's orders, newest first.")
    async def orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Order, strawberry.lazy("recur.graphql.orders.types")]]:
        ctx = info.context
        page = await orders.list_orders(
            ctx.db, ctx.actor, account_id=self.model_.id, page=page_request(first, after)
        )
        return to_connection(page, _order)

    @strawberry.field(
        description="The next best offers, best first: each a change of one of its "
        "subscriptions with its reason and its exact preview (docs/recommendations.md). "
        "Customers get no evidence; partner clients are refused."
    )
    async def recommendations(
        self, info: Info, first: int = 3
    ) -> list[Annotated[Recommendation, strawberry.lazy("recur.graphql.recommendations.types")]]:
        ctx = info.context
        offers = await recommendations.account_offers(
            ctx.db,
            ctx.actor,
            account_id=self.model_.id,
            first=first,
            today=ctx.clock.today(),
            now=ctx.clock.now(),
            threshold=await approval_threshold(info),
        )
        return [_recommendation(offer) for offer in offers]


@strawberry.type(description="Who is logged in.")
class Viewer:
    model_: strawberry.Private[models.User]
    id: strawberry.ID
    email: str
    name: str
    role: Role

    @classmethod
    def from_model(cls, user: models.User) -> Viewer:
        return cls(
            model_=user,
            id=to_global_id("User", user.id),
            email=user.email,
            name=user.name,
            role=user.role,
        )

    @strawberry.field(description="The customer's account; null for staff.")
    async def account(self, info: Info) -> Account | None:
        if self.model_.account_id is None:
            return None
        account = await info.context.loaders.account.load(self.model_.account_id)
        return Account.from_model(account) if account else None


async def _account_node(info: Info, pk: int) -> Account | None:
    account = await info.context.loaders.account.load(pk)
    return Account.from_model(account) if account else None


async def _user_node(info: Info, pk: int) -> User | None:
    user = await info.context.loaders.visible_user.load(pk)
    return User.from_model(user) if user else None


register_node("Account", _account_node)
register_node("User", _user_node)

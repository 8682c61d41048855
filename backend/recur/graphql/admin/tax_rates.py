"""Tax rates by country and region over GraphQL: staff read them, admins set and remove
them (docs/billing.md, "Tax")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from recur.core.roles import STAFF_ROLES, Role
from recur.db import models
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of, to_global_id
from recur.graphql.core.money import percent
from recur.graphql.core.permissions import IsAuthenticated, has_role
from recur.services import invoicing
from recur.services.common import Invalid


@strawberry.type(description="The tax charged to buyers billed in a country or one region.")
class TaxRate:
    id: strawberry.ID
    country: str = strawberry.field(description="ISO 3166-1 alpha-2.")
    region: str = strawberry.field(
        description="A US state, a Canadian province… as billing addresses spell it; empty: "
        "the whole country."
    )
    name: str = strawberry.field(description="As invoices print it: VAT, GST, Sales tax.")
    rate_percent: Decimal
    created_at: datetime

    @classmethod
    def from_model(cls, row: models.TaxRate) -> TaxRate:
        return cls(
            id=to_global_id("TaxRate", row.id),
            country=row.country,
            region=row.region,
            name=row.name,
            rate_percent=percent(row.rate_percent),
            created_at=row.created_at,
        )


@strawberry.input
class SetTaxRateInput:
    country: str
    region: str = strawberry.field(default="", description="Empty: the whole country.")
    name: str
    rate_percent: Decimal = strawberry.field(description="0 to 100, at most four places.")


@strawberry.input
class DeleteTaxRateInput:
    tax_rate_id: strawberry.ID


@strawberry.type
class TaxRatePayload:
    tax_rate: TaxRate | None
    user_errors: list[UserError]


@strawberry.type
class DeleteTaxRatePayload:
    user_errors: list[UserError]


@strawberry.type
class TaxRatesQuery:
    @strawberry.field(
        description="Staff: the tax rates by country, then region.",
        permission_classes=[IsAuthenticated, has_role(*sorted(STAFF_ROLES))],
    )
    async def tax_rates(self, info: Info) -> list[TaxRate]:
        ctx = info.context
        return [TaxRate.from_model(r) for r in await invoicing.list_tax_rates(ctx.db, ctx.actor)]


@strawberry.type
class TaxRatesMutation:
    @strawberry.mutation(
        description="Admins: set the rate of a country or region (created or changed); "
        "invoices issued from now on charge it.",
        permission_classes=[IsAuthenticated, has_role(Role.ADMIN)],
    )
    async def set_tax_rate(self, info: Info, input: SetTaxRateInput) -> TaxRatePayload:
        ctx = info.context
        try:
            row = await invoicing.set_tax_rate(
                ctx.db,
                ctx.actor,
                country=input.country,
                region=input.region,
                name=input.name,
                rate_percent=input.rate_percent,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return TaxRatePayload(tax_rate=None, user_errors=user_errors(invalid))
        return TaxRatePayload(tax_rate=TaxRate.from_model(row), user_errors=[])

    @strawberry.mutation(
        description="Admins: remove a rate; its buyers fall back to their country's rate, "
        "else their account's.",
        permission_classes=[IsAuthenticated, has_role(Role.ADMIN)],
    )
    async def delete_tax_rate(self, info: Info, input: DeleteTaxRateInput) -> DeleteTaxRatePayload:
        ctx = info.context
        pk = pk_of(input.tax_rate_id, "TaxRate")
        try:
            if pk is None:
                raise Invalid.one("taxRateId", "There is no such tax rate.", "UNKNOWN_TAX_RATE")
            await invoicing.delete_tax_rate(ctx.db, ctx.actor, tax_rate_id=pk, now=ctx.clock.now())
        except Invalid as invalid:
            return DeleteTaxRatePayload(user_errors=user_errors(invalid))
        return DeleteTaxRatePayload(user_errors=[])

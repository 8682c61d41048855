"""Partners over GraphQL, for admins: partners with their linked accounts and API clients,
credentials issued, rotated and revoked (docs/administration.md, "Partners")."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.permission import BasePermission

from recur.core.roles import Role
from recur.db import models
from recur.graphql.accounts.types import Account
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_arg, to_global_id
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsAuthenticated, has_role
from recur.services import accounts
from recur.services.common import PARTNER_SCOPES, Invalid

ADMIN_ONLY: list[type[BasePermission]] = [IsAuthenticated, has_role(Role.ADMIN)]


@strawberry.type(description="A scope a partner client may be granted.")
class PartnerScope:
    name: str
    description: str


@strawberry.type(description="OAuth2 client credentials of a partner (client_credentials).")
class PartnerClient:
    client_id: str
    scopes: list[str]
    active: bool = strawberry.field(description="False once revoked: it gets no tokens.")
    created_at: datetime

    @classmethod
    def from_model(cls, client: models.PartnerClient) -> PartnerClient:
        return cls(
            client_id=client.client_id,
            scopes=client.scopes.split(),
            active=client.active,
            created_at=client.created_at,
        )


@strawberry.type(description="A reseller or integrator; its clients see its linked accounts.")
class Partner:
    model_: strawberry.Private[models.Partner]
    id: strawberry.ID
    name: str

    @classmethod
    def from_model(cls, partner: models.Partner) -> Partner:
        return cls(model_=partner, id=to_global_id("Partner", partner.id), name=partner.name)

    @strawberry.field(description="The accounts linked to this partner, by name.")
    async def accounts(self, info: Info) -> list[Account]:
        linked = await info.context.loaders.partner_accounts.load(self.model_.id)
        return [Account.from_model(account) for account in linked]

    @strawberry.field(description="Its API clients, revoked ones included, oldest first.")
    async def clients(self, info: Info) -> list[PartnerClient]:
        clients = await info.context.loaders.partner_clients.load(self.model_.id)
        return [PartnerClient.from_model(client) for client in clients]


@strawberry.input
class CreatePartnerInput:
    name: str = strawberry.field(description="Unique (ignoring case), at most 200 characters.")


@strawberry.input
class SetAccountPartnerInput:
    account_id: strawberry.ID
    partner_id: strawberry.ID | None = strawberry.field(
        description="The partner whose clients will see the account; null unlinks it."
    )


@strawberry.input
class CreatePartnerClientInput:
    partner_id: strawberry.ID
    scopes: list[str] = strawberry.field(description="At least one of partnerScopes.")


@strawberry.input
class PartnerClientIdInput:
    client_id: str


@strawberry.type
class PartnerPayload:
    partner: Partner | None
    user_errors: list[UserError]


@strawberry.type
class SetAccountPartnerPayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.type
class PartnerCredentialsPayload:
    client: PartnerClient | None
    client_secret: str | None = strawberry.field(
        description="Shown this once: only a hash is kept. Store it now."
    )
    user_errors: list[UserError]


@strawberry.type
class PartnerClientPayload:
    client: PartnerClient | None
    user_errors: list[UserError]


@strawberry.type
class PartnersQuery:
    @strawberry.field(description="Admins: every partner, by name.", permission_classes=ADMIN_ONLY)
    async def partners(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Partner]:
        ctx = info.context
        page = await accounts.list_partners(ctx.db, ctx.actor, page_request(first, after))
        return to_connection(page, Partner.from_model)

    @strawberry.field(
        description="Admins: the scopes a partner client may be granted.",
        permission_classes=ADMIN_ONLY,
    )
    def partner_scopes(self) -> list[PartnerScope]:
        return [PartnerScope(name=name, description=text) for name, text in PARTNER_SCOPES.items()]


@strawberry.type
class PartnersMutation:
    @strawberry.mutation(description="Admins: add a partner.", permission_classes=ADMIN_ONLY)
    async def create_partner(self, info: Info, input: CreatePartnerInput) -> PartnerPayload:
        ctx = info.context
        try:
            partner = await accounts.create_partner(
                ctx.db, ctx.actor, name=input.name, now=ctx.clock.now()
            )
        except Invalid as invalid:
            return PartnerPayload(partner=None, user_errors=user_errors(invalid))
        return PartnerPayload(partner=Partner.from_model(partner), user_errors=[])

    @strawberry.mutation(
        description="Admins: link an account to a partner (or unlink it).",
        permission_classes=ADMIN_ONLY,
    )
    async def set_account_partner(
        self, info: Info, input: SetAccountPartnerInput
    ) -> SetAccountPartnerPayload:
        ctx = info.context
        try:
            partner = input.partner_id
            account = await accounts.set_account_partner(
                ctx.db,
                ctx.actor,
                account_id=pk_arg(input.account_id, "Account", "accountId"),
                partner_id=None if partner is None else pk_arg(partner, "Partner", "partnerId"),
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return SetAccountPartnerPayload(account=None, user_errors=user_errors(invalid))
        return SetAccountPartnerPayload(account=Account.from_model(account), user_errors=[])

    @strawberry.mutation(
        description="Admins: issue API credentials to a partner; the secret is shown once.",
        permission_classes=ADMIN_ONLY,
    )
    async def create_partner_client(
        self, info: Info, input: CreatePartnerClientInput
    ) -> PartnerCredentialsPayload:
        ctx = info.context
        try:
            issued = await accounts.create_partner_client(
                ctx.db,
                ctx.actor,
                partner_id=pk_arg(input.partner_id, "Partner", "partnerId"),
                scopes=input.scopes,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return _credentials_refused(invalid)
        return _credentials(issued)

    @strawberry.mutation(
        description="Admins: a new secret for a client, shown once; the old one stops working.",
        permission_classes=ADMIN_ONLY,
    )
    async def rotate_partner_client_secret(
        self, info: Info, input: PartnerClientIdInput
    ) -> PartnerCredentialsPayload:
        ctx = info.context
        try:
            issued = await accounts.rotate_partner_client_secret(
                ctx.db, ctx.actor, client_id=input.client_id, now=ctx.clock.now()
            )
        except Invalid as invalid:
            return _credentials_refused(invalid)
        return _credentials(issued)

    @strawberry.mutation(
        description="Admins: revoke a client for good; its tokens stop working at once.",
        permission_classes=ADMIN_ONLY,
    )
    async def revoke_partner_client(
        self, info: Info, input: PartnerClientIdInput
    ) -> PartnerClientPayload:
        ctx = info.context
        try:
            client = await accounts.revoke_partner_client(
                ctx.db, ctx.actor, client_id=input.client_id, now=ctx.clock.now()
            )
        except Invalid as invalid:
            return PartnerClientPayload(client=None, user_errors=user_errors(invalid))
        return PartnerClientPayload(client=PartnerClient.from_model(client), user_errors=[])


def _credentials(issued: accounts.IssuedCredentials) -> PartnerCredentialsPayload:
    return PartnerCredentialsPayload(
        client=PartnerClient.from_model(issued.client),
        client_secret=issued.client_secret,
        user_errors=[],
    )


def _credentials_refused(invalid: Invalid) -> PartnerCredentialsPayload:
    return PartnerCredentialsPayload(
        client=None, client_secret=None, user_errors=user_errors(invalid)
    )

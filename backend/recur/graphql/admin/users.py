"""Administering users: the list, invitations, roles, deactivation and reset links
(docs/administration.md, "Users")."""

from __future__ import annotations

import strawberry
from strawberry.permission import BasePermission

from recur.core.roles import Role
from recur.graphql.accounts.types import User
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.ids import pk_of
from recur.graphql.core.pagination import Connection, page_request, to_connection
from recur.graphql.core.permissions import IsUser, has_role
from recur.services import accounts
from recur.services.common import Invalid

ADMINS: list[type[BasePermission]] = [IsUser, has_role(Role.ADMIN)]


@strawberry.input
class InviteUserInput:
    email: str
    name: str
    role: Role
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for customers; staff belong to no account."
    )


@strawberry.type
class InviteUserPayload:
    user: User | None
    invite_url: str | None = strawberry.field(
        description="The one-time link that sets the password, valid for 7 days. Shown once: "
        "only a hash of it is kept."
    )
    user_errors: list[UserError]


@strawberry.input
class UpdateUserInput:
    user_id: strawberry.ID
    role: Role | None = strawberry.field(
        default=None, description="Customers stay customers, staff stay staff."
    )
    active: bool | None = strawberry.field(
        default=None, description="false ends the user's sessions at once."
    )


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.input
class CreatePasswordResetInput:
    user_id: strawberry.ID


@strawberry.type
class PasswordResetPayload:
    reset_url: str | None = strawberry.field(
        description="The one-time link that sets a new password, valid for 24 hours."
    )
    user_errors: list[UserError]


def _link(info: Info, kind: str, token: str) -> str:
    """The absolute address of the app's page for a one-time link."""
    return f"{str(info.context.request.base_url).rstrip('/')}/{kind}/{token}"


def _user_pk(user_id: str) -> int:
    pk = pk_of(user_id, "User")
    if pk is None:
        raise Invalid.one("userId", "No such user.", "NOT_FOUND")
    return pk


@strawberry.type
class UsersQuery:
    @strawberry.field(
        description="Admins: every user by name; search matches name or email.",
        permission_classes=ADMINS,
    )
    async def users(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
        role: Role | None = None,
    ) -> Connection[User]:
        ctx = info.context
        page = await accounts.list_users(
            ctx.db, ctx.actor, search=search, role=role, page=page_request(first, after)
        )
        return to_connection(page, User.from_model)


@strawberry.type
class UsersMutation:
    @strawberry.mutation(
        description="Admins: a new user and the one-time link that sets their password.",
        permission_classes=ADMINS,
    )
    async def invite_user(self, info: Info, input: InviteUserInput) -> InviteUserPayload:
        ctx = info.context
        try:
            account_id = None
            if input.account_id is not None:
                account_id = pk_of(input.account_id, "Account")
                if account_id is None:
                    raise Invalid.one("accountId", "No such account.", "NOT_FOUND")
            invitation = await accounts.invite_user(
                ctx.db,
                ctx.actor,
                email=input.email,
                name=input.name,
                role=input.role,
                account_id=account_id,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return InviteUserPayload(user=None, invite_url=None, user_errors=user_errors(invalid))
        return InviteUserPayload(
            user=User.from_model(invitation.user),
            invite_url=_link(info, "invite", invitation.token),
            user_errors=[],
        )

    @strawberry.mutation(
        description="Admins: change a user's role, or deactivate (ending their access at "
        "once) or reactivate them.",
        permission_classes=ADMINS,
    )
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        ctx = info.context
        try:
            user = await accounts.update_user(
                ctx.db,
                ctx.actor,
                _user_pk(input.user_id),
                role=input.role,
                active=input.active,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return UserPayload(user=None, user_errors=user_errors(invalid))
        return UserPayload(user=User.from_model(user), user_errors=[])

    @strawberry.mutation(
        description="Admins: a one-time link for the user to set a new password.",
        permission_classes=ADMINS,
    )
    async def create_password_reset(
        self, info: Info, input: CreatePasswordResetInput
    ) -> PasswordResetPayload:
        ctx = info.context
        try:
            token = await accounts.create_password_reset(
                ctx.db, ctx.actor, _user_pk(input.user_id), now=ctx.clock.now()
            )
        except Invalid as invalid:
            return PasswordResetPayload(reset_url=None, user_errors=user_errors(invalid))
        return PasswordResetPayload(reset_url=_link(info, "reset", token), user_errors=[])

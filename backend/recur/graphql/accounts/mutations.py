"""Logging in and out."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from recur.auth.cookies import clear_session_cookies, csrf_token_for, set_session_cookies
from recur.graphql.accounts.types import Viewer
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.loaders import Loaders
from recur.services import accounts
from recur.services.common import Actor, Invalid


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(
        description="A bearer token for the Authorization header (API clients). The browser "
        "app uses the HttpOnly session cookie set with this answer instead."
    )
    csrf_token: str | None = strawberry.field(
        description="Send as the X-CSRF-Token header with requests authenticated by cookie."
    )
    viewer: Viewer | None
    user_errors: list[UserError]


@strawberry.type
class LogoutPayload:
    user_errors: list[UserError]


def logged_in(info: Info, result: accounts.LoginResult) -> LoginPayload:
    """The answer of a mutation that logged a user in: the session cookies set, and the rest
    of the answer (``viewer { account }``) for the user who just logged in."""
    ctx = info.context
    ctx.actor = Actor(
        user_id=result.user.id,
        role=result.user.role,
        account_id=result.user.account_id,
        session_id=result.session_id,
    )
    ctx.loaders = Loaders(ctx.db, ctx.actor)
    csrf = csrf_token_for(ctx.settings.secret_key, result.session_id)
    set_session_cookies(
        ctx.response,
        result.token,
        csrf,
        result.expires_at,
        now=ctx.clock.now(),
        secure=ctx.settings.secure_cookies,
    )
    return LoginPayload(
        token=result.token,
        csrf_token=csrf,
        viewer=Viewer.from_model(result.user),
        user_errors=[],
    )


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(description="Log in with email and password.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        ctx = info.context
        try:
            result = await accounts.login(
                ctx.db,
                ctx.signer,
                input.email,
                input.password,
                now=ctx.clock.now(),
                ttl=timedelta(seconds=ctx.settings.access_token_ttl_seconds),
            )
        except Invalid as invalid:
            return LoginPayload(
                token=None, csrf_token=None, viewer=None, user_errors=user_errors(invalid)
            )
        return logged_in(info, result)

    @strawberry.mutation(description="End the session: its token and cookie stop working.")
    async def logout(self, info: Info) -> LogoutPayload:
        ctx = info.context
        await accounts.logout(ctx.db, ctx.actor, now=ctx.clock.now())
        clear_session_cookies(ctx.response, secure=ctx.settings.secure_cookies)
        return LogoutPayload(user_errors=[])

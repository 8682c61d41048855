"""Logging in and out."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from recur.auth.cookies import clear_session_cookies, csrf_token_for, set_session_cookies
from recur.auth.throttle import client_address, wait_in_words
from recur.graphql.accounts.types import Viewer
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.text_guard import text_field
from recur.graphql.loaders import Loaders
from recur.services import accounts
from recur.services.common import Actor, Invalid

#: A request checks one password: aliases cannot turn one request into many guesses.
ONE_LOGIN = "One login per request."


@strawberry.input
class LoginInput:
    email: str = text_field(320)
    password: str = text_field(1000)


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
    retry_after: int | None = strawberry.field(
        default=None,
        description="When too many logins were tried (TOO_MANY_ATTEMPTS): seconds until the "
        "next may be tried. The answer's Retry-After header says the same.",
    )

    @classmethod
    def refused(cls, message: str, code: str, retry_after: int | None = None) -> LoginPayload:
        return cls(
            token=None,
            csrf_token=None,
            viewer=None,
            user_errors=[UserError(field=None, message=message, code=code)],
            retry_after=retry_after,
        )


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
    @strawberry.mutation(
        description="Log in with email and password. One login per request; an account and a "
        "client address may try only so often (TOO_MANY_ATTEMPTS, with retryAfter)."
    )
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        ctx = info.context
        if ctx.password_checked:
            return LoginPayload.refused(ONE_LOGIN, "ONE_LOGIN_PER_REQUEST")
        ctx.password_checked = True
        email = accounts.normalize_email(input.email)
        wait = await ctx.login_throttle.attempt(account=email, address=client_address(ctx.request))
        if wait is not None:
            ctx.response.headers["retry-after"] = str(wait)
            message = f"Too many login attempts. Try again in {wait_in_words(wait)}."
            return LoginPayload.refused(message, "TOO_MANY_ATTEMPTS", retry_after=wait)
        try:
            result = await accounts.login(
                ctx.db,
                ctx.signer,
                email,
                input.password,
                checks=ctx.password_checks,
                now=ctx.clock.now(),
                ttl=timedelta(seconds=ctx.settings.access_token_ttl_seconds),
            )
        except Invalid as invalid:
            return LoginPayload(
                token=None, csrf_token=None, viewer=None, user_errors=user_errors(invalid)
            )
        await ctx.login_throttle.succeeded(account=email)
        return logged_in(info, result)

    @strawberry.mutation(description="End the session: its token and cookie stop working.")
    async def logout(self, info: Info) -> LogoutPayload:
        ctx = info.context
        await accounts.logout(ctx.db, ctx.actor, now=ctx.clock.now())
        clear_session_cookies(ctx.response, secure=ctx.settings.secure_cookies)
        return LogoutPayload(user_errors=[])

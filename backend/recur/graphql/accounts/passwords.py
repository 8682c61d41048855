"""Setting passwords: accepting an invitation, a reset link, changing one's own, and
signing up (docs/administration.md, "Users" and "Sign-up")."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from recur.auth.throttle import client_address, wait_in_words
from recur.graphql.accounts.mutations import LoginPayload, logged_in
from recur.graphql.core.context import Info
from recur.graphql.core.errors import UserError, user_errors
from recur.graphql.core.permissions import IsUser
from recur.services import accounts
from recur.services.common import Invalid

ONE_PASSWORD = "One login, sign-up or password change per request."  # noqa: S105 (a message)
ONE_PER_REQUEST = "ONE_PASSWORD_PER_REQUEST"
PASSWORD_RULE = (
    f"{accounts.PASSWORD_MIN_LENGTH} to {accounts.PASSWORD_MAX_LENGTH} characters, not only spaces."
)


@strawberry.input
class SetPasswordInput:
    token: str = strawberry.field(description="The token of the one-time link.")
    password: str = strawberry.field(description=PASSWORD_RULE)


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str = strawberry.field(description=PASSWORD_RULE)


@strawberry.type
class ChangePasswordPayload:
    ok: bool
    user_errors: list[UserError]


@strawberry.input
class SignUpInput:
    company_name: str = strawberry.field(description="The legal name of the business.")
    name: str = strawberry.field(description="Your name.")
    email: str
    password: str = strawberry.field(description=PASSWORD_RULE)
    currency: str = strawberry.field(description="ISO 4217, e.g. EUR: what you will be billed in.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. DE.")


def _failed(invalid: Invalid) -> LoginPayload:
    return LoginPayload(token=None, csrf_token=None, viewer=None, user_errors=user_errors(invalid))


def _one_password_per_request(info: Info) -> bool:
    """Whether this request may hash a password: one login, sign-up or password change per
    request, so a batch of aliases cannot ask for a hundred hashes at once."""
    ctx = info.context
    if ctx.password_checked:
        return False
    ctx.password_checked = True
    return True


async def _set_password(info: Info, input: SetPasswordInput, purpose: str) -> LoginPayload:
    ctx = info.context
    if not _one_password_per_request(info):
        return LoginPayload.refused(ONE_PASSWORD, ONE_PER_REQUEST)
    try:
        result = await accounts.set_password_by_link(
            ctx.db,
            ctx.signer,
            input.token,
            input.password,
            purposes=(purpose,),
            checks=ctx.password_checks,
            now=ctx.clock.now(),
            ttl=timedelta(seconds=ctx.settings.access_token_ttl_seconds),
        )
    except Invalid as invalid:
        return _failed(invalid)
    return logged_in(info, result)


@strawberry.type
class PasswordsMutation:
    @strawberry.mutation(
        description="Set your password with an invitation link's token, and log in. The link "
        "works once, for 7 days."
    )
    async def accept_invite(self, info: Info, input: SetPasswordInput) -> LoginPayload:
        return await _set_password(info, input, accounts.INVITE)

    @strawberry.mutation(
        description="Set a new password with a reset link's token, and log in. The link works "
        "once, for 24 hours; the user's other sessions end."
    )
    async def reset_password(self, info: Info, input: SetPasswordInput) -> LoginPayload:
        return await _set_password(info, input, accounts.RESET)

    @strawberry.mutation(
        description="Change your own password; your other sessions end.",
        permission_classes=[IsUser],
    )
    async def change_password(
        self, info: Info, input: ChangePasswordInput
    ) -> ChangePasswordPayload:
        ctx = info.context
        if not _one_password_per_request(info):
            return ChangePasswordPayload(
                ok=False,
                user_errors=[UserError(field=None, message=ONE_PASSWORD, code=ONE_PER_REQUEST)],
            )
        try:
            await accounts.change_password(
                ctx.db,
                ctx.actor,
                input.current_password,
                input.new_password,
                checks=ctx.password_checks,
                now=ctx.clock.now(),
            )
        except Invalid as invalid:
            return ChangePasswordPayload(ok=False, user_errors=user_errors(invalid))
        return ChangePasswordPayload(ok=True, user_errors=[])

    @strawberry.mutation(
        description="Anyone: a new customer account and its first user, logged in. The "
        "account has no rep until a manager assigns one."
    )
    async def sign_up(self, info: Info, input: SignUpInput) -> LoginPayload:
        ctx = info.context
        form = accounts.SignUp(
            company_name=input.company_name,
            name=input.name,
            email=input.email,
            password=input.password,
            currency=input.currency,
            country=input.country,
        )
        try:
            form = accounts.check_sign_up(form)
        except Invalid as invalid:
            return _failed(invalid)
        if not _one_password_per_request(info):
            return LoginPayload.refused(ONE_PASSWORD, ONE_PER_REQUEST)
        wait = await ctx.signup_throttle.attempt(account=None, address=client_address(ctx.request))
        if wait is not None:
            ctx.response.headers["retry-after"] = str(wait)
            message = f"Too many sign-ups from your address. Try again in {wait_in_words(wait)}."
            return LoginPayload.refused(message, "TOO_MANY_ATTEMPTS", retry_after=wait)
        try:
            result = await accounts.sign_up(
                ctx.db,
                ctx.signer,
                form,
                checks=ctx.password_checks,
                now=ctx.clock.now(),
                ttl=timedelta(seconds=ctx.settings.access_token_ttl_seconds),
            )
        except Invalid as invalid:
            return _failed(invalid)
        return logged_in(info, result)

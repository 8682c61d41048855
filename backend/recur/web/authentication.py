"""Who sent a request: a bearer token, or the browser's session cookie.

One path for every route, so a token means the same thing everywhere. Routes differ only in
whether the cookie needs the CSRF header too: ``/graphql`` (which changes data) requires it;
a plain download by link cannot send it and needs no such protection (see ``documents``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from starlette.requests import Request

from recur.auth.cookies import SESSION_COOKIE, csrf_header_valid
from recur.auth.tokens import TokenSigner
from recur.db.engine import Database
from recur.services.accounts import actor_for_token
from recur.services.common import ANONYMOUS, Actor


async def request_actor(
    request: Request,
    db: Database,
    signer: TokenSigner,
    *,
    now: datetime,
    secret_key: str,
    require_csrf: bool,
    previous_keys: Sequence[str] = (),
) -> tuple[Actor, bool]:
    """The actor, and whether the session cookie identified it.

    A bearer token wins (an invalid one is anonymous, never a fallback to the cookie);
    otherwise the session cookie, with a valid ``X-CSRF-Token`` header if ``require_csrf``.
    """
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return await actor_for_token(db, signer, token.strip(), now=now), False
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        actor = await actor_for_token(db, signer, cookie, now=now)
        # Only a login's token belongs in the cookie (a partner's has no session).
        login = actor.session_id is not None
        if login and (
            not require_csrf
            or csrf_header_valid(request, secret_key, actor.session_id, previous_keys)
        ):
            return actor, True
    return ANONYMOUS, False


async def app_actor(request: Request, *, require_csrf: bool) -> Actor:
    """:func:`request_actor` with the application's own database, signer, clock and keys:
    what every route but ``/graphql`` (which keeps them itself) calls."""
    state = request.app.state
    actor, _ = await request_actor(
        request,
        state.db,
        state.signer,
        now=state.clock.now(),
        secret_key=state.settings.secret_key,
        previous_keys=state.settings.previous_secret_keys,
        require_csrf=require_csrf,
    )
    return actor

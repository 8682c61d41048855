"""The browser app's session: an HttpOnly cookie holding the token, plus CSRF protection.

The cookie is ``HttpOnly`` (scripts cannot read the token) and ``SameSite=Lax``. Requests
that authenticate by cookie must also send ``X-CSRF-Token``: an HMAC of the session id that
only our own pages can know (it comes with the login answer and in a readable cookie),
so another site cannot make a logged-in browser act.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "recur_session"
CSRF_COOKIE = "recur_csrf"
CSRF_HEADER = "x-csrf-token"


def csrf_token_for(secret_key: str, session_id: str) -> str:
    digest = hmac.new(secret_key.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_header_valid(
    request: Request,
    secret_key: str,
    session_id: str | None,
    previous_keys: Sequence[str] = (),
) -> bool:
    """The header holds the session's CSRF token, made with the current key or a previous
    one (a session that began before the key was rotated keeps working)."""
    presented = request.headers.get(CSRF_HEADER, "")
    if not presented or session_id is None:
        return False
    return any(
        hmac.compare_digest(presented, csrf_token_for(key, session_id))
        for key in (secret_key, *previous_keys)
    )


def set_session_cookies(
    response: Response,
    token: str,
    csrf: str,
    expires_at: datetime,
    *,
    now: datetime,
    secure: bool,
) -> None:
    # Max-Age, not an absolute Expires: the browser counts from its own clock, so a clock
    # that differs from the server's neither shortens nor lengthens the session.
    common = {
        "max_age": max(0, int((expires_at - now).total_seconds())),
        "path": "/",
        "secure": secure,
        "samesite": "lax",
    }
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]


def clear_session_cookies(response: Response, *, secure: bool) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=secure, samesite="lax")

"""Headers every answer carries: no sniffing, no framing, no referrer leaks, a Content
Security Policy for the single-page app, and HSTS behind TLS (docs/operations.md)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def policy(**directives: str) -> str:
    """A Content-Security-Policy value from ``script_src="'self'"``-style keywords."""
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


#: The SPA loads its modules, stylesheet and icon from this origin and talks to /graphql
#: only: no inline script, no other origin, no plugins, no framing. Its views set a few
#: ``style`` attributes, which ``style-src-attr`` allows without allowing ``<style>``.
CONTENT_SECURITY_POLICY = policy(
    default_src="'self'",
    script_src="'self'",
    style_src="'self'",
    style_src_attr="'unsafe-inline'",
    img_src="'self' data:",
    font_src="'self'",
    connect_src="'self'",
    object_src="'none'",
    base_uri="'none'",
    form_action="'self'",
    frame_ancestors="'none'",
)

#: Browsers that once reached the app over HTTPS keep to HTTPS for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding :data:`HEADERS` to every HTTP response a route has not
    set itself (GraphiQL brings its own policy), and HSTS when ``hsts`` is on: only when the
    app is served over TLS, which secure cookies declare."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = dict(HEADERS)
        if hsts:
            self.headers["strict-transport-security"] = STRICT_TRANSPORT_SECURITY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

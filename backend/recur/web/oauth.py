"""``POST /oauth/token``: OAuth2 client credentials for partners (RFC 6749 §4.4), on authlib.

authlib's authorization server is synchronous and framework-neutral: the client is looked
up asynchronously first, then authlib validates the request (HTTP Basic client
authentication, grant type, scopes) and we sign the token it asks for.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from authlib.common.encoding import to_unicode
from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import extract_basic_authorization, scope_to_list
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recur.auth.passwords import verify_nothing, verify_secret
from recur.auth.throttle import client_address, wait_in_words
from recur.auth.tokens import TokenSigner
from recur.clock import Clock
from recur.db.models import PartnerClient
from recur.services.common import PARTNER_SCOPES

#: Scopes a partner client may hold (``services.common.PARTNER_SCOPES``).
SUPPORTED_SCOPES = tuple(PARTNER_SCOPES)
TOKEN_TTL = timedelta(hours=1)
GRANT_TYPE = "client_credentials"


class _Client(ClientMixin):  # type: ignore[misc]
    """authlib's view of a stored partner client (or of an unknown one)."""

    row: PartnerClient | None

    def __init__(self, client_id: str, row: PartnerClient | None) -> None:
        self.client_id = client_id
        self.row = row

    def get_client_id(self) -> str:
        return self.client_id

    def get_allowed_scope(self, scope: str) -> str:
        allowed = set(self.row.scopes.split()) if self.row else set()
        return " ".join(s for s in scope_to_list(scope) or [] if s in allowed)

    def check_client_secret(self, client_secret: str) -> bool:
        # An unknown or disabled client spends the same time as a wrong secret.
        if self.row is None or not self.row.active:
            return verify_nothing(client_secret)
        return verify_secret(self.row.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic" and endpoint == "token"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE


class _StarletteRequest(OAuth2Request):  # type: ignore[misc]
    def __init__(self, method: str, url: str, headers: Any, form: dict[str, str]) -> None:
        super().__init__(method=method, uri=url, headers=headers)
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _Server(AuthorizationServer):  # type: ignore[misc]
    """One token request's server: knows the client looked up for it."""

    def __init__(self, client: _Client, signer: TokenSigner, clock: Clock) -> None:
        super().__init__(scopes_supported=list(SUPPORTED_SCOPES))
        self._client = client
        self.register_grant(ClientCredentialsGrant)
        self.register_token_generator("default", self._generate)
        self._signer = signer
        self._clock = clock

    def query_client(self, client_id: str) -> _Client | None:
        return self._client if client_id == self._client.client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Tokens are signed, not stored: nothing to save."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal handlers."""

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        return JSONResponse(body, status_code=status, headers=dict(headers))

    def validate_requested_scope(self, scope: str | None) -> None:
        super().validate_requested_scope(scope)
        if scope and self._client.get_allowed_scope(scope) != " ".join(scope_to_list(scope)):
            raise InvalidScopeError()

    def _generate(
        self,
        grant_type: str,
        client: _Client,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        granted = (
            client.get_allowed_scope(scope) if scope else (client.row.scopes if client.row else "")
        )
        token = self._signer.issue(
            f"client:{client.client_id}", now=self._clock.now(), ttl=TOKEN_TTL, scope=granted
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_TTL.total_seconds()),
            "scope": granted,
        }


async def token_endpoint(request: Request) -> Response:
    """Issue a bearer token to a partner client that authenticates with HTTP Basic."""
    state = request.app.state
    form = {
        key: to_unicode(value)
        for key, value in (await request.form()).items()
        if isinstance(value, str)
    }
    try:
        client_id, _ = extract_basic_authorization(request.headers)
    except (UnicodeDecodeError, ValueError):
        return _invalid_client("The client credentials are not valid HTTP Basic credentials.")
    row = None
    # A NUL cannot be stored in PostgreSQL text, so no client has one in its id.
    if client_id and "\x00" not in client_id:
        async with state.db.session() as session:
            row = await session.scalar(
                select(PartnerClient).where(PartnerClient.client_id == client_id)
            )
    # The secret is checked like a password: throttled by client and address, and hashed
    # within the bound on password checks (docs/partners.md).
    throttle = state.oauth_throttle
    wait = await throttle.attempt(account=client_id or "", address=client_address(request))
    if wait is not None:
        return _too_many_attempts(wait)
    server = _Server(_Client(client_id or "", row), state.signer, state.clock)
    oauth_request = _StarletteRequest(request.method, str(request.url), request.headers, form)
    response: Response = await state.password_checks.run(
        server.create_token_response, oauth_request
    )
    if response.status_code == 200:
        await throttle.succeeded(account=client_id or "")
    response.headers["cache-control"] = "no-store"
    return response


def _too_many_attempts(wait: int) -> Response:
    return JSONResponse(
        {
            "error": "too_many_attempts",
            "error_description": f"Too many token requests. Try again in {wait_in_words(wait)}.",
        },
        status_code=429,
        headers={"retry-after": str(wait), "cache-control": "no-store"},
    )


def _invalid_client(description: str) -> Response:
    return JSONResponse(
        {"error": "invalid_client", "error_description": description},
        status_code=401,
        headers={"www-authenticate": 'Basic error="invalid_client"', "cache-control": "no-store"},
    )

"""Access tokens: JWTs signed with HS256 (joserfc), for users and partner clients."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

ISSUER = "recur"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says about its bearer."""

    subject: str
    expires_at: datetime
    session_id: str | None = None
    scope: str = ""

    @property
    def user_id(self) -> int | None:
        kind, _, ident = self.subject.partition(":")
        return int(ident) if kind == "user" and ident.isdigit() else None

    @property
    def client_id(self) -> str | None:
        kind, _, ident = self.subject.partition(":")
        return ident if kind == "client" and ident else None


class InvalidToken(Exception):
    """The token is malformed, forged or expired."""


class TokenSigner:
    """Issues and checks access tokens with one secret key."""

    def __init__(self, secret_key: str) -> None:
        self._key = OctKey.import_key(secret_key.encode())

    def issue(
        self,
        subject: str,
        *,
        now: datetime,
        ttl: timedelta,
        session_id: str | None = None,
        scope: str = "",
    ) -> str:
        claims: dict[str, object] = {
            "iss": ISSUER,
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "jti": secrets.token_urlsafe(12),
        }
        if session_id:
            claims["sid"] = session_id
        if scope:
            claims["scope"] = scope
        return jwt.encode({"alg": ALGORITHM}, claims, self._key, algorithms=[ALGORITHM])

    def verify(self, token: str, *, now: datetime) -> TokenClaims:
        """The token's claims, or :class:`InvalidToken`."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
            registry = jwt.JWTClaimsRegistry(
                now=int(now.timestamp()),
                leeway=0,
                iss={"essential": True, "value": ISSUER},
                sub={"essential": True},
                exp={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        claims = decoded.claims
        return TokenClaims(
            subject=str(claims["sub"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo),
            session_id=claims.get("sid"),
            scope=str(claims.get("scope", "")),
        )

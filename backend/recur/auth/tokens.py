"""Access tokens: JWTs signed with HS256 (joserfc), for users and partner clients.

Each token names its key in the ``kid`` header: a fingerprint of the key (never the key),
the same on every instance. The signer signs with the current key and still accepts tokens
of the previous keys it is given, so a key can be replaced without logging anyone out:
tokens of the old key work until they expire (docs/operations.md, "Rotating the secret
key").
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from joserfc import jws, jwt
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


def key_id(secret_key: str) -> str:
    """The ``kid`` of a key: the start of its SHA-256, enough to tell keys apart."""
    return hashlib.sha256(b"recur-kid:" + secret_key.encode()).hexdigest()[:16]


class TokenSigner:
    """Issues access tokens with the current key; checks them with it or a previous one."""

    def __init__(self, secret_key: str, previous_keys: Sequence[str] = ()) -> None:
        self._kid = key_id(secret_key)
        self._key = OctKey.import_key(secret_key.encode())
        self._keys = {self._kid: self._key}
        for previous in previous_keys:
            self._keys.setdefault(key_id(previous), OctKey.import_key(previous.encode()))

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
        header = {"alg": ALGORITHM, "kid": self._kid}
        return jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])

    def _key_for(self, token: str) -> OctKey:
        """The key the token names; a token without a ``kid`` (issued before key ids) is
        checked with the current key."""
        try:
            header = jws.extract_compact(token.encode()).protected
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        kid = header.get("kid")
        if kid is None:
            return self._key
        key = self._keys.get(str(kid))
        if key is None:
            raise InvalidToken("the token is signed with a key this server does not hold")
        return key

    def verify(self, token: str, *, now: datetime) -> TokenClaims:
        """The token's claims, or :class:`InvalidToken`."""
        try:
            decoded = jwt.decode(token, self._key_for(token), algorithms=[ALGORITHM])
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

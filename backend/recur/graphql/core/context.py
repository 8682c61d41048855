"""The per-request context: who asks, the database, the clock, and the dataloaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from recur.auth.passwords import PasswordChecks
from recur.auth.throttle import CostLimit, Throttle
from recur.auth.tokens import TokenSigner
from recur.clock import Clock
from recur.db.engine import Database
from recur.graphql.core.result_cache import ResultCache
from recur.services.common import Actor
from recur.services.payments import PaymentProvider
from recur.settings import Settings

if TYPE_CHECKING:
    from recur.graphql.loaders import Loaders


@dataclass
class Context:
    """Made fresh for every request by the GraphQL view."""

    request: Request
    response: Response
    db: Database
    settings: Settings
    clock: Clock
    signer: TokenSigner
    actor: Actor
    loaders: Loaders
    result_cache: ResultCache
    payment_provider: PaymentProvider
    #: Counts logins by account and client address (docs/api.md, "Login throttling").
    login_throttle: Throttle
    #: Counts self-service sign-ups by client address (docs/administration.md, "Sign-up").
    signup_throttle: Throttle
    #: Bounds the password hashing every login, sign-up and password change does.
    password_checks: PasswordChecks
    #: Whether this request has checked or set a password already: one per request.
    password_checked: bool = False
    #: Whether the actor came from the session cookie (the SPA) rather than a bearer token.
    via_cookie: bool = False
    #: Per-request memo for values several fields share (e.g. a priced quote).
    extra: dict[object, Any] = field(default_factory=dict)
    #: Counts what queries cost per sender and minute (docs/api.md, "Query cost").
    cost_limit: CostLimit | None = None
    #: The nodes this request's query asks for, once measured (``query_cost``).
    query_nodes: int | None = None


Info = StrawberryInfo[Context, None]

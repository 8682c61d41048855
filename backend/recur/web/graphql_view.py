"""The ``/graphql`` endpoint: builds the per-request context (who is asking)."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from recur.auth.passwords import PasswordChecks
from recur.auth.throttle import CostLimit, RequestLimit, Throttle, client_address, wait_in_words
from recur.auth.tokens import TokenSigner
from recur.clock import Clock
from recur.db.engine import Database
from recur.graphql.core.context import Context
from recur.graphql.core.cost_limit import sender_key
from recur.graphql.core.result_cache import ResultCache
from recur.graphql.loaders import Loaders
from recur.observability.logs import current_request
from recur.services.common import Actor
from recur.services.payments import PaymentProvider
from recur.settings import Settings
from recur.web.authentication import request_actor
from recur.web.security_headers import policy

#: Where strawberry's GraphiQL page loads React and GraphiQL from, and where Recur serves the
#: same files instead (frontend/assets/vendor/graphiql, at unpkg's paths), so that GraphiQL
#: works without internet (docs/api.md).
GRAPHIQL_CDN = "https://unpkg.com/"
GRAPHIQL_ASSETS = "/assets/vendor/graphiql/"

#: GraphiQL is strawberry's page: inline script and styles, React and GraphiQL from here.
GRAPHIQL_POLICY = policy(
    default_src="'self'",
    script_src="'self' 'unsafe-inline'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data:",
    font_src="'self' data:",
    connect_src="'self'",
    object_src="'none'",
    base_uri="'none'",
    frame_ancestors="'none'",
)

#: How deep the JSON of a request may nest. A query's own JSON is an object, its variables
#: one or two levels more per input object: a few levels are plenty. Far deeper JSON would
#: exhaust Python's recursion wherever it is walked (decoding included).
MAX_JSON_DEPTH = 32
JsonContainer = dict[Any, Any] | list[Any]
TOO_DEEP = f"The request's JSON nests more than {MAX_JSON_DEPTH} levels deep."


class RecurGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with Recur's context. GraphiQL answers ``GET`` in a browser
    when ``settings.graphiql`` is on; off, that ``GET`` is a 404 (queries by ``GET`` still
    work)."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        db: Database,
        settings: Settings,
        clock: Clock,
        signer: TokenSigner,
        payment_provider: PaymentProvider,
        login_throttle: Throttle,
        signup_throttle: Throttle,
        password_checks: PasswordChecks,
        request_limit: RequestLimit | None = None,
        cost_limit: CostLimit | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
        )
        self.db = db
        self.settings = settings
        self.clock = clock
        self.signer = signer
        self.result_cache = ResultCache(
            settings.catalog_cache_seconds, max_bytes=settings.catalog_cache_bytes
        )
        self.payment_provider = payment_provider
        self.login_throttle = login_throttle
        self.signup_throttle = signup_throttle
        self.password_checks = password_checks
        self.request_limit = request_limit
        self.cost_limit = cost_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request against its sender's rate limit first: past it, ``429`` with
        ``Retry-After`` and nothing run. The actor found here is the one the context uses."""
        if scope["type"] == "http" and self.request_limit is not None:
            request = Request(scope, receive)
            actor, via_cookie = await self.authenticate(request)
            request.state.recur_actor = (actor, via_cookie)
            wait = await self.request_limit.hit(sender_key(actor), client_address(request))
            if wait is not None:
                message = f"Too many requests: try again in {wait_in_words(wait)}."
                refused = JSONResponse(
                    {"errors": [{"message": message, "extensions": {"code": "RATE_LIMITED"}}]},
                    status_code=429,
                    headers={"retry-after": str(wait)},
                )
                await refused(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    @property
    def graphql_ide_html(self) -> str:
        """Strawberry's page, its scripts and styles served by Recur (same files, same
        integrity hashes)."""
        return super().graphql_ide_html.replace(GRAPHIQL_CDN, GRAPHIQL_ASSETS)

    async def render_graphql_ide(self, request: Request) -> Response:
        """The page, with the policy it needs instead of the app's stricter one."""
        response = await super().render_graphql_ide(request)
        response.headers["content-security-policy"] = GRAPHIQL_POLICY
        return response

    def decode_json(self, data: str | bytes) -> object:
        """The request's JSON (body, or ``variables`` of a ``GET``), refused with a 400 when it
        is not an object or nests deeper than :data:`MAX_JSON_DEPTH`."""
        try:
            decoded = super().decode_json(data)
        except RecursionError:
            raise HTTPException(400, TOO_DEEP) from None
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object with a query.")
        if nests_deeper_than(decoded, MAX_JSON_DEPTH):
            raise HTTPException(400, TOO_DEEP)
        return decoded

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if not isinstance(request, Request) or not isinstance(response, Response):
            raise TypeError("/graphql serves HTTP only")
        known = getattr(request.state, "recur_actor", None)
        actor, via_cookie = known if known is not None else await self.authenticate(request)
        details = current_request()
        if details is not None:
            details.actor_id = actor_label(actor)
        return Context(
            request=request,
            response=response,
            db=self.db,
            settings=self.settings,
            clock=self.clock,
            signer=self.signer,
            actor=actor,
            loaders=Loaders(self.db, actor),
            result_cache=self.result_cache,
            payment_provider=self.payment_provider,
            login_throttle=self.login_throttle,
            signup_throttle=self.signup_throttle,
            password_checks=self.password_checks,
            via_cookie=via_cookie,
            cost_limit=self.cost_limit,
        )

    async def authenticate(self, request: Request) -> tuple[Actor, bool]:
        """A bearer token wins; otherwise the session cookie, only with a valid CSRF header."""
        return await request_actor(
            request,
            self.db,
            self.signer,
            now=self.clock.now(),
            secret_key=self.settings.secret_key,
            previous_keys=self.settings.previous_secret_keys,
            require_csrf=True,
        )


def nests_deeper_than(value: object, limit: int) -> bool:
    """Whether decoded JSON has more than ``limit`` levels of arrays and objects; walked with
    a stack of its own, so any depth is measured without recursion."""
    pending: list[tuple[JsonContainer, int]] = (
        [(value, 1)] if isinstance(value, dict | list) else []
    )
    while pending:
        container, depth = pending.pop()
        if depth > limit:
            return True
        children = container.values() if isinstance(container, dict) else container
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def actor_label(actor: Actor) -> str | None:
    """Who is asking, for the logs: ``user:<id>``, ``partner:<id>/<client>``, or none."""
    if actor.user_id is not None:
        return f"user:{actor.user_id}"
    if actor.partner_id is not None:
        return f"partner:{actor.partner_id}/{actor.client_id}"
    return None

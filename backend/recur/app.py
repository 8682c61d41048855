"""``create_app()``: the ASGI application — GraphQL, OAuth2 tokens, documents, health, the SPA."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from recur.auth.tokens import TokenSigner
from recur.clock import Clock, SystemClock
from recur.db.engine import Database
from recur.graphql.schema import schema
from recur.scheduler import DailyBilling
from recur.services.payments import PaymentProvider, SandboxProvider
from recur.settings import Settings
from recur.web.documents import credit_note_pdf, invoice_pdf
from recur.web.graphql_view import RecurGraphQL
from recur.web.oauth import token_endpoint
from recur.web.security_headers import SecurityHeadersMiddleware
from recur.web.spa import SPAMount


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    payment_provider: PaymentProvider | None = None,
) -> Starlette:
    """Build the application; everything it needs is made here or handed in (tests)."""
    settings = settings or Settings.from_env()
    db = database or Database(settings.database_url)
    clock = clock or SystemClock()
    signer = TokenSigner(settings.secret_key)
    graphql = RecurGraphQL(
        schema,
        db=db,
        settings=settings,
        clock=clock,
        signer=signer,
        payment_provider=payment_provider or SandboxProvider(),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None
        if settings.billing_time is not None:
            daily = DailyBilling(db, clock, settings.billing_time)
            task = asyncio.create_task(daily.run_forever(), name="daily billing run")
        app.state.billing_task = task
        # What start-up made (modules, the schema, most of the heap) lives as long as the
        # process: frozen, the collector's full passes skip it and stay short while requests
        # make garbage fast (docs/performance.md, "Under attack").
        gc.freeze()
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await db.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/documents/invoices/{number}.pdf", invoice_pdf, methods=["GET"]),
            Route("/documents/credit-notes/{number}.pdf", credit_note_pdf, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            SPAMount(settings.frontend_dir),
        ],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            # Stops reading at the limit (413): a huge body never reaches memory whole.
            Middleware(RequestBodyLimitMiddleware, max_body_size=settings.max_body_bytes),
            Middleware(GZipMiddleware, minimum_size=1024),
        ],
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.clock = clock
    app.state.signer = signer
    app.state.billing_task = None
    return app

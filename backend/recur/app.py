"""``create_app()``: the ASGI application — GraphQL, OAuth2 tokens, documents, health, the SPA."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from recur.auth.passwords import PasswordChecks
from recur.auth.throttle import CostLimit, CountStorage, RequestLimit, Throttle
from recur.auth.tokens import TokenSigner
from recur.clock import Clock, SystemClock
from recur.db.engine import Database
from recur.db.migrate import pending
from recur.graphql.schema import schema
from recur.observability.logs import install_record_fields
from recur.scheduler import DailyBilling
from recur.services import invoicing
from recur.services.payments import PaymentProvider, SandboxProvider
from recur.settings import Settings
from recur.web.documents import credit_note_pdf, invoice_pdf, quote_pdf, seller_details
from recur.web.exports import export_csv, timeline_csv
from recur.web.graphql_view import RecurGraphQL
from recur.web.metrics_endpoint import metrics_endpoint
from recur.web.metrics_export import revenue_metrics_csv
from recur.web.oauth import token_endpoint
from recur.web.request_log import RequestLog
from recur.web.security_headers import SecurityHeadersMiddleware
from recur.web.spa import SPAMount
from recur.web.statements import statement_csv, statement_pdf
from recur.web.usage import usage_ndjson
from recur.worker import DeliveryWorker, mailer_from

log = logging.getLogger("recur.health")


async def livez(request: Request) -> Response:
    """The process answers: a supervisor restarts it when this stops answering."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready for traffic: the database answers and has the code's schema; 503 otherwise, so a
    load balancer sends requests elsewhere (docs/operations.md)."""
    try:
        problem = await pending(request.app.state.db)
    except Exception as error:
        log.warning("not ready: the database does not answer (%s)", type(error).__name__)
        problem = "the database does not answer"
    if problem is not None:
        return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
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
    install_record_fields()
    db = database or Database.configured(settings)
    clock = clock or SystemClock()
    payment_provider = payment_provider or SandboxProvider()
    signer = TokenSigner(settings.secret_key, settings.previous_secret_keys)
    password_checks = PasswordChecks(settings.password_checks_at_once)
    counts = CountStorage(settings.count_storage)
    login_throttle, oauth_throttle = (
        Throttle(
            kind,
            counts,
            per_account=settings.login_attempts_per_account,
            per_address=settings.login_attempts_per_address,
        )
        for kind in ("login", "oauth")
    )
    signup_throttle = Throttle(
        "signup", counts, per_account=None, per_address=settings.signups_per_address
    )
    graphql = RecurGraphQL(
        schema,
        db=db,
        settings=settings,
        clock=clock,
        signer=signer,
        payment_provider=payment_provider,
        login_throttle=login_throttle,
        signup_throttle=signup_throttle,
        password_checks=password_checks,
        request_limit=RequestLimit(
            counts,
            per_actor=settings.requests_per_actor,
            per_address=settings.requests_per_address,
        ),
        cost_limit=CostLimit(counts, per_minute=settings.query_cost_per_minute),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Documents issued from now on record the seller as configured (docs/billing.md).
        # (An unmigrated or unreachable database records nothing: /readyz says why.)
        try:
            await invoicing.record_seller(db, seller_details(settings), now=clock.now())
        except SQLAlchemyError:
            log.warning("the seller could not be recorded: the database is not ready")
        task = None
        if settings.billing_time is not None:
            daily = DailyBilling(db, clock, settings.billing_time, provider=payment_provider)
            task = asyncio.create_task(daily.run_forever(), name="daily billing run")
        app.state.billing_task = task
        deliveries = None
        if settings.delivery_worker:
            worker = DeliveryWorker(
                db,
                clock,
                allow_private=settings.webhooks_allow_private,
                mailer=mailer_from(settings, db, clock),
            )
            deliveries = asyncio.create_task(worker.run_forever(), name="webhook deliveries")
        # What start-up made (modules, the schema, most of the heap) lives as long as the
        # process: frozen, the collector's full passes skip it and stay short while requests
        # make garbage fast (docs/performance.md, "Under attack").
        gc.freeze()
        try:
            yield
        finally:
            for running in (task, deliveries):
                if running is not None:
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await running
            await counts.close()
            await db.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/api/usage", usage_ndjson, methods=["POST"]),
            Route("/documents/invoices/{number}.pdf", invoice_pdf, methods=["GET"]),
            Route("/documents/credit-notes/{number}.pdf", credit_note_pdf, methods=["GET"]),
            Route("/exports/revenue-metrics.csv", revenue_metrics_csv, methods=["GET"]),
            Route("/documents/quotes/{number}.pdf", quote_pdf, methods=["GET"]),
            Route("/documents/accounts/{id}/statement.pdf", statement_pdf, methods=["GET"]),
            Route("/documents/accounts/{id}/statement.csv", statement_csv, methods=["GET"]),
            Route("/exports/accounts/{id}/timeline.csv", timeline_csv, methods=["GET"]),
            Route("/exports/{name}.csv", export_csv, methods=["GET"]),
            Route("/livez", livez, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/healthz", readyz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            SPAMount(settings.frontend_dir),
        ],
        middleware=[
            Middleware(RequestLog, db=db),
            Middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies),
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
    app.state.oauth_throttle = oauth_throttle
    app.state.throttle_counts = counts
    app.state.password_checks = password_checks
    app.state.billing_task = None
    return app
